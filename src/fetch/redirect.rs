//! HTTP-redirect fetch (<https://fetch.spec.whatwg.org/#http-redirect-fetch>). The decision
//! is pure ([`plan_redirect`]: resolve `Location`, the scheme, the limit, credentials in
//! the URL, method rewriting, `Authorization`, tainting, the new referrer policy); the
//! async side only applies the plan, and main fetch then runs again for the new URL.

use http::{HeaderMap, Method};
use url::Url;

use crate::errors::{CorsError, FailureReason, RedirectError};
use crate::origin::Origin;
use crate::policy::referrer::{ReferrerPolicy, parse_referrer_policy_header};
use crate::request::Mode;
use crate::trace::{Notice, TraceEvent};

use super::failure::{CorsFailureAt, cors_failure_at};
use super::{Failure, FetchState, Tainting};

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

/// What [`plan_redirect`] looks at: the request as it stands and the redirect response.
pub(crate) struct RedirectInput<'a> {
    pub current: &'a Url,
    pub status: u16,
    pub location: &'a [u8],
    pub response_headers: &'a HeaderMap,
    /// The request's origin (the page's).
    pub origin: &'a Origin,
    pub mode: Mode,
    pub tainting: Tainting,
    pub tainted_origin: bool,
    pub method: &'a Method,
    pub redirect_count: usize,
    pub redirect_limit: usize,
    /// An `ftp:` target is refused as a non-HTTP scheme before the same-origin-mode check
    /// (the profile's `ftp_redirect_refused_before_mode`).
    pub ftp_refused_before_mode: bool,
}

/// How the request changes to follow the redirect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RedirectPlan {
    pub location: Url,
    /// The method after step 12's rewriting.
    pub method: Method,
    /// The body (and its headers) are dropped.
    pub drop_body: bool,
    /// A cross-origin hop drops `Authorization`.
    pub drop_authorization: bool,
    /// This hop taints the request's origin (`Origin: null` from now on).
    pub taint_origin: bool,
    /// The redirect response's `Referrer-Policy`, which applies from now on.
    pub referrer_policy: Option<ReferrerPolicy>,
}

/// Why a redirect is not followed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RedirectRefusal {
    /// `Location` does not parse against the response URL.
    InvalidLocation(String),
    /// Not an HTTP(S) URL; `cors_line`: Chromium logs the CORS-disabled-scheme line.
    NonHttpScheme { location: Url, cors_line: bool },
    /// Mode `same-origin` and a non-HTTP URL whose scheme is not refused silently: the
    /// same-origin-mode check refuses the hop, with its own line.
    LeavesSameOrigin(Url),
    /// More than the profile's redirect limit.
    TooMany,
    /// The URL carries a username or password; `cors_line`: Chromium logs the CORS line.
    Credentials { location: Url, cors_line: bool },
}

/// Steps 3 to 17 of HTTP-redirect fetch, as a decision (pure).
pub(crate) fn plan_redirect(i: &RedirectInput<'_>) -> Result<RedirectPlan, RedirectRefusal> {
    // Step 3: the location URL, parsed against the response's URL; the request URL's
    // fragment carries over when the Location has none.
    let raw = String::from_utf8_lossy(i.location).into_owned();
    let Ok(mut loc) = i.current.join(&raw) else {
        return Err(RedirectRefusal::InvalidLocation(raw));
    };
    if loc.fragment().is_none() && i.current.fragment().is_some() {
        loc.set_fragment(i.current.fragment());
    }
    // Step 5: only HTTP(S) URLs. CHROMIUM: a CORS request redirected to a scheme outside
    // its CORS-enabled list logs the CORS line naming the new URL; about:, blob: and the
    // listed schemes fail silently (observed: wpt-subset redirect-schemes).
    if loc.scheme() != "http" && loc.scheme() != "https" {
        let silent = matches!(loc.scheme(), "about" | "blob")
            || CORS_ENABLED_SCHEMES.contains(&loc.scheme());
        // CHROMIUM: under mode `same-origin` the same such URLs get the same-origin-mode
        // line instead (observed: examples/generated/same-origin-mode-redirect-ftp.toml).
        // WEBKIT: an `ftp:` target is refused first, whatever the mode (observed: the same
        // scenario, `FTP URLs are disabled`).
        let ftp_first = i.ftp_refused_before_mode && loc.scheme() == "ftp";
        if i.mode == Mode::SameOrigin && !silent && !ftp_first {
            return Err(RedirectRefusal::LeavesSameOrigin(loc));
        }
        return Err(RedirectRefusal::NonHttpScheme {
            cors_line: i.mode == Mode::Cors && !silent,
            location: loc,
        });
    }
    // Step 6: the redirect limit.
    if i.redirect_count >= i.redirect_limit {
        return Err(RedirectRefusal::TooMany);
    }
    let loc_origin = Origin::from_url(&loc);
    // Steps 8-9. CHROMIUM: any redirect to a URL with credentials fails; only the CORS
    // case logs a console line, naming the redirecting URL (observed, case 13).
    // CHROMIUM: a same-origin-mode request refuses the cross-origin hop first, with its own
    // line (observed: examples/generated/seed12-00088.toml), on main fetch's next pass.
    let same_origin_refuses = i.mode == Mode::SameOrigin && !i.origin.is_same_origin(&loc_origin);
    if (!loc.username().is_empty() || loc.password().is_some()) && !same_origin_refuses {
        let cors_line = (i.mode == Mode::Cors && !i.origin.is_same_origin(&loc_origin))
            || i.tainting == Tainting::Cors;
        return Err(RedirectRefusal::Credentials {
            location: loc,
            cors_line,
        });
    }
    // Step 12: 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET.
    let rewrite = ((i.status == 301 || i.status == 302) && i.method == Method::POST)
        || (i.status == 303 && i.method != Method::GET && i.method != Method::HEAD);
    let current_origin = Origin::from_url(i.current);
    let cross_hop = !current_origin.is_same_origin(&loc_origin);
    // Step 14: a cross-origin hop away from a URL of another origin than the request's
    // taints the origin.
    let taint_origin = cross_hop && !i.origin.is_same_origin(&current_origin) && !i.tainted_origin;
    // Step 17: the redirect response's Referrer-Policy.
    let policies: Vec<u8> = i
        .response_headers
        .get_all("referrer-policy")
        .iter()
        .map(|v| v.as_bytes())
        .collect::<Vec<_>>()
        .join(&b","[..]);
    Ok(RedirectPlan {
        location: loc,
        method: if rewrite {
            Method::GET
        } else {
            i.method.clone()
        },
        drop_body: rewrite,
        drop_authorization: cross_hop,
        taint_origin,
        referrer_policy: parse_referrer_policy_header(&policies),
    })
}

/// Under `redirect: "error"`: CHROMIUM checks a `Location` with credentials first, so a
/// CORS request fails with the credentials line rather than silently (observed:
/// examples/generated/seed13-00053.toml). `Some` when that line applies.
pub(crate) fn credentials_before_redirect_mode(
    state: &mut FetchState<'_>,
    status: u16,
    location: &[u8],
    response_headers: &HeaderMap,
) -> Option<Failure> {
    let planned = plan_from_state(state, status, location, response_headers);
    match planned {
        Err(
            r @ RedirectRefusal::Credentials {
                cors_line: true, ..
            },
        ) => Some(refuse(state, r)),
        _ => None,
    }
}

/// [`plan_redirect`] for the request as it stands.
fn plan_from_state(
    state: &FetchState<'_>,
    status: u16,
    location: &[u8],
    response_headers: &HeaderMap,
) -> Result<RedirectPlan, RedirectRefusal> {
    plan_redirect(&RedirectInput {
        current: state.current_url(),
        status,
        location,
        response_headers,
        origin: state.origin,
        mode: state.mode,
        tainting: state.tainting,
        tainted_origin: state.tainted_origin,
        method: &state.method,
        redirect_count: state.redirect_count,
        redirect_limit: state.ctx.profile.redirect_limit,
        ftp_refused_before_mode: state.ctx.profile.ftp_redirect_refused_before_mode,
    })
}

/// Follows one redirect: plans it, then updates the request for main fetch's next pass.
pub(crate) fn http_redirect_fetch(
    state: &mut FetchState<'_>,
    status: u16,
    location: &[u8],
    response_headers: &HeaderMap,
) -> Result<(), Failure> {
    let planned = plan_from_state(state, status, location, response_headers);
    let plan = match planned {
        Ok(plan) => plan,
        Err(refusal) => return Err(refuse(state, refusal)),
    };
    state.redirect_count += 1;
    state.method = plan.method.clone();
    if plan.drop_body {
        state.body = None;
        for h in REQUEST_BODY_HEADERS {
            state.headers.remove(h);
        }
    }
    let dropped_authorization =
        plan.drop_authorization && state.headers.remove(http::header::AUTHORIZATION).is_some();
    if plan.drop_body || plan.drop_authorization {
        state.headers_changed();
    }
    // WEBKIT: the CORS decision after the hop still counts the `Authorization` it dropped,
    // so a preflight names it (observed: wpt-subset authentication-redirection #3).
    let after = state.ctx.profile.dropped_authorization;
    if dropped_authorization && after == crate::DroppedAuthorization::NamedInPreflight {
        let names = &mut state.unsafe_header_names;
        if let Err(at) = names.binary_search_by(|n| n.as_str().cmp("authorization")) {
            names.insert(at, "authorization".to_string());
        }
    }
    // FIREFOX: the `Authorization` a cross-origin redirect dropped still makes the next
    // hop preflighted, though no longer named (observed: wpt-subset
    // authentication-redirection #3: a preflight without Access-Control-Request-Headers).
    if dropped_authorization && after == crate::DroppedAuthorization::ForcesPreflight {
        state.preflight_forced = true;
    }
    if plan.taint_origin {
        state.tainted_origin = true;
    }
    if let Some(p) = plan.referrer_policy {
        state.referrer_policy = p;
    }
    state.trace.push(TraceEvent::Redirect {
        status,
        from: Box::new(state.current_url().clone()),
        to: Box::new(plan.location.clone()),
        method: plan.method.to_string(),
        tainted: plan.taint_origin,
    });
    state.url_list.push(plan.location);
    Ok(())
}

/// The failure for a redirect that is not followed, with the trace note or CORS line.
fn refuse(state: &mut FetchState<'_>, refusal: RedirectRefusal) -> Failure {
    match refusal {
        RedirectRefusal::InvalidLocation(raw) => {
            state.trace.note(Notice::InvalidLocation(raw.clone()));
            Failure::silent(FailureReason::Redirect(RedirectError::InvalidLocation(raw)))
        }
        RedirectRefusal::NonHttpScheme {
            location,
            cors_line,
        } => {
            state
                .trace
                .note(Notice::NonHttpRedirect(location.to_string()));
            if cors_line {
                let at = CorsFailureAt {
                    status: None,
                    redirect_to: Some(&location),
                    response_headers: None,
                };
                let failure = cors_failure_at(state, CorsError::CorsDisabledScheme, at);
                state.url_list.push(location);
                return failure;
            }
            Failure::silent(FailureReason::Redirect(RedirectError::NonHttpScheme(
                location.to_string(),
            )))
        }
        RedirectRefusal::LeavesSameOrigin(location) => {
            state
                .trace
                .note(Notice::NonHttpRedirect(location.to_string()));
            let e = CorsError::DisallowedByMode;
            state.trace.push(TraceEvent::CorsBlocked(e.clone()));
            let lines = state
                .ctx
                .profile
                .wording()
                .same_origin_mode_redirect(&location, state.page_url);
            Failure::new(FailureReason::Cors(e), lines)
        }
        RedirectRefusal::TooMany => {
            state.trace.note(Notice::TooManyRedirects);
            Failure::silent(FailureReason::Redirect(RedirectError::TooManyRedirects))
        }
        RedirectRefusal::Credentials {
            location,
            cors_line,
        } => {
            if cors_line {
                let at = CorsFailureAt {
                    status: None,
                    redirect_to: Some(&location),
                    response_headers: None,
                };
                let e = CorsError::RedirectContainsCredentials(location.to_string());
                return cors_failure_at(state, e, at);
            }
            state
                .trace
                .note(Notice::RedirectWithCredentials(location.to_string()));
            Failure::silent(FailureReason::Redirect(
                RedirectError::LocationHasCredentials(location.to_string()),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_statuses() {
        let r: Vec<u16> = (300..=309).filter(|s| is_redirect_status(*s)).collect();
        assert_eq!(r, [301, 302, 303, 307, 308]);
    }

    struct Case {
        current: &'static str,
        status: u16,
        location: &'static str,
        method: Method,
        mode: Mode,
        tainting: Tainting,
    }

    fn plan(c: &Case) -> Result<RedirectPlan, RedirectRefusal> {
        let current = Url::parse(c.current).unwrap();
        let origin = Origin::from_url(&Url::parse("https://app.example/").unwrap());
        let headers = HeaderMap::new();
        plan_redirect(&RedirectInput {
            current: &current,
            status: c.status,
            location: c.location.as_bytes(),
            response_headers: &headers,
            origin: &origin,
            mode: c.mode,
            tainting: c.tainting,
            tainted_origin: false,
            method: &c.method,
            redirect_count: 0,
            redirect_limit: 20,
            ftp_refused_before_mode: false,
        })
    }

    fn case(current: &'static str, status: u16, location: &'static str, method: Method) -> Case {
        Case {
            current,
            status,
            location,
            method,
            mode: Mode::Cors,
            tainting: Tainting::Cors,
        }
    }

    #[test]
    fn method_rewriting() {
        // (status, method before, method after, body dropped)
        let table = [
            (301, Method::POST, Method::GET, true),
            (302, Method::POST, Method::GET, true),
            (303, Method::POST, Method::GET, true),
            (303, Method::PUT, Method::GET, true),
            (303, Method::HEAD, Method::HEAD, false),
            (307, Method::POST, Method::POST, false),
            (308, Method::PUT, Method::PUT, false),
            (301, Method::PUT, Method::PUT, false),
        ];
        for (status, before, after, dropped) in table {
            let p = plan(&case("https://api.example/a", status, "/b", before.clone())).unwrap();
            assert_eq!(
                (p.method, p.drop_body),
                (after, dropped),
                "{status} {before}"
            );
        }
    }

    #[test]
    fn tainting_and_authorization() {
        // A cross-origin hop from the page's origin does not taint; from another origin it does.
        let from_page = plan(&case(
            "https://app.example/a",
            302,
            "https://api.example/b",
            Method::GET,
        ))
        .unwrap();
        assert!(!from_page.taint_origin && from_page.drop_authorization);
        let from_api = plan(&case(
            "https://api.example/a",
            302,
            "https://cdn.example/b",
            Method::GET,
        ))
        .unwrap();
        assert!(from_api.taint_origin && from_api.drop_authorization);
        let same = plan(&case("https://api.example/a", 302, "/b", Method::GET)).unwrap();
        assert!(!same.taint_origin && !same.drop_authorization);
    }

    #[test]
    fn same_origin_mode_refuses_a_non_http_scheme_with_its_own_line() {
        let so = |location| Case {
            mode: Mode::SameOrigin,
            tainting: Tainting::Basic,
            ..case("https://app.example/a", 302, location, Method::GET)
        };
        assert_eq!(
            plan(&so("ftp://files.example/x")),
            Err(RedirectRefusal::LeavesSameOrigin(
                Url::parse("ftp://files.example/x").unwrap()
            ))
        );
        for silent in ["data:text/plain,hi", "about:blank"] {
            assert!(matches!(
                plan(&so(silent)),
                Err(RedirectRefusal::NonHttpScheme {
                    cors_line: false,
                    ..
                })
            ));
        }
    }

    #[test]
    fn refusals() {
        assert_eq!(
            plan(&case(
                "https://api.example/a",
                302,
                "http://[::1",
                Method::GET
            )),
            Err(RedirectRefusal::InvalidLocation("http://[::1".into()))
        );
        assert!(matches!(
            plan(&case("https://api.example/a", 302, "ftp://x/", Method::GET)),
            Err(RedirectRefusal::NonHttpScheme {
                cors_line: true,
                ..
            })
        ));
        assert!(matches!(
            plan(&case(
                "https://api.example/a",
                302,
                "about:blank",
                Method::GET
            )),
            Err(RedirectRefusal::NonHttpScheme {
                cors_line: false,
                ..
            })
        ));
        assert!(matches!(
            plan(&case(
                "https://api.example/a",
                302,
                "https://u:p@api.example/",
                Method::GET
            )),
            Err(RedirectRefusal::Credentials {
                cors_line: true,
                ..
            })
        ));
        let mut c = case(
            "https://app.example/a",
            302,
            "https://u:p@app.example/",
            Method::GET,
        );
        c.mode = Mode::NoCors;
        c.tainting = Tainting::Opaque;
        assert!(matches!(
            plan(&c),
            Err(RedirectRefusal::Credentials {
                cors_line: false,
                ..
            })
        ));
    }
}
