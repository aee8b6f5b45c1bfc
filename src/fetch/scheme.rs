//! Scheme fetch (<https://fetch.spec.whatwg.org/#scheme-fetch>) for the non-HTTP schemes a
//! page may fetch: `data:` (readable in every mode). `about:` and unknown schemes fail.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use url::Url;

use crate::errors::{FailureReason, NetError};
use crate::response::InternalResponse;

use super::{Failure, FetchState, Fetched};

/// Fetches the current URL of a non-HTTP scheme.
pub(crate) async fn scheme_fetch(state: &mut FetchState<'_>) -> Result<Fetched, Failure> {
    let url = state.current_url().clone();
    let data = data_url::DataUrl::process(url.as_str()).map_err(|_| {
        Failure::silent(FailureReason::Network(NetError::Protocol(
            "invalid data: URL".into(),
        )))
    })?;
    let (body, _fragment) = data.decode_to_vec().map_err(|_| {
        Failure::silent(FailureReason::Network(NetError::Protocol(
            "invalid base64 in data: URL".into(),
        )))
    })?;
    let mime = data.mime_type().to_string();
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        headers.insert(http::header::CONTENT_TYPE, v);
    }
    let body = if state.method == http::Method::HEAD {
        Bytes::new()
    } else {
        Bytes::from(body)
    };
    state
        .trace
        .note(crate::trace::Notice::DataUrl(body.len(), mime));
    Ok(Fetched {
        internal: InternalResponse {
            status: 200,
            headers,
            body,
            url_list: state.url_list.clone(),
        },
        opaque_redirect: false,
    })
}

/// The failure for a URL whose scheme fetch cannot load; the profile's wording gives its
/// console lines ([`Wording::quiet_failure`](crate::wording::Wording::quiet_failure)).
pub(crate) fn unsupported_scheme(url: &Url) -> Failure {
    Failure::silent(FailureReason::UnsupportedScheme(url.scheme().to_string()))
}
