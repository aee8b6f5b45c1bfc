//! Webkit's words for failed fetches.
//!
//! PENDING(issue 18): every method still returns Chromium's words; replace each with
//! Webkit's, observed in the real browser (the issue lists the facts to reproduce).

use url::Url;

use super::chromium::Chromium;
use super::{CorsConsole, Wording};
use crate::cookies::CookieRejection;
use crate::errors::RequestError;
use crate::origin::Origin;
use crate::request::Mode;

/// Webkit's wording.
pub(crate) struct Webkit;

impl Wording for Webkit {
    fn network_error(&self) -> String {
        Chromium.network_error()
    }

    fn request_error(&self, e: &RequestError) -> String {
        Chromium.request_error(e)
    }

    fn cors(&self, c: &CorsConsole<'_>) -> Vec<String> {
        Chromium.cors(c)
    }

    fn same_origin_mode(&self, url: &Url, page_url: &Url, origin: &Origin) -> Vec<String> {
        Chromium.same_origin_mode(url, page_url, origin)
    }

    fn same_origin_mode_redirect(&self, url: &Url, page_url: &Url) -> Vec<String> {
        Chromium.same_origin_mode_redirect(url, page_url)
    }

    fn no_cors_redirect_mode(&self, url: &Url) -> Vec<String> {
        Chromium.no_cors_redirect_mode(url)
    }

    /// Observed (docs/firefox-webkit-observations.md): an unreachable host, http or https,
    /// prints no line.
    fn cors_network_failure(&self, _url: &Url) -> Vec<String> {
        Vec::new()
    }

    fn unsupported_scheme(&self, url: &Url, page_url: &Url, mode: Mode) -> Vec<String> {
        Chromium.unsupported_scheme(url, page_url, mode)
    }

    fn cookie_rejected(&self, name: &str, why: &CookieRejection) -> Vec<String> {
        Chromium.cookie_rejected(name, why)
    }

    fn corp_blocked(&self, url: &Url) -> Vec<String> {
        Chromium.corp_blocked(url)
    }

    fn mixed_content_blocked(&self, page_url: &Url, url: &Url) -> Vec<String> {
        Chromium.mixed_content_blocked(page_url, url)
    }

    fn mixed_content_warning(&self, page_url: &Url, url: &Url) -> String {
        Chromium.mixed_content_warning(page_url, url)
    }
}
