//! What script and the console read when a fetch fails, in each engine's own words.
//!
//! The algorithms decide *why* a fetch failed ([`FailureReason`](crate::FailureReason));
//! an engine's [`Wording`] turns that into the TypeError message and the console lines
//! that engine prints. Chromium's words are in `chromium.rs`, Firefox's in `firefox.rs`,
//! WebKit's in `webkit.rs`; every method is implemented by every engine, so no engine's
//! words reach another's profile by default.

mod chromium;
mod firefox;
mod webkit;

use url::Url;

use crate::cookies::CookieRejection;
use crate::engine::Engine;
use crate::errors::{CorsError, RequestError};
use crate::origin::Origin;
use crate::request::Mode;

/// A CORS failure as the console reports it.
pub(crate) struct CorsConsole<'a> {
    /// The URL whose response (or preflight) failed the check.
    pub last_url: &'a Url,
    /// The URL script asked for (differs from `last_url` after redirects).
    pub initial_url: &'a Url,
    /// The page's origin.
    pub origin: &'a Origin,
    /// Why.
    pub error: &'a CorsError,
    /// The status of the response that failed the check, when one arrived.
    pub status: Option<u16>,
    /// The headers of that response (lower-case names, in order; empty when none
    /// arrived): Firefox quotes the bad token of an `Access-Control-Allow-*` list.
    pub response_headers: &'a http::HeaderMap,
    /// Whether a cross-origin redirect tainted the request's origin (the check then
    /// compared against an opaque origin, serialized `null`).
    pub origin_tainted: bool,
    /// When the failing response was a redirect: where it pointed (`last_url` is then
    /// the redirecting URL).
    pub redirect_to: Option<&'a Url>,
    /// The request's header names as script wrote them.
    pub header_names_as_written: &'a [String],
}

/// A failure the algorithms gave no console line of their own (Chromium prints none for
/// it): a refused redirect, a CORP block, a network error.
pub(crate) struct QuietFailure<'a> {
    /// Why.
    pub reason: &'a crate::errors::FailureReason,
    /// The URL whose load failed (the redirecting URL for a refused redirect).
    pub url: &'a Url,
    /// The request's mode.
    pub mode: crate::request::Mode,
    /// The page's origin.
    pub origin: &'a Origin,
    /// When the failing response was a redirect: where its `Location` pointed (`url` is
    /// then the redirecting URL).
    pub redirect_to: Option<&'a Url>,
    /// The page's URL.
    pub page_url: &'a Url,
}

/// One engine's words for failures. Each method returns the console lines in the order
/// the engine prints them (error level only).
pub(crate) trait Wording: Sync {
    /// The TypeError message of a network error (CORS failures included).
    fn network_error(&self) -> String;
    /// The TypeError message for arguments `fetch()` rejects before sending anything.
    fn request_error(&self, e: &RequestError) -> String;
    /// The console lines of a CORS failure.
    fn cors(&self, c: &CorsConsole<'_>) -> Vec<String>;
    /// The console lines of a cross-origin URL fetched with mode `same-origin`.
    fn same_origin_mode(&self, url: &Url, page_url: &Url, origin: &Origin) -> Vec<String>;
    /// The console lines of a mode `same-origin` request redirected to another origin.
    fn same_origin_mode_redirect(&self, url: &Url, page_url: &Url) -> Vec<String>;
    /// The console lines of a cross-origin no-cors request whose redirect mode is not
    /// `follow`.
    fn no_cors_redirect_mode(&self, url: &Url) -> Vec<String>;
    /// The console lines of a fetch in mode `cors` to another origin that failed at the
    /// network level (no response: the host is unreachable, the connection broke).
    fn cors_network_failure(&self, url: &Url) -> Vec<String>;
    /// The console lines of a URL whose scheme fetch cannot load (`about:`, `ftp:`, an
    /// unknown `blob:` URL...), fetched with `mode` from the document at `page_url`.
    fn unsupported_scheme(&self, url: &Url, page_url: &Url, mode: Mode) -> Vec<String>;
    /// The console lines about a `Set-Cookie` line refused (`name` is the cookie's name).
    fn cookie_rejected(&self, name: &str, why: &CookieRejection) -> Vec<String>;
    /// The console lines of a response the cross-origin resource policy check blocked
    /// (`url`: the response's).
    fn corp_blocked(&self, url: &Url) -> Vec<String>;
    /// The console lines of a blocked mixed-content fetch.
    fn mixed_content_blocked(&self, page_url: &Url, url: &Url) -> Vec<String>;
    /// The warning printed when mixed content is left to Local Network Access to decide.
    fn mixed_content_warning(&self, page_url: &Url, url: &Url) -> String;
    /// The console lines of a failure that has none of its own.
    fn quiet_failure(&self, q: &QuietFailure<'_>) -> Vec<String>;
    /// The console lines of a request Local Network Access denied, in `mode`; by default
    /// those of the CORS failure it is reported as.
    fn local_network_denied(&self, c: &CorsConsole<'_>, mode: Mode) -> Vec<String> {
        let _ = mode;
        self.cors(c)
    }
}

/// The wording of `engine`.
pub(crate) fn for_engine(engine: Engine) -> &'static dyn Wording {
    match engine {
        Engine::Chromium => &chromium::Chromium,
        Engine::Firefox => &firefox::Firefox,
        Engine::Webkit => &webkit::Webkit,
    }
}
