//! HTTP-network-or-cache fetch (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>)
//! and HTTP-network fetch (<https://fetch.spec.whatwg.org/#http-network-fetch>): the
//! browser's headers ([`super::request_headers`]), cookies, the HTTP cache, the exchange,
//! decoding, and storing `Set-Cookie`.

use http::HeaderMap;

use crate::cookies::{CookieContext, ThirdPartyCookies};
use crate::errors::FailureReason;
use crate::headers::WireHeaders;
use crate::http_cache::range::RangeCache;
use crate::http_cache::{CacheKey, CachedResponse, Lookup};
use crate::net::{WireRequest, WireResponse, decode};
use crate::request::{CacheMode, Credentials};
use crate::trace::{CookieDecision, HopKind, NotIncluded, Notice, TraceEvent, WireRecord};

use super::request_headers::{
    append_cache_mode_headers, append_client_hints, append_content_length, append_default_headers,
    append_fetch_metadata_headers, append_referer, append_request_origin_header,
    append_storage_access_header, append_user_agent, set,
};
use super::{Failure, FetchState, Tainting};

/// The largest decoded body kept (a compression bomb stops here).
const DECODED_LIMIT: usize = 64 * 1024 * 1024;

/// Which request goes out: the request itself, or its preflight (with the
/// `Accept`/`Access-Control-Request-*` headers it carries instead of script's).
pub(crate) enum Hop {
    Main,
    Preflight(HeaderMap),
}

/// HTTP-network-or-cache fetch for the current URL: the request with every header the
/// browser adds, then the HTTP cache (which matches `Vary` against those headers), then
/// the network.
pub(crate) async fn http_network_or_cache_fetch(
    state: &mut FetchState<'_>,
    hop: Hop,
) -> Result<WireResponse, Failure> {
    let (kind, method, mut headers, body) = match hop {
        Hop::Main => (
            HopKind::Main,
            state.method.clone(),
            with_room(&state.headers),
            state.body.clone().unwrap_or_default(),
        ),
        Hop::Preflight(h) => (
            HopKind::Preflight,
            http::Method::OPTIONS,
            h,
            bytes::Bytes::new(),
        ),
    };
    let cookies = cookie_context(state);
    append_request_origin_header(state, kind, &mut headers);
    append_default_headers(state, &mut headers);
    // WEBKIT: a preflight carries no cache-mode headers (observed:
    // examples/generated/conditional-request-validates.toml).
    if kind == HopKind::Main || state.ctx.profile.preflight_carries_cache_mode_headers {
        append_cache_mode_headers(state, &mut headers);
    }
    append_referer(state, kind, &mut headers);
    append_user_agent(state, &mut headers);
    append_fetch_metadata_headers(state, kind, &mut headers);
    append_client_hints(state, kind, &mut headers);
    append_storage_access_header(state, kind, &cookies, &mut headers);
    let include_credentials = kind == HopKind::Main && includes_credentials(state);
    if kind == HopKind::Main && coep_credentialless_omits(state) {
        // CHROMIUM: such a request also goes out with `Pragma: no-cache` and
        // `Cache-Control: no-cache`, kept on the hops after it (observed:
        // wpt-subset html/cross-origin-embedder-policy/credentialless-fetch); the profile
        // says whether its engine does.
        for name in ["pragma", "cache-control"] {
            if !state.ctx.profile.credentialless_requests_bypass_caches {
                break;
            }
            if !state.headers.contains_key(name) {
                set(&mut state.headers, name, "no-cache");
            }
            if !headers.contains_key(name) {
                set(&mut headers, name, "no-cache");
            }
        }
        state.trace.note(Notice::CoepCredentialless);
    }
    if kind == HopKind::Main {
        append_cookie_header(state, include_credentials, &cookies, &mut headers);
    }
    let given = state.body.as_ref().map(|_| body.len());
    append_content_length(kind, &method, given, &mut headers);

    if kind == HopKind::Main {
        state.stored_in_http_cache = None;
    }
    // https://fetch.spec.whatwg.org/#http-network-or-cache-fetch: a script-set conditional
    // header under the default cache mode makes it "no-store". CHROMIUM: the request also
    // carries `Cache-Control: max-age=0` (no Pragma), and an entry already stored stays
    // (observed: wpt-subset/fetch/api/request/request-cache-default-conditional.toml).
    // CHROMIUM: under `force-cache` and `no-cache` too the cache does not answer: the
    // request goes out with script's validators and nothing added, and under
    // `only-if-cached` it fails as a cache miss (net's HttpCache treats it as an
    // external validation; observed: examples/generated/conditional-cache-modes.toml).
    // FIREFOX: under `force-cache` and `only-if-cached` script's conditional headers
    // change nothing: the stored response answers (observed: conditional-cache-modes
    // #2, #3, #6, #9).
    let forced = matches!(
        state.cache_mode,
        CacheMode::ForceCache | CacheMode::OnlyIfCached
    );
    let script_conditional = kind == HopKind::Main
        && !matches!(state.cache_mode, CacheMode::NoStore | CacheMode::Reload)
        && (!forced
            || state
                .ctx
                .profile
                .conditional_headers_bypass_forced_cache_modes)
        && crate::http_cache::policy::has_conditional_header(&state.headers);
    if script_conditional {
        // WEBKIT: the profile's rule for an only-if-cached miss holds here too: sent.
        if state.cache_mode == CacheMode::OnlyIfCached
            && !state.ctx.profile.only_if_cached_miss_goes_to_network
        {
            return Err(Failure::silent(FailureReason::NotInCache));
        }
        // WEBKIT, FIREFOX: sent as `no-store` instead (request_headers).
        if state.cache_mode == CacheMode::Default
            && !headers.contains_key(http::header::CACHE_CONTROL)
            && !state.ctx.profile.conditional_request_sent_as_no_store
        {
            set(&mut headers, "cache-control", "max-age=0");
        }
        state.trace.note(Notice::ConditionalBypassesCache);
    }
    // CHROMIUM: a HEAD reads the cache as a GET would (a fresh or force-cached entry
    // answers with headers only, a stale one with a validator is revalidated by a
    // conditional HEAD), but its own response is never stored, and one that reaches the
    // network for a stored URL without a 304 drops the entry (observed:
    // examples/http-cache-head.toml).
    let head = method == http::Method::HEAD;
    // WEBKIT: only a GET reads the cache (observed: examples/http-cache-head*.toml).
    let get_only = state.ctx.profile.http_cache_serves_get_only;
    let uses_cache = kind == HopKind::Main
        && (method == http::Method::GET || (head && !get_only))
        && !script_conditional;
    let mut validating = None;
    // One key for the hop (the URL does not change within it).
    let key = uses_cache.then(|| cache_key(state));
    if let Some(key) = &key {
        match http_cache_lookup(state, key, &headers)? {
            CacheStep::Serve(mut r) => {
                if head {
                    r.body = bytes::Bytes::new();
                }
                return Ok(r);
            }
            CacheStep::Validate(entry, etag_only) => {
                for (n, v) in super::http_cache_rules::validators(state, &entry) {
                    if !etag_only || n == http::header::IF_NONE_MATCH {
                        headers.insert(n, v);
                    }
                }
                validating = Some(entry);
            }
            CacheStep::Network => {}
        }
    }

    let response = http_network_fetch(state, kind, method.clone(), headers.clone(), body).await?;
    // Set-Cookie is stored whenever credentials were included, even if CORS later blocks
    // the response (a 304's own Set-Cookie too).
    if include_credentials {
        store_set_cookie(state, &response, &cookies);
    }
    if kind != HopKind::Main {
        return Ok(response);
    }
    if let Some(entry) = validating {
        if response.status == 304 {
            let mut revalidated = http_cache_revalidated(state, entry, &response);
            if head {
                revalidated.body = bytes::Bytes::new();
            }
            return Ok(revalidated);
        }
        state.trace.note(Notice::StaleRefetched);
    }
    if let Some(key) = key {
        if head && !state.ctx.profile.http_cache_head_has_own_entries {
            state.ctx.http_cache().remove(&key);
        } else {
            http_cache_store(state, key, &headers, &response);
        }
    } else if state.ctx.profile.any_unsafe_response_invalidates {
        super::http_cache_rules::invalidate_after_unsafe_method(state, &method, &response.headers);
    } else if crate::http_cache::policy::invalidates(&method, response.status)
        || (get_only && method != http::Method::GET)
    {
        // WEBKIT: any other method's response drops the entry, whatever its status
        // (observed: wpt-subset fetch/http-cache/invalidate, a POST answered 500 and a
        // `FOO` answered 200; a HEAD, examples/http-cache-head-revalidation #3).
        let key = cache_key(state);
        state.ctx.http_cache().remove(&key);
    }
    Ok(response)
}

/// The browser adds up to about twenty headers to script's: sized for them up front, so
/// the map is not grown and rehashed several times on the way.
pub(super) const ADDED_HEADERS: usize = 24;

/// A copy of script's headers with room for those the browser adds.
fn with_room(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len() + ADDED_HEADERS);
    out.extend(headers.iter().map(|(n, v)| (n.clone(), v.clone())));
    out
}

/// What the HTTP cache does for a GET, by cache mode
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, the steps on the stored
/// response).
enum CacheStep {
    /// Answer from the cache; nothing is sent.
    Serve(WireResponse),
    /// Send a conditional request for this stored response (with its `ETag` only when
    /// true).
    Validate(std::sync::Arc<CachedResponse>, bool),
    /// Send the request as is.
    Network,
}

/// The cache key: the top-level site (the page's; a `fetch()` runs in a top-level page
/// here) and the URL.
///
/// FIREFOX (the profile says whether): requests without credentials have entries of their
/// own, marked `a,` (Gecko's "anonymous" cache entries), and so do HEAD requests.
fn cache_key(state: &FetchState<'_>) -> CacheKey {
    let site = state.cache_partition;
    // FIREFOX (the profile says whether): uncredentialed requests and HEADs have
    // partitions of their own.
    let uncredentialed =
        state.ctx.profile.http_cache_keyed_by_credentials && !includes_credentials(state);
    let head =
        state.ctx.profile.http_cache_head_has_own_entries && state.method == http::Method::HEAD;
    if !uncredentialed && !head {
        return CacheKey::new(site, state.current_url());
    }
    let site = format!(
        "{}{}{site}",
        if head { "HEAD," } else { "" },
        if uncredentialed { "a," } else { "" }
    );
    CacheKey::new(&site, state.current_url())
}

/// Looks the request up in the HTTP cache and decides by cache mode: `no-store` and
/// `reload` skip it; `default` serves a fresh entry and validates a stale one;
/// `no-cache` always validates; `force-cache` and `only-if-cached` serve any matching
/// entry, stale or not; `only-if-cached` fails on a miss with nothing sent.
fn http_cache_lookup(
    state: &mut FetchState<'_>,
    key: &CacheKey,
    request: &HeaderMap,
) -> Result<CacheStep, Failure> {
    let mode = effective_cache_mode(state);
    if matches!(mode, CacheMode::NoStore | CacheMode::Reload) {
        return Ok(CacheStep::Network);
    }
    let now = state.ctx.clock.now();
    let found = state.ctx.http_cache().lookup(key, request, now);
    let range = request
        .get(http::header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| state.ctx.profile.http_cache_ranges != RangeCache::SameRangeOnly);
    let (entry, fresh_for) = match found {
        Lookup::Hit { entry, fresh_for } => {
            let fresh_for =
                fresh_for.or_else(|| super::http_cache_rules::heuristic_204(state, &entry, now));
            (entry, fresh_for)
        }
        // WEBKIT: a Vary mismatch is a miss (observed: wpt-subset request-cache-force-cache,
        // `Vary: *` with an ETag fetched again without `If-None-Match`).
        Lookup::VaryMismatch(entry)
            if mode != CacheMode::OnlyIfCached
                && range.is_none()
                && state.ctx.profile.vary_mismatch_validated_by_etag
                && entry.status == 200
                && entry.headers.contains_key(http::header::ETAG) =>
        {
            // CHROMIUM (`HttpCache::Transaction`): a stored response whose Vary headers
            // differ is still validated, by its ETag alone (Last-Modified cannot vouch
            // for another variant) (observed: wpt-subset/fetch/api/request/
            // request-cache-force-cache.toml, "would vary").
            state.trace.note(Notice::VaryMismatch);
            return Ok(CacheStep::Validate(entry, true));
        }
        Lookup::VaryMismatch(_) | Lookup::Miss => {
            if matches!(found, Lookup::VaryMismatch(_)) {
                state.trace.note(Notice::VaryMismatch);
            }
            // WEBKIT: the miss goes to the network (observed: examples/http-cache-modes #8).
            if mode == CacheMode::OnlyIfCached
                && !state.ctx.profile.only_if_cached_miss_goes_to_network
            {
                // CHROMIUM: net::ERR_CACHE_MISS, no console line.
                return Err(Failure::silent(FailureReason::NotInCache));
            }
            return Ok(CacheStep::Network);
        }
    };
    // FIREFOX: a stored response of a status outside its list is validated before every
    // use (the profile says whether).
    let must_validate = state.ctx.profile.http_cache_validates_unlisted_statuses
        && !matches!(
            entry.status,
            200 | 203 | 204 | 206 | 300 | 301 | 302 | 304 | 307 | 308 | 410
        );
    let fresh = match super::http_cache_rules::request_freshness(state, &entry, fresh_for, now) {
        super::http_cache_rules::RequestFreshness::Bypass => return Ok(CacheStep::Network),
        super::http_cache_rules::RequestFreshness::Fresh(f) => f,
    };
    let serve = match mode {
        CacheMode::ForceCache | CacheMode::OnlyIfCached => true,
        CacheMode::Default => fresh && !must_validate,
        _ => false,
    };
    if let Some(range) = range {
        // CHROMIUM: a range request is answered from a stored complete 200 when that
        // would be served anyway, as a 206 slice; otherwise it goes to the network as
        // it is, unconditional (observed: wpt-subset/fetch/http-cache/partial.toml).
        let slicing = state.ctx.profile.http_cache_ranges == RangeCache::SliceFromComplete;
        let slice = (slicing && serve && entry.status == 200)
            .then(|| {
                crate::http_cache::range::partial_from_full(&entry.headers, &entry.body, range)
            })
            .flatten();
        if let Some((headers, body)) = slice {
            state.trace.note(Notice::FromHttpCache {
                status: 206,
                fresh_for: fresh_for.map(|d| d.as_secs()),
            });
            return Ok(CacheStep::Serve(WireResponse {
                status: 206,
                headers,
                body,
            }));
        }
        if !(slicing && serve && entry.status != 200) {
            return Ok(CacheStep::Network);
        }
    }
    if serve {
        state.trace.note(Notice::FromHttpCache {
            status: entry.status,
            fresh_for: fresh_for.map(|d| d.as_secs()),
        });
        // The entry stays in the cache: the response gets its own copy of the headers.
        let entry = std::sync::Arc::unwrap_or_clone(entry);
        return Ok(CacheStep::Serve(WireResponse {
            status: entry.status,
            headers: entry.headers,
            body: entry.body,
        }));
    }
    if super::http_cache_rules::validators(state, &entry).is_empty() {
        if mode == CacheMode::Default {
            state.trace.note(Notice::StaleRefetched);
        }
        return Ok(CacheStep::Network);
    }
    Ok(CacheStep::Validate(entry, false))
}

/// The cache mode the HTTP cache acts on: the request's, unless script's own headers
/// override it.
///
/// CHROMIUM (`HttpCache::Transaction`'s special request headers): a script-set
/// `Pragma: no-cache` or `Cache-Control: no-cache` bypasses the stored response (the
/// response is still stored), even under `force-cache`; `Cache-Control: max-age=0`
/// revalidates it, as the `no-cache` mode does. Other request directives (`max-age=N`,
/// `max-stale`, `min-fresh`, `no-store`) change nothing (observed:
/// wpt-subset/fetch/http-cache/cc-request.toml).
fn effective_cache_mode(state: &FetchState<'_>) -> CacheMode {
    use crate::http_cache::policy::{RequestDirective, request_directive};
    match (state.cache_mode, request_directive(&state.headers)) {
        (
            CacheMode::Default | CacheMode::ForceCache | CacheMode::NoCache,
            Some(RequestDirective::Bypass),
        ) => CacheMode::Reload,
        (CacheMode::Default, Some(RequestDirective::Validate)) => CacheMode::NoCache,
        (mode, _) => mode,
    }
}

/// A `304` to a conditional request: the stored headers updated by the 304's, the stored
/// status and body (<https://www.rfc-editor.org/rfc/rfc9111#section-4.3.4>). The CORS
/// check then runs on the merged headers, so a 304 without CORS headers still passes.
fn http_cache_revalidated(
    state: &mut FetchState<'_>,
    entry: std::sync::Arc<CachedResponse>,
    not_modified: &WireResponse,
) -> WireResponse {
    state.trace.note(Notice::Revalidated304);
    let key = cache_key(state);
    let now = state.ctx.clock.now();
    let updated = state
        .ctx
        .http_cache()
        .update_after_304(&key, &not_modified.headers, now)
        .unwrap_or_else(|| CachedResponse {
            headers: crate::http_cache::policy::update_from_304(
                &entry.headers,
                &not_modified.headers,
            ),
            ..CachedResponse::clone(&entry)
        });
    WireResponse {
        status: updated.status,
        headers: updated.headers,
        body: updated.body,
    }
}

/// Offers a GET's response to the HTTP cache (unless the cache mode is `no-store`); the
/// cache keeps it or not under the profile's
/// [`http_cache_storage`](crate::Profile::http_cache_storage).
///
/// FIREFOX: nor a 301 or 308 without `max-age` or `Expires` (the profile says which).
fn http_cache_store(
    state: &mut FetchState<'_>,
    key: CacheKey,
    request: &HeaderMap,
    response: &WireResponse,
) {
    if state.cache_mode == CacheMode::NoStore {
        return;
    }
    // CHROMIUM: partial content is not kept (without validators; see http_cache::range),
    // and it leaves a stored complete response alone.
    if response.status == 206
        && request.contains_key(http::header::RANGE)
        && state.ctx.profile.http_cache_ranges != RangeCache::SameRangeOnly
    {
        return;
    }
    let keeps_heuristic = match response.status {
        301 => state.ctx.profile.heuristic_freshness_for_301,
        308 => state.ctx.profile.heuristic_freshness_for_308,
        _ => true,
    };
    if !keeps_heuristic
        && !response.headers.contains_key(http::header::EXPIRES)
        && !response
            .headers
            .get_all(http::header::CACHE_CONTROL)
            .iter()
            .any(|v| {
                v.to_str()
                    .is_ok_and(|v| v.to_ascii_lowercase().contains("max-age"))
            })
    {
        return;
    }
    let now = state.ctx.clock.now();
    let key = std::sync::Arc::new(key);
    let stored = state.ctx.http_cache().store(
        key.clone(),
        request,
        response.status,
        &response.headers,
        &response.body,
        now,
    );
    if stored {
        state.stored_in_http_cache = Some(key);
    }
}

/// HTTP-network fetch: sends the request, records both sides in the trace and undoes the
/// content coding.
async fn http_network_fetch(
    state: &mut FetchState<'_>,
    kind: HopKind,
    method: http::Method,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> Result<WireResponse, Failure> {
    let url = state.current_url().clone();
    let record = WireRecord {
        kind,
        method: method.clone(),
        url: url.clone(),
        headers: WireHeaders::from(&headers),
        body_len: body.len(),
    };
    let http2_headers = state.ctx.profile_headers.http2_request.clone();
    let http2_response_headers = state.ctx.profile_headers.http2_response.clone();
    let request = WireRequest {
        method,
        url,
        headers,
        body,
        http2_headers,
        http2_response_headers,
    };
    let sent = state.ctx.transport.send(request).await;
    // A request reached the server only when a server received it.
    state.trace.push(if crate::net::delivered(&sent) {
        TraceEvent::Sent(Box::new(record))
    } else {
        TraceEvent::NotDelivered(Box::new(record))
    });
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            state.trace.push(TraceEvent::NetworkFailed(e.clone()));
            // A request under the CORS protocol (another origin, mode `cors`) has the
            // profile's line for a network failure; other requests fail silently.
            let lines = if state.tainting == Tainting::Cors {
                state
                    .ctx
                    .profile
                    .wording()
                    .cors_network_failure(state.current_url())
            } else {
                Vec::new()
            };
            return Err(Failure::new(FailureReason::Network(e), lines));
        }
    };
    let response = match decode::decode_body(&response.headers, response.body, DECODED_LIMIT) {
        Ok(body) => WireResponse { body, ..response },
        Err(e) => {
            state.trace.push(TraceEvent::NetworkFailed(e.clone()));
            return Err(Failure::silent(FailureReason::Network(e)));
        }
    };
    state.trace.push(TraceEvent::Received {
        status: response.status,
        headers: WireHeaders::from(&response.headers),
        body_len: response.body.len(),
    });
    Ok(response)
}

/// Whether this request carries credentials: `include`, or `same-origin` while the
/// response tainting is still basic
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, includeCredentials).
///
/// WEBKIT: credentials judged at the start stay ([`FetchState::credentials_kept_from_start`]).
fn includes_credentials(state: &FetchState<'_>) -> bool {
    (state.credentials == Credentials::Include
        || (state.credentials == Credentials::SameOrigin && state.tainting == Tainting::Basic)
        || state.credentials_kept_from_start())
        && !coep_credentialless_omits(state)
}

/// `COEP: credentialless`: a no-cors request to another origin goes without credentials
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, includeCredentials).
fn coep_credentialless_omits(state: &FetchState<'_>) -> bool {
    state.mode == crate::request::Mode::NoCors
        && state.embedder_policies.value == crate::policy::corp::EmbedderPolicy::Credentialless
        && !state.origin.is_same_origin_url(state.current_url())
}

/// `Cookie`, from the jar under its SameSite and third-party rules, when credentials are
/// included; the decision goes into the trace either way.
fn append_cookie_header(
    state: &mut FetchState<'_>,
    include_credentials: bool,
    ctx: &CookieContext,
    headers: &mut HeaderMap,
) {
    let decision = if include_credentials {
        let now = state.ctx.clock.now();
        let sel = state.ctx.jar().select(state.current_url(), ctx, now);
        if let Some(h) = &sel.header {
            set(headers, "cookie", h);
        }
        CookieDecision::Considered {
            sent: sel.sent,
            blocked: sel.blocked,
        }
    } else {
        CookieDecision::NotIncluded(match state.credentials {
            _ if coep_credentialless_omits(state) => NotIncluded::CoepCredentialless,
            Credentials::Omit => NotIncluded::CredentialsOmit,
            _ => NotIncluded::CrossOriginUnderSameOrigin,
        })
    };
    state.trace.push(TraceEvent::Cookies(decision));
}

/// Stores the response's `Set-Cookie` lines in the jar.
fn store_set_cookie(state: &mut FetchState<'_>, response: &WireResponse, ctx: &CookieContext) {
    let lines: Vec<&[u8]> = response
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    if lines.is_empty() {
        return;
    }
    let now = state.ctx.clock.now();
    let url = state.current_url().clone();
    let out = state.ctx.jar().store_response(&url, &lines, ctx, now);
    for (text, why) in &out.rejected {
        let name = text.split(['=', ';']).next().unwrap_or_default().trim();
        for line in state.ctx.profile.wording().cookie_rejected(name, why) {
            state
                .trace
                .note(Notice::CookieRejectedConsole(line.clone()));
            state.warnings.push(line);
        }
    }
    state.trace.push(TraceEvent::CookiesStored {
        stored: out.stored,
        rejected: out.rejected,
    });
}

/// Same-site-ness for cookies: every URL of the chain is same-site with the page, the
/// third-party-cookie policy (and the partition it puts a cross-site request in), and the
/// profile's SameSite default.
fn cookie_context(state: &FetchState<'_>) -> CookieContext {
    let profile = &state.ctx.profile;
    let same_site = state
        .url_list
        .iter()
        .all(|u| state.origin.is_same_site_url(u));
    let partitioned = state.ctx.third_party == ThirdPartyCookies::Partitioned;
    let first_party_for_store = if profile.unlisted_suffix_never_same_site {
        state
            .url_list
            .iter()
            .all(|u| crate::cookies::same_site_by_listed_suffix(state.page_url, u))
    } else {
        same_site
    };
    CookieContext {
        same_site,
        first_party_for_store,
        block_third_party: state.ctx.third_party == ThirdPartyCookies::Block,
        // The page's site: the top-level site of every fetch modelled here.
        partition: (partitioned && !same_site).then(|| format!("{:?}", state.origin.site())),
        refuse_third_party_store: state.ctx.third_party == ThirdPartyCookies::BlockNew,
        lax_by_default: profile.lax_by_default,
        partitioned_requires_secure: profile.partitioned_cookie_requires_secure,
        overwrite_keeps_creation_time: profile.cookie_overwrite_keeps_creation_time,
    }
}
