//! What a fetch showed: the observation every scenario check (and the JSON output, and the
//! Chromium verifier) is made of.

use serde::{Deserialize, Serialize};

use crate::headers::HeaderBlock;
use crate::loopback::RecordedRequest;
use crate::response::FetchError;
use crate::response::Response;

/// One fetch, as observed: the keys of `[fetch.expect]`, all filled in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchObservation {
    /// `response` or `error`.
    pub outcome: String,
    /// The TypeError message, for an error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    /// The console error lines, in order.
    pub console: Vec<String>,
    /// The response type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub rtype: Option<String>,
    /// The status.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    /// The response URL.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    /// `response.redirected`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub redirected: Option<bool>,
    /// Every header visible to script (lower-case names, repeated ones combined), in one
    /// compact block.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub headers: Option<HeaderBlock>,
    /// The body as script reads it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub body: Option<String>,
    /// The requests the servers received during this fetch, in order.
    pub wire: Vec<WireObservation>,
    /// Machine-readable failure reason (extension: the CORS error name, or the kind).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// One request a server received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireObservation {
    /// The method.
    pub method: String,
    /// The URL.
    pub url: String,
    /// Every header, lower-case names, repeated ones combined with ", " (one compact
    /// block: long scenarios keep one per request).
    pub headers: HeaderBlock,
}

impl FetchObservation {
    /// The observation of a fetch's result and the requests the servers got meanwhile.
    pub fn new(result: &Result<Response, FetchError>, wire: &[RecordedRequest]) -> Self {
        let wire = wire.iter().map(WireObservation::from).collect();
        match result {
            Ok(r) => FetchObservation {
                outcome: "response".into(),
                error: None,
                console: r.trace().console_warnings(),
                rtype: Some(r.response_type().as_str().into()),
                status: Some(r.status()),
                url: Some(r.url()),
                redirected: Some(r.redirected()),
                headers: Some(r.headers().iter().cloned().collect()),
                body: Some(r.text()),
                wire,
                reason: None,
            },
            Err(e) => FetchObservation {
                outcome: "error".into(),
                error: Some(e.message().to_string()),
                console: e.console().to_vec(),
                wire,
                reason: Some(reason_name(e)),
                ..FetchObservation::default()
            },
        }
    }
}

fn reason_name(e: &FetchError) -> String {
    use crate::errors::FailureReason::*;
    match e.reason() {
        Cors(c) => c.name().to_string(),
        Request(r) => format!("Request::{r:?}"),
        MixedContent => "MixedContent".into(),
        Network(n) => format!("Network::{n:?}"),
        Redirect(r) => format!("Redirect::{r:?}"),
        UnsupportedScheme(s) => format!("UnsupportedScheme({s})"),
        NotInCache => "NotInCache".into(),
        Corp(b) => format!("Corp::{}", b.devtools_name()),
    }
}

impl From<&RecordedRequest> for WireObservation {
    fn from(r: &RecordedRequest) -> Self {
        let mut headers: Vec<(String, String)> = Vec::with_capacity(r.headers.len());
        for (n, v) in &r.headers {
            let n = n.to_ascii_lowercase();
            match headers.iter_mut().find(|(k, _)| *k == n) {
                Some((_, e)) => {
                    e.push_str(", ");
                    e.push_str(v);
                }
                None => headers.push((n, v.clone())),
            }
        }
        WireObservation {
            method: r.method.clone(),
            url: r.url.to_string(),
            headers: headers.into_iter().collect(),
        }
    }
}
