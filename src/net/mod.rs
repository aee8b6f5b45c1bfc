//! The network edge: one [`Transport`] trait, and the hyper + rustls implementation.
//!
//! The fetch algorithms hand a fully built [`WireRequest`] to the transport and get back
//! the raw [`WireResponse`] (redirects are *not* followed here: that is the guard's job).

mod body;
mod client;
pub(crate) mod decode;
pub(crate) mod service;

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http::HeaderMap;
use url::Url;

use crate::errors::NetError;

pub use client::{HyperTransport, Limits, Resolution};
pub use service::{OriginService, Serving};

/// A request exactly as it goes on the wire.
#[derive(Clone, Debug)]
pub struct WireRequest {
    /// The method, as sent (case preserved).
    pub method: http::Method,
    /// The URL.
    pub url: Url,
    /// The headers.
    pub headers: HeaderMap,
    /// The body (empty for none).
    pub body: Bytes,
    /// Headers to add when the request goes over HTTP/2 (names not already in
    /// `headers`): the profile's [`http2_request_headers`](crate::Profile::http2_request_headers).
    /// A transport without protocols ignores them.
    /// Shared: the same for every request of a Browser.
    pub http2_headers: std::sync::Arc<HeaderMap>,
    /// Headers the browser's network stack adds to a response that came over HTTP/2
    /// (names the server did not send): the profile's
    /// [`http2_response_headers`](crate::Profile::http2_response_headers).
    /// Shared: the same for every request of a Browser.
    pub http2_response_headers: std::sync::Arc<HeaderMap>,
}

/// A response as the server sent it, body fully read.
#[derive(Clone, Debug)]
pub struct WireResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A boxed future, as the transport returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that can carry a request to a server and bring back its response.
///
/// ```
/// use fetchguard::net::{Transport, WireRequest, WireResponse, BoxFuture};
/// use fetchguard::NetError;
/// struct Refuse;
/// impl Transport for Refuse {
///     fn send(&self, _req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
///         Box::pin(async { Err(NetError::ConnectionFailed("refused".into())) })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends one request; does not follow redirects.
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>>;

    /// True when the transport knows, without connecting, that nothing answers at
    /// `url`'s host and port (a name it will not resolve), so a request there fails
    /// before any connection exists. The default, `false`, is "cannot tell".
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use fetchguard::net::{HyperTransport, Limits, Resolution, Transport};
    /// let served = HashMap::from([(("api.example".to_string(), 443), "127.0.0.1:9".parse().unwrap())]);
    /// let url = |u: &str| url::Url::parse(u).unwrap();
    /// let only = HyperTransport::with_resolution(served.clone(), vec![], Limits::default(), Resolution::OverridesOnly);
    /// assert!(!only.known_unreachable(&url("https://API.example/x")));
    /// assert!(only.known_unreachable(&url("https://other.example/x")));
    /// assert!(only.known_unreachable(&url("http://api.example/x"))); // port 80: no server
    /// let dns = HyperTransport::new(served, vec![], Limits::default());
    /// assert!(!dns.known_unreachable(&url("https://other.example/x"))); // DNS may know it
    /// ```
    fn known_unreachable(&self, _url: &Url) -> bool {
        false
    }
}

/// True when a server received the request whose exchange ended in `result`: a response
/// came back, or a [`NetError::Protocol`] error, which this crate's transports raise only
/// once the request was handed to the server (a malformed or broken response from a
/// socket, a failure inside an in-process service). Resolving, connecting, TLS and
/// timeouts fail before any server received the request, as far as the client can know.
///
/// ```
/// use fetchguard::NetError;
/// use fetchguard::net::delivered;
/// assert!(!delivered(&Err(NetError::ConnectionFailed("refused".into()))));
/// assert!(!delivered(&Err(NetError::NameNotResolved)));
/// assert!(delivered(&Err(NetError::Protocol("reading the body: reset".into()))));
/// ```
pub fn delivered(result: &Result<WireResponse, NetError>) -> bool {
    matches!(result, Ok(_) | Err(NetError::Protocol(_)))
}

/// True when a response with this status carries `Content-Length` (every one but 1xx,
/// 204 and 304, which have no body by definition, RFC 9110 section 8.6).
///
/// ```
/// use fetchguard::net::status_has_content_length;
/// assert!(status_has_content_length(404));
/// assert!(!status_has_content_length(204));
/// ```
pub fn status_has_content_length(status: u16) -> bool {
    !(status < 200 || status == 204 || status == 304)
}

/// A response's header map with each value's leading and trailing spaces and tabs removed.
///
/// CHROMIUM: header values are trimmed the same way over HTTP/1.1 and HTTP/2 (observed:
/// `Access-Control-Allow-Origin: https://app.example ` passes the CORS check, and a padded
/// exposed header reads unpadded, over both). hyper's HTTP/1.1 parser already trims; its
/// HTTP/2 path and in-process services hand values over as sent.
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("access-control-allow-credentials", HeaderValue::from_static("  true\t"));
/// let h = fetchguard::net::trim_header_values(h);
/// assert_eq!(h["access-control-allow-credentials"], "true");
/// ```
pub fn trim_header_values(headers: HeaderMap) -> HeaderMap {
    let padded = |v: &http::HeaderValue| {
        let b = v.as_bytes();
        matches!(b.first(), Some(b' ' | b'\t')) || matches!(b.last(), Some(b' ' | b'\t'))
    };
    // The usual case (hyper's HTTP/1.1 parser already trimmed): nothing to rebuild.
    if !headers.values().any(padded) {
        return headers;
    }
    let mut out = HeaderMap::with_capacity(headers.len());
    let mut last = None;
    for (name, value) in headers {
        let name = match name {
            Some(n) => {
                last = Some(n.clone());
                n
            }
            None => match &last {
                Some(n) => n.clone(),
                None => continue,
            },
        };
        let bytes = value.as_bytes();
        let start = bytes
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t'))
            .unwrap_or(bytes.len());
        let end = bytes
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t'))
            .map_or(start, |i| i + 1);
        let value = if start == 0 && end == bytes.len() {
            value
        } else {
            http::HeaderValue::from_bytes(&bytes[start..end]).unwrap_or(value)
        };
        out.append(name, value);
    }
    out
}
