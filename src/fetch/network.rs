//! HTTP-network-or-cache fetch (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>)
//! and HTTP-network fetch (<https://fetch.spec.whatwg.org/#http-network-fetch>): the
//! browser's headers ([`super::request_headers`]), cookies, the HTTP cache, the exchange,
//! decoding, and storing `Set-Cookie`.

use http::HeaderMap;

use crate::cookies::{CookieContext, ThirdPartyCookies};
use crate::errors::FailureReason;
use crate::net::{WireRequest, WireResponse, decode};
use crate::origin::Origin;
use crate::request::Credentials;
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

/// HTTP-network-or-cache fetch for the current URL: the HTTP cache, then the request
/// with every header the browser adds, then the network.
pub(crate) async fn http_network_or_cache_fetch(
    state: &mut FetchState<'_>,
    hop: Hop,
) -> Result<WireResponse, Failure> {
    if matches!(hop, Hop::Main)
        && let Some(cached) = http_cache_lookup(state)
    {
        return Ok(cached);
    }
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
    append_content_length(kind, &method, body.len(), &mut headers);

    let response = http_network_fetch(state, kind, method, headers, body).await?;
    if kind == HopKind::Main {
        http_cache_store(state, &response);
    }
    // Set-Cookie is stored whenever credentials were included, even if CORS later blocks
    // the response.
    if include_credentials {
        store_set_cookie(state, &response, cookies);
    }
    Ok(response)
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

/// CHROMIUM: a cached permanent redirect answers a GET without the network.
fn http_cache_lookup(state: &mut FetchState<'_>) -> Option<WireResponse> {
    if state.method != http::Method::GET {
        return None;
    }
    let now = state.ctx.clock.now();
    let cached = state.ctx.http_cache().lookup(state.current_url(), now)?;
    state.trace.note(Notice::FromHttpCache(cached.status));
    Some(WireResponse {
        status: cached.status,
        headers: cached.headers,
        body: cached.body,
    })
}

/// Offers a GET's response to the HTTP cache.
fn http_cache_store(state: &mut FetchState<'_>, response: &WireResponse) {
    if state.method != http::Method::GET {
        return;
    }
    let now = state.ctx.clock.now();
    let url = state.current_url().clone();
    state.ctx.http_cache().store(
        &url,
        response.status,
        &response.headers,
        &response.body,
        now,
    );
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
