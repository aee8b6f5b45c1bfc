//! The response script gets: a filtered view decided by its type.
//!
//! The internal (unfiltered) response never leaves the engine: a [`Response`] is built from
//! it by [`filter`], keeping only what the type allows. An opaque or opaqueredirect response
//! holds status 0, no headers and no body, so no API can reach the hidden data. What the
//! server really sent stays in the [`Trace`].

use bytes::Bytes;
use http::HeaderMap;
use url::Url;

use crate::errors::{CorsError, FailureReason};
use crate::headers::{is_cors_safelisted_response_header_name, is_forbidden_response_header_name};
use crate::trace::Trace;

/// The response type (<https://fetch.spec.whatwg.org/#concept-response-type>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResponseType {
    /// Same-origin (or `data:`): every header but `Set-Cookie`.
    Basic,
    /// Cross-origin and CORS-approved: safelisted and exposed headers only.
    Cors,
    /// Cross-origin `no-cors`: nothing readable.
    Opaque,
    /// A redirect under `redirect: "manual"`: nothing readable.
    OpaqueRedirect,
}

impl ResponseType {
    /// The token script reads from `response.type`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ResponseType::Basic => "basic",
            ResponseType::Cors => "cors",
            ResponseType::Opaque => "opaque",
            ResponseType::OpaqueRedirect => "opaqueredirect",
        }
    }
}

/// The unfiltered response, inside the engine only.
#[derive(Clone, Debug)]
pub(crate) struct InternalResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub url_list: Vec<Url>,
}

/// What script sees of a response.
///
/// ```no_run
/// # async fn demo() -> Result<(), fetchguard::FetchError> {
/// use fetchguard::{Browser, Request, ResponseType};
/// let browser = Browser::builder().build();
/// let page = browser.page("https://app.example/").unwrap();
/// let res = page.fetch(Request::get("https://api.example/data")).await?;
/// if res.response_type() == ResponseType::Cors {
///     println!("{} {}", res.status(), res.text());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Response {
    rtype: ResponseType,
    status: u16,
    status_text: &'static str,
    url: Option<Url>,
    redirected: bool,
    /// The header list script reads, rendered on first use from `received`.
    headers: std::sync::OnceLock<Vec<(String, String)>>,
    /// The response's headers and which of them script may read.
    received: Option<(HeaderMap, Visibility)>,
    body: Bytes,
    trace: Trace,
}

/// Which received headers a filtered response shows
/// (<https://fetch.spec.whatwg.org/#concept-filtered-response>).
#[derive(Clone, Debug)]
enum Visibility {
    /// A basic response: all but the forbidden response header names.
    Basic,
    /// A CORS response: the safelisted names and those exposed (`*` exposes all
    /// without credentials).
    Cors { exposed: Vec<String>, star: bool },
}

impl Visibility {
    fn shows(&self, name: &str) -> bool {
        match self {
            Visibility::Basic => !is_forbidden_response_header_name(name),
            Visibility::Cors { exposed, star } => {
                !is_forbidden_response_header_name(name)
                    && (*star || is_cors_safelisted_response_header_name(name, exposed))
            }
        }
    }
}

/// Shows what script can read: the received headers script may not read stay hidden.
impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("rtype", &self.rtype)
            .field("status", &self.status)
            .field("status_text", &self.status_text)
            .field("url", &self.url)
            .field("redirected", &self.redirected)
            .field("headers", &self.headers())
            .field("body", &self.body)
            .field("trace", &self.trace)
            .finish()
    }
}

impl Response {
    /// `response.type`.
    pub fn response_type(&self) -> ResponseType {
        self.rtype
    }

    /// `response.status` (0 for opaque and opaqueredirect).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// `response.statusText` ("" for opaque and opaqueredirect; HTTP/2 has none).
    pub fn status_text(&self) -> &str {
        self.status_text
    }

    /// `response.ok`.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `response.url`: the last URL of the chain without its fragment ("" for opaque).
    pub fn url(&self) -> String {
        match &self.url {
            Some(u) => {
                let mut u = u.clone();
                u.set_fragment(None);
                u.to_string()
            }
            None => String::new(),
        }
    }

    /// `response.redirected`.
    pub fn redirected(&self) -> bool {
        self.redirected
    }

    /// The headers script can read, as `response.headers` iterates them: lower-case names,
    /// sorted, repeated names combined with ", " (`Set-Cookie` never appears).
    pub fn headers(&self) -> &[(String, String)] {
        self.headers.get_or_init(|| match &self.received {
            Some((headers, visibility)) => script_headers(headers, visibility),
            None => Vec::new(),
        })
    }

    /// `response.headers.get(name)`.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers()
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body bytes script can read (empty for opaque types).
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body decoded as UTF-8 with replacement, as `response.text()` does.
    pub fn text(&self) -> String {
        let b: &[u8] = &self.body;
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
        String::from_utf8_lossy(b).into_owned()
    }

    /// CORS failures `Enforcement::ReportOnly` let through for this fetch.
    pub fn violations(&self) -> Vec<&crate::enforcement::Violation> {
        self.trace
            .events()
            .iter()
            .filter_map(|e| match e {
                crate::trace::TraceEvent::Violation(v) => Some(v),
                _ => None,
            })
            .collect()
    }

    /// The trace of the fetch that produced this response.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
}

/// Builds the script-facing view of an internal response
/// (<https://fetch.spec.whatwg.org/#concept-filtered-response>).
pub(crate) fn filter(
    internal: InternalResponse,
    rtype: ResponseType,
    credentials_include: bool,
    trace: Trace,
) -> Response {
    let redirected = internal.url_list.len() > 1;
    match rtype {
        ResponseType::Opaque => Response {
            rtype,
            status: 0,
            status_text: "",
            url: None,
            redirected: false,
            headers: std::sync::OnceLock::new(),
            received: None,
            body: Bytes::new(),
            trace,
        },
        ResponseType::OpaqueRedirect => Response {
            rtype,
            status: 0,
            status_text: "",
            // The spec keeps the URL list for opaqueredirect: script sees the request URL.
            url: internal.url_list.last().cloned(),
            redirected: false,
            headers: std::sync::OnceLock::new(),
            received: None,
            body: Bytes::new(),
            trace,
        },
        ResponseType::Basic | ResponseType::Cors => {
            let visibility = if rtype == ResponseType::Basic {
                Visibility::Basic
            } else {
                let exposed = exposed_names(&internal.headers, credentials_include);
                let star = exposed.iter().any(|e| e == "*") && !credentials_include;
                Visibility::Cors { exposed, star }
            };
            Response {
                rtype,
                status: internal.status,
                status_text: http::StatusCode::from_u16(internal.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or(""),
                url: internal.url_list.last().cloned(),
                redirected,
                headers: std::sync::OnceLock::new(),
                received: Some((internal.headers, visibility)),
                body: internal.body,
                trace,
            }
        }
    }
}

/// The names listed in `Access-Control-Expose-Headers` (all lines; unparsable lists
/// expose nothing, as the header-list parse fails).
fn exposed_names(headers: &HeaderMap, _credentials_include: bool) -> Vec<String> {
    let values: Vec<&[u8]> = headers
        .get_all(http::header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    if values.is_empty() {
        return Vec::new();
    }
    crate::headers::parse_token_list(values).unwrap_or_default()
}

/// The header list as `Headers` iteration shows it: lower-case, sorted, combined.
fn script_headers(headers: &HeaderMap, visibility: &Visibility) -> Vec<(String, String)> {
    // Each name once (a HeaderMap's keys are distinct), in byte order.
    let mut names: Vec<&http::HeaderName> = headers.keys().collect();
    names.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    names
        .into_iter()
        .filter(|n| visibility.shows(n.as_str()))
        .map(|n| {
            let mut values = headers.get_all(n).iter();
            let mut joined = values
                .next()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            for v in values {
                joined.push_str(", ");
                joined.push_str(&String::from_utf8_lossy(v.as_bytes()));
            }
            (n.as_str().to_string(), joined)
        })
        .collect()
}

/// A rejected `fetch()`: the TypeError script sees, the console lines the browser prints,
/// and why.
///
/// ```
/// use fetchguard::{CorsError, FailureReason, FetchError};
/// let e = FetchError::new(
///     FailureReason::Cors(CorsError::MissingAllowOriginHeader),
///     "Failed to fetch",
///     vec!["Access to fetch at ...".into()],
/// );
/// assert_eq!(e.message(), "Failed to fetch");
/// assert_eq!(e.cors_error(), Some(&CorsError::MissingAllowOriginHeader));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    reason: FailureReason,
    message: String,
    console: Vec<String>,
    trace: Trace,
}

impl FetchError {
    /// A failure with its TypeError message and console lines.
    pub fn new(reason: FailureReason, message: impl Into<String>, console: Vec<String>) -> Self {
        FetchError {
            reason,
            message: message.into(),
            console,
            trace: Trace::new(),
        }
    }

    /// The same error carrying the trace of the fetch that failed.
    pub fn with_trace(mut self, trace: Trace) -> Self {
        self.trace = trace;
        self
    }

    /// What happened on the wire before the failure (preflights, redirects, and the
    /// request itself, which may have reached the server even though script is blocked).
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The machine-readable reason.
    pub fn reason(&self) -> &FailureReason {
        &self.reason
    }

    /// The TypeError's `message`, as script reads it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The console error lines Chromium prints for this failure, in order.
    pub fn console(&self) -> &[String] {
        &self.console
    }

    /// The CORS reason, when CORS blocked the fetch.
    pub fn cors_error(&self) -> Option<&CorsError> {
        match &self.reason {
            FailureReason::Cors(e) => Some(e),
            _ => None,
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypeError: {}", self.message)?;
        for line in &self.console {
            write!(f, "\n  console: {line}")?;
        }
        Ok(())
    }
}

impl std::error::Error for FetchError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn internal(pairs: &[(&str, &str)]) -> InternalResponse {
        InternalResponse {
            status: 200,
            headers: crate::headers::map_of(pairs),
            body: Bytes::from_static(b"ok"),
            url_list: vec![Url::parse("https://api.example/x").unwrap()],
        }
    }

    #[test]
    fn a_cors_response_shows_safelisted_and_exposed_headers_only_even_in_debug() {
        let r = filter(
            internal(&[
                ("content-type", "text/plain"),
                ("x-secret", "1"),
                ("x-shown", "a"),
                ("x-shown", "b"),
                ("access-control-expose-headers", "X-Shown"),
                ("set-cookie", "sid=1"),
            ]),
            ResponseType::Cors,
            false,
            Trace::new(),
        );
        assert_eq!(
            r.headers(),
            &[
                ("content-type".to_string(), "text/plain".to_string()),
                ("x-shown".to_string(), "a, b".to_string()),
            ]
        );
        assert_eq!(r.header("X-Shown"), Some("a, b"));
        let debug = format!("{r:?}");
        assert!(
            !debug.contains("x-secret") && !debug.contains("sid=1"),
            "{debug}"
        );
    }

    #[test]
    fn a_basic_response_hides_only_forbidden_names() {
        let r = filter(
            internal(&[("x-b", "2"), ("set-cookie", "sid=1"), ("x-a", "1")]),
            ResponseType::Basic,
            false,
            Trace::new(),
        );
        let names: Vec<&str> = r.headers().iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["x-a", "x-b"]);
        assert_eq!(r.status_text(), "OK");
    }
}
