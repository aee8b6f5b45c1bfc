//! HTTP fetch (<https://fetch.spec.whatwg.org/#http-fetch>) and the CORS-preflight fetch
//! (<https://fetch.spec.whatwg.org/#cors-preflight-fetch-0>).

use http::HeaderMap;

use crate::cors::{
    AuthorizationUnderWildcard, CacheLookup, access_control_request_headers, cors_check_serialized,
    evaluate_preflight_response,
};
use crate::errors::{CorsError, FailureReason, RedirectError};
use crate::headers::parse::{get_combined, get_combined_by};
use crate::net::WireResponse;
use crate::origin::Origin;
use crate::policy::corp;
use crate::policy::orb::opaque_response_blocking;
use crate::request::{Mode, RedirectMode};
use crate::response::InternalResponse;
use crate::trace::{Notice, PreflightReason, TraceEvent};

use super::failure::{CorsFailureAt, enforce_corp, enforce_cors, enforce_cors_at};
use super::local_network::{LnaStep, local_network_access};
use super::network::{Hop, http_network_or_cache_fetch};
use super::redirect::{credentials_before_redirect_mode, http_redirect_fetch, is_redirect_status};
use super::{Failure, FetchState, Fetched};

/// Whether the CORS protocol applies to this hop, and if so whether the request needs a
/// preflight (and why).
pub(crate) enum CorsFlag {
    No,
    Yes {
        preflight: Option<Vec<PreflightReason>>,
    },
}

/// What HTTP fetch ends with: a response for main fetch, or a redirect it has followed
/// (the request now stands at the new URL, for main fetch's next pass).
pub(crate) enum HttpFetched {
    Done(Fetched),
    Redirected,
}

/// HTTP fetch: the preflight when needed, the request, the CORS check, then redirects.
pub(crate) async fn http_fetch(
    state: &mut FetchState<'_>,
    cors: CorsFlag,
) -> Result<HttpFetched, Failure> {
    let cors_flag = matches!(cors, CorsFlag::Yes { .. });

    // Step 4.1: a preflight, unless the cache already covers this method and these headers.
    if let CorsFlag::Yes {
        preflight: Some(reasons),
    } = cors
    {
        state.trace.push(TraceEvent::PreflightNeeded(reasons));
        if !preflight_cached(state) {
            cors_preflight_fetch(state).await?;
        }
        // CHROMIUM: the target address space is compared once the preflight is through.
        let url = state.current_url().clone();
        if url.scheme() != "data" && state.ctx.profile.local_network_access {
            local_network_access(state, &url, LnaStep::TargetOnly)?;
        }
    }

    // Step 4.3: the request itself.
    let response = http_network_or_cache_fetch(state, Hop::Main).await?;

    // Step 4.4: the CORS check, on every hop of a CORS request (redirects included).
    if cors_flag {
        use http::header::{ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN};
        let acao = get_combined_by(&response.headers, &ACCESS_CONTROL_ALLOW_ORIGIN);
        let acac = get_combined_by(&response.headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS);
        match cors_check_serialized(
            acao.as_deref(),
            acac.as_deref(),
            state.serialized_origin(),
            state.credentials_include(),
        ) {
            Ok(()) => state.trace.push(TraceEvent::CorsPassed),
            Err(e) => {
                // WEBKIT quotes where a failing redirect pointed (`Cross-origin
                // redirection to URL denied ...`).
                let redirect_to = is_redirect_status(response.status)
                    .then(|| response.headers.get("location"))
                    .flatten()
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| state.current_url().join(l).ok());
                let at = CorsFailureAt {
                    status: Some(response.status),
                    redirect_to: redirect_to.as_ref(),
                    response_headers: Some(&response.headers),
                };
                enforce_cors_at(state, e, at).inspect_err(|_| {
                    // The profile says whether a CORS-blocked response leaves the cache.
                    if !state.ctx.profile.http_cache_keeps_cors_blocked_responses {
                        drop_blocked_response(state, &response);
                    }
                })?
            }
        }
    }

    // Step 4.5: the cross-origin resource policy check, on every hop (redirects included).
    cross_origin_resource_policy_check(state, &response)
        .inspect_err(|_| drop_blocked_response(state, &response))?;

    // Step 8: redirects. CHROMIUM: under `manual` every redirect status is an
    // opaqueredirect, Location or not; otherwise a missing or empty Location means the
    // response is handed over as it is (observed: wpt-subset redirect-location,
    // redirect-empty-location).
    if is_redirect_status(response.status) {
        let location = response
            .headers
            .get("location")
            .map(|l| l.as_bytes().to_vec())
            .filter(|l| !l.is_empty());
        match (state.redirect, location) {
            (RedirectMode::Manual, _) => {
                return Ok(HttpFetched::Done(Fetched {
                    internal: InternalResponse {
                        status: response.status,
                        headers: response.headers,
                        body: response.body,
                        url_list: state.url_list.clone(),
                    },
                    opaque_redirect: true,
                }));
            }
            (RedirectMode::Error, Some(location)) => {
                // WEBKIT, FIREFOX: redirect mode `error` refuses first (observed:
                // examples/generated/seed13-00053.toml).
                let credentials_first = state.ctx.profile.redirect_credentials_checked_first;
                if credentials_first
                    && let Some(f) = credentials_before_redirect_mode(
                        state,
                        response.status,
                        &location,
                        &response.headers,
                    )
                {
                    return Err(f);
                }
                state.trace.note(Notice::RedirectModeError);
                return Err(Failure::silent(FailureReason::Redirect(
                    RedirectError::ModeError,
                )));
            }
            (RedirectMode::Follow, Some(location)) => {
                http_redirect_fetch(state, response.status, &location, &response.headers)?;
                return Ok(HttpFetched::Redirected);
            }
            // FIREFOX: an empty Location is the current URL again: followed until the
            // redirect limit (observed: wpt-subset redirect-empty-location, 21 requests).
            (RedirectMode::Follow, None)
                if state.ctx.profile.empty_location_is_same_url
                    && response.headers.contains_key("location") =>
            {
                http_redirect_fetch(state, response.status, b"", &response.headers)?;
                return Ok(HttpFetched::Redirected);
            }
            // WEBKIT: an empty Location is a network error when following, with no
            // console line (observed: wpt-subset redirect-empty-location).
            (RedirectMode::Follow, None)
                if !state.ctx.profile.empty_location_hands_over_response
                    && response.headers.contains_key("location") =>
            {
                state.trace.note(Notice::InvalidLocation(String::new()));
                return Err(Failure::silent(FailureReason::Redirect(
                    RedirectError::InvalidLocation(String::new()),
                )));
            }
            (_, None) => {}
        }
    }

    Ok(HttpFetched::Done(Fetched {
        internal: InternalResponse {
            status: response.status,
            headers: response.headers,
            body: response.body,
            url_list: state.url_list.clone(),
        },
        opaque_redirect: false,
    }))
}

/// A response blocked by the CORS or CORP check is not kept in the HTTP cache when it
/// was just stored from the network.
///
/// CHROMIUM: the blocked load is cancelled before its body is read, and the cache entry
/// being written is dropped, so the next fetch goes to the network again; a redirect's
/// entry is complete once its headers are in and stays (observed: a 301 without
/// `Access-Control-Allow-Origin` fails from the cache, nothing sent; its target without
/// one, or a no-cors response blocked by CORP, is fetched again; examples/generated/
/// seed4-00294, examples/http-cache-blocked-not-kept.toml).
fn drop_blocked_response(state: &mut FetchState<'_>, response: &WireResponse) {
    let followed = is_redirect_status(response.status)
        && response
            .headers
            .get("location")
            .is_some_and(|l| !l.is_empty())
        && state.redirect == RedirectMode::Follow;
    if let Some(key) = state.stored_in_http_cache.take()
        && !followed
    {
        state.ctx.http_cache().remove(&key);
        state.trace.note(Notice::BlockedNotCached);
    }
}

/// The CORP check (<https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check>)
/// for a no-cors hop, always against the request's origin (the page); the report-only
/// embedder policy is checked too and only noted. ORB's decision is noted as well.
fn cross_origin_resource_policy_check(
    state: &mut FetchState<'_>,
    response: &WireResponse,
) -> Result<(), Failure> {
    if state.mode != Mode::NoCors {
        return Ok(());
    }
    let corp = get_combined(&response.headers, "cross-origin-resource-policy")
        .and_then(|v| String::from_utf8(v).ok());
    let url = state.current_url().clone();
    let coep = state.embedder_policies;
    let check = |policy| {
        corp::cross_origin_resource_policy_check(state.origin, &url, corp.as_deref(), policy)
    };
    let enforced = check(coep.value);
    if enforced.is_ok()
        && let Err(b) = check(coep.report_only)
    {
        state.trace.note(Notice::CorpReportOnly(url.to_string(), b));
    }
    if let Err(b) = enforced {
        return enforce_corp(state, b);
    }
    // CHROMIUM 156: ORB's verdict does not change what fetch() resolves with.
    if !state.origin.is_same_origin_url(&url)
        && !is_redirect_status(response.status)
        && let Some(why) =
            opaque_response_blocking(response.status, &response.headers, &response.body)
    {
        state.trace.note(Notice::Orb(why));
    }
    Ok(())
}

/// Looks the request up in the preflight cache (a tainted origin is never cached).
fn preflight_cached(state: &mut FetchState<'_>) -> bool {
    if state.tainted_origin {
        return false;
    }
    let now = state.ctx.clock.now();
    let authorization = if state.ctx.profile.cached_wildcard_covers_authorization {
        AuthorizationUnderWildcard::Covered
    } else {
        AuthorizationUnderWildcard::NotCovered
    };
    let lookup = state.ctx.preflight_cache().lookup_with(
        authorization,
        state.origin,
        state.current_url(),
        state.credentials_include(),
        state.method.as_str(),
        &state.unsafe_header_names,
        now,
    );
    match lookup {
        CacheLookup::Hit => {
            state.trace.push(TraceEvent::PreflightCacheHit);
            true
        }
        CacheLookup::Miss(why) => {
            state.trace.push(TraceEvent::PreflightCacheMiss(why));
            false
        }
    }
}

/// The origin a preflight is checked against: the request's (opaque once a redirect
/// tainted it), or the page's where the profile keeps it for preflights.
fn preflight_origin(state: &FetchState<'_>) -> Origin {
    if state.ctx.profile.tainted_preflight_origin_is_null {
        state.origin_for_cors()
    } else {
        state.origin.clone()
    }
}

/// The CORS-preflight fetch: `OPTIONS` without credentials, then Chromium's checks in
/// Chromium's order, then the cache.
async fn cors_preflight_fetch(state: &mut FetchState<'_>) -> Result<(), Failure> {
    let mut extra = HeaderMap::with_capacity(super::network::ADDED_HEADERS);
    extra.insert(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
    if let Ok(v) = http::HeaderValue::from_str(state.method.as_str()) {
        extra.insert(http::header::ACCESS_CONTROL_REQUEST_METHOD, v);
    }
    if let Some(acrh) = access_control_request_headers(&state.unsafe_header_names)
        && let Ok(v) = http::HeaderValue::from_str(&acrh)
    {
        extra.insert(http::header::ACCESS_CONTROL_REQUEST_HEADERS, v);
    }
    let response = http_network_or_cache_fetch(state, Hop::Preflight(extra)).await?;

    // CHROMIUM: a redirected preflight fails before any other check.
    if is_redirect_status(response.status) && response.headers.contains_key("location") {
        return enforce_cors(state, CorsError::PreflightDisallowedRedirect);
    }
    let origin = preflight_origin(state);
    let checked_names = state
        .ctx
        .profile
        .preflight_header_check_order
        .arrange(&state.unsafe_header_names, &state.header_names_as_written);
    let result = evaluate_preflight_response(
        response.status,
        &response.headers,
        &origin,
        state.credentials_include(),
        state.method.as_str(),
        &checked_names,
    );
    match result {
        Err(e) => {
            let at = CorsFailureAt {
                status: Some(response.status),
                redirect_to: None,
                response_headers: Some(&response.headers),
            };
            enforce_cors_at(state, e, at)
        }
        Ok(mut result) => {
            if !state.ctx.profile.preflight_cache_wildcards_match {
                // The `*` is kept literally: from the cache it matches no request (a
                // method or header literally named `*` is not modelled).
                result.methods.retain(|m| m != "*");
                result.headers.retain(|h| h != "*");
            }
            if !state.tainted_origin && !result.max_age.is_zero() {
                state
                    .trace
                    .push(TraceEvent::PreflightCached(result.max_age.as_secs()));
                let now = state.ctx.clock.now();
                let url = state.current_url().clone();
                state
                    .ctx
                    .preflight_cache()
                    .store(state.origin, &url, result, now);
            }
            Ok(())
        }
    }
}
