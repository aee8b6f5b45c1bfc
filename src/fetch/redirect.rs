//! HTTP-redirect fetch (<https://fetch.spec.whatwg.org/#http-redirect-fetch>): resolving
//! `Location`, the limit, credentials in the URL, method rewriting, tainting, then main
//! fetch again for the new URL.

use http::HeaderMap;

use crate::errors::{CorsError, FailureReason, RedirectError};
use crate::origin::Origin;
use crate::policy::referrer::parse_referrer_policy_header;
use crate::request::Mode;
use crate::trace::TraceEvent;

use super::http_fetch::cors_failure;
use super::main_fetch::main_fetch;
use super::{Failure, FetchState, Fetched, Tainting};

/// The schemes Chromium lets a CORS request load (the list its console line names).
pub(crate) const CORS_ENABLED_SCHEMES: [&str; 8] = [
    "chrome",
    "chrome-experimental-site-token-provider",
    "chrome-extension",
    "chrome-untrusted",
    "data",
    "http",
    "https",
    "isolated-app",
];

/// 301, 302, 303, 307 and 308 (<https://fetch.spec.whatwg.org/#redirect-status>).
pub(crate) fn is_redirect_status(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// The headers that describe a request body, dropped when a redirect drops the body.
const REQUEST_BODY_HEADERS: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// Follows one redirect.
pub(crate) async fn http_redirect_fetch(
    state: &mut FetchState<'_>,
    status: u16,
    location: &[u8],
    response_headers: &HeaderMap,
) -> Result<Fetched, Failure> {
    let current = state.current_url().clone();
    // Step 3: the location URL, parsed against the response's URL.
    let raw = String::from_utf8_lossy(location).into_owned();
    let Ok(mut loc) = current.join(&raw) else {
        state
            .trace
            .note(format!("Location '{raw}' is not a valid URL"));
        return Err(Failure::silent(FailureReason::Redirect(
            RedirectError::InvalidLocation(raw),
        )));
    };
    // The fragment of the request URL carries over when the Location has none.
    if loc.fragment().is_none() && current.fragment().is_some() {
        loc.set_fragment(current.fragment());
    }
    // Step 5: only HTTP(S) URLs. CHROMIUM: a CORS request redirected to a scheme outside
    // its CORS-enabled list logs the CORS line naming the new URL; about:, blob: and the
    // listed schemes fail silently (observed: wpt-subset redirect-schemes).
    if loc.scheme() != "http" && loc.scheme() != "https" {
        state
            .trace
            .note(format!("redirect to a non-HTTP(S) URL: {loc}"));
        let silent = matches!(loc.scheme(), "about" | "blob")
            || CORS_ENABLED_SCHEMES.contains(&loc.scheme());
        if state.mode == Mode::Cors && !silent {
            state.url_list.push(loc.clone());
            return Err(cors_failure(state, CorsError::CorsDisabledScheme));
        }
        return Err(Failure::silent(FailureReason::Redirect(
            RedirectError::NonHttpScheme(loc.to_string()),
        )));
    }
    // Step 6: at most 20 redirects.
    if state.redirect_count >= state.ctx.profile.redirect_limit {
        state.trace.note("more than 20 redirects");
        return Err(Failure::silent(FailureReason::Redirect(
            RedirectError::TooManyRedirects,
        )));
    }
    state.redirect_count += 1;
    let loc_origin = Origin::from_url(&loc);
    // Steps 8-9: no credentials in a cross-origin redirect of a CORS request.
    let has_credentials = !loc.username().is_empty() || loc.password().is_some();
    // CHROMIUM: any redirect to a URL with credentials fails; only the CORS case logs a
    // console line, naming the redirecting URL (observed, case 13).
    if has_credentials {
        if (state.mode == Mode::Cors && !state.origin.is_same_origin(&loc_origin))
            || state.tainting == Tainting::Cors
        {
            return Err(cors_failure(
                state,
                CorsError::RedirectContainsCredentials(loc.to_string()),
            ));
        }
        state
            .trace
            .note(format!("redirect to a URL with credentials: {loc}"));
        return Err(Failure::silent(FailureReason::Redirect(
            RedirectError::LocationHasCredentials(loc.to_string()),
        )));
    }
    // Step 12: 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET.
    if ((status == 301 || status == 302) && state.method == "POST")
        || (status == 303 && state.method != "GET" && state.method != "HEAD")
    {
        state.method = "GET".to_string();
        state.body = None;
        for h in REQUEST_BODY_HEADERS {
            state.headers.remove(h);
        }
    }
    let current_origin = Origin::from_url(&current);
    // Step 13: a cross-origin hop drops Authorization.
    if !current_origin.is_same_origin(&loc_origin) {
        state.headers.remove(http::header::AUTHORIZATION);
    }
    // Step 14: a cross-origin hop away from a cross-origin URL taints the origin.
    let mut newly_tainted = false;
    if !current_origin.is_same_origin(&loc_origin)
        && !state.origin.is_same_origin(&current_origin)
        && !state.tainted_origin
    {
        state.tainted_origin = true;
        newly_tainted = true;
    }
    // Step 17: the redirect response's Referrer-Policy applies from now on.
    let policies: Vec<u8> = response_headers
        .get_all("referrer-policy")
        .iter()
        .map(|v| v.as_bytes())
        .collect::<Vec<_>>()
        .join(&b","[..]);
    if let Some(p) = parse_referrer_policy_header(&policies) {
        state.referrer_policy = p;
    }
    state.trace.push(TraceEvent::Redirect {
        status,
        from: current,
        to: loc.clone(),
        method: state.method.clone(),
        tainted: newly_tainted,
    });
    state.url_list.push(loc);
    // Step 19: main fetch again, for the new URL.
    Box::pin(main_fetch(state)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn redirect_statuses() {
        let r: Vec<u16> = (300..=309)
            .filter(|s| super::is_redirect_status(*s))
            .collect();
        assert_eq!(r, [301, 302, 303, 307, 308]);
    }
}
