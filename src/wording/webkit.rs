//! WebKit's words for failed fetches, as WebKitGTK 2.50.6 prints them (observed with
//! `verify --browser webkit`; docs/firefox-webkit-observations.md lists the lines). These
//! messages come from WebCore (the fetch and CORS code Safari shares), not from the
//! network stack.
//!
//! Every network or CORS failure rejects with `Load failed`. A CORS failure prints two
//! error lines: why, then `Fetch API cannot load URL due to access control checks.`

use url::Url;

use super::chromium::Chromium;
use super::{CorsConsole, QuietFailure, Wording};
use crate::cookies::CookieRejection;
use crate::errors::{CorsError, FailureReason, RedirectError, RequestError};
use crate::origin::Origin;
use crate::request::Mode;

/// WebKit's wording.
pub(crate) struct Webkit;

/// The second line of every CORS failure, naming the URL whose response failed (the
/// redirecting URL when a redirect failed).
fn access_control_checks(url: &Url) -> String {
    format!("Fetch API cannot load {url} due to access control checks.")
}

/// A URL without its username and password, as WebKit names a refused redirect target.
fn without_credentials(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// The status as WebKit quotes it (`Status code: 200`); `0` when nothing arrived.
fn status(c: &CorsConsole<'_>) -> u16 {
    c.status.unwrap_or(0)
}

/// A response header of the failing response, as received.
fn response_header(c: &CorsConsole<'_>, name: &str) -> String {
    crate::headers::parse::get_combined(c.response_headers, name)
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_default()
}

/// The first line of a CORS failure: why the check failed.
fn reason(c: &CorsConsole<'_>) -> String {
    use CorsError::*;
    let origin = if c.origin_tainted {
        "null".to_string()
    } else {
        c.origin.serialize()
    };
    let not_allowed = || {
        format!(
            "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {}",
            status(c)
        )
    };
    // WebKit checks a preflight's status before its headers (observed,
    // examples/json-post-preflighted.toml: a bare 404).
    let preflight_not_ok = !(200..300).contains(&status(c));
    match c.error {
        PreflightMissingAllowOriginHeader
        | PreflightAllowOriginMismatch(_)
        | PreflightInvalidAllowOriginValue(_)
        | PreflightMultipleAllowOriginValues(_)
        | PreflightWildcardOriginNotAllowed
        | PreflightInvalidAllowCredentials(_)
            if preflight_not_ok =>
        {
            format!(
                "Preflight response is not successful. Status code: {}",
                status(c)
            )
        }
        MissingAllowOriginHeader
        | PreflightMissingAllowOriginHeader
        | AllowOriginMismatch(_)
        | PreflightAllowOriginMismatch(_)
        | InvalidAllowOriginValue(_)
        | PreflightInvalidAllowOriginValue(_) => not_allowed(),
        MultipleAllowOriginValues(_) | PreflightMultipleAllowOriginValues(_) => {
            "Access-Control-Allow-Origin cannot contain more than one origin.".to_string()
        }
        WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => {
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
                .to_string()
        }
        InvalidAllowCredentials(_) | PreflightInvalidAllowCredentials(_) => {
            "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"."
                .to_string()
        }
        // A redirected preflight is "not successful" too, with the redirect's status.
        PreflightInvalidStatus | PreflightDisallowedRedirect => format!(
            "Preflight response is not successful. Status code: {}",
            status(c)
        ),
        InvalidAllowMethodsPreflightResponse => format!(
            "Header Access-Control-Allow-Methods has an invalid value: {}",
            response_header(c, "access-control-allow-methods")
        ),
        InvalidAllowHeadersPreflightResponse => format!(
            "Header Access-Control-Allow-Headers has an invalid value: {}",
            response_header(c, "access-control-allow-headers")
        ),
        MethodDisallowedByPreflightResponse(m) => {
            format!("Method {m} is not allowed by Access-Control-Allow-Methods.")
        }
        // The name as script wrote it (observed: `Authorization`, `X-Other`).
        HeaderDisallowedByPreflightResponse(h) => {
            let written = c
                .header_names_as_written
                .iter()
                .find(|n| n.eq_ignore_ascii_case(h))
                .unwrap_or(h);
            format!(
                "Request header field {written} is not allowed by Access-Control-Allow-Headers."
            )
        }
        RedirectContainsCredentials(to) => format!("redirection URL {to} has credentials"),
        CorsDisabledScheme if c.redirect_to.is_some() => {
            "not allowed to follow a cross-origin CORS redirection with non CORS scheme".to_string()
        }
        CorsDisabledScheme => "Cross origin requests are only supported for HTTP.".to_string(),
        DisallowedByMode => format!("Fetch API cannot load {}.", c.last_url),
        // PENDING(issue 18): WebKit has no Local Network Access; these never fail in WebKit
        // (the profile's `local_network_access` is off), Chromium's detail is kept.
        LocalNetworkAccessPermissionDenied(_)
        | InsecurePrivateNetwork(_)
        | InvalidPrivateNetworkAccess { .. } => c.error.detail(),
    }
}

impl Wording for Webkit {
    fn network_error(&self) -> String {
        "Load failed".to_string()
    }

    fn request_error(&self, e: &RequestError) -> String {
        match e {
            RequestError::ForbiddenMethod(_) => "Method is forbidden.".to_string(),
            RequestError::InvalidMethod(_) => "Method is not a valid HTTP token.".to_string(),
            RequestError::MethodUnsupportedInNoCors(_) => {
                "Method must be GET, POST or HEAD in no-cors mode.".to_string()
            }
            RequestError::BodyWithGetOrHead(m) => {
                format!("Request has method '{m}' and cannot have a body")
            }
            RequestError::InvalidUrl(_) | RequestError::UrlHasCredentials(_) => {
                "URL is not valid or contains user credentials.".to_string()
            }
            RequestError::InvalidHeaderName(n) => format!("Invalid header name: '{n}'"),
            RequestError::InvalidHeaderValue(n, v) => {
                format!("Header '{n}' has invalid value: '{v}'")
            }
            // PENDING(issue 18): WebKit's fetch() has no `targetAddressSpace` member and
            // ignores it (observed), so WebKit never throws this; Chromium's words are kept.
            RequestError::InvalidTargetAddressSpace(_) => Chromium.request_error(e),
            RequestError::OnlyIfCachedWithoutSameOrigin(_) => {
                "only-if-cached cache option requires fetch mode to be same-origin.".to_string()
            }
        }
    }

    /// Why, prefixed with the refused redirect when a redirect failed, then the
    /// access-control line naming the URL whose response failed.
    fn cors(&self, c: &CorsConsole<'_>) -> Vec<String> {
        // Observed: wpt-subset redirect-schemes, a redirect to `ftp://example.com/`.
        if let (CorsError::CorsDisabledScheme, Some(to)) = (c.error, c.redirect_to)
            && to.scheme() == "ftp"
        {
            return vec![
                "FTP URLs are disabled".to_string(),
                access_control_checks(c.last_url),
            ];
        }
        let why = reason(c);
        let first = match c.redirect_to {
            Some(to) => format!(
                "Cross-origin redirection to {} denied by Cross-Origin Resource Sharing policy: {why}",
                without_credentials(to)
            ),
            None => why,
        };
        vec![first, access_control_checks(c.last_url)]
    }

    fn same_origin_mode(&self, url: &Url, _page_url: &Url, _origin: &Origin) -> Vec<String> {
        vec![format!("Fetch API cannot load {url}.")]
    }

    /// The message ends with a line break, as WebKit logs it.
    /// Observed: examples/generated/seed12-00088.toml (the URL printed without its
    /// credentials).
    fn same_origin_mode_redirect(&self, url: &Url, page_url: &Url) -> Vec<String> {
        let mut url = url.clone();
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let url = &url;
        vec![
            format!(
                "Unsafe attempt to load URL {url} from origin {}. Domains, protocols and ports must match.\n",
                Origin::from_url(page_url).serialize()
            ),
            access_control_checks(url),
        ]
    }

    fn no_cors_redirect_mode(&self, url: &Url) -> Vec<String> {
        vec![
            "No-Cors mode requires follow redirect mode".to_string(),
            "Not allowed to request resource".to_string(),
            access_control_checks(url),
        ]
    }

    /// Observed (docs/firefox-webkit-observations.md): an unreachable host, http or https,
    /// prints no line.
    fn cors_network_failure(&self, _url: &Url) -> Vec<String> {
        Vec::new()
    }

    /// WebKit's lines for an unsupported scheme come from [`Wording::quiet_failure`].
    fn unsupported_scheme(&self, _url: &Url, _page_url: &Url, _mode: Mode) -> Vec<String> {
        Vec::new()
    }

    /// PENDING(issue 18): WebKit's words for refused cookies are not observed; none.
    fn cookie_rejected(&self, _name: &str, _why: &CookieRejection) -> Vec<String> {
        Vec::new()
    }

    /// WebKit's lines for a CORP block come from [`Wording::quiet_failure`].
    fn corp_blocked(&self, _url: &Url) -> Vec<String> {
        Vec::new()
    }

    fn mixed_content_blocked(&self, _page_url: &Url, url: &Url) -> Vec<String> {
        vec![
            "Not allowed to request resource".to_string(),
            access_control_checks(url),
        ]
    }

    /// PENDING(issue 18): WebKit has no Local Network Access, so mixed content is never
    /// left to it (the profile's `mixed_content_local_network_exception` is off) and this
    /// warning is never printed; Chromium's words are kept.
    fn mixed_content_warning(&self, page_url: &Url, url: &Url) -> String {
        Chromium.mixed_content_warning(page_url, url)
    }

    /// Observed: wpt-subset redirect-mode-*, redirect-count, redirect-schemes,
    /// redirect-to-dataurl, corp-fetch. A network error prints nothing.
    fn quiet_failure(&self, q: &QuietFailure<'_>) -> Vec<String> {
        let url = q.url;
        let first = match q.reason {
            FailureReason::Redirect(RedirectError::ModeError) => {
                format!("Not allowed to follow a redirection while loading {url}")
            }
            FailureReason::Redirect(RedirectError::TooManyRedirects) => {
                "Load cannot follow more than 20 redirections".to_string()
            }
            // Observed: wpt-subset corp-fetch #7, a CORP block on a redirect response.
            FailureReason::Corp(_) => {
                let why = format!(
                    "Cancelled load to {url} because it violates the resource's Cross-Origin-Resource-Policy response header."
                );
                match q.redirect_to {
                    Some(to) => format!(
                        "Cross-origin redirection to {to} denied by Cross-Origin Resource Sharing policy: {why}"
                    ),
                    None => why,
                }
            }
            FailureReason::Redirect(RedirectError::NonHttpScheme(to)) => {
                return non_http_redirect(q, to);
            }
            // PENDING(issue 18): `file:` and `blob:` fetched directly are not observed.
            FailureReason::UnsupportedScheme(s) if s == "file" || s == "blob" => {
                return Chromium.quiet_failure(q);
            }
            // Observed: wpt-subset scheme-data, an invalid base64 `data:` URL.
            FailureReason::Network(_) if url.scheme() == "data" => {
                return vec![format!("Fetch API cannot load {url}.")];
            }
            // Observed for `about:` and `ftp:` (cors mode).
            FailureReason::UnsupportedScheme(_) => {
                "Cross origin requests are only supported for HTTP.".to_string()
            }
            _ => return Vec::new(),
        };
        vec![first, access_control_checks(url)]
    }
}

/// A redirect to a URL that is not HTTP(S), by mode.
fn non_http_redirect(q: &QuietFailure<'_>, to: &str) -> Vec<String> {
    match q.mode {
        Mode::NoCors => vec![
            "Redirection to URL with a scheme that is not HTTP(S).".to_string(),
            format!("Fetch API cannot load {to} due to access control checks."),
        ],
        // Observed: examples/generated/same-origin-mode-redirect-ftp.toml #1.
        Mode::SameOrigin if to.starts_with("ftp:") => vec![
            "FTP URLs are disabled".to_string(),
            access_control_checks(q.url),
        ],
        Mode::SameOrigin => vec![
            format!(
                "Unsafe attempt to load URL {to} from origin {}. Domains, protocols and ports must match.\n",
                q.origin.serialize()
            ),
            access_control_checks(q.url),
        ],
        Mode::Cors => {
            let first = if to.starts_with("blob:") {
                format!("Not allowed to load local resource: {to}")
            } else if to.starts_with("ftp:") {
                "FTP URLs are disabled".to_string()
            } else {
                format!(
                    "Cross-origin redirection to {to} denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme"
                )
            };
            vec![first, access_control_checks(q.url)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn lines(e: CorsError, status: Option<u16>, redirect_to: Option<&Url>) -> Vec<String> {
        let a = u("https://api.example/r");
        let o = Origin::parse("https://app.example").unwrap();
        Webkit.cors(&CorsConsole {
            last_url: &a,
            initial_url: &a,
            origin: &o,
            error: &e,
            status,
            origin_tainted: false,
            redirect_to,
            response_headers: &http::HeaderMap::new(),
            header_names_as_written: &[],
        })
    }

    #[test]
    fn cors_failures_print_why_then_the_access_control_line() {
        assert_eq!(
            lines(CorsError::MissingAllowOriginHeader, Some(404), None),
            [
                "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 404",
                "Fetch API cannot load https://api.example/r due to access control checks."
            ]
        );
        assert_eq!(
            lines(CorsError::PreflightDisallowedRedirect, Some(302), None)[0],
            "Preflight response is not successful. Status code: 302"
        );
        assert_eq!(
            lines(
                CorsError::MethodDisallowedByPreflightResponse("DELETE".into()),
                Some(200),
                None
            )[0],
            "Method DELETE is not allowed by Access-Control-Allow-Methods."
        );
    }

    #[test]
    fn a_failing_redirect_names_its_target_without_credentials() {
        let to = u("https://user:pw@other.example/y");
        assert_eq!(
            lines(
                CorsError::RedirectContainsCredentials(to.to_string()),
                Some(302),
                Some(&to)
            )[0],
            "Cross-origin redirection to https://other.example/y denied by Cross-Origin Resource Sharing policy: redirection URL https://user:pw@other.example/y has credentials"
        );
        let to = u("https://other.example/x");
        assert_eq!(
            lines(CorsError::MissingAllowOriginHeader, Some(302), Some(&to))[0],
            "Cross-origin redirection to https://other.example/x denied by Cross-Origin Resource Sharing policy: Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 302"
        );
    }

    #[test]
    fn request_errors_have_no_fetch_context() {
        assert_eq!(
            Webkit.request_error(&RequestError::BodyWithGetOrHead("HEAD".into())),
            "Request has method 'HEAD' and cannot have a body"
        );
        assert_eq!(
            Webkit.request_error(&RequestError::InvalidHeaderValue(
                "X-A".into(),
                "b\nc".into()
            )),
            "Header 'X-A' has invalid value: 'b\nc'"
        );
        assert_eq!(Webkit.network_error(), "Load failed");
    }
}
