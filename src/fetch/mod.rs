//! The Fetch Standard's algorithms, in its order: [fetch](https://fetch.spec.whatwg.org/#fetching)
//! (here: checking script's arguments and building the state), then `main_fetch`,
//! `scheme_fetch`, `http_fetch` (with the CORS-preflight fetch), `http_redirect_fetch` and
//! the network step. Spec snapshot followed: whatwg/fetch of 2026-07-02. Where Chromium
//! differs, Chromium wins and the code says `CHROMIUM:`.

mod context;
mod failure;
mod http_cache_rules;
mod http_fetch;
mod local_network;
mod main_fetch;
mod network;
mod redirect;
mod request_headers;
mod scheme;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::errors::{FailureReason, RequestError};
use crate::headers::{
    cors_unsafe_request_header_names, get_combined, is_cors_safelisted_method,
    is_cors_safelisted_request_header, is_forbidden_method, is_forbidden_request_header,
    is_no_cors_safelisted_request_header, is_token, normalize_method,
};
use crate::origin::Origin;
use crate::policy::TargetAddressSpace;
use crate::policy::referrer::ReferrerPolicy;
use crate::request::{CacheMode, Credentials, Mode, RedirectMode, Request};
use crate::response::{FetchError, ResponseType, filter};
use crate::trace::{Notice, Trace};

use crate::wording::QuietFailure;
pub(crate) use context::{Client, FetchContext};
use failure::{Failure, local_network_failure};
pub(crate) use request_headers::ProfileHeaders;

/// How the response will be filtered (<https://fetch.spec.whatwg.org/#concept-request-response-tainting>).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tainting {
    Basic,
    Cors,
    Opaque,
}

/// The request as the algorithms carry it from hop to hop.
pub(crate) struct FetchState<'a> {
    pub ctx: &'a FetchContext,
    pub page_url: &'a Url,
    /// The request's origin (the page's).
    pub origin: &'a Origin,
    /// `origin`, serialized (computed once per page).
    pub origin_serialized: &'a str,
    /// `origin_serialized` as a header value.
    pub origin_header: &'a http::HeaderValue,
    pub method: http::Method,
    /// The method the request began with.
    pub initial_method: http::Method,
    pub url_list: Vec<Url>,
    /// Script's headers, filtered and combined.
    pub headers: HeaderMap,
    /// The names of `headers` as script wrote them (first spelling of each).
    pub header_names_as_written: Vec<String>,
    /// The CORS-unsafe names among `headers`
    /// (<https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>), computed once
    /// and again only when a redirect changes the headers.
    pub unsafe_header_names: Vec<String>,
    pub body: Option<Bytes>,
    pub mode: Mode,
    pub credentials: Credentials,
    pub redirect: RedirectMode,
    pub referrer_policy: ReferrerPolicy,
    /// The cache mode (<https://fetch.spec.whatwg.org/#concept-request-cache-mode>).
    pub cache_mode: CacheMode,
    /// A `default`-mode request whose script set a conditional header: it bypasses the
    /// HTTP cache (the spec's `no-store`). CHROMIUM: it and its preflight go out with
    /// `Cache-Control: max-age=0`, as a `no-cache` request (observed:
    /// examples/generated/conditional-request-validates.toml).
    pub conditional: bool,
    /// Console warnings printed on the way (they precede a failure's own lines).
    pub warnings: Vec<String>,
    /// The request's `targetAddressSpace` (Local Network Access), if given.
    pub target_address_space: Option<TargetAddressSpace>,
    /// The request's referrer: the page's URL at first, then what the last hop computed
    /// (a referrer stripped to an origin stays stripped); `None` for no referrer.
    pub referrer: Option<Url>,
    pub tainted_origin: bool,
    pub tainting: Tainting,
    pub redirect_count: usize,
    /// The page's embedder policies.
    pub embedder_policies: crate::policy::corp::EmbedderPolicies,
    /// The HTTP cache entry the current hop's network response was just stored under, if
    /// any (a blocked response drops it again: [`http_fetch`]).
    pub stored_in_http_cache: Option<std::sync::Arc<crate::http_cache::CacheKey>>,
    /// A CORS request that needs a preflight whatever its method and headers (set by a
    /// redirect under `DroppedAuthorization::ForcesPreflight`).
    pub preflight_forced: bool,
    /// The HTTP cache's partition (the page's top-level site, serialized), computed once
    /// per page: the public suffix lookup behind it is not free.
    pub cache_partition: &'a str,
    pub trace: Trace,
}

impl FetchState<'_> {
    pub fn current_url(&self) -> &Url {
        // The list is never empty: it starts with the request URL.
        &self.url_list[self.url_list.len() - 1]
    }

    pub fn first_url(&self) -> &Url {
        &self.url_list[0]
    }

    /// The origin as the server sees it: `null` once a redirect tainted it.
    pub fn serialized_origin(&self) -> &str {
        if self.tainted_origin {
            "null"
        } else {
            self.origin_serialized
        }
    }

    /// The origin the CORS check compares against (an opaque one once tainted).
    pub fn origin_for_cors(&self) -> Origin {
        if self.tainted_origin {
            Origin::Opaque(0)
        } else {
            self.origin.clone()
        }
    }

    pub fn credentials_include(&self) -> bool {
        self.credentials == Credentials::Include
    }

    /// Whether a `same-origin`-credentials request keeps the credentials it started
    /// with: the profile judges them at the start, the request is `no-cors` (a CORS-mode
    /// redirect to another origin judges again), and its first URL was same-origin with
    /// the page (WEBKIT, observed: cookies go to the other origin after the redirect).
    pub fn credentials_kept_from_start(&self) -> bool {
        self.ctx.profile.credentials_judged_at_start
            && self.credentials == Credentials::SameOrigin
            && self.mode == Mode::NoCors
            && self.origin.is_same_origin_url(self.first_url())
    }

    /// Whether the request began with a method other than GET and HEAD (a redirect may
    /// have turned it into GET since).
    pub fn began_with_unsafe_method(&self) -> bool {
        !matches!(self.initial_method.as_str(), "GET" | "HEAD")
    }

    /// Recomputes what is derived from the headers, after a redirect changed them.
    pub fn headers_changed(&mut self) {
        self.unsafe_header_names =
            unsafe_names_in_check_order(&self.ctx.profile, &self.headers, &self.url_list);
    }
}

/// The request's CORS-unsafe header names (lower-case), in the order the profile's
/// engine checks them against a preflight answer, so the first refused one is the one
/// its console line names. `Access-Control-Request-Headers` sorts them again.
fn unsafe_names_in_check_order(
    profile: &crate::Profile,
    headers: &HeaderMap,
    url_list: &[Url],
) -> Vec<String> {
    let names = cors_unsafe_request_header_names(headers);
    // Nothing to order (most requests): skip building Blink's table.
    if names.len() < 2
        || profile.preflight_header_check_order != crate::HeaderCheckOrder::BlinkTable
    {
        return names;
    }
    // CHROMIUM (observed, crate::cors::header_order): Blink's table holds the request's
    // own headers, then `Accept` when script set none, then the client hints when they
    // are sent (request_headers::append_client_hints).
    let mut added: Vec<&str> = Vec::new();
    if !headers.contains_key(http::header::ACCEPT) {
        added.push("accept");
    }
    if url_list
        .iter()
        .all(crate::origin::is_url_potentially_trustworthy)
    {
        added.extend(profile.client_hints.iter().map(|(n, _)| n.as_str()));
    }
    let request_names: Vec<String> = headers.keys().map(|n| n.as_str().to_string()).collect();
    // CHROMIUM: names with safelisted values, unsafe only because such values exceed
    // 1,024 bytes together, are checked after the others (CorsUnsafeRequestHeaderNames
    // appends them).
    let (unsafe_values, over_total): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|n| {
            !get_combined(headers, n).is_some_and(|v| is_cors_safelisted_request_header(n, &v))
        });
    let mut ordered = crate::cors::chromium_check_order(&unsafe_values, &request_names, &added);
    ordered.extend(crate::cors::chromium_check_order(
        &over_total,
        &request_names,
        &added,
    ));
    ordered
}

/// What `main_fetch` produced before filtering.
pub(crate) struct Fetched {
    pub internal: crate::response::InternalResponse,
    pub opaque_redirect: bool,
}

/// `fetch(input, init)` from a page: check the arguments as `fetch()` does (TypeErrors),
/// then run main fetch and filter the response.
pub(crate) async fn fetch(
    ctx: &FetchContext,
    client: Client<'_>,
    mut req: Request,
) -> Result<crate::Response, FetchError> {
    let mut trace = Trace::new();
    // Firefox and WebKit: `RequestInit` has no `targetAddressSpace` member; fetch()
    // ignores it (observed: an invalid value is not a TypeError).
    if !ctx.profile.target_address_space_supported || !ctx.profile.local_network_access {
        req.target_address_space = None;
    }
    let prepared = match prepare(client.url, req, &mut trace) {
        Ok(p) => p,
        Err(e) => {
            let msg = ctx.profile.wording().request_error(&e);
            return Err(
                FetchError::new(FailureReason::Request(e), msg, Vec::new()).with_trace(trace)
            );
        }
    };
    let conditional = prepared.cache_mode == CacheMode::Default
        && crate::http_cache::policy::has_conditional_header(&prepared.headers);
    let mut state = FetchState {
        ctx,
        page_url: client.url,
        origin: client.origin,
        origin_serialized: client.origin_serialized,
        origin_header: client.origin_header,
        initial_method: prepared.method.clone(),
        method: prepared.method,
        url_list: vec![prepared.url],
        unsafe_header_names: Vec::new(),
        headers: prepared.headers,
        header_names_as_written: prepared.header_names_as_written,
        body: prepared.body,
        mode: prepared.mode,
        credentials: prepared.credentials,
        redirect: prepared.redirect,
        referrer_policy: prepared.referrer_policy.unwrap_or(client.referrer_policy),
        cache_mode: prepared.cache_mode,
        conditional,
        target_address_space: prepared.target_address_space,
        warnings: Vec::new(),
        // CHROMIUM: a sandboxed (opaque-origin) page sends no Referer (observed, case 22).
        // WEBKIT: it does (observed, examples/sandboxed-null-origin.toml).
        referrer: (!client.origin.is_opaque() || ctx.profile.sandboxed_page_sends_referrer)
            .then(|| client.url.clone()),
        tainted_origin: false,
        tainting: Tainting::Basic,
        redirect_count: 0,
        embedder_policies: supported_embedder_policies(&ctx.profile, client.embedder_policies),
        stored_in_http_cache: None,
        preflight_forced: false,
        cache_partition: client.cache_partition,
        trace,
    };
    state.headers_changed();
    match main_fetch::main_fetch(&mut state).await {
        Ok(fetched) => {
            let rtype = if fetched.opaque_redirect {
                ResponseType::OpaqueRedirect
            } else {
                match state.tainting {
                    Tainting::Basic => ResponseType::Basic,
                    // Enforcement::Off hands cross-origin responses over unfiltered.
                    Tainting::Cors if ctx.enforcement == crate::enforcement::Enforcement::Off => {
                        ResponseType::Basic
                    }
                    Tainting::Cors => ResponseType::Cors,
                    Tainting::Opaque => ResponseType::Opaque,
                }
            };
            let include = state.credentials_include();
            state.trace.shrink();
            Ok(filter(fetched.internal, rtype, include, state.trace))
        }
        Err(f) => {
            let msg = match &f.reason {
                FailureReason::Request(e) => ctx.profile.wording().request_error(e),
                _ => ctx.profile.wording().network_error(),
            };
            let mut console = std::mem::take(&mut state.warnings);
            if f.console.is_empty() {
                let redirect_to = redirect_target(&state);
                console.extend(ctx.profile.wording().quiet_failure(&QuietFailure {
                    reason: &f.reason,
                    url: state.current_url(),
                    mode: state.mode,
                    origin: state.origin,
                    redirect_to: redirect_to.as_ref(),
                    page_url: state.page_url,
                }));
            } else {
                console.extend(f.console);
            }
            state.trace.shrink();
            Err(FetchError::new(f.reason, msg, console).with_trace(state.trace))
        }
    }
}

/// The HTTP cache partition of a page with this origin: its site, serialized
/// (`https://example.com`; `null#N` for an opaque origin, unique to it).
pub(crate) fn cache_partition_of(origin: &Origin) -> String {
    http_cache_rules::site_string(&origin.site())
}

/// Where the last response pointed when it was a redirect with a `Location` that parses
/// against the current URL (<https://fetch.spec.whatwg.org/#concept-response-location-url>).
fn redirect_target(state: &FetchState<'_>) -> Option<url::Url> {
    let (status, _) = state.trace.last_answer()?;
    if !redirect::is_redirect_status(status) {
        return None;
    }
    let location = state.trace.last_answer_headers().get_str("location")?;
    state.current_url().join(location).ok()
}

/// The page's embedder policies as the profile's engine understands them: one without
/// `credentialless` reads that value as an unknown one, that is `unsafe-none` (WEBKIT,
/// observed: wpt-subset credentialless-* send the cookie and no `Pragma`).
fn supported_embedder_policies(
    profile: &crate::Profile,
    mut p: crate::policy::corp::EmbedderPolicies,
) -> crate::policy::corp::EmbedderPolicies {
    use crate::policy::corp::EmbedderPolicy;
    if !profile.coep_credentialless {
        for v in [&mut p.value, &mut p.report_only] {
            if *v == EmbedderPolicy::Credentialless {
                *v = EmbedderPolicy::UnsafeNone;
            }
        }
    }
    p
}

struct Prepared {
    url: Url,
    method: http::Method,
    headers: HeaderMap,
    header_names_as_written: Vec<String>,
    body: Option<Bytes>,
    mode: Mode,
    credentials: Credentials,
    redirect: RedirectMode,
    referrer_policy: Option<ReferrerPolicy>,
    cache_mode: CacheMode,
    target_address_space: Option<TargetAddressSpace>,
}

/// The checks `new Request()` and `fetch()` make on script's arguments
/// (<https://fetch.spec.whatwg.org/#dom-request>), in Blink's order.
fn prepare(page_url: &Url, req: Request, trace: &mut Trace) -> Result<Prepared, RequestError> {
    // The `RequestInit` dictionary is converted before the constructor's steps: an
    // unknown `targetAddressSpace` is a TypeError before anything else is looked at.
    let target_address_space = match req.target_address_space.as_deref() {
        Some(v) => {
            Some(TargetAddressSpace::parse(v).map_err(RequestError::InvalidTargetAddressSpace)?)
        }
        None => None,
    };
    // Parse the URL against the page; a URL with credentials is refused.
    let url = page_url
        .join(&req.url)
        .map_err(|_| RequestError::InvalidUrl(req.url.clone()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RequestError::UrlHasCredentials(url.to_string()));
    }
    // https://fetch.spec.whatwg.org/#dom-request (only-if-cached needs mode
    // same-origin; checked before the method)
    if req.cache == CacheMode::OnlyIfCached && req.mode != Mode::SameOrigin {
        return Err(RequestError::OnlyIfCachedWithoutSameOrigin(req.mode));
    }
    // Method: a token, not forbidden, then normalized.
    if !is_token(req.method.as_bytes()) {
        return Err(RequestError::InvalidMethod(req.method.clone()));
    }
    if is_forbidden_method(&req.method) {
        return Err(RequestError::ForbiddenMethod(req.method.clone()));
    }
    let normalized = normalize_method(&req.method);
    if req.mode == Mode::NoCors && !is_cors_safelisted_method(&normalized) {
        return Err(RequestError::MethodUnsupportedInNoCors(normalized));
    }
    // A token is always a valid `http::Method`.
    let method = http::Method::from_bytes(normalized.as_bytes())
        .map_err(|_| RequestError::InvalidMethod(req.method.clone()))?;
    // Headers, through the guard of a Request's Headers: forbidden names dropped silently,
    // and under no-cors only safelisted pairs kept. Repeated names combine as "a, b".
    let mut combined: Vec<(String, String)> = Vec::new();
    for (name, value) in &req.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(RequestError::InvalidHeaderName(name.clone()));
        }
        let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if HeaderValue::from_str(value).is_err() {
            return Err(RequestError::InvalidHeaderValue(
                name.clone(),
                value.to_string(),
            ));
        }
        if is_forbidden_request_header(name, value.as_bytes()) {
            trace.note(Notice::ForbiddenHeaderDropped(name.clone()));
            continue;
        }
        match combined
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, v)) => {
                let joined = format!("{v}, {value}");
                if req.mode == Mode::NoCors
                    && !is_no_cors_safelisted_request_header(name, joined.as_bytes())
                {
                    trace.note(Notice::NoCorsAppendedValueDropped(name.clone()));
                } else {
                    *v = joined;
                }
            }
            None => {
                if req.mode == Mode::NoCors
                    && !is_no_cors_safelisted_request_header(name, value.as_bytes())
                {
                    trace.note(Notice::NoCorsHeaderDropped(name.clone()));
                } else {
                    combined.push((name.clone(), value.to_string()));
                }
            }
        }
    }
    let body = match &req.body {
        Some(b) => {
            if method == http::Method::GET || method == http::Method::HEAD {
                return Err(RequestError::BodyWithGetOrHead(method.to_string()));
            }
            if let Some(ct) = b.implied_content_type()
                && !combined
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            {
                combined.push(("Content-Type".to_string(), ct.to_string()));
            }
            Some(b.bytes())
        }
        None => None,
    };
    let mut headers = HeaderMap::new();
    let header_names_as_written = combined.iter().map(|(n, _)| n.clone()).collect();
    for (n, v) in combined {
        // Both were validated above.
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            headers.insert(n, v);
        }
    }
    Ok(Prepared {
        url,
        method,
        headers,
        header_names_as_written,
        body,
        mode: req.mode,
        credentials: req.credentials,
        redirect: req.redirect,
        referrer_policy: req.referrer_policy,
        cache_mode: req.cache,
        target_address_space,
    })
}
