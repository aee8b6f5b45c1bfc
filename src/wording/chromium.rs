//! Chromium 156's words: `Failed to fetch`, and console lines in the shape of Chromium's
//! `cors_error_string.cc` (the CORS details themselves are [`CorsError::detail`]).

use url::Url;

use super::{CorsConsole, QuietFailure, Wording};
use crate::cookies::CookieRejection;
use crate::errors::{CorsError, RequestError};
use crate::origin::Origin;
use crate::request::Mode;

/// Chromium's wording.
pub(crate) struct Chromium;

/// Chromium's prefix for TypeErrors thrown by `fetch()` on a window.
const FETCH_CONTEXT: &str = "Failed to execute 'fetch' on 'Window': ";

impl Wording for Chromium {
    fn network_error(&self) -> String {
        "Failed to fetch".to_string()
    }

    fn request_error(&self, e: &RequestError) -> String {
        let detail = match e {
            RequestError::ForbiddenMethod(m) => format!("'{m}' HTTP method is unsupported."),
            RequestError::InvalidMethod(m) => format!("'{m}' is not a valid HTTP method."),
            RequestError::MethodUnsupportedInNoCors(m) => {
                format!("'{m}' is unsupported in no-cors mode.")
            }
            RequestError::BodyWithGetOrHead(_) => {
                "Request with GET/HEAD method cannot have body.".to_string()
            }
            RequestError::InvalidUrl(u) => format!("Failed to parse URL from {u}"),
            RequestError::UrlHasCredentials(u) => {
                format!("Request cannot be constructed from a URL that includes credentials: {u}")
            }
            RequestError::InvalidHeaderName(_) => "Invalid name".to_string(),
            RequestError::InvalidHeaderValue(..) => "Invalid value".to_string(),
            RequestError::InvalidTargetAddressSpace(v) => format!(
                "Failed to read the 'targetAddressSpace' property from 'RequestInit': The provided value '{v}' is not a valid enum value of type IPAddressSpace."
            ),
            RequestError::OnlyIfCachedWithoutSameOrigin(_) => {
                "'only-if-cached' can be set only with 'same-origin' mode".to_string()
            }
        };
        format!("{FETCH_CONTEXT}{detail}")
    }

    /// The last URL, the first one when they differ, the serialized origin, then the
    /// detail.
    /// A redirect to a scheme CORS does not support names the new URL.
    fn cors(&self, c: &CorsConsole<'_>) -> Vec<String> {
        let last_url = match (c.error, c.redirect_to) {
            (CorsError::CorsDisabledScheme, Some(to)) => to,
            _ => c.last_url,
        };
        let redirected = if last_url != c.initial_url {
            format!("(redirected from '{}') ", c.initial_url)
        } else {
            String::new()
        };
        vec![format!(
            "Access to fetch at '{}' {redirected}from origin '{}' has been blocked by CORS policy: {}",
            last_url,
            c.origin.serialize(),
            c.error.detail()
        )]
    }

    fn same_origin_mode(&self, url: &Url, _page_url: &Url, origin: &Origin) -> Vec<String> {
        vec![format!(
            "Fetch API cannot load {url}. Request mode is \"same-origin\" but the URL's origin is not same as the request origin {}.",
            origin.serialize()
        )]
    }

    /// The message ends with a line break, as Chromium logs it.
    fn same_origin_mode_redirect(&self, url: &Url, page_url: &Url) -> Vec<String> {
        vec![format!(
            "Unsafe attempt to load URL {url} from frame with URL {page_url}. Domains, protocols and ports must match.\n"
        )]
    }

    fn no_cors_redirect_mode(&self, url: &Url) -> Vec<String> {
        vec![format!(
            "Fetch API cannot load {url}. Request mode is \"no-cors\" but the redirect mode is not \"follow\"."
        )]
    }

    /// CHROMIUM: none (DevTools shows `net::ERR_…`, which is not a console line).
    fn cors_network_failure(&self, _url: &Url) -> Vec<String> {
        Vec::new()
    }

    /// Observed (docs/chromium-observations.md case 25): `file:` has its own wording, an
    /// unknown `blob:` URL fails silently, other schemes are "not supported"; the mode
    /// does not matter.
    fn unsupported_scheme(&self, url: &Url, _page_url: &Url, _mode: Mode) -> Vec<String> {
        match url.scheme() {
            "blob" => Vec::new(),
            "file" => vec![format!("Not allowed to load local resource: {url}")],
            scheme => vec![format!(
                "Fetch API cannot load {}. URL scheme \"{scheme}\" is not supported.",
                chromium_url(url)
            )],
        }
    }

    /// Observed: none at error level (DevTools' Issues panel lists them).
    fn cookie_rejected(&self, _name: &str, _why: &CookieRejection) -> Vec<String> {
        Vec::new()
    }

    /// CHROMIUM: none (DevTools shows `net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin`).
    fn corp_blocked(&self, _url: &Url) -> Vec<String> {
        Vec::new()
    }

    fn mixed_content_blocked(&self, page_url: &Url, url: &Url) -> Vec<String> {
        vec![format!(
            "Mixed Content: The page at '{page_url}' was loaded over HTTPS, but requested an insecure resource '{url}'. This request has been blocked; the content must be served over HTTPS."
        )]
    }

    /// CHROMIUM: none (an unsupported scheme has its own lines: `unsupported_scheme`).
    fn quiet_failure(&self, _q: &QuietFailure<'_>) -> Vec<String> {
        Vec::new()
    }

    /// Printed when an https page fetches an http URL that mixed content lets through
    /// because Local Network Access gates it (a private IP literal, a `.local` name, or a
    /// fetch naming a `targetAddressSpace`).
    fn mixed_content_warning(&self, page_url: &Url, url: &Url) -> String {
        format!(
            "Mixed Content: The page at '{page_url}' was loaded over HTTPS, but requested an insecure resource '{url}'. This content should also be served over HTTPS."
        )
    }
}

/// A URL as Chromium prints it: hierarchical URLs of unknown schemes get the root path
/// `/` that Chromium's URL parser adds (`chrome://version` prints as `chrome://version/`).
fn chromium_url(url: &Url) -> String {
    if url.has_host() && url.path().is_empty() {
        let mut s = url.to_string();
        let at = s.find(['?', '#']).unwrap_or(s.len());
        s.insert(at, '/');
        s
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_line_names_the_first_url_when_redirected() {
        let a = Url::parse("https://api.example/r").unwrap();
        let b = Url::parse("https://other.example/data").unwrap();
        let o = Origin::parse("https://app.example").unwrap();
        let line = |last: &Url, e: &CorsError| {
            Chromium.cors(&CorsConsole {
                last_url: last,
                initial_url: &a,
                origin: &o,
                error: e,
                status: Some(200),
                response_headers: &http::HeaderMap::new(),
                origin_tainted: false,
                redirect_to: None,
                header_names_as_written: &[],
            })
        };
        assert_eq!(
            line(&b, &CorsError::MissingAllowOriginHeader),
            [
                "Access to fetch at 'https://other.example/data' (redirected from 'https://api.example/r') from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
            ]
        );
        assert_eq!(
            line(&a, &CorsError::DisallowedByMode),
            [
                "Access to fetch at 'https://api.example/r' from origin 'https://app.example' has been blocked by CORS policy: Cross origin requests are not allowed by request mode."
            ]
        );
    }

    #[test]
    fn request_errors_carry_the_fetch_context() {
        assert_eq!(
            Chromium.request_error(&RequestError::ForbiddenMethod("TRACE".into())),
            "Failed to execute 'fetch' on 'Window': 'TRACE' HTTP method is unsupported."
        );
    }
}
