//! Firefox's words for failed fetches.
//!
//! PENDING(issue 17): every method still returns Chromium's words; replace each with
//! Firefox's, observed in the real browser (the issue lists the facts to reproduce).

use url::Url;

use super::chromium::Chromium;
use super::{CorsConsole, QuietFailure, Wording};
use crate::errors::RequestError;
use crate::origin::Origin;

/// Firefox's wording.
pub(crate) struct Firefox;

impl Wording for Firefox {
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

    fn mixed_content_blocked(&self, page_url: &Url, url: &Url) -> Vec<String> {
        Chromium.mixed_content_blocked(page_url, url)
    }

    fn mixed_content_warning(&self, page_url: &Url, url: &Url) -> String {
        Chromium.mixed_content_warning(page_url, url)
    }

    fn quiet_failure(&self, q: &QuietFailure<'_>) -> Vec<String> {
        Chromium.quiet_failure(q)
    }
}
