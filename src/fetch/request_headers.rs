//! The headers the browser adds to a request on its way out, one function per step of the
//! standards that define them. Each reads the request as it stands ([`FetchState`]) and
//! writes into the header list about to be sent; none does I/O.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::cookies::CookieContext;
use crate::net::decode;
use crate::origin::is_url_potentially_trustworthy;
use crate::policy::fetch_metadata::{sec_fetch_site, should_send_fetch_metadata};
use crate::policy::referrer::determine_referrer;
use crate::policy::wire_headers::{
    empty_body_content_length, non_cors_origin_header, origin_under_referrer_policy,
};
use crate::profile::StorageAccessHeader;
use crate::request::{CacheMode, Credentials, Mode};
use crate::trace::HopKind;

use super::{FetchState, Tainting};

/// Sets `name` to `value` (a value that is not a valid header value is skipped).
pub(crate) fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

/// Sets `name` to a constant `value` (no copy is made).
fn set_static(headers: &mut HeaderMap, name: &'static str, value: &'static str) {
    headers.insert(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    );
}

/// The profile's header values, parsed once per Browser instead of once per request
/// (cloning a parsed value shares its bytes). Invalid names or values are left out, as
/// [`set_owned`] leaves them out.
#[derive(Debug, Clone)]
pub(crate) struct ProfileHeaders {
    user_agent: Option<HeaderValue>,
    accept_language: Option<HeaderValue>,
    accept_encoding_secure: Option<HeaderValue>,
    accept_encoding_insecure: Option<HeaderValue>,
    request_headers: Vec<(HeaderName, HeaderValue)>,
    client_hints: Vec<(HeaderName, HeaderValue)>,
    /// The HTTP/2-only request and response headers, as the transport takes them.
    pub http2_request: std::sync::Arc<HeaderMap>,
    pub http2_response: std::sync::Arc<HeaderMap>,
}

impl ProfileHeaders {
    pub(crate) fn of(profile: &crate::Profile) -> Self {
        let value = |v: &str| HeaderValue::from_str(v).ok();
        let pairs = |list: &[(String, String)]| -> Vec<(HeaderName, HeaderValue)> {
            list.iter()
                .filter_map(|(n, v)| Some((HeaderName::from_bytes(n.as_bytes()).ok()?, value(v)?)))
                .collect()
        };
        let map = |list: &[(String, String)]| {
            let mut m = HeaderMap::new();
            for (n, v) in list {
                set_owned(&mut m, n, v);
            }
            m
        };
        ProfileHeaders {
            user_agent: value(&profile.user_agent),
            accept_language: value(&profile.accept_language),
            accept_encoding_secure: value(&profile.accept_encoding_secure),
            accept_encoding_insecure: value(&profile.accept_encoding_insecure),
            request_headers: pairs(&profile.request_headers),
            client_hints: pairs(&profile.client_hints),
            http2_request: map(&profile.http2_request_headers).into(),
            http2_response: map(&profile.http2_response_headers).into(),
        }
    }
}

/// Sets `name` (any valid header name) to `value`; invalid ones are skipped.
pub(crate) fn set_owned(headers: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        headers.insert(n, v);
    }
}

/// Append a request `Origin` header
/// (<https://fetch.spec.whatwg.org/#append-a-request-origin-header>).
pub(crate) fn append_request_origin_header(
    state: &FetchState<'_>,
    kind: HopKind,
    headers: &mut HeaderMap,
) {
    if let Some(origin) = request_origin_header(state, kind) {
        headers.insert(http::header::ORIGIN, origin);
    }
}

/// The `Origin` value for this hop, or none: always on preflights and CORS requests;
/// otherwise Chromium's rule ([`non_cors_origin_header`]), or the Standard's when the
/// profile follows the referrer policy ([`origin_under_referrer_policy`]).
///
/// WEBKIT: a request that began with another method keeps its `Origin` after a redirect
/// turned it into GET, while the URL stays same-origin (observed: a same-origin 302 after
/// a POST keeps it; a no-cors 303 to another origin sends none).
fn request_origin_header(state: &FetchState<'_>, kind: HopKind) -> Option<HeaderValue> {
    if kind == HopKind::Preflight && !state.ctx.profile.tainted_preflight_origin_is_null {
        return Some(state.origin_header.clone());
    }
    if kind == HopKind::Preflight || state.tainting == Tainting::Cors {
        return Some(if state.tainted_origin {
            HeaderValue::from_static("null")
        } else {
            state.origin_header.clone()
        });
    }
    let serialized = state.serialized_origin().to_string();
    let profile = &state.ctx.profile;
    let same_origin = state.origin.is_same_origin_url(state.current_url());
    let method = if profile.origin_kept_after_redirect_to_get
        && state.began_with_unsafe_method()
        && same_origin
    {
        state.initial_method.as_str()
    } else {
        state.method.as_str()
    };
    let value = non_cors_origin_header(method, serialized)?;
    let value = if profile.origin_header_follows_referrer_policy && state.mode != Mode::Cors {
        origin_under_referrer_policy(
            state.referrer_policy,
            state.origin,
            state.current_url(),
            value,
        )
    } else {
        value
    };
    HeaderValue::from_str(&value).ok()
}

/// The defaults fetch and HTTP-network-or-cache fetch add when script did not set them:
/// `Accept` (<https://fetch.spec.whatwg.org/#fetching> step 12), `Accept-Language` (step
/// 13), `Accept-Encoding` and `User-Agent`
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>), and HTTP/1.1's
/// `Connection`.
pub(crate) fn append_default_headers(state: &FetchState<'_>, headers: &mut HeaderMap) {
    let url = state.current_url();
    let prepared = &state.ctx.profile_headers;
    if !headers.contains_key(http::header::ACCEPT) {
        set_static(headers, "accept", "*/*");
    }
    let has_range = headers.contains_key(http::header::RANGE);
    let encodings = match decode::accept_encoding_choice(&state.ctx.profile, url, has_range) {
        decode::AcceptEncoding::Identity => {
            Some(HeaderValue::from_static(decode::RANGE_ACCEPT_ENCODING))
        }
        decode::AcceptEncoding::Secure => prepared.accept_encoding_secure.clone(),
        decode::AcceptEncoding::Insecure => prepared.accept_encoding_insecure.clone(),
    };
    if let Some(v) = encodings {
        headers.insert(http::header::ACCEPT_ENCODING, v);
    }
    // HTTP/1.1 only: over https the protocol is chosen later, by ALPN.
    if url.scheme() == "http" {
        set_static(headers, "connection", "keep-alive");
    }
    if !headers.contains_key(http::header::ACCEPT_LANGUAGE)
        && let Some(v) = &prepared.accept_language
    {
        headers.insert(http::header::ACCEPT_LANGUAGE, v.clone());
    }
    for (n, v) in &prepared.request_headers {
        if !headers.contains_key(n) {
            headers.insert(n.clone(), v.clone());
        }
    }
}

/// The cache-mode headers of HTTP-network-or-cache fetch
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, the cache-mode steps):
/// `no-cache` asks for revalidation (`Cache-Control: max-age=0`); `no-store` and `reload`
/// ask every cache on the way for a fresh response (`Pragma` and `Cache-Control:
/// no-cache`). Script's own `Cache-Control` and `Pragma` are kept. CHROMIUM: a request
/// with a conditional header of script's is sent as a `no-cache` one (see
/// `FetchState::conditional`); WEBKIT: as the spec's `no-store` one
/// ([`conditional_request_sent_as_no_store`](crate::Profile::conditional_request_sent_as_no_store)).
pub(crate) fn append_cache_mode_headers(state: &FetchState<'_>, headers: &mut HeaderMap) {
    let no_store = state.conditional && state.ctx.profile.conditional_request_sent_as_no_store;
    let validating = state.cache_mode == CacheMode::NoCache || (state.conditional && !no_store);
    match state.cache_mode {
        _ if validating && !headers.contains_key(http::header::CACHE_CONTROL) => {
            set_static(headers, "cache-control", "max-age=0");
        }
        _ if no_store => {
            if !headers.contains_key(http::header::PRAGMA) {
                set_static(headers, "pragma", "no-cache");
            }
            if !headers.contains_key(http::header::CACHE_CONTROL) {
                set_static(headers, "cache-control", "no-cache");
            }
        }
        CacheMode::NoStore | CacheMode::Reload => {
            if !headers.contains_key(http::header::PRAGMA) {
                set_static(headers, "pragma", "no-cache");
            }
            if !headers.contains_key(http::header::CACHE_CONTROL) {
                set_static(headers, "cache-control", "no-cache");
            }
        }
        _ => {}
    }
}

/// `Referer`: the referrer main fetch determined for this hop
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>, the referrer step).
///
/// WEBKIT: a preflight sent after a redirect carries the referrer as determined for the
/// first URL (observed: wpt-subset cors-redirect-preflight-*, the full page URL on the
/// preflight to the other origin, the origin alone on the request after it).
pub(crate) fn append_referer(state: &FetchState<'_>, kind: HopKind, headers: &mut HeaderMap) {
    let Some(r) = &state.referrer else {
        return;
    };
    if kind == HopKind::Preflight
        && state.ctx.profile.preflight_referrer_from_first_url
        && state.redirect_count > 0
        && let Some(first) =
            determine_referrer(state.page_url, state.referrer_policy, state.first_url())
    {
        set(headers, "referer", &first);
        return;
    }
    set(headers, "referer", r.as_str());
}

/// `User-Agent` (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>).
pub(crate) fn append_user_agent(state: &FetchState<'_>, headers: &mut HeaderMap) {
    if let Some(v) = &state.ctx.profile_headers.user_agent {
        headers.insert(http::header::USER_AGENT, v.clone());
    }
}

/// Append the fetch metadata headers for a request
/// (<https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request>):
/// `Sec-Fetch-Site`, `-Mode` and `-Dest`, only to potentially trustworthy URLs.
pub(crate) fn append_fetch_metadata_headers(
    state: &FetchState<'_>,
    kind: HopKind,
    headers: &mut HeaderMap,
) {
    let url = state.current_url();
    // WEBKIT: none at all on a CORS-mode hop redirected from another, potentially
    // trustworthy origin (observed: examples/redirect-taints-origin.toml, the second hop;
    // but examples/client-hints-redirect-chain.toml's https hop after an http one has
    // them, and so does a no-cors hop after a cross-origin redirect).
    if !state.ctx.profile.fetch_metadata_after_cross_origin_redirect
        && state.mode == Mode::Cors
        && redirected_from_another_trustworthy_origin(&state.url_list)
    {
        return;
    }
    if !should_send_fetch_metadata(url) {
        // CHROMIUM: a preflight always says `Sec-Fetch-Mode: cors`, even to a URL that
        // gets no other fetch metadata (observed: wpt-subset cors-preflight-*, plain http);
        // the profile says whether its engine does.
        if kind == HopKind::Preflight && state.ctx.profile.sec_fetch_mode_on_every_preflight {
            set_static(headers, "sec-fetch-mode", "cors");
        }
        return;
    }
    let mode = match kind {
        HopKind::Preflight => "cors",
        HopKind::Main => match state.mode {
            Mode::Cors => "cors",
            Mode::NoCors => "no-cors",
            Mode::SameOrigin => "same-origin",
        },
    };
    let site = sec_fetch_site(state.origin, &state.url_list);
    set_static(headers, "sec-fetch-site", site.as_str());
    set_static(headers, "sec-fetch-mode", mode);
    set_static(headers, "sec-fetch-dest", "empty");
}

/// Whether the current URL was reached by a redirect from another origin whose URL was
/// potentially trustworthy.
fn redirected_from_another_trustworthy_origin(url_list: &[url::Url]) -> bool {
    match url_list {
        [.., from, to] => {
            is_url_potentially_trustworthy(from) && !crate::origin::same_origin_urls(from, to)
        }
        _ => false,
    }
}

/// The profile's user-agent client hints (`sec-ch-ua*`). CHROMIUM: not on preflights
/// (observed, case 7), and only while every URL of the chain is potentially trustworthy:
/// once a redirect passed through an insecure URL they are not added again (observed,
/// examples/client-hints-redirect-chain.toml).
pub(crate) fn append_client_hints(state: &FetchState<'_>, kind: HopKind, headers: &mut HeaderMap) {
    if kind != HopKind::Main || !state.url_list.iter().all(is_url_potentially_trustworthy) {
        return;
    }
    for (n, v) in &state.ctx.profile_headers.client_hints {
        headers.insert(n.clone(), v.clone());
    }
}

/// `Sec-Fetch-Storage-Access`
/// (<https://privacycg.github.io/storage-access-headers/#append-sec-fetch-storage-access>),
/// on credentialed cross-site requests to potentially trustworthy URLs, by the profile's
/// [`StorageAccessHeader`] rule.
pub(crate) fn append_storage_access_header(
    state: &FetchState<'_>,
    kind: HopKind,
    cookies: &CookieContext,
    headers: &mut HeaderMap,
) {
    if state.credentials != Credentials::Include
        || cookies.same_site
        || !should_send_fetch_metadata(state.current_url())
    {
        return;
    }
    let value = match state.ctx.profile.storage_access_header {
        // CHROMIUM: whether storage access is active (observed: `none` with third-party
        // cookies blocked, `active` when allowed); never on preflights.
        StorageAccessHeader::ActiveOrNone if kind == HopKind::Main => {
            if cookies.block_third_party {
                "none"
            } else {
                "active"
            }
        }
        StorageAccessHeader::ActiveOrNone => return,
        StorageAccessHeader::NoneWhilePartitioned if cookies.partition.is_some() => "none",
        StorageAccessHeader::NoneWhilePartitioned => return,
        StorageAccessHeader::Never => return,
    };
    set_static(headers, "sec-fetch-storage-access", value);
}

/// `Content-Length: 0` for a request with an empty body: one given as empty (any method),
/// or none at all by Chromium's rule ([`empty_body_content_length`]).
///
/// CHROMIUM: an empty body given by script (`body: ""`) is still a body: `Content-Length:
/// 0` on PATCH, DELETE and custom methods too (observed, examples/generated/).
pub(crate) fn append_content_length(
    kind: HopKind,
    method: &http::Method,
    body: Option<usize>,
    headers: &mut HeaderMap,
) {
    let empty = match body {
        Some(len) => len == 0,
        None => empty_body_content_length(method.as_str(), true),
    };
    if kind == HopKind::Main && empty {
        set_static(headers, "content-length", "0");
    }
}
