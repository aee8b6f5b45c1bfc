//! The trace's teaching words: what a failure means in plain words, and what the server
//! (or the page) would have to send or change to fix it, with the exact header and value.
//! Pure functions of the error and what the trace recorded; no I/O.

use crate::cookies::CookieRejection;
use crate::cors::MissReason;
use crate::errors::{CorsError, NetError};
use crate::policy::corp::CorpBlock;

use super::{HopKind, WireRecord};

/// What a trace knew when CORS blocked: the hop that was blocked and whether the request
/// carried credentials.
pub(crate) struct BlockContext<'a> {
    /// The last request sent before the block (`None` when nothing was sent).
    pub hop: Option<&'a WireRecord>,
    /// True when the request's credentials mode was `include` (cookies were considered).
    pub credentialed: bool,
    /// The status of the last response received, if any.
    pub status: Option<u16>,
}

/// A fix, and the warning that goes with it when the obvious fix is a security mistake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Advice {
    /// What to send or change, with exact headers and values.
    pub fix: Vec<String>,
    /// Why the fix must be applied with care.
    pub warning: Option<String>,
}

/// The CORS error in plain words (its Chromium name goes after, for searching).
pub(crate) fn violation_plain(e: &super::ViolationError) -> String {
    match e {
        super::ViolationError::Cors(e) => cors_plain(e),
        super::ViolationError::Corp(b) => corp_plain(b),
    }
}

/// CORP's reason in plain words.
pub(crate) fn corp_plain(b: &CorpBlock) -> String {
    match b {
        CorpBlock::NotSameOrigin => {
            "the resource sent Cross-Origin-Resource-Policy: same-origin".to_string()
        }
        CorpBlock::NotSameSite => "the resource sent Cross-Origin-Resource-Policy: same-site, \
             and the page is another site (or https asking http)"
            .to_string(),
        CorpBlock::NotSameOriginAfterDefaultedByCoep => "the page sends \
             Cross-Origin-Embedder-Policy: require-corp, so every cross-origin no-cors \
             resource must opt in with Cross-Origin-Resource-Policy, and this one sent none"
            .to_string(),
    }
}

/// The fix for a CORP block: what header the resource must send, or what the page can
/// change.
pub(crate) fn corp_fix(b: &CorpBlock) -> Advice {
    let fix = match b {
        CorpBlock::NotSameOriginAfterDefaultedByCoep => vec![
            "have the resource send `Cross-Origin-Resource-Policy: cross-origin` (or `same-site` for your own sites)".to_string(),
            "or fetch it in cors mode and have it send `Access-Control-Allow-Origin`".to_string(),
            "or serve the page with `Cross-Origin-Embedder-Policy: credentialless`, which needs no CORP (requests go without cookies)".to_string(),
        ],
        CorpBlock::NotSameOrigin | CorpBlock::NotSameSite => vec![
            "have the resource send `Cross-Origin-Resource-Policy: cross-origin` if other sites may embed it".to_string(),
            "or fetch it in cors mode with `Access-Control-Allow-Origin` (cors fetches ignore CORP)".to_string(),
        ],
    };
    Advice {
        fix,
        ..Advice::default()
    }
}

pub(crate) fn cors_plain(e: &CorsError) -> String {
    use CorsError::*;
    let answer = if e.is_preflight() {
        "the preflight answer"
    } else {
        "the server"
    };
    match e {
        DisallowedByMode => {
            "the request's mode is 'same-origin' and the URL is on another origin".into()
        }
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => format!(
            "{answer} sent Access-Control-Allow-Origin: *, which never admits a request with credentials"
        ),
        MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => {
            format!("{answer} did not send Access-Control-Allow-Origin")
        }
        MultipleAllowOriginValues(v) | PreflightMultipleAllowOriginValues(v) => format!(
            "{answer} sent several origins in Access-Control-Allow-Origin ('{v}'); exactly one is allowed"
        ),
        InvalidAllowOriginValue(v) | PreflightInvalidAllowOriginValue(v) => {
            format!("{answer} sent Access-Control-Allow-Origin '{v}', which is not an origin")
        }
        AllowOriginMismatch(v) | PreflightAllowOriginMismatch(v) => format!(
            "{answer} allows origin '{v}' (Access-Control-Allow-Origin), not this page's origin"
        ),
        InvalidAllowCredentials(v) | PreflightInvalidAllowCredentials(v) => {
            if v.is_empty() {
                format!(
                    "the request has credentials: 'include' and {answer} did not send Access-Control-Allow-Credentials: true"
                )
            } else {
                format!(
                    "the request has credentials: 'include' and {answer} sent Access-Control-Allow-Credentials '{v}', not 'true'"
                )
            }
        }
        CorsDisabledScheme => "the URL's scheme does not support CORS".into(),
        PreflightInvalidStatus => {
            "the preflight (OPTIONS) was answered with a status outside 200-299".into()
        }
        PreflightDisallowedRedirect => {
            "the preflight (OPTIONS) was answered with a redirect, which is not allowed".into()
        }
        InvalidAllowMethodsPreflightResponse => {
            "the preflight answer's Access-Control-Allow-Methods cannot be parsed".into()
        }
        InvalidAllowHeadersPreflightResponse => {
            "the preflight answer's Access-Control-Allow-Headers cannot be parsed".into()
        }
        MethodDisallowedByPreflightResponse(m) => format!(
            "the preflight answer does not allow the method {m} (Access-Control-Allow-Methods)"
        ),
        HeaderDisallowedByPreflightResponse(h) => format!(
            "the preflight answer does not allow the request header {h} (Access-Control-Allow-Headers)"
        ),
        RedirectContainsCredentials(_) => {
            "a cross-origin redirect led to a URL with a user name or password".into()
        }
        LocalNetworkAccessPermissionDenied(s) => format!(
            "Local Network Access: a public page may reach the {s} address space only with the user's {s}-network permission, and it was not granted (nothing was sent)"
        ),
        InsecurePrivateNetwork(s) => format!(
            "Local Network Access: a page that is not a secure context (http) may never reach the more-private {s} address space (nothing was sent)"
        ),
        InvalidPrivateNetworkAccess { requested, actual } => format!(
            "the fetch said targetAddressSpace '{requested}' but the server is in the {actual} address space (nothing was sent)"
        ),
    }
}

/// True for errors found on the preflight's answer (the request itself never went out).
pub(crate) fn blocked_at_preflight(e: &CorsError, ctx: &BlockContext<'_>) -> bool {
    use CorsError::*;
    e.is_preflight()
        || matches!(
            e,
            InvalidAllowMethodsPreflightResponse
                | InvalidAllowHeadersPreflightResponse
                | MethodDisallowedByPreflightResponse(_)
                | HeaderDisallowedByPreflightResponse(_)
        )
        || ctx.hop.is_some_and(|h| h.kind == HopKind::Preflight)
}

const REFLECT_WARNING: &str = "send this value only for origins you trust (compare the Origin header with a list of your own sites); echoing back any Origin together with Access-Control-Allow-Credentials: true lets every website read your users' data";

const NULL_WARNING: &str = "allowing the origin 'null' admits every sandboxed iframe and data: document on any website; with credentials that is as unsafe as reflecting any origin";

/// The rest of what a preflight answer must allow for this request: its method (when not
/// GET, HEAD or POST) and its unsafe headers, as the OPTIONS asked for them.
fn preflight_needs(hop: Option<&WireRecord>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(h) = hop else { return out };
    if let Some(m) = h.header("access-control-request-method")
        && !matches!(m, "GET" | "HEAD" | "POST")
    {
        out.push(format!(
            "its preflight answer must also allow the method: `Access-Control-Allow-Methods: {m}`"
        ));
    }
    if let Some(names) = h.header("access-control-request-headers") {
        out.push(format!("its preflight answer must also allow the headers: `Access-Control-Allow-Headers: {names}`"));
    }
    out
}

/// What would have to change for the blocked request to pass.
pub(crate) fn cors_fix(e: &CorsError, ctx: &BlockContext<'_>) -> Advice {
    use CorsError::*;
    let origin = ctx
        .hop
        .and_then(|h| h.header("origin"))
        .unwrap_or("<the page's origin>")
        .to_string();
    let at_preflight = blocked_at_preflight(e, ctx);
    let place = match ctx.hop {
        Some(h) if at_preflight => format!(" on its answer to the preflight (OPTIONS {})", h.url),
        Some(h) => format!(" on its response to {} {}", h.method, h.url),
        None => String::new(),
    };
    let requested_method = ctx
        .hop
        .and_then(|h| h.header("access-control-request-method"))
        .unwrap_or("the method")
        .to_string();
    let credentials = ctx.credentialed
        || matches!(
            e,
            InvalidAllowCredentials(_)
                | PreflightInvalidAllowCredentials(_)
                | WildcardOriginNotAllowed
                | PreflightWildcardOriginNotAllowed
        );
    let acao = if credentials {
        format!(
            "`Access-Control-Allow-Origin: {origin}` (one header line, one value) and `Access-Control-Allow-Credentials: true`"
        )
    } else {
        format!("`Access-Control-Allow-Origin: {origin}` (one header line, one value)")
    };
    let origin_warning = || {
        if origin == "null" {
            Some(NULL_WARNING.to_string())
        } else if credentials {
            Some(REFLECT_WARNING.to_string())
        } else {
            None
        }
    };
    let server = |what: String| format!("the server must send {what}{place}");
    match e {
        MissingAllowOriginHeader
        | PreflightMissingAllowOriginHeader
        | MultipleAllowOriginValues(_)
        | PreflightMultipleAllowOriginValues(_)
        | InvalidAllowOriginValue(_)
        | PreflightInvalidAllowOriginValue(_)
        | AllowOriginMismatch(_)
        | PreflightAllowOriginMismatch(_) => {
            let goal = if at_preflight {
                "send this request"
            } else {
                "read this"
            };
            let mut fix = vec![format!("for {origin} to {goal}, {}", server(acao))];
            if at_preflight {
                fix.extend(preflight_needs(ctx.hop));
            }
            fix.push(
                "when the value is chosen per request from the Origin header, also send `Vary: Origin`"
                    .into(),
            );
            Advice {
                fix,
                warning: origin_warning(),
            }
        }
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => Advice {
            fix: vec![
                server(format!(
                    "`Access-Control-Allow-Origin: {origin}` (the exact origin, not `*`), `Access-Control-Allow-Credentials: true` and `Vary: Origin`"
                )),
                "or the page stops sending credentials: fetch(url, { credentials: 'same-origin' }) (the default) keeps cookies off cross-origin requests".into(),
            ],
            warning: origin_warning(),
        },
        InvalidAllowCredentials(_) | PreflightInvalidAllowCredentials(_) => Advice {
            fix: vec![
                server("`Access-Control-Allow-Credentials: true` (exactly `true`)".to_string()),
                "or the page stops sending credentials: fetch(url, { credentials: 'same-origin' }) (the default)".into(),
            ],
            warning: Some(
                "allow credentials only together with an Access-Control-Allow-Origin naming an origin you trust; never for an origin copied from the request unchecked"
                    .into(),
            ),
        },
        DisallowedByMode => Advice {
            fix: vec!["the page must fetch a URL on its own origin, or use mode 'cors' (the default) for a cross-origin URL".into()],
            warning: None,
        },
        CorsDisabledScheme => Advice {
            fix: vec!["the page must fetch an http: or https: URL".into()],
            warning: None,
        },
        PreflightInvalidStatus => {
            let got = ctx
                .status
                .map(|s| format!(" (it answered {s})"))
                .unwrap_or_default();
            Advice {
                fix: vec![format!(
                    "the server must answer the preflight (OPTIONS){got} with a 2xx status, e.g. `204 No Content`, and the CORS headers{place}"
                )],
                warning: None,
            }
        }
        PreflightDisallowedRedirect => Advice {
            fix: vec![
                format!("the server must answer the preflight (OPTIONS) itself with a 2xx status, not redirect it{place}"),
                "or the page fetches the final URL directly".into(),
            ],
            warning: None,
        },
        InvalidAllowMethodsPreflightResponse => Advice {
            fix: vec![server(format!(
                "a comma-separated list of method names, e.g. `Access-Control-Allow-Methods: {requested_method}`"
            ))],
            warning: None,
        },
        InvalidAllowHeadersPreflightResponse => {
            let h = ctx
                .hop
                .and_then(|h| h.header("access-control-request-headers"))
                .unwrap_or("the header names");
            Advice {
                fix: vec![server(format!(
                    "a comma-separated list of header names, e.g. `Access-Control-Allow-Headers: {h}`"
                ))],
                warning: None,
            }
        }
        MethodDisallowedByPreflightResponse(m) => Advice {
            fix: vec![server(format!(
                "`Access-Control-Allow-Methods: {m}` (or add {m} to the list it sends)"
            ))],
            warning: None,
        },
        HeaderDisallowedByPreflightResponse(h) => Advice {
            fix: vec![server(format!(
                "`Access-Control-Allow-Headers: {h}` (or add {h} to the list it sends)"
            ))],
            warning: (h == "authorization").then(|| {
                "name authorization explicitly rather than relying on `Access-Control-Allow-Headers: *`: the Fetch Standard says `*` never covers it, and Chromium stops honouring `*` for it once that preflight is cached".to_string()
            }),
        },
        RedirectContainsCredentials(_) => Advice {
            fix: vec!["the server must redirect to a URL without a user name or password".into()],
            warning: None,
        },
        LocalNetworkAccessPermissionDenied(s) => Advice {
            fix: vec![format!(
                "the user must grant this site the {s}-network permission (Chrome asks with a prompt; headless Chrome cannot, so it denies); no header from the server can allow it"
            )],
            warning: Some("serve the API from a public, https origin instead if the page is meant for everyone: most users will not grant a website access to their own machine or network".into()),
        },
        InsecurePrivateNetwork(_) => Advice {
            fix: vec!["serve the page over https: only a secure context can ask for Local Network Access".into()],
            warning: None,
        },
        InvalidPrivateNetworkAccess { actual, .. } => Advice {
            fix: vec![format!(
                "pass `targetAddressSpace: \"{actual}\"` to fetch(), or leave it out"
            )],
            warning: None,
        },
    }
}

/// Why a cookie was held back or not stored, and what would let it through. `why` is the
/// reason the jar gave; `None` for a reason with no fix to offer.
pub(crate) fn cookie_fix(name: &str, why: &CookieRejection) -> Option<Advice> {
    use crate::cookies::CookieBlock as B;
    use CookieRejection as R;
    let cross_site = "SameSite=None; Secure";
    let advice = if matches!(
        why,
        R::CrossSite(B::SameSiteStrict | B::SameSiteLax | B::NoSameSiteTreatedAsLax)
    ) {
        Advice {
            fix: vec![format!(
                "for the cookie to go with cross-site requests, the server must set it with `Set-Cookie: {name}=...; {cross_site}` (and third-party cookies must be allowed)"
            )],
            warning: Some(
                "SameSite=None sends the cookie with every cross-site request, forged ones included: protect state-changing endpoints against CSRF"
                    .into(),
            ),
        }
    } else if matches!(why, R::CrossSite(B::ThirdPartyBlocked)) {
        Advice {
            fix: vec!["no header changes this: the browser blocks third-party cookies (a fresh Chromium profile does); serve the API on the page's own site (e.g. a subdomain of it) so its cookie is first-party".into()],
            warning: None,
        }
    } else if matches!(why, R::PartitionedWithoutSecure) {
        Advice {
            fix: vec![format!(
                "a Partitioned cookie must be Secure: `Set-Cookie: {name}=...; Secure; Partitioned`, sent over https"
            )],
            warning: None,
        }
    } else if matches!(why, R::SameSiteNoneWithoutSecure) {
        Advice {
            fix: vec![format!(
                "the server must add `Secure`: `Set-Cookie: {name}=...; {cross_site}`, sent over https"
            )],
            warning: None,
        }
    } else if matches!(why, R::SecureFromInsecureUrl) {
        Advice {
            fix: vec![
                "a Secure cookie can only be set by an https response: serve it over https".into(),
            ],
            warning: None,
        }
    } else {
        return None;
    };
    Some(advice)
}

/// A preflight-cache miss in plain words.
pub(crate) fn miss_plain(why: &MissReason) -> String {
    match why {
        MissReason::NoEntry => "no preflight cached for this URL".into(),
        MissReason::Expired => "the cached preflight for this URL has expired".into(),
        MissReason::CredentialsNotCovered => {
            "the cached preflight was made without credentials; this request has credentials: 'include'".into()
        }
        MissReason::MethodNotCovered(m) => {
            format!("the cached preflight does not allow the method {m}")
        }
        MissReason::HeaderNotCovered(h) => {
            format!("the cached preflight does not allow the request header {h}")
        }
    }
}

/// A network failure in plain words.
pub(crate) fn net_plain(e: &NetError) -> String {
    match e {
        NetError::NameNotResolved => "the host name could not be resolved".into(),
        NetError::ConnectionFailed(d) => format!("could not connect ({d})"),
        NetError::Tls(d) => format!("the TLS handshake failed ({d})"),
        NetError::Protocol(d) => format!("the server broke HTTP ({d})"),
        NetError::TimedOut => "no answer in time".into(),
    }
}

/// A byte count as people read it: `512 bytes`, `1.2 kB`, `3.4 MB`.
pub fn human_size(n: usize) -> String {
    match n {
        1 => "1 byte".into(),
        n if n < 1000 => format!("{n} bytes"),
        n if n < 1_000_000 => format!("{:.1} kB", n as f64 / 1000.0),
        n => format!("{:.1} MB", n as f64 / 1_000_000.0),
    }
}
