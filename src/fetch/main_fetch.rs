//! Main fetch (<https://fetch.spec.whatwg.org/#main-fetch>): the scheme and mixed-content
//! checks, then the choice of how to fetch this URL ([`choose_path`], a pure function),
//! then HTTP fetch. Redirects come back here: main fetch runs once per hop, in a loop,
//! rather than recursing through HTTP-redirect fetch as the spec writes it.

use url::Url;

use crate::enforcement::Enforcement;
use crate::errors::{CorsError, FailureReason};
use crate::headers::is_cors_safelisted_method;
use crate::origin::Origin;
use crate::policy::referrer::{ReferrerPolicy, determine_referrer_url};
use crate::policy::{AddressSpace, TargetAddressSpace};
use crate::request::{Mode, RedirectMode};
use crate::trace::{Notice, PreflightReason, TraceEvent};

use super::http_fetch::{CorsFlag, HttpFetched, http_fetch};
use super::local_network::{LnaStep, local_network_access};
use super::scheme::{scheme_fetch, unsupported_scheme};
use super::{Failure, FetchState, Fetched, Tainting};

/// How main fetch goes on for one URL: Chromium's `CalculateResponseTainting` together with
/// the spec's step 12 switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FetchPath {
    /// A `data:` URL, fetched locally (basic in every mode).
    Data,
    /// Same-origin and untainted: an HTTP fetch without CORS, basic response.
    SameOrigin,
    /// Mode `no-cors` with a redirect mode other than `follow`: a network error.
    NoCorsRedirectMode,
    /// Mode `no-cors`: an HTTP fetch, opaque response.
    Opaque,
    /// Mode `cors`: the CORS protocol, with a preflight when one is needed.
    Cors {
        /// Why a preflight is needed (empty: none).
        preflight: Vec<PreflightReason>,
    },
    /// Mode `cors` under [`Enforcement::Off`]: the browser's headers, no preflight, no check.
    CorsOff,
}

/// What [`choose_path`] looks at.
pub(crate) struct PathInput<'a> {
    pub url: &'a Url,
    pub origin: &'a Origin,
    pub tainting: Tainting,
    pub mode: Mode,
    pub redirect: RedirectMode,
    pub enforcement: Enforcement,
    pub method: &'a http::Method,
    pub unsafe_header_names: &'a [String],
}

/// Mode `same-origin` and a URL of another origin (or a tainted request): a network
/// error, decided before every other check of main fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlockedByMode;

/// Step 12 of main fetch: which way this URL is fetched (pure).
pub(crate) fn choose_path(i: &PathInput<'_>) -> Result<FetchPath, BlockedByMode> {
    if i.url.scheme() == "data" {
        return Ok(FetchPath::Data);
    }
    if i.tainting == Tainting::Basic && i.origin.is_same_origin_url(i.url) {
        return Ok(FetchPath::SameOrigin);
    }
    Ok(match i.mode {
        Mode::SameOrigin => return Err(BlockedByMode),
        Mode::NoCors if i.redirect != RedirectMode::Follow => FetchPath::NoCorsRedirectMode,
        Mode::NoCors => FetchPath::Opaque,
        Mode::Cors if i.enforcement == Enforcement::Off => FetchPath::CorsOff,
        Mode::Cors => {
            let mut preflight = Vec::new();
            if !is_cors_safelisted_method(i.method.as_str()) {
                preflight.push(PreflightReason::Method(i.method.to_string()));
            }
            if !i.unsafe_header_names.is_empty() {
                preflight.push(PreflightReason::Headers(i.unsafe_header_names.to_vec()));
            }
            FetchPath::Cors { preflight }
        }
    })
}

/// Does mixed content leave this insecure URL to Local Network Access? Decided on the
/// URL alone (before any connection): its host names a private space, or the fetch named
/// a `local` or `loopback` `targetAddressSpace` (observed in Chromium 156: `public` or
/// `unknown` leave the block in place).
fn left_to_local_network_access(url: &Url, requested: Option<TargetAddressSpace>) -> bool {
    let host_space = url
        .host_str()
        .map_or(AddressSpace::Public, AddressSpace::of_host);
    let named = requested.and_then(|t| t.space());
    host_space != AddressSpace::Public || named.is_some_and(|s| s != AddressSpace::Public)
}

/// Main fetch, for the first hop and every redirect hop after it.
pub(crate) async fn main_fetch(state: &mut FetchState<'_>) -> Result<Fetched, Failure> {
    loop {
        match main_fetch_hop(state).await? {
            HttpFetched::Done(fetched) => return Ok(fetched),
            HttpFetched::Redirected => continue,
        }
    }
}

/// One pass of main fetch for the current URL.
async fn main_fetch_hop(state: &mut FetchState<'_>) -> Result<HttpFetched, Failure> {
    let url = state.current_url().clone();

    // Schemes fetch cannot load fail first, with the profile's console lines.
    match url.scheme() {
        "http" | "https" | "data" => {}
        _ => return Err(unsupported_scheme(state, &url)),
    }

    let chosen = choose_path(&PathInput {
        url: &url,
        origin: state.origin,
        tainting: state.tainting,
        mode: state.mode,
        redirect: state.redirect,
        enforcement: state.ctx.enforcement,
        method: &state.method,
        unsafe_header_names: &state.unsafe_header_names,
    });

    // CHROMIUM: mode `same-origin` is checked before mixed content (observed,
    // examples/same-origin-mode-insecure.toml: an https page's same-origin-mode fetch of an
    // http URL prints the same-origin-mode line, not the mixed-content one).
    let Ok(path) = chosen else {
        let e = CorsError::DisallowedByMode;
        state.trace.push(TraceEvent::CorsBlocked(e.clone()));
        let wording = state.ctx.profile.wording();
        let lines = if state.redirect_count == 0 {
            wording.same_origin_mode(&url, state.page_url, state.origin)
        } else {
            wording.same_origin_mode_redirect(&url, state.page_url)
        };
        return Err(Failure::new(FailureReason::Cors(e), lines));
    };
    // A preflight a redirect made necessary though no header or method asks for one
    // (`DroppedAuthorization::ForcesPreflight`).
    let mut path = path;
    if state.preflight_forced
        && let FetchPath::Cors { preflight } = &mut path
        && preflight.is_empty()
    {
        preflight.push(PreflightReason::Headers(Vec::new()));
    }

    // CHROMIUM: a no-cors request whose redirect mode is not `follow` fails before mixed
    // content is checked, as mode `same-origin` does (observed,
    // examples/generated/seed2-00248.toml: an https page's no-cors, redirect "error" fetch of
    // an http URL prints the redirect-mode line, not the mixed-content one).
    match path {
        FetchPath::NoCorsRedirectMode => {
            state.trace.note(Notice::NoCorsRedirectMode);
            Err(Failure::new(
                FailureReason::Redirect(crate::errors::RedirectError::ModeError),
                state.ctx.profile.wording().no_cors_redirect_mode(&url),
            ))
        }
        FetchPath::Data => {
            prepare_hop(state, &url)?;
            state.tainting = Tainting::Basic;
            scheme_fetch(state).await.map(HttpFetched::Done)
        }
        FetchPath::SameOrigin => {
            prepare_hop(state, &url)?;
            http_fetch(state, CorsFlag::No).await
        }
        FetchPath::Opaque => {
            prepare_hop(state, &url)?;
            state.tainting = Tainting::Opaque;
            http_fetch(state, CorsFlag::No).await
        }
        FetchPath::CorsOff => {
            prepare_hop(state, &url)?;
            state.tainting = Tainting::Cors;
            http_fetch(state, CorsFlag::No).await
        }
        FetchPath::Cors { preflight } => {
            let step = if preflight.is_empty() {
                LnaStep::Full
            } else {
                LnaStep::PermissionOnly
            };
            prepare_hop_with(state, &url, step)?;
            state.tainting = Tainting::Cors;
            let flag = CorsFlag::Yes {
                preflight: (!preflight.is_empty()).then_some(preflight),
            };
            http_fetch(state, flag).await
        }
    }
}

/// The request's referrer policy for a hop to `url`: a relaxed policy (`unsafe-url`,
/// `no-referrer-when-downgrade`) is `strict-origin-when-cross-origin` on a cross-site hop
/// where the profile says so.
fn effective_referrer_policy(state: &FetchState<'_>, url: &Url) -> ReferrerPolicy {
    let relaxed = matches!(
        state.referrer_policy,
        ReferrerPolicy::UnsafeUrl | ReferrerPolicy::NoReferrerWhenDowngrade
    );
    if relaxed
        && !state.ctx.profile.relaxed_referrer_policies_cross_site
        && !state.origin.is_same_site_url(url)
    {
        ReferrerPolicy::StrictOriginWhenCrossOrigin
    } else {
        state.referrer_policy
    }
}

/// The checks of main fetch between choosing the path and fetching: mixed content (step 5)
/// and the request's referrer for this hop (step 8).
fn prepare_hop(state: &mut FetchState<'_>, url: &Url) -> Result<(), Failure> {
    prepare_hop_with(state, url, LnaStep::Full)
}

/// [`prepare_hop`] with the given part of the Local Network Access check.
fn prepare_hop_with(state: &mut FetchState<'_>, url: &Url, lna: LnaStep) -> Result<(), Failure> {
    // Step 5 (mixed content): a page served over https may not fetch a URL that is not
    // potentially trustworthy. CHROMIUM: blocks with a console line, no request sent.
    // CHROMIUM: unless Local Network Access will gate the request (a private IP literal,
    // a `.local` name, or a fetch naming a `targetAddressSpace`): then only a warning is
    // printed and the LNA check below decides. WEBKIT: plain-http loopback URLs are mixed
    // content too, and nothing is left to LNA (the profile's fields). FIREFOX: nothing is
    // left to LNA either.
    let profile = &state.ctx.profile;
    if state.page_url.scheme() == "https" && !profile.is_trustworthy_for_network(url) {
        if !(profile.local_network_access
            && profile.mixed_content_left_to_local_network_access
            && left_to_local_network_access(url, state.target_address_space))
        {
            state.trace.note(Notice::MixedContent);
            return Err(Failure::new(
                FailureReason::MixedContent,
                state
                    .ctx
                    .profile
                    .wording()
                    .mixed_content_blocked(state.page_url, url),
            ));
        }
        let line = state
            .ctx
            .profile
            .wording()
            .mixed_content_warning(state.page_url, url);
        state
            .trace
            .note(Notice::MixedContentLeftToLocalNetwork(line.clone()));
        state.warnings.push(line);
    }

    if url.scheme() != "data" && state.ctx.profile.local_network_access {
        local_network_access(state, url, lna)?;
    }

    // Step 8: the request's referrer for this hop, computed from the previous one
    // (<https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer>).
    if let Some(r) = state.referrer.take() {
        let policy = effective_referrer_policy(state, url);
        state.referrer = determine_referrer_url(&r, policy, url);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(
        url: &str,
        mode: Mode,
        tainting: Tainting,
        method: &str,
        unsafe_names: &[&str],
    ) -> Result<FetchPath, BlockedByMode> {
        let url = Url::parse(url).unwrap();
        let origin = Origin::from_url(&Url::parse("https://app.example/").unwrap());
        let method = http::Method::from_bytes(method.as_bytes()).unwrap();
        let names: Vec<String> = unsafe_names.iter().map(|s| s.to_string()).collect();
        choose_path(&PathInput {
            url: &url,
            origin: &origin,
            tainting,
            mode,
            redirect: RedirectMode::Follow,
            enforcement: Enforcement::Enforce,
            method: &method,
            unsafe_header_names: &names,
        })
    }

    type PathCase = (
        &'static str,
        Mode,
        Tainting,
        &'static str,
        &'static [&'static str],
        Result<FetchPath, BlockedByMode>,
    );

    #[test]
    fn the_path_table() {
        use FetchPath::*;
        use Tainting::Basic;
        let same = "https://app.example/x";
        let cross = "https://api.example/x";
        let cases: Vec<PathCase> = vec![
            ("data:,x", Mode::SameOrigin, Basic, "GET", &[], Ok(Data)),
            (same, Mode::Cors, Basic, "PUT", &["x-a"], Ok(SameOrigin)),
            (same, Mode::NoCors, Basic, "GET", &[], Ok(SameOrigin)),
            // A tainted (cross-origin-redirected) request back on the page's origin stays CORS.
            (
                same,
                Mode::Cors,
                Tainting::Cors,
                "GET",
                &[],
                Ok(Cors { preflight: vec![] }),
            ),
            (
                cross,
                Mode::SameOrigin,
                Basic,
                "GET",
                &[],
                Err(super::BlockedByMode),
            ),
            (cross, Mode::NoCors, Basic, "POST", &[], Ok(Opaque)),
            (
                cross,
                Mode::Cors,
                Basic,
                "GET",
                &[],
                Ok(Cors { preflight: vec![] }),
            ),
            (
                cross,
                Mode::Cors,
                Basic,
                "DELETE",
                &["x-a"],
                Ok(Cors {
                    preflight: vec![
                        PreflightReason::Method("DELETE".into()),
                        PreflightReason::Headers(vec!["x-a".into()]),
                    ],
                }),
            ),
        ];
        for (url, mode, tainting, method, names, want) in cases {
            assert_eq!(
                path(url, mode, tainting, method, names),
                want,
                "{url} {mode:?} {method}"
            );
        }
    }

    #[test]
    fn no_cors_needs_follow_and_off_skips_cors() {
        let url = Url::parse("https://api.example/").unwrap();
        let origin = Origin::from_url(&Url::parse("https://app.example/").unwrap());
        let mut input = PathInput {
            url: &url,
            origin: &origin,
            tainting: Tainting::Basic,
            mode: Mode::NoCors,
            redirect: RedirectMode::Manual,
            enforcement: Enforcement::Enforce,
            method: &http::Method::GET,
            unsafe_header_names: &[],
        };
        assert_eq!(choose_path(&input), Ok(FetchPath::NoCorsRedirectMode));
        input.mode = Mode::Cors;
        input.enforcement = Enforcement::Off;
        assert_eq!(choose_path(&input), Ok(FetchPath::CorsOff));
    }
}
