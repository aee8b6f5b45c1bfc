//! Opaque Response Blocking (<https://whatpr.org/fetch/1442.html#orb-algorithm>): what ORB
//! would decide for a no-cors response, as a pure function.
//!
//! CHROMIUM 156: a `fetch()` in no-cors mode whose response ORB blocks still resolves with
//! the ordinary opaque response and prints nothing, so script cannot tell. The engine
//! records the decision in the trace only, to complete the explanation.
//!
//! ```
//! use fetchguard::policy::orb::{OrbBlock, opaque_response_blocking};
//! let h = http::HeaderMap::new();
//! assert_eq!(opaque_response_blocking(200, &h, b"{\"a\": 1}"), Some(OrbBlock::SniffedJson));
//! assert_eq!(opaque_response_blocking(200, &h, b"alert(1)"), None);
//! ```

use http::HeaderMap;

/// Why ORB would block a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrbBlock {
    /// A MIME type ORB never sniffs and always blocks (e.g. `application/pdf`).
    NeverSniffedMime(String),
    /// `X-Content-Type-Options: nosniff` with an HTML, JSON, XML or `text/plain` type.
    NosniffMime(String),
    /// A status other than 2xx.
    ErrorStatus(u16),
    /// A body that sniffs as HTML.
    SniffedHtml,
    /// A body that sniffs as XML.
    SniffedXml,
    /// A body that parses as JSON.
    SniffedJson,
    /// A body starting with a JSON parser breaker (`)]}'`, `{}&&`, `for(;;);`).
    JsonParserBreaker,
}

impl std::fmt::Display for OrbBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrbBlock::NeverSniffedMime(m) => write!(f, "{m} is never allowed cross-origin"),
            OrbBlock::NosniffMime(m) => write!(f, "nosniff with Content-Type {m}"),
            OrbBlock::ErrorStatus(s) => write!(f, "status {s}"),
            OrbBlock::SniffedHtml => f.write_str("the body looks like HTML"),
            OrbBlock::SniffedXml => f.write_str("the body looks like XML"),
            OrbBlock::SniffedJson => f.write_str("the body is JSON"),
            OrbBlock::JsonParserBreaker => {
                f.write_str("the body starts with a JSON parser breaker")
            }
        }
    }
}

/// The MIME essence of `Content-Type` (lower-case, parameters dropped), or "".
fn essence(headers: &HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn is_safelisted(m: &str) -> bool {
    m == "text/css"
        || m.starts_with("image/")
        || m.starts_with("audio/")
        || m.starts_with("video/")
        || matches!(
            m,
            "application/javascript"
                | "text/javascript"
                | "application/x-javascript"
                | "text/ecmascript"
                | "application/ecmascript"
                | "application/dash+xml"
                | "application/vnd.apple.mpegurl"
                | "audio/mpegurl"
                | "text/vtt"
        )
}

fn is_never_sniffed(m: &str) -> bool {
    matches!(
        m,
        "application/gzip"
            | "application/msexcel"
            | "application/mspowerpoint"
            | "application/msword"
            | "application/msword-template"
            | "application/pdf"
            | "application/vnd.ces-quickpoint"
            | "application/vnd.ces-quicksheet"
            | "application/vnd.ces-quickword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-excel.sheet.macroenabled.12"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.ms-powerpoint.presentation.macroenabled.12"
            | "application/vnd.ms-word"
            | "application/vnd.ms-word.document.12"
            | "application/vnd.ms-word.document.macroenabled.12"
            | "application/vnd.msword"
            | "application/x-gzip"
            | "application/x-protobuf"
            | "application/zip"
            | "multipart/byteranges"
            | "multipart/signed"
            | "text/event-stream"
            | "text/csv"
    ) || m.starts_with("application/vnd.openxmlformats-officedocument.")
}

fn is_html_json_xml(m: &str) -> bool {
    m == "text/html"
        || m == "application/json"
        || m == "text/json"
        || m.ends_with("+json")
        || (m != "image/svg+xml"
            && (m.ends_with("+xml") || m == "text/xml" || m == "application/xml"))
}

/// What ORB would decide for a no-cors response: `None` when it would let it through.
pub fn opaque_response_blocking(status: u16, headers: &HeaderMap, body: &[u8]) -> Option<OrbBlock> {
    let mime = essence(headers);
    if is_safelisted(&mime) {
        return None;
    }
    if is_never_sniffed(&mime) {
        return Some(OrbBlock::NeverSniffedMime(mime));
    }
    let nosniff = headers
        .get("x-content-type-options")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("nosniff")
        });
    if nosniff && (is_html_json_xml(&mime) || mime == "text/plain") {
        return Some(OrbBlock::NosniffMime(mime));
    }
    if !(200..300).contains(&status) {
        return Some(OrbBlock::ErrorStatus(status));
    }
    sniff(body)
}

fn sniff(body: &[u8]) -> Option<OrbBlock> {
    let text = String::from_utf8_lossy(&body[..body.len().min(1024)]);
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\n', '\r', '\x0c']);
    for breaker in [")]}'", "{}&&", "for(;;);"] {
        if t.starts_with(breaker) {
            return Some(OrbBlock::JsonParserBreaker);
        }
    }
    let lower = t.to_ascii_lowercase();
    for tag in [
        "<!doctype html",
        "<html",
        "<head",
        "<script",
        "<iframe",
        "<h1",
        "<div",
        "<font",
        "<table",
        "<a",
        "<style",
        "<title",
        "<b",
        "<body",
        "<br",
        "<p",
        "<!--",
    ] {
        if let Some(rest) = lower.strip_prefix(tag)
            && (tag == "<!--" || rest.starts_with([' ', '>']))
        {
            return Some(OrbBlock::SniffedHtml);
        }
    }
    if lower.starts_with("<?xml") {
        return Some(OrbBlock::SniffedXml);
    }
    if !t.is_empty()
        && body.len() <= 1024
        && serde_json::from_slice::<serde_json::Value>(body).is_ok()
    {
        // A bare number or string parses as JSON and as JavaScript; ORB lets those through.
        if t.starts_with(['{', '[']) {
            return Some(OrbBlock::SniffedJson);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (n, v) in pairs {
            m.append(*n, http::HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of plain tuples reads best here
    fn orb_table() {
        use OrbBlock::*;
        let rows: &[(
            u16,
            &[(&'static str, &'static str)],
            &[u8],
            Option<OrbBlock>,
        )] = &[
            (200, &[("content-type", "image/png")], b"{\"a\":1}", None),
            (404, &[("content-type", "image/png")], b"", None),
            (
                200,
                &[("content-type", "application/json")],
                b"{\"a\":1}",
                Some(SniffedJson),
            ),
            (
                200,
                &[("content-type", "application/pdf")],
                b"",
                Some(NeverSniffedMime("application/pdf".into())),
            ),
            (
                200,
                &[
                    ("content-type", "text/plain"),
                    ("x-content-type-options", "nosniff"),
                ],
                b"x",
                Some(NosniffMime("text/plain".into())),
            ),
            (404, &[], b"alert(1)", Some(ErrorStatus(404))),
            (
                200,
                &[("content-type", "text/html")],
                b"<!DOCTYPE html><p>",
                Some(SniffedHtml),
            ),
            (200, &[], b"<?xml version=\"1.0\"?><a/>", Some(SniffedXml)),
            (
                200,
                &[("content-type", "application/javascript")],
                b")]}'\n{}",
                None,
            ),
            (
                200,
                &[("content-type", "text/plain")],
                b")]}'\n{}",
                Some(JsonParserBreaker),
            ),
            (200, &[], b"alert(1)", None),
            (200, &[], b"", None),
        ];
        for (status, headers, body, want) in rows {
            assert_eq!(
                &opaque_response_blocking(*status, &h(headers), body),
                want,
                "{status} {headers:?}"
            );
        }
    }
}
