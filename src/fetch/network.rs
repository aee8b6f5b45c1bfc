//! HTTP-network-or-cache fetch (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>)
//! and HTTP-network fetch (<https://fetch.spec.whatwg.org/#http-network-fetch>): the
//! browser's headers ([`super::request_headers`]), cookies, the HTTP cache, the exchange,
//! decoding, and storing `Set-Cookie`.

use http::HeaderMap;

use crate::cookies::{CookieContext, ThirdPartyCookies};
use crate::errors::FailureReason;
use crate::http_cache::{CacheKey, CachedResponse, Lookup};
use crate::net::{WireRequest, WireResponse, decode};
use crate::origin::{Origin, Site};
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
            state.headers.clone(),
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
    append_cache_mode_headers(state, &mut headers);
    append_referer(state, &mut headers);
    append_user_agent(state, &mut headers);
    append_fetch_metadata_headers(state, kind, &mut headers);
    append_client_hints(state, kind, &mut headers);
    append_storage_access_header(state, kind, cookies, &mut headers);
    let include_credentials = kind == HopKind::Main && includes_credentials(state);
    if kind == HopKind::Main && coep_credentialless_omits(state) {
        // CHROMIUM: such a request also goes out with `Pragma: no-cache` and
        // `Cache-Control: no-cache`, kept on the hops after it (observed:
        // wpt-subset html/cross-origin-embedder-policy/credentialless-fetch).
        for name in ["pragma", "cache-control"] {
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
        append_cookie_header(state, include_credentials, cookies, &mut headers);
    }
    let given = state.body.as_ref().map(|_| body.len());
    append_content_length(kind, &method, given, &mut headers);

    let uses_cache = kind == HopKind::Main && method == http::Method::GET && !state.conditional;
    let mut validating = None;
    if uses_cache {
        match http_cache_lookup(state, &headers)? {
            CacheStep::Serve(r) => return Ok(r),
            CacheStep::Validate(entry) => {
                for (n, v) in crate::http_cache::policy::validators(entry.status, &entry.headers) {
                    headers.insert(n, v);
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
        store_set_cookie(state, &response, cookies);
    }
    if kind != HopKind::Main {
        return Ok(response);
    }
    if let Some(entry) = validating {
        if response.status == 304 {
            return Ok(http_cache_revalidated(state, entry, &response));
        }
        state.trace.note(Notice::StaleRefetched);
    }
    if uses_cache {
        http_cache_store(state, &headers, &response);
    } else if crate::http_cache::policy::invalidates(&method, response.status) {
        let key = cache_key(state);
        state.ctx.http_cache().remove(&key);
    }
    Ok(response)
}

/// What the HTTP cache does for a GET, by cache mode
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, the steps on the stored
/// response).
enum CacheStep {
    /// Answer from the cache; nothing is sent.
    Serve(WireResponse),
    /// Send a conditional request for this stored response.
    Validate(Box<CachedResponse>),
    /// Send the request as is.
    Network,
}

/// The cache key: the top-level site (the page's; a `fetch()` runs in a top-level page
/// here) and the URL.
fn cache_key(state: &FetchState<'_>) -> CacheKey {
    CacheKey::new(&site_string(&state.origin.site()), state.current_url())
}

fn site_string(site: &Site) -> String {
    match site {
        Site::Tuple { scheme, domain } => format!("{scheme}://{domain}"),
        Site::Opaque(n) => format!("null#{n}"),
    }
}

/// Looks the request up in the HTTP cache and decides by cache mode: `no-store` and
/// `reload` skip it; `default` serves a fresh entry and validates a stale one;
/// `no-cache` always validates; `force-cache` and `only-if-cached` serve any matching
/// entry, stale or not; `only-if-cached` fails on a miss with nothing sent.
fn http_cache_lookup(
    state: &mut FetchState<'_>,
    request: &HeaderMap,
) -> Result<CacheStep, Failure> {
    let mode = state.cache_mode;
    if matches!(mode, CacheMode::NoStore | CacheMode::Reload) {
        return Ok(CacheStep::Network);
    }
    let key = cache_key(state);
    let now = state.ctx.clock.now();
    let found = state.ctx.http_cache().lookup(&key, request, now);
    let (entry, fresh_for) = match found {
        Lookup::Hit { entry, fresh_for } => (entry, fresh_for),
        Lookup::VaryMismatch | Lookup::Miss => {
            if matches!(found, Lookup::VaryMismatch) {
                state.trace.note(Notice::VaryMismatch);
            }
            if mode == CacheMode::OnlyIfCached {
                // CHROMIUM: net::ERR_CACHE_MISS, no console line.
                return Err(Failure::silent(FailureReason::NotInCache));
            }
            return Ok(CacheStep::Network);
        }
    };
    let serve = match mode {
        CacheMode::ForceCache | CacheMode::OnlyIfCached => true,
        CacheMode::Default => fresh_for.is_some(),
        _ => false,
    };
    if serve {
        state.trace.note(Notice::FromHttpCache {
            status: entry.status,
            fresh_for: fresh_for.map(|d| d.as_secs()),
        });
        return Ok(CacheStep::Serve(WireResponse {
            status: entry.status,
            headers: entry.headers,
            body: entry.body,
        }));
    }
    if crate::http_cache::policy::validators(entry.status, &entry.headers).is_empty() {
        if mode == CacheMode::Default {
            state.trace.note(Notice::StaleRefetched);
        }
        return Ok(CacheStep::Network);
    }
    Ok(CacheStep::Validate(entry))
}

/// A `304` to a conditional request: the stored headers updated by the 304's, the stored
/// status and body (<https://www.rfc-editor.org/rfc/rfc9111#section-4.3.4>). The CORS
/// check then runs on the merged headers, so a 304 without CORS headers still passes.
fn http_cache_revalidated(
    state: &mut FetchState<'_>,
    entry: Box<CachedResponse>,
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
            ..*entry
        });
    WireResponse {
        status: updated.status,
        headers: updated.headers,
        body: updated.body,
    }
}

/// Offers a GET's response to the HTTP cache (unless the cache mode is `no-store`).
fn http_cache_store(state: &mut FetchState<'_>, request: &HeaderMap, response: &WireResponse) {
    if state.cache_mode == CacheMode::NoStore {
        return;
    }
    let now = state.ctx.clock.now();
    let key = cache_key(state);
    state.stored_in_http_cache = state.ctx.http_cache().store(
        key,
        request,
        response.status,
        &response.headers,
        &response.body,
        now,
    );
}

/// CHROMIUM: a response that CORS or CORP then blocks is not kept in the HTTP cache
/// unless it is a redirect: the load is cancelled before its body is read, so the cache
/// entry is never completed, and the next fetch of the URL goes to the network (observed:
/// examples/generated/blocked-response-not-cached.toml; a blocked redirect is served from
/// the cache the next time).
pub(crate) fn forget_blocked_response(state: &mut FetchState<'_>, response: &WireResponse) {
    let followable_redirect = crate::fetch::redirect::is_redirect_status(response.status)
        && response
            .headers
            .get("location")
            .is_some_and(|l| !l.as_bytes().is_empty());
    if std::mem::take(&mut state.stored_in_http_cache) && !followable_redirect {
        let key = cache_key(state);
        state.ctx.http_cache().remove(&key);
        state.trace.note(Notice::BlockedResponseNotCached);
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
        method: method.as_str().to_string(),
        url: url.clone(),
        headers: header_pairs(&headers),
        body_len: body.len(),
    };
    let request = WireRequest {
        method,
        url,
        headers,
        body,
    };
    let sent = state.ctx.transport.send(request).await;
    // A request reached the server only when a server received it.
    state.trace.push(if crate::net::delivered(&sent) {
        TraceEvent::Sent(record)
    } else {
        TraceEvent::NotDelivered(record)
    });
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            state.trace.push(TraceEvent::NetworkFailed(e.clone()));
            // CHROMIUM: a network failure prints no console line (DevTools shows
            // `net::ERR_…`, which is not a console line).
            return Err(Failure::silent(FailureReason::Network(e)));
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
        headers: header_pairs(&response.headers),
        body_len: response.body.len(),
    });
    Ok(response)
}

/// Whether this request carries credentials: `include`, or `same-origin` while the
/// response tainting is still basic
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, includeCredentials).
fn includes_credentials(state: &FetchState<'_>) -> bool {
    (state.credentials == Credentials::Include
        || (state.credentials == Credentials::SameOrigin && state.tainting == Tainting::Basic))
        && !coep_credentialless_omits(state)
}

/// `COEP: credentialless`: a no-cors request to another origin goes without credentials
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, includeCredentials).
fn coep_credentialless_omits(state: &FetchState<'_>) -> bool {
    state.mode == crate::request::Mode::NoCors
        && state.embedder_policies.value == crate::policy::corp::EmbedderPolicy::Credentialless
        && !state
            .origin
            .is_same_origin(&Origin::from_url(state.current_url()))
}

/// `Cookie`, from the jar under its SameSite and third-party rules, when credentials are
/// included; the decision goes into the trace either way.
fn append_cookie_header(
    state: &mut FetchState<'_>,
    include_credentials: bool,
    ctx: CookieContext,
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
fn store_set_cookie(state: &mut FetchState<'_>, response: &WireResponse, ctx: CookieContext) {
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
    state.trace.push(TraceEvent::CookiesStored {
        stored: out.stored,
        rejected: out.rejected,
    });
}

/// Same-site-ness for cookies: every URL of the chain is same-site with the page, and the
/// third-party-cookie policy.
fn cookie_context(state: &FetchState<'_>) -> CookieContext {
    let same_site = state
        .url_list
        .iter()
        .all(|u| state.origin.is_same_site(&Origin::from_url(u)));
    CookieContext {
        same_site,
        block_third_party: state.ctx.third_party == ThirdPartyCookies::Block,
    }
}

/// Header pairs with lower-case names, in map order.
pub(crate) fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}
