//! The HTTP cache rules where an engine departs from Chromium's, each chosen by a
//! `Profile` field: invalidation after an unsafe method, script's request directives and
//! which stored responses are revalidated with validators.

use http::HeaderMap;

use super::FetchState;
use crate::RequestDirectives;
use crate::http_cache::{CacheKey, CachedResponse};
use crate::request::CacheMode;

/// FIREFOX: a response to any method but GET, HEAD and OPTIONS invalidates its URL and
/// the same-origin URLs its `Location` and `Content-Location` name, whatever its status
/// (observed: wpt-subset/fetch/http-cache/invalidate.toml).
pub(super) fn invalidate_after_unsafe_method(
    state: &mut FetchState<'_>,
    method: &http::Method,
    headers: &HeaderMap,
) {
    if matches!(
        *method,
        http::Method::GET | http::Method::HEAD | http::Method::OPTIONS
    ) {
        return;
    }
    let url = state.current_url().clone();
    let site = state.cache_partition.to_string();
    let mut urls = vec![url.clone()];
    for name in [http::header::LOCATION, http::header::CONTENT_LOCATION] {
        if let Some(u) = headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| url.join(v).ok())
            .filter(|u| u.origin() == url.origin())
        {
            urls.push(u);
        }
    }
    for u in urls {
        state.ctx.http_cache().remove(&CacheKey::new(&site, &u));
    }
}

/// What script's request `Cache-Control` makes of a stored response.
pub(super) enum RequestFreshness {
    /// `no-store`: the cache is not read.
    Bypass,
    /// Whether it may be served as fresh.
    Fresh(bool),
}

/// Script's request `Cache-Control` directives, as far as the profile honours them
/// ([`RequestDirectives`](crate::RequestDirectives)). FIREFOX honours `max-age=N` (arrived
/// older is not fresh), `min-fresh=N` (fresh for less is not fresh), `max-stale[=N]` (stale
/// by at most N, or at all, is served) and `no-store`; WEBKIT `max-stale` only (both
/// observed: wpt-subset/fetch/http-cache/cc-request.toml). Otherwise only the response's
/// own freshness counts.
pub(super) fn request_freshness(
    state: &FetchState<'_>,
    entry: &CachedResponse,
    fresh_for: Option<std::time::Duration>,
    now: std::time::SystemTime,
) -> RequestFreshness {
    let honoured = state.ctx.profile.http_cache_request_directives;
    if honoured == RequestDirectives::Ignored || state.cache_mode != CacheMode::Default {
        return RequestFreshness::Fresh(fresh_for.is_some());
    }
    let age = crate::http_cache::policy::current_age(&entry.headers, entry.received, now);
    let within_max_stale = || {
        crate::http_cache::request_max_stale(&state.headers)
            .is_some_and(|n| age.saturating_sub(entry.lifetime) <= n)
    };
    if honoured == RequestDirectives::MaxStale {
        return RequestFreshness::Fresh(fresh_for.is_some() || within_max_stale());
    }
    let directives: Vec<String> = state
        .headers
        .get_all(http::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let seconds = |name: &str| {
        directives.iter().find_map(|d| {
            let (n, v) = d.split_once('=')?;
            (n.trim() == name).then(|| v.trim().trim_matches('"').parse::<u64>().ok())?
        })
    };
    if directives.iter().any(|d| d == "no-store") {
        return RequestFreshness::Bypass;
    }
    let mut fresh = fresh_for.is_some();
    // Observed: `max-age=N` is compared with the `Age` the response arrived with, not
    // with the time it spent in the cache since (cc-request #4: `max-age=1` three
    // seconds later still served; #6: `Age: 1800` against `max-age=600` refetched).
    let arrived_age = entry
        .headers
        .get(http::header::AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    if seconds("max-age").is_some_and(|n| arrived_age > n) {
        fresh = false;
    }
    if let Some(n) = seconds("min-fresh")
        && fresh_for.is_none_or(|f| f.as_secs() < n)
    {
        fresh = false;
    }
    if fresh_for.is_none()
        && !directives.iter().any(|d| d.starts_with("max-age="))
        && within_max_stale()
    {
        fresh = true;
    }
    RequestFreshness::Fresh(fresh)
}

/// The validators of a stored response, for the statuses the profile revalidates.
pub(super) fn validators(
    state: &FetchState<'_>,
    entry: &CachedResponse,
) -> Vec<(http::HeaderName, http::HeaderValue)> {
    // Observed in Firefox: a 4xx or 5xx with `Last-Modified` (a 410 too) is fetched again
    // without it, and so is a 302 (examples/http-cache-kept-statuses.toml #9, a live
    // `verify --browser firefox`: no `If-Modified-Since`).
    if state.ctx.profile.http_cache_validates_any_status && (200..300).contains(&entry.status) {
        // The same headers as for a 200.
        crate::http_cache::policy::validators(200, &entry.headers)
    } else {
        // The storage rule decides for the other statuses (WebKit validates any kept one).
        state
            .ctx
            .profile
            .http_cache_storage
            .validators(entry.status, &entry.headers)
    }
}

/// FIREFOX (the profile says whether): a 204 with `Last-Modified` and no explicit
/// freshness is fresh for a tenth of its `Last-Modified` age, as a 200 is (observed:
/// wpt-subset/fetch/http-cache/heuristic.toml, heuristic-5). How much longer it is fresh.
pub(super) fn heuristic_204(
    state: &FetchState<'_>,
    entry: &CachedResponse,
    now: std::time::SystemTime,
) -> Option<std::time::Duration> {
    if !state.ctx.profile.http_cache_heuristic_freshness_for_204 || entry.status != 204 {
        return None;
    }
    let lifetime =
        crate::http_cache::policy::freshness_lifetime(200, &entry.headers, entry.received);
    let age = crate::http_cache::policy::current_age(&entry.headers, entry.received, now);
    lifetime.checked_sub(age).filter(|d| !d.is_zero())
}

/// The cache partition of a site (the page's; a `fetch()` runs in a top-level page here).
pub(super) fn site_string(site: &crate::origin::Site) -> String {
    match site {
        crate::origin::Site::Tuple { scheme, domain } => format!("{scheme}://{domain}"),
        crate::origin::Site::Opaque(n) => format!("null#{n}"),
    }
}
