//! The trace: everything a fetch did, hop by hop, for people and for assertions.
//!
//! The algorithms record events here and never print. The CLI trace, the scenario `wire`
//! checks and the harness assertions all read it. It is also the only place the unfiltered
//! response (what the server really answered) can be seen: script-facing views never
//! expose it.

use std::fmt;

mod diagram;
mod render;
mod teach;

pub use diagram::{Ending, escape_html, sequence_svg};
pub use render::{Detail, Style};
pub(crate) use teach::cors_plain;
pub use teach::human_size;

use std::borrow::Cow;

use http::{HeaderMap, HeaderValue, Method};
use url::Url;

use crate::cookies::{CookieBlock, CookieRejection};
use crate::cors::MissReason;
use crate::errors::{CorsError, NetError};
use crate::headers::WireHeaders;
use crate::policy::{AddressSpace, LnaDenial, Permission};

/// A request as it went on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireRecord {
    /// Preflight or the request itself.
    pub kind: HopKind,
    /// The method sent.
    pub method: Method,
    /// The URL requested.
    pub url: Url,
    /// Every header sent, as sent (lower-case names, in wire order), in one compact
    /// block; [`WireRecord::header_pairs`] gives strings.
    pub headers: WireHeaders,
    /// The body length.
    pub body_len: usize,
}

impl WireRecord {
    /// The first value of a header (case-insensitive name), when it is UTF-8 (request
    /// headers built from `&str` always are).
    ///
    /// ```
    /// use fetchguard::trace::{HopKind, WireRecord};
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("origin", "https://app.example".parse().unwrap());
    /// let w = WireRecord {
    ///     kind: HopKind::Main,
    ///     method: http::Method::GET,
    ///     url: "https://api.example/".parse().unwrap(),
    ///     headers: (&headers).into(),
    ///     body_len: 0,
    /// };
    /// assert_eq!(w.header("Origin"), Some("https://app.example"));
    /// assert_eq!(w.header("cookie"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get_str(name)
    }

    /// Every header as (lower-case name, value) strings, in wire order; a value that is
    /// not UTF-8 is converted lossily.
    pub fn header_pairs(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
        self.headers.pairs()
    }
}

/// A header map as (lower-case name, value) strings, in map order: the order the headers
/// went on (or came off) the wire. Values that are not UTF-8 are converted lossily.
///
/// ```
/// let mut h = http::HeaderMap::new();
/// h.append("x-a", "1".parse().unwrap());
/// h.append("x-a", "2".parse().unwrap());
/// let pairs: Vec<_> = fetchguard::trace::header_pairs(&h).collect();
/// assert_eq!(pairs, [("x-a", "1".into()), ("x-a", "2".into())]);
/// ```
pub fn header_pairs(headers: &HeaderMap) -> impl Iterator<Item = (&str, Cow<'_, str>)> {
    headers.iter().map(|(n, v)| (n.as_str(), value_str(v)))
}

/// A header value as text: borrowed when it is UTF-8, converted lossily otherwise.
pub fn value_str(v: &HeaderValue) -> Cow<'_, str> {
    String::from_utf8_lossy(v.as_bytes())
}

/// Whether a hop was a CORS preflight or the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopKind {
    /// The `OPTIONS` preflight.
    Preflight,
    /// The request (or a redirect hop of it).
    Main,
}

/// Why a request needed a preflight.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PreflightReason {
    /// The method is not GET, HEAD or POST.
    Method(String),
    /// These header names are CORS-unsafe.
    Headers(Vec<String>),
}

/// Why cookies were or were not attached to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieDecision {
    /// The credentials mode keeps cookies off this request.
    NotIncluded(NotIncluded),
    /// The jar was asked; these were sent and these were blocked.
    Considered {
        /// Names of the cookies sent.
        sent: Vec<String>,
        /// Cookies matching the URL but blocked (name, reason).
        blocked: Vec<(String, CookieBlock)>,
    },
}

/// Why the credentials mode keeps cookies off a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotIncluded {
    /// `credentials: 'omit'`.
    CredentialsOmit,
    /// `credentials: 'same-origin'` and the request is cross-origin (or was redirected
    /// across origins).
    CrossOriginUnderSameOrigin,
    /// The page's `Cross-Origin-Embedder-Policy: credentialless` and a cross-origin
    /// no-cors request.
    CoepCredentialless,
}

impl fmt::Display for NotIncluded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotIncluded::CredentialsOmit => "credentials: 'omit'",
            NotIncluded::CrossOriginUnderSameOrigin => {
                "credentials: 'same-origin' and the URL is cross-origin"
            }
            NotIncluded::CoepCredentialless => {
                "the page's COEP credentialless: cross-origin no-cors requests carry no cookies"
            }
        })
    }
}

/// One thing that happened during a fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceEvent {
    /// The request needed a preflight, and why.
    PreflightNeeded(Vec<PreflightReason>),
    /// The preflight cache covered the request: no preflight went out.
    PreflightCacheHit,
    /// The preflight cache did not cover it.
    PreflightCacheMiss(MissReason),
    /// A preflight result was cached for this long (seconds).
    PreflightCached(u64),
    /// The cookie decision for the next request on the wire.
    Cookies(CookieDecision),
    /// A request went on the wire and a server received it (boxed: the other events are
    /// much smaller, and a long scenario keeps every trace).
    Sent(Box<WireRecord>),
    /// A request was attempted but no server received it (the name did not resolve, the
    /// connection or TLS failed, or no answer came in time). Not part of [`Trace::wire`].
    NotDelivered(Box<WireRecord>),
    /// The server answered (unfiltered).
    Received {
        /// Status code.
        status: u16,
        /// Every header, as received (lower-case names, in wire order), in one compact
        /// block; [`WireHeaders::pairs`] gives strings.
        headers: WireHeaders,
        /// Body length.
        body_len: usize,
    },
    /// Cookies stored from `Set-Cookie` (names), and any rejected with the reason.
    CookiesStored {
        /// Names stored.
        stored: Vec<String>,
        /// (cookie line, reason) rejected.
        rejected: Vec<(String, CookieRejection)>,
    },
    /// The network failed.
    NetworkFailed(NetError),
    /// A redirect was followed.
    Redirect {
        /// The status.
        status: u16,
        /// From (boxed, as `to`: keeps every event small).
        from: Box<Url>,
        /// To.
        to: Box<Url>,
        /// The method after the redirect.
        method: String,
        /// True when the origin became tainted (`Origin: null` from now on).
        tainted: bool,
    },
    /// CORS blocked the response (or preflight).
    CorsBlocked(CorsError),
    /// The CORS check passed.
    CorsPassed,
    /// A CORS failure let through by `Enforcement::ReportOnly`.
    Violation(Violation),
    /// A note (mode decisions, mixed content, dropped headers), rendered in words on
    /// demand.
    Note(Notice),
}

/// Something worth telling that is not a request, a response or a CORS verdict. Each kind
/// is its own variant, so tools can match on it; `Display` gives the words.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// A `Location` that is not a valid URL (the raw value).
    InvalidLocation(String),
    /// A redirect to a non-HTTP(S) URL.
    NonHttpRedirect(String),
    /// More than 20 redirects.
    TooManyRedirects,
    /// A redirect to a URL with a user name or password.
    RedirectWithCredentials(String),
    /// An https page asked for an http URL.
    MixedContent,
    /// A no-cors request with a redirect mode other than `follow`.
    NoCorsRedirectMode,
    /// Redirect mode `error` met a redirect.
    RedirectModeError,
    /// A forbidden request header script set (the name), dropped.
    ForbiddenHeaderDropped(String),
    /// A header not no-cors-safelisted (the name), dropped.
    NoCorsHeaderDropped(String),
    /// A repeated header whose combined value is not no-cors-safelisted (the name): the
    /// appended value is dropped.
    NoCorsAppendedValueDropped(String),
    /// Served from the HTTP cache without a request: the stored status, and how many
    /// more seconds it is fresh (`None`: stale, but the cache mode accepts it).
    FromHttpCache {
        /// The stored status.
        status: u16,
        /// Seconds of freshness left (`None`: stale).
        fresh_for: Option<u64>,
    },
    /// A conditional request was answered `304`: the stored response is used.
    Revalidated304,
    /// The stored response was stale (or must be revalidated) and the server sent a new one.
    StaleRefetched,
    /// The response was blocked (CORS or CORP) before its body was read, so the HTTP cache
    /// does not keep it.
    BlockedResponseNotCached,
    /// An entry exists for the URL, but its `Vary` request headers differ.
    VaryMismatch,
    /// The response just stored in the HTTP cache was blocked (CORS or CORP), so it is
    /// not kept.
    BlockedNotCached,
    /// Script set a conditional header (`If-None-Match`...), so the HTTP cache is neither
    /// read nor written for this request.
    ConditionalBypassesCache,
    /// A `data:` URL decoded locally (bytes, MIME type).
    DataUrl(usize, String),
    /// Local Network Access granted a public page's request into a more-private space;
    /// it goes out exactly as it would without LNA.
    LocalNetworkGranted {
        /// The page's address space.
        page_space: AddressSpace,
        /// The space the URL reaches.
        target_space: AddressSpace,
    },
    /// Local Network Access blocked the request before anything was sent.
    LocalNetworkBlocked {
        /// The page's address space.
        page_space: AddressSpace,
        /// The space the URL reaches.
        target_space: AddressSpace,
        /// The page origin's permission for that space.
        permission: Permission,
        /// Why.
        denial: LnaDenial,
    },
    /// An http URL from an https page let through by mixed content (with a warning)
    /// because Local Network Access decides it: a private IP literal, a `.local` name, or
    /// a fetch that names a `local` or `loopback` `targetAddressSpace`. Holds the
    /// warning line Chromium prints.
    MixedContentLeftToLocalNetwork(String),
    /// A console line the profile's engine prints about a `Set-Cookie` it refused (the
    /// line; Firefox prints them, Chromium does not).
    CookieRejectedConsole(String),
    /// The cross-origin resource policy check blocked this hop's response (URL, why).
    CorpBlocked(String, crate::policy::corp::CorpBlock),
    /// The page's `Cross-Origin-Embedder-Policy-Report-Only` would have blocked this
    /// hop's response (URL, why); it blocks nothing.
    CorpReportOnly(String, crate::policy::corp::CorpBlock),
    /// The page's `COEP: credentialless` sent this cross-origin no-cors request without
    /// credentials.
    CoepCredentialless,
    /// Opaque Response Blocking would block this no-cors response (why); CHROMIUM 156
    /// still resolves `fetch()` with the ordinary opaque response.
    Orb(crate::policy::orb::OrbBlock),
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::InvalidLocation(raw) => write!(f, "Location '{raw}' is not a valid URL"),
            Notice::NonHttpRedirect(u) => write!(f, "redirect to a non-HTTP(S) URL: {u}"),
            Notice::TooManyRedirects => f.write_str("more than 20 redirects"),
            Notice::RedirectWithCredentials(u) => {
                write!(f, "redirect to a URL with credentials: {u}")
            }
            Notice::MixedContent => {
                f.write_str("mixed content: an https page may not fetch an insecure URL")
            }
            Notice::NoCorsRedirectMode => {
                f.write_str("no-cors requests must use redirect mode 'follow'")
            }
            Notice::RedirectModeError => {
                f.write_str("redirect mode 'error': the redirect is a network error")
            }
            Notice::ForbiddenHeaderDropped(n) => write!(f, "header {n} is forbidden: dropped"),
            Notice::NoCorsHeaderDropped(n) => {
                write!(f, "header {n} is not no-cors-safelisted: dropped")
            }
            Notice::NoCorsAppendedValueDropped(n) => write!(
                f,
                "header {n}: appended value not safelisted in no-cors: dropped"
            ),
            Notice::FromHttpCache {
                status,
                fresh_for: Some(n),
            } => write!(
                f,
                "from HTTP cache (fresh for {n} s): a {status} stored earlier, no request sent"
            ),
            Notice::LocalNetworkGranted {
                page_space,
                target_space,
            } => write!(
                f,
                "Local Network Access: {page_space} page -> {target_space} server, permission granted: sent as usual"
            ),
            Notice::LocalNetworkBlocked {
                page_space,
                target_space,
                permission,
                denial,
            } => {
                write!(
                    f,
                    "Local Network Access: {page_space} page -> {target_space} server, permission {}: ",
                    permission.as_str()
                )?;
                match denial {
                    LnaDenial::TargetMismatch { requested, .. } => write!(
                        f,
                        "targetAddressSpace '{requested}' does not match; nothing was sent"
                    ),
                    LnaDenial::InsecureContext(_) => f.write_str(
                        "the page is not a secure context, so it may never reach inward; nothing was sent",
                    ),
                    LnaDenial::PermissionDenied(..) => {
                        f.write_str("denied (headless Chrome cannot prompt); nothing was sent")
                    }
                }
            }
            Notice::MixedContentLeftToLocalNetwork(_) => f.write_str(
                "mixed content: an insecure URL in a private address space is only warned about; Local Network Access decides",
            ),
            Notice::CookieRejectedConsole(line) => write!(f, "console: {line}"),
            Notice::FromHttpCache {
                status,
                fresh_for: None,
            } => write!(
                f,
                "from HTTP cache (stale, accepted by the cache mode): a {status} stored earlier, no request sent"
            ),
            Notice::Revalidated304 => f.write_str("revalidated: 304, the stored response is used"),
            Notice::StaleRefetched => f.write_str("stale, refetched"),
            Notice::BlockedResponseNotCached => {
                f.write_str("blocked before its body was read: not kept in the HTTP cache")
            }
            Notice::VaryMismatch => {
                f.write_str("Vary mismatch: the stored response was for other request headers")
            }
            Notice::BlockedNotCached => {
                f.write_str("blocked, so not kept in the HTTP cache (the next fetch asks again)")
            }
            Notice::ConditionalBypassesCache => f.write_str(
                "script set a conditional header: the HTTP cache is bypassed (not read, not stored)",
            ),
            Notice::DataUrl(len, mime) => {
                write!(f, "data: URL decoded locally ({len} bytes, {mime})")
            }
            Notice::CorpBlocked(u, b) => write!(
                f,
                "Cross-Origin-Resource-Policy blocked {u} ({b}): TypeError, no console line"
            ),
            Notice::CorpReportOnly(u, b) => write!(
                f,
                "COEP-Report-Only: require-corp would block {u} ({b}); not enforced"
            ),
            Notice::CoepCredentialless => f.write_str(
                "COEP credentialless: cross-origin no-cors request sent without credentials",
            ),
            Notice::Orb(b) => write!(
                f,
                "ORB would block this no-cors response ({b}); fetch() still gets an opaque response"
            ),
        }
    }
}

/// A CORS or CORP failure that [`Enforcement::ReportOnly`](crate::Enforcement::ReportOnly)
/// let through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The URL whose response (or preflight) failed.
    pub url: String,
    /// Why.
    pub error: ViolationError,
    /// The console line Chromium would have printed ("" for CORP, which prints none).
    pub console: String,
}

/// What a [`Violation`] broke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViolationError {
    /// The CORS protocol.
    Cors(CorsError),
    /// The cross-origin resource policy check.
    Corp(crate::policy::corp::CorpBlock),
}

impl ViolationError {
    /// The reason's name: the [`CorsError::name`], or DevTools' CORP reason name.
    pub fn name(&self) -> &'static str {
        match self {
            ViolationError::Cors(e) => e.name(),
            ViolationError::Corp(b) => b.devtools_name(),
        }
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.console)
    }
}

/// The record of one fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    events: Vec<TraceEvent>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Trace::default()
    }

    pub(crate) fn push(&mut self, e: TraceEvent) {
        self.events.push(e);
    }

    /// Gives back the spare capacity of a finished trace (a response or an error keeps it).
    pub(crate) fn shrink(&mut self) {
        self.events.shrink_to_fit();
    }

    /// Records a note.
    pub(crate) fn note(&mut self, n: Notice) {
        self.events.push(TraceEvent::Note(n));
    }

    /// All events, in order.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// Console warnings printed for a fetch that did not fail (Chromium prints them
    /// whatever the outcome): the mixed-content warnings of requests left to Local
    /// Network Access.
    pub fn console_warnings(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::Note(
                    Notice::MixedContentLeftToLocalNetwork(line)
                    | Notice::CookieRejectedConsole(line),
                ) => Some(line.clone()),
                _ => None,
            })
            .collect()
    }

    /// The requests a server received, in order (preflights included): the same requests
    /// as a scenario's `wire`. Attempts that reached no server are not listed.
    pub fn wire(&self) -> Vec<&WireRecord> {
        self.events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::Sent(w) => Some(&**w),
                _ => None,
            })
            .collect()
    }

    /// True when a preflight went on the wire.
    pub fn preflighted(&self) -> bool {
        self.wire().iter().any(|w| w.kind == HopKind::Preflight)
    }

    /// True when the request itself (not only its preflight) was received by a server,
    /// even if script was then blocked. An attempt that failed before any server received
    /// it (`NameNotResolved`, connection refused, a TLS failure, a timeout) does not count.
    pub fn reached_server(&self) -> bool {
        self.wire().iter().any(|w| w.kind == HopKind::Main)
    }

    /// The last answer a server sent: its status and body length (unfiltered).
    pub fn last_answer(&self) -> Option<(u16, usize)> {
        self.events.iter().rev().find_map(|e| match e {
            TraceEvent::Received {
                status, body_len, ..
            } => Some((*status, *body_len)),
            _ => None,
        })
    }

    /// The headers of the last response the server sent (empty before any).
    ///
    /// ```
    /// use fetchguard::trace::Trace;
    /// assert!(Trace::new().last_answer_headers().is_empty());
    /// ```
    pub fn last_answer_headers(&self) -> &WireHeaders {
        static NONE: WireHeaders = WireHeaders::EMPTY;
        self.events
            .iter()
            .rev()
            .find_map(|e| match e {
                TraceEvent::Received { headers, .. } => Some(headers),
                _ => None,
            })
            .unwrap_or(&NONE)
    }

    /// For a response script cannot read into (opaque or opaqueredirect): what script
    /// sees next to what the server really sent.
    ///
    /// ```
    /// use fetchguard::trace::Trace;
    /// assert_eq!(Trace::new().opaque_note(), None);
    /// ```
    pub fn opaque_note(&self) -> Option<String> {
        let (status, len) = self.last_answer()?;
        let body = if len == 0 {
            "an empty body".to_string()
        } else {
            human_size(len)
        };
        Some(format!(
            "script sees status 0 and an empty body; the server sent {status} and {body}"
        ))
    }
}

impl fmt::Display for Trace {
    /// Every event, every header, no colour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Style::plain(), "", Detail::All))
    }
}
