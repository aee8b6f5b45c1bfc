//! Failures and their wording: the one place every console line and TypeError text comes from.
//!
//! [`CorsError`] mirrors Chromium's `network::mojom::CorsError` (the variants a fetch can
//! hit), so a test can assert the precise reason. [`FetchError`] is what `fetch()` rejects
//! with: the TypeError message script sees, the console lines Chromium prints, and the
//! machine-readable [`FailureReason`].

use std::fmt;

use crate::policy::{AddressSpace, LnaDenial, Permission};

/// Why the CORS protocol blocked a fetch, one variant per Chromium `CorsError` value that
/// a `fetch()` from a page can produce. Values carry the raw header text Chromium quotes.
///
/// ```
/// use fetchguard::CorsError;
/// let e = CorsError::AllowOriginMismatch("https://other.example".into());
/// assert!(!e.is_preflight());
/// assert!(e.to_preflight().is_preflight());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorsError {
    /// A cross-origin URL (or redirect) under mode `same-origin`.
    DisallowedByMode,
    /// `Access-Control-Allow-Origin: *` on a request whose credentials mode is `include`.
    WildcardOriginNotAllowed,
    /// No `Access-Control-Allow-Origin` header.
    MissingAllowOriginHeader,
    /// The ACAO value holds several origins (a space or a comma; two header lines count).
    MultipleAllowOriginValues(String),
    /// The ACAO value is not a valid origin.
    InvalidAllowOriginValue(String),
    /// The ACAO value is a valid origin, but not the request's.
    AllowOriginMismatch(String),
    /// Credentials mode `include` and `Access-Control-Allow-Credentials` is not exactly
    /// `true` (the value, empty when the header is absent).
    InvalidAllowCredentials(String),
    /// The URL's scheme does not support CORS.
    CorsDisabledScheme,
    /// The preflight passed the CORS check but its status is not 2xx.
    PreflightInvalidStatus,
    /// The preflight was answered with a redirect.
    PreflightDisallowedRedirect,
    /// [`CorsError::WildcardOriginNotAllowed`], on the preflight response.
    PreflightWildcardOriginNotAllowed,
    /// [`CorsError::MissingAllowOriginHeader`], on the preflight response.
    PreflightMissingAllowOriginHeader,
    /// [`CorsError::MultipleAllowOriginValues`], on the preflight response.
    PreflightMultipleAllowOriginValues(String),
    /// [`CorsError::InvalidAllowOriginValue`], on the preflight response.
    PreflightInvalidAllowOriginValue(String),
    /// [`CorsError::AllowOriginMismatch`], on the preflight response.
    PreflightAllowOriginMismatch(String),
    /// [`CorsError::InvalidAllowCredentials`], on the preflight response.
    PreflightInvalidAllowCredentials(String),
    /// An `Access-Control-Allow-Methods` item is not a token.
    InvalidAllowMethodsPreflightResponse,
    /// An `Access-Control-Allow-Headers` item is not a token.
    InvalidAllowHeadersPreflightResponse,
    /// The method (as sent) is not allowed by the preflight.
    MethodDisallowedByPreflightResponse(String),
    /// A CORS-unsafe request header (lower-case name) is not allowed by the preflight.
    HeaderDisallowedByPreflightResponse(String),
    /// A cross-origin redirect to a URL with a username or password (the URL).
    RedirectContainsCredentials(String),
    /// Local Network Access: the page's origin lacks the permission for this more-private
    /// space (the space reached).
    LocalNetworkAccessPermissionDenied(AddressSpace),
    /// Local Network Access: a non-secure public page reached a more-private space.
    InsecurePrivateNetwork(AddressSpace),
    /// Local Network Access: `targetAddressSpace` named one space, the resource is in
    /// another.
    InvalidPrivateNetworkAccess {
        /// The space the request named.
        requested: AddressSpace,
        /// The space reached.
        actual: AddressSpace,
    },
}

impl CorsError {
    /// The preflight flavour of an access-check error (ACAO/ACAC failures); other errors
    /// are returned unchanged.
    pub fn to_preflight(self) -> CorsError {
        use CorsError::*;
        match self {
            WildcardOriginNotAllowed => PreflightWildcardOriginNotAllowed,
            MissingAllowOriginHeader => PreflightMissingAllowOriginHeader,
            MultipleAllowOriginValues(v) => PreflightMultipleAllowOriginValues(v),
            InvalidAllowOriginValue(v) => PreflightInvalidAllowOriginValue(v),
            AllowOriginMismatch(v) => PreflightAllowOriginMismatch(v),
            InvalidAllowCredentials(v) => PreflightInvalidAllowCredentials(v),
            other => other,
        }
    }

    /// True for the errors Chromium prefixes with "Response to preflight request doesn't
    /// pass access control check: ".
    pub fn is_preflight(&self) -> bool {
        use CorsError::*;
        matches!(
            self,
            PreflightInvalidStatus
                | PreflightDisallowedRedirect
                | PreflightWildcardOriginNotAllowed
                | PreflightMissingAllowOriginHeader
                | PreflightMultipleAllowOriginValues(_)
                | PreflightInvalidAllowOriginValue(_)
                | PreflightAllowOriginMismatch(_)
                | PreflightInvalidAllowCredentials(_)
        )
    }

    /// Chromium's name for the variant (`kMissingAllowOriginHeader` without the `k`), for
    /// reports and JSON.
    pub fn name(&self) -> &'static str {
        use CorsError::*;
        match self {
            DisallowedByMode => "DisallowedByMode",
            WildcardOriginNotAllowed => "WildcardOriginNotAllowed",
            MissingAllowOriginHeader => "MissingAllowOriginHeader",
            MultipleAllowOriginValues(_) => "MultipleAllowOriginValues",
            InvalidAllowOriginValue(_) => "InvalidAllowOriginValue",
            AllowOriginMismatch(_) => "AllowOriginMismatch",
            InvalidAllowCredentials(_) => "InvalidAllowCredentials",
            CorsDisabledScheme => "CorsDisabledScheme",
            PreflightInvalidStatus => "PreflightInvalidStatus",
            PreflightDisallowedRedirect => "PreflightDisallowedRedirect",
            PreflightWildcardOriginNotAllowed => "PreflightWildcardOriginNotAllowed",
            PreflightMissingAllowOriginHeader => "PreflightMissingAllowOriginHeader",
            PreflightMultipleAllowOriginValues(_) => "PreflightMultipleAllowOriginValues",
            PreflightInvalidAllowOriginValue(_) => "PreflightInvalidAllowOriginValue",
            PreflightAllowOriginMismatch(_) => "PreflightAllowOriginMismatch",
            PreflightInvalidAllowCredentials(_) => "PreflightInvalidAllowCredentials",
            InvalidAllowMethodsPreflightResponse => "InvalidAllowMethodsPreflightResponse",
            InvalidAllowHeadersPreflightResponse => "InvalidAllowHeadersPreflightResponse",
            MethodDisallowedByPreflightResponse(_) => "MethodDisallowedByPreflightResponse",
            HeaderDisallowedByPreflightResponse(_) => "HeaderDisallowedByPreflightResponse",
            RedirectContainsCredentials(_) => "RedirectContainsCredentials",
            LocalNetworkAccessPermissionDenied(_) => "LocalNetworkAccessPermissionDenied",
            InsecurePrivateNetwork(_) => "InsecurePrivateNetwork",
            InvalidPrivateNetworkAccess { .. } => "InvalidPrivateNetworkAccess",
        }
    }

    /// The detail sentence of the console line (after "blocked by CORS policy: "), in
    /// Chromium's words, including the preflight prefix and the fetch-only suffix.
    pub fn detail(&self) -> String {
        use CorsError::*;
        // Observed in Chromium 156 (docs/chromium-observations.md, cases 1-7): the ACAO
        // value errors end with this hint; the missing-header error has none.
        const VALUE_HINT: &str = " Have the server send the header with a valid value.";
        let body = match self {
            DisallowedByMode => "Cross origin requests are not allowed by request mode.".to_string(),
            WildcardOriginNotAllowed | PreflightWildcardOriginNotAllowed => "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".to_string(),
            MissingAllowOriginHeader | PreflightMissingAllowOriginHeader => "No 'Access-Control-Allow-Origin' header is present on the requested resource.".to_string(),
            MultipleAllowOriginValues(v) | PreflightMultipleAllowOriginValues(v) => format!("The 'Access-Control-Allow-Origin' header contains multiple values '{v}', but only one is allowed.{VALUE_HINT}"),
            InvalidAllowOriginValue(v) | PreflightInvalidAllowOriginValue(v) => format!("The 'Access-Control-Allow-Origin' header contains the invalid value '{v}'.{VALUE_HINT}"),
            AllowOriginMismatch(v) | PreflightAllowOriginMismatch(v) => format!("The 'Access-Control-Allow-Origin' header has a value '{v}' that is not equal to the supplied origin.{VALUE_HINT}"),
            InvalidAllowCredentials(v) | PreflightInvalidAllowCredentials(v) => format!("The value of the 'Access-Control-Allow-Credentials' header in the response is '{v}' which must be 'true' when the request's credentials mode is 'include'."),
            CorsDisabledScheme => "Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.".to_string(),
            PreflightInvalidStatus => "It does not have HTTP ok status.".to_string(),
            PreflightDisallowedRedirect => "Redirect is not allowed for a preflight request.".to_string(),
            InvalidAllowMethodsPreflightResponse => "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".to_string(),
            InvalidAllowHeadersPreflightResponse => "Cannot parse Access-Control-Allow-Headers response header field in preflight response.".to_string(),
            MethodDisallowedByPreflightResponse(m) => format!("Method {m} is not allowed by Access-Control-Allow-Methods in preflight response."),
            HeaderDisallowedByPreflightResponse(h) => format!("Request header field {h} is not allowed by Access-Control-Allow-Headers in preflight response."),
            // CHROMIUM: the message quotes an empty location (observed, case 13).
            RedirectContainsCredentials(_) => "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.".to_string(),
            LocalNetworkAccessPermissionDenied(s) => LnaDenial::PermissionDenied(*s, Permission::Block).to_string(),
            InsecurePrivateNetwork(s) => LnaDenial::InsecureContext(*s).to_string(),
            InvalidPrivateNetworkAccess { requested, actual } => LnaDenial::TargetMismatch { requested: *requested, actual: *actual }.to_string(),
        };
        if self.is_preflight() {
            format!("Response to preflight request doesn't pass access control check: {body}")
        } else {
            body
        }
    }
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail())
    }
}

/// Why a request never reached the network: the checks `fetch()` makes on its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// `CONNECT`, `TRACE` or `TRACK` (the method as given).
    ForbiddenMethod(String),
    /// Not a valid method token (the method as given).
    InvalidMethod(String),
    /// A method other than GET/HEAD/POST with mode `no-cors` (the normalized method).
    MethodUnsupportedInNoCors(String),
    /// GET or HEAD with a body (the normalized method).
    BodyWithGetOrHead(String),
    /// The URL could not be parsed (the input).
    InvalidUrl(String),
    /// The URL has a username or password (the URL).
    UrlHasCredentials(String),
    /// A header name that is not a valid HTTP token (the name).
    InvalidHeaderName(String),
    /// A header value with bytes HTTP does not allow (the header's name, then the value
    /// with surrounding whitespace trimmed).
    InvalidHeaderValue(String, String),
    /// A `targetAddressSpace` that is not an `IPAddressSpace` value (the value).
    InvalidTargetAddressSpace(String),
    /// Cache mode `only-if-cached` with a mode other than `same-origin` (the mode).
    OnlyIfCachedWithoutSameOrigin(crate::request::Mode),
}

/// Network-level failures: what Chromium reports as a `net::ERR_*` and script as
/// `Failed to fetch`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NetError {
    /// The host could not be resolved (`ERR_NAME_NOT_RESOLVED`).
    NameNotResolved,
    /// Connecting failed (`ERR_CONNECTION_REFUSED` and friends); the detail is for people.
    ConnectionFailed(String),
    /// TLS failed (handshake, certificate).
    Tls(String),
    /// The server broke HTTP (malformed response, reset mid-body, lying length).
    Protocol(String),
    /// No answer within the configured time.
    TimedOut,
}

/// What a redirect did wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedirectError {
    /// Redirect mode `error` met a redirect.
    ModeError,
    /// More than 20 redirects.
    TooManyRedirects,
    /// The `Location` could not be parsed against the response URL (the raw value).
    InvalidLocation(String),
    /// A redirect to a non-HTTP(S) URL (the URL).
    NonHttpScheme(String),
    /// A redirect to a URL with a username or password, outside the CORS case (no
    /// console line).
    LocationHasCredentials(String),
}

/// The machine-readable reason a fetch failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureReason {
    /// The CORS protocol (or mode `same-origin`) blocked it.
    Cors(CorsError),
    /// `fetch()` rejected its arguments before anything was sent.
    Request(RequestError),
    /// An `https` page asked for an `http` URL.
    MixedContent,
    /// A network error.
    Network(NetError),
    /// A redirect could not be followed.
    Redirect(RedirectError),
    /// The scheme is not one fetch can load (`about:` other than blank, unknown schemes).
    UnsupportedScheme(String),
    /// Cache mode `only-if-cached` and nothing usable in the HTTP cache
    /// (`net::ERR_CACHE_MISS`): nothing is sent.
    NotInCache,
    /// The cross-origin resource policy check blocked a no-cors response (DevTools:
    /// `net::ERR_BLOCKED_BY_RESPONSE`; no console line).
    Corp(crate::policy::corp::CorpBlock),
}

impl fmt::Display for RequestError {
    /// What was wrong with the arguments, in plain words (the TypeError message script
    /// reads is the engine's: [`FetchError::message`](crate::FetchError::message)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::ForbiddenMethod(m) => write!(f, "forbidden method '{m}'"),
            RequestError::InvalidMethod(m) => write!(f, "'{m}' is not a method token"),
            RequestError::MethodUnsupportedInNoCors(m) => {
                write!(f, "method '{m}' is not allowed in mode no-cors")
            }
            RequestError::BodyWithGetOrHead(_) => f.write_str("a GET or HEAD request with a body"),
            RequestError::InvalidUrl(u) => write!(f, "'{u}' is not a valid URL"),
            RequestError::UrlHasCredentials(u) => {
                write!(f, "the URL '{u}' includes a username or password")
            }
            RequestError::InvalidHeaderName(n) => write!(f, "invalid header name '{n}'"),
            RequestError::InvalidHeaderValue(n, _) => write!(f, "invalid value for header '{n}'"),
            RequestError::InvalidTargetAddressSpace(v) => {
                write!(
                    f,
                    "'{v}' is not a targetAddressSpace (local, loopback or public)"
                )
            }
            RequestError::OnlyIfCachedWithoutSameOrigin(_) => {
                f.write_str("cache mode only-if-cached outside mode same-origin")
            }
        }
    }
}

impl std::error::Error for RequestError {}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::NameNotResolved => f.write_str("the host name could not be resolved"),
            NetError::ConnectionFailed(d) => write!(f, "connection failed: {d}"),
            NetError::Tls(d) => write!(f, "TLS failed: {d}"),
            NetError::Protocol(d) => write!(f, "HTTP protocol error: {d}"),
            NetError::TimedOut => f.write_str("timed out"),
        }
    }
}

impl std::error::Error for NetError {}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectError::ModeError => f.write_str("redirect mode 'error' met a redirect"),
            RedirectError::TooManyRedirects => f.write_str("more than 20 redirects"),
            RedirectError::InvalidLocation(l) => write!(f, "Location '{l}' is not a valid URL"),
            RedirectError::NonHttpScheme(u) => write!(f, "redirect to a non-HTTP(S) URL: {u}"),
            RedirectError::LocationHasCredentials(u) => {
                write!(f, "redirect to a URL with credentials: {u}")
            }
        }
    }
}

impl std::error::Error for RedirectError {}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Cors(e) => write!(f, "CORS: {e}"),
            FailureReason::Request(e) => write!(f, "bad request: {e}"),
            FailureReason::MixedContent => {
                f.write_str("mixed content: an https page asked for an insecure URL")
            }
            FailureReason::Network(e) => write!(f, "network: {e}"),
            FailureReason::Redirect(e) => write!(f, "redirect: {e}"),
            FailureReason::UnsupportedScheme(s) => write!(f, "the scheme '{s}' cannot be fetched"),
            FailureReason::NotInCache => {
                f.write_str("only-if-cached: nothing usable in the HTTP cache (nothing sent)")
            }
            FailureReason::Corp(b) => write!(f, "Cross-Origin-Resource-Policy: {b}"),
        }
    }
}

impl std::error::Error for FailureReason {}

impl std::error::Error for CorsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preflight_prefix_only_on_access_check_and_status_errors() {
        let d = CorsError::MissingAllowOriginHeader.to_preflight().detail();
        assert_eq!(
            d,
            "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        );
        let v = CorsError::AllowOriginMismatch("https://other.example".into()).detail();
        assert_eq!(
            v,
            "The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. Have the server send the header with a valid value."
        );
        let m = CorsError::MethodDisallowedByPreflightResponse("PUT".into()).detail();
        assert_eq!(
            m,
            "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
        );
    }
}
