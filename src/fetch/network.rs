//! HTTP-network-or-cache fetch and HTTP-network fetch
//! (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>): the headers the browser
//! adds (Origin, Referer, Sec-Fetch-*, cookies, User-Agent...), the exchange, and storing
//! `Set-Cookie`. There is no HTTP cache: every request goes to the network.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::cookies::{CookieContext, ThirdPartyCookies};
use crate::errors::{FailureReason, NetError};
use crate::net::{WireRequest, WireResponse, decode};

/// The largest decoded body kept (a compression bomb stops here).
const DECODED_LIMIT: usize = 64 * 1024 * 1024;
use crate::origin::{Origin, is_url_potentially_trustworthy};
use crate::policy::fetch_metadata::sec_fetch_site;
use crate::policy::wire_headers::{empty_body_content_length, non_cors_origin_header};
use crate::request::{Credentials, Mode};
use crate::trace::{CookieDecision, HopKind, TraceEvent, WireRecord};

use super::{Failure, FetchState, Tainting};

/// Which request goes out: the request itself, or its preflight (with the
/// `Accept`/`Access-Control-Request-*` headers it carries instead of script's).
pub(crate) enum Hop {
    Main,
    Preflight(HeaderMap),
}

/// Builds the wire request for the current URL, sends it, records both sides in the
/// trace, and stores cookies when credentials are included.
pub(crate) async fn http_network_fetch(
    state: &mut FetchState<'_>,
    hop: Hop,
) -> Result<WireResponse, Failure> {
    let url = state.current_url().clone();
    // CHROMIUM: a cached permanent redirect answers a GET without the network.
    if matches!(hop, Hop::Main) && state.method == "GET" {
        let now = state.browser.clock.now();
        let cached = state
            .browser
            .http_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .lookup(&url, now);
        if let Some(c) = cached {
            state.trace.note(format!(
                "served from the HTTP cache: a {} stored earlier (no request sent)",
                c.status
            ));
            return Ok(WireResponse {
                status: c.status,
                headers: c.headers,
                body: c.body,
            });
        }
    }
    let (kind, method, mut headers, body) = match hop {
        Hop::Main => {
            let method = http::Method::from_bytes(state.method.as_bytes()).map_err(|_| {
                Failure::silent(FailureReason::Network(NetError::Protocol(
                    "invalid method".into(),
                )))
            })?;
            (
                HopKind::Main,
                method,
                state.headers.clone(),
                state.body.clone().unwrap_or_default(),
            )
        }
        Hop::Preflight(h) => (
            HopKind::Preflight,
            http::Method::OPTIONS,
            h,
            bytes::Bytes::new(),
        ),
    };

    // Origin (<https://fetch.spec.whatwg.org/#append-a-request-origin-header>).
    if let Some(origin) = request_origin_header(state, kind) {
        set(&mut headers, "origin", &origin);
    }
    // Accept and Accept-Language defaults.
    if !headers.contains_key(http::header::ACCEPT) {
        set(&mut headers, "accept", "*/*");
    }
    let encodings = decode::accept_encoding(&url, headers.contains_key(http::header::RANGE));
    set(&mut headers, "accept-encoding", encodings);
    // HTTP/1.1 only: over https the protocol is chosen later, by ALPN.
    if url.scheme() == "http" {
        set(&mut headers, "connection", "keep-alive");
    }
    if !headers.contains_key(http::header::ACCEPT_LANGUAGE) {
        set(
            &mut headers,
            "accept-language",
            &state.browser.profile.accept_language,
        );
    }
    // Referer: the referrer main fetch determined for this hop.
    if let Some(r) = &state.referrer {
        set(&mut headers, "referer", r.as_str());
    }
    set(
        &mut headers,
        "user-agent",
        &state.browser.profile.user_agent,
    );
    // CHROMIUM: a preflight always says `Sec-Fetch-Mode: cors`, even to a URL that gets no
    // other fetch metadata (observed: wpt-subset cors-preflight-*, plain http).
    if kind == HopKind::Preflight && !is_url_potentially_trustworthy(&url) {
        set(&mut headers, "sec-fetch-mode", "cors");
    }
    // Fetch metadata, only to potentially trustworthy URLs.
    if is_url_potentially_trustworthy(&url) {
        let site = sec_fetch_site(state.origin, &state.url_list);
        let mode = match kind {
            HopKind::Preflight => "cors",
            HopKind::Main => match state.mode {
                Mode::Cors => "cors",
                Mode::NoCors => "no-cors",
                Mode::SameOrigin => "same-origin",
            },
        };
        set(&mut headers, "sec-fetch-site", site.as_str());
        set(&mut headers, "sec-fetch-mode", mode);
        set(&mut headers, "sec-fetch-dest", "empty");
        // CHROMIUM: client hints go on requests, not on preflights (observed, case 7), and
        // only while every URL of the chain is potentially trustworthy: once a redirect
        // passed through an insecure URL they are not added again (observed,
        // examples/client-hints-redirect-chain.toml).
        let hints =
            if kind == HopKind::Main && state.url_list.iter().all(is_url_potentially_trustworthy) {
                state.browser.profile.client_hints.as_slice()
            } else {
                &[]
            };
        for (n, v) in hints {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(n.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                headers.insert(n, v);
            }
        }
    }

    // Cookies: never on a preflight; otherwise per credentials mode and the jar's rules.
    let include_credentials = kind == HopKind::Main
        && (state.credentials == Credentials::Include
            || (state.credentials == Credentials::SameOrigin && state.tainting == Tainting::Basic));
    let ctx = cookie_context(state);
    // CHROMIUM: credentialed cross-site requests say whether storage access is active
    // (observed: `none` with third-party cookies blocked, `active` when allowed).
    if kind == HopKind::Main
        && state.credentials == Credentials::Include
        && !ctx.same_site
        && is_url_potentially_trustworthy(&url)
    {
        let v = if ctx.block_third_party {
            "none"
        } else {
            "active"
        };
        set(&mut headers, "sec-fetch-storage-access", v);
    }
    if kind == HopKind::Main {
        if include_credentials {
            let now = state.browser.clock.now();
            let sel = state.browser.jar().select(&url, ctx, now);
            if let Some(h) = &sel.header {
                set(&mut headers, "cookie", h);
            }
            state
                .trace
                .push(TraceEvent::Cookies(CookieDecision::Considered {
                    sent: sel.sent,
                    blocked: sel.blocked,
                }));
        } else {
            let why = match state.credentials {
                Credentials::Omit => "credentials: 'omit'".to_string(),
                _ => "credentials: 'same-origin' and the URL is cross-origin".to_string(),
            };
            state
                .trace
                .push(TraceEvent::Cookies(CookieDecision::NotIncluded { why }));
        }
    }

    if kind == HopKind::Main && empty_body_content_length(method.as_str(), body.is_empty()) {
        set(&mut headers, "content-length", "0");
    }
    let record = WireRecord {
        kind,
        method: method.as_str().to_string(),
        url: url.clone(),
        headers: header_pairs(&headers),
        body_len: body.len(),
    };
    let request = WireRequest {
        method,
        url: url.clone(),
        headers,
        body,
    };
    let sent = state.browser.transport.send(request).await;
    state.trace.push(match crate::net::delivered(&sent) {
        true => TraceEvent::Sent(record),
        false => TraceEvent::NotDelivered(record),
    });
    let response = match sent {
        Ok(r) => r,
        Err(e) => {
            state.trace.push(TraceEvent::NetworkFailed(e.clone()));
            return Err(Failure::new(
                FailureReason::Network(e.clone()),
                network_console_lines(state, &e),
            ));
        }
    };
    let response =
        match decode::decode_body(&response.headers, response.body.clone(), DECODED_LIMIT) {
            Ok(body) => WireResponse { body, ..response },
            Err(e) => {
                state.trace.push(TraceEvent::NetworkFailed(e.clone()));
                return Err(Failure::silent(FailureReason::Network(e)));
            }
        };
    if kind == HopKind::Main && state.method == "GET" {
        let now = state.browser.clock.now();
        state
            .browser
            .http_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .store(
                &url,
                response.status,
                &response.headers,
                &response.body,
                now,
            );
    }
    state.trace.push(TraceEvent::Received {
        status: response.status,
        headers: header_pairs(&response.headers),
        body_len: response.body.len(),
    });

    // Set-Cookie is stored whenever credentials were included, even if CORS later blocks
    // the response.
    if include_credentials {
        let lines: Vec<&[u8]> = response
            .headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .map(|v| v.as_bytes())
            .collect();
        if !lines.is_empty() {
            let now = state.browser.clock.now();
            let out = state.browser.jar().store_response(&url, &lines, ctx, now);
            state.trace.push(TraceEvent::CookiesStored {
                stored: out.stored,
                rejected: out.rejected,
            });
        }
    }
    Ok(response)
}

/// The Origin header value for this hop, or none.
fn request_origin_header(state: &FetchState<'_>, kind: HopKind) -> Option<String> {
    let serialized = state.serialized_origin();
    if kind == HopKind::Preflight || state.tainting == Tainting::Cors {
        return Some(serialized);
    }
    non_cors_origin_header(&state.method, serialized)
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
        block_third_party: state.browser.third_party == ThirdPartyCookies::Block,
    }
}

/// Console lines for a network failure. None yet: verified per case against Chromium.
fn network_console_lines(_state: &FetchState<'_>, _e: &NetError) -> Vec<String> {
    Vec::new()
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
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
