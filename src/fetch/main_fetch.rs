//! Main fetch (<https://fetch.spec.whatwg.org/#main-fetch>): mixed content, the mode checks,
//! choosing the response tainting and whether CORS (and a preflight) applies.

use crate::errors::{
    CorsError, FailureReason, mixed_content_console_line, no_cors_redirect_mode_console_line,
    same_origin_mode_console_line, same_origin_mode_redirect_console_line,
};
use crate::headers::{cors_unsafe_request_header_names, is_cors_safelisted_method};
use crate::origin::{Origin, is_url_potentially_trustworthy};
use crate::policy::referrer::determine_referrer;
use crate::request::{Mode, RedirectMode};
use crate::trace::{PreflightReason, TraceEvent};

use super::http_fetch::{CorsFlag, http_fetch};
use super::scheme::{scheme_fetch, unsupported_scheme};
use super::{Failure, FetchState, Fetched, Tainting};

/// Main fetch, for the first hop and (recursively, through the redirect step) every
/// later one.
pub(crate) async fn main_fetch(state: &mut FetchState<'_>) -> Result<Fetched, Failure> {
    let url = state.current_url().clone();

    // Schemes fetch cannot load fail first, each with Chromium's console line.
    match url.scheme() {
        "http" | "https" | "data" => {}
        _ => return Err(unsupported_scheme(&url)),
    }

    // CHROMIUM: mode `same-origin` is checked before mixed content (observed,
    // examples/same-origin-mode-insecure.toml: an https page's same-origin-mode fetch of an
    // http URL prints the same-origin-mode line, not the mixed-content one).
    if state.mode == Mode::SameOrigin && !same_origin_mode_allows(state, &url) {
        return Err(same_origin_mode_failure(state, &url));
    }

    // Step 5 (mixed content): a page served over https may not fetch a URL that is not
    // potentially trustworthy. CHROMIUM: blocks with a console line, no request sent.
    if state.page_url.scheme() == "https" && !is_url_potentially_trustworthy(&url) {
        state
            .trace
            .note("mixed content: an https page may not fetch an insecure URL");
        return Err(Failure::new(
            FailureReason::MixedContent,
            vec![mixed_content_console_line(state.page_url, &url)],
        ));
    }

    // Step 8: the request's referrer for this hop, computed from the previous one
    // (<https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer>).
    if let Some(r) = state.referrer.take() {
        state.referrer = determine_referrer(&r, state.referrer_policy, &url)
            .and_then(|s| url::Url::parse(&s).ok());
    }

    // Step 12: pick the way to fetch. data: URLs are fetched locally in every mode.
    if url.scheme() == "data" {
        state.tainting = Tainting::Basic;
        return scheme_fetch(state).await;
    }
    let same_origin = state.origin.is_same_origin(&Origin::from_url(&url));
    if same_origin && state.tainting == Tainting::Basic {
        return http_fetch(state, CorsFlag::No).await;
    }
    match state.mode {
        Mode::SameOrigin => Err(same_origin_mode_failure(state, &url)),
        Mode::NoCors => {
            if state.redirect != RedirectMode::Follow {
                state
                    .trace
                    .note("no-cors requests must use redirect mode 'follow'");
                return Err(Failure::new(
                    FailureReason::Redirect(crate::errors::RedirectError::ModeError),
                    vec![no_cors_redirect_mode_console_line(&url)],
                ));
            }
            state.tainting = Tainting::Opaque;
            http_fetch(state, CorsFlag::No).await
        }
        Mode::Cors => {
            state.tainting = Tainting::Cors;
            // Enforcement::Off: the browser's headers, but no preflight and no check.
            if state.browser.enforcement == crate::enforcement::Enforcement::Off {
                return http_fetch(state, CorsFlag::No).await;
            }
            let mut reasons = Vec::new();
            if !is_cors_safelisted_method(&state.method) {
                reasons.push(PreflightReason::Method(state.method.clone()));
            }
            let unsafe_names = cors_unsafe_request_header_names(&state.headers);
            if !unsafe_names.is_empty() {
                reasons.push(PreflightReason::Headers(unsafe_names));
            }
            let flag = if reasons.is_empty() {
                CorsFlag::Yes { preflight: None }
            } else {
                CorsFlag::Yes {
                    preflight: Some(reasons),
                }
            };
            http_fetch(state, flag).await
        }
    }
}

/// True when a `same-origin`-mode request may fetch `url`: a `data:` URL, or one of its
/// own origin while the response tainting is still basic
/// (<https://fetch.spec.whatwg.org/#main-fetch> step 12).
fn same_origin_mode_allows(state: &FetchState<'_>, url: &url::Url) -> bool {
    url.scheme() == "data"
        || (state.origin.is_same_origin(&Origin::from_url(url))
            && state.tainting == Tainting::Basic)
}

/// The failure of a `same-origin`-mode request to a URL it may not fetch, with Chromium's
/// console line (another for a redirect hop).
fn same_origin_mode_failure(state: &mut FetchState<'_>, url: &url::Url) -> Failure {
    let e = CorsError::DisallowedByMode;
    state.trace.push(TraceEvent::CorsBlocked(e.clone()));
    let line = if state.redirect_count == 0 {
        same_origin_mode_console_line(url, state.origin)
    } else {
        same_origin_mode_redirect_console_line(url, state.page_url)
    };
    Failure::new(FailureReason::Cors(e), vec![line])
}
