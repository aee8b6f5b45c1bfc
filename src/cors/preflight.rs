//! CORS-preflight request and response rules.
//!
//! What goes into the `OPTIONS` request ([`access_control_request_headers`]) and how its
//! response is judged ([`evaluate_preflight_response`]), in Chromium's order
//! (services/network/cors/preflight_controller.cc, preflight_result.cc).
use std::time::Duration;

use crate::errors::CorsError;
use crate::origin::Origin;

use super::cors_check;
use crate::headers::{
    get_combined as combined_header, is_cors_safelisted_method, parse_token_list,
};

/// How long a preflight result is cached when the response has no usable
/// `Access-Control-Max-Age`. <https://fetch.spec.whatwg.org/#http-access-control-max-age>
///
/// CHROMIUM: `kDefaultTimeout` is 5 seconds (preflight_result.cc).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(5);

/// The longest a preflight result is cached, whatever `Access-Control-Max-Age` says.
///
/// CHROMIUM: `kMaxTimeout` is 2 hours, 7200 seconds (preflight_result.cc).
pub const MAX_AGE_CAP: Duration = Duration::from_secs(7200);

/// What a successful CORS preflight allows: the parsed `Access-Control-Allow-*` lists and
/// how long the answer may be cached.
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch>
///
/// CHROMIUM: one result per preflight, checked and cached as a whole
/// (`network::cors::PreflightResult`, preflight_result.cc).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightResult {
    /// `Access-Control-Allow-Methods` items as sent (case preserved; matched
    /// case-sensitively), de-duplicated, in byte order.
    pub methods: Vec<String>,
    /// `Access-Control-Allow-Headers` items, lower-cased, de-duplicated, in byte order.
    pub headers: Vec<String>,
    /// True when the actual request's credentials mode was `include`. A `*` in either list
    /// is a wildcard only when this is false, and a result without credentials does not
    /// serve a credentialed request from the cache.
    pub credentials: bool,
    /// How long the result may be cached ([`parse_max_age`]); zero means not at all.
    pub max_age: Duration,
}

impl PreflightResult {
    /// Whether `method` (as the request sends it) is allowed.
    /// <https://fetch.spec.whatwg.org/#cors-preflight-fetch> (the method step)
    ///
    /// Safelisted methods always pass; otherwise the method must be listed exactly
    /// (case-sensitive), or the list holds `*` and [`credentials`](Self::credentials) is
    /// false. Fails with [`CorsError::MethodDisallowedByPreflightResponse`] naming the
    /// method as sent.
    ///
    /// ```
    /// use std::time::Duration;
    /// use fetchguard::cors::PreflightResult;
    /// let r = PreflightResult {
    ///     methods: vec!["PUT".into()],
    ///     headers: vec![],
    ///     credentials: false,
    ///     max_age: Duration::from_secs(5),
    /// };
    /// assert!(r.check_method("PUT").is_ok());
    /// assert!(r.check_method("GET").is_ok());
    /// assert!(r.check_method("put").is_err());
    /// ```
    pub fn check_method(&self, method: &str) -> Result<(), CorsError> {
        if self.allows_method(method) {
            Ok(())
        } else {
            Err(CorsError::MethodDisallowedByPreflightResponse(
                method.to_string(),
            ))
        }
    }

    /// The rule of [`PreflightResult::check_method`], as a yes or no.
    pub(crate) fn allows_method(&self, method: &str) -> bool {
        // CHROMIUM: with AccessControlAllowMethodsInCORSPreflightSpecConformant (enabled
        // by default, and the profile pref defaults to true) the method is compared as
        // sent, not upper-cased; safelisted methods pass via the case-insensitive
        // IsCorsSafelistedMethod (preflight_result.cc, EnsureAllowedCrossOriginMethod;
        // features.cc).
        is_cors_safelisted_method(&method.to_ascii_uppercase())
            || self.methods.iter().any(|m| m == method)
            || (!self.credentials && self.methods.iter().any(|m| m == "*"))
    }

    /// Whether every CORS-unsafe request header name in `unsafe_names` is allowed.
    /// <https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name>
    ///
    /// Names match ASCII case-insensitively. When the list holds `*` and
    /// [`credentials`](Self::credentials) is false, every name but `authorization` is
    /// allowed; `authorization` must be listed by name. Fails with
    /// [`CorsError::HeaderDisallowedByPreflightResponse`] naming the first disallowed
    /// name (lower-case) in the order given; callers pass the names sorted, which is the
    /// order Chromium checks for `fetch()` (Blink's `FetchHeaderList` is a map sorted
    /// case-insensitively).
    ///
    /// ```
    /// use std::time::Duration;
    /// use fetchguard::cors::PreflightResult;
    /// let r = PreflightResult {
    ///     methods: vec![],
    ///     headers: vec!["*".into()],
    ///     credentials: false,
    ///     max_age: Duration::from_secs(5),
    /// };
    /// assert!(r.check_headers(&["x-custom".into()]).is_ok());
    /// assert!(r.check_headers(&["authorization".into()]).is_err());
    /// ```
    pub fn check_headers(&self, unsafe_names: &[String]) -> Result<(), CorsError> {
        self.check_headers_with(unsafe_names, AuthorizationUnderWildcard::NotCovered)
    }

    /// [`PreflightResult::check_headers`], choosing whether `*` covers `authorization`.
    pub fn check_headers_with(
        &self,
        unsafe_names: &[String],
        authorization: AuthorizationUnderWildcard,
    ) -> Result<(), CorsError> {
        match self.disallowed_header(unsafe_names, authorization) {
            Some(name) => Err(CorsError::HeaderDisallowedByPreflightResponse(name)),
            None => Ok(()),
        }
    }

    /// The rule of [`PreflightResult::check_headers_with`]: the first name not allowed
    /// (lower-case), or none.
    pub(crate) fn disallowed_header(
        &self,
        unsafe_names: &[String],
        authorization: AuthorizationUnderWildcard,
    ) -> Option<String> {
        let listed = |name: &str| self.headers.iter().any(|h| h.eq_ignore_ascii_case(name));
        // CHROMIUM: with the wildcard, only `authorization` is checked and everything
        // else passes; this is the CorsNonWildcardRequestHeadersSupport behaviour, which
        // Chrome turns on through a profile pref defaulting to true, and which the
        // preflight cache always uses (preflight_result.cc,
        // EnsureAllowedCrossOriginHeaders; preflight_cache.cc).
        if !self.credentials && listed("*") {
            let has_authorization = unsafe_names
                .iter()
                .any(|n| n.eq_ignore_ascii_case("authorization"));
            let covered =
                listed("authorization") || authorization == AuthorizationUnderWildcard::Covered;
            return (has_authorization && !covered).then(|| "authorization".to_string());
        }
        unsafe_names
            .iter()
            .find(|n| !listed(n))
            .map(|n| n.to_ascii_lowercase())
    }
}

/// Whether `Access-Control-Allow-Headers: *` covers `authorization`.
///
/// CHROMIUM 156 (observed, docs/chromium-observations.md case 8): a fresh preflight's `*`
/// does cover it (DevTools only raises an `AuthorizationCoveredByWildcard` deprecation
/// issue), while the preflight cache never lets a cached `*` cover it, so such a request
/// is preflighted every time. The Fetch Standard says `*` never covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationUnderWildcard {
    /// `*` allows `authorization` (fresh preflight responses, Chromium 156).
    Covered,
    /// `authorization` must be listed by name (the standard; Chromium's cache).
    NotCovered,
}

/// The `Access-Control-Request-Headers` value of a preflight: the CORS-unsafe request
/// header names, lower-cased, sorted, de-duplicated and joined with `,` (no space);
/// `None` when there are none, so the header is not sent.
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch>
///
/// The caller normally passes the names already in that form; this function normalizes
/// again anyway, so the output never depends on the input order.
///
/// ```
/// use fetchguard::cors::access_control_request_headers;
/// let names = vec!["content-type".to_string(), "x-b".into(), "x-a".into()];
/// assert_eq!(
///     access_control_request_headers(&names).as_deref(),
///     Some("content-type,x-a,x-b")
/// );
/// assert_eq!(access_control_request_headers(&[]), None);
/// ```
pub fn access_control_request_headers(unsafe_names: &[String]) -> Option<String> {
    if unsafe_names.is_empty() {
        return None;
    }
    let mut names: Vec<String> = unsafe_names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    Some(names.join(","))
}

/// The cache lifetime from an `Access-Control-Max-Age` value (all header lines joined
/// with `", "`), as Chromium's `ParseAccessControlMaxAge` reads it.
/// <https://fetch.spec.whatwg.org/#http-access-control-max-age>
///
/// CHROMIUM: the value goes through `base::StringToInt64`: an optional `+` or `-` and one
/// or more ASCII digits, nothing else (no whitespace, no second value, no overflow).
/// Anything else, or no header, gives [`DEFAULT_MAX_AGE`]; a negative number gives zero
/// (do not cache); values at or above 7200 give [`MAX_AGE_CAP`] (preflight_result.cc;
/// base/strings/string_number_conversions_internal.h). Two header lines (`10, 20`) are
/// therefore invalid and give the default.
///
/// ```
/// use std::time::Duration;
/// use fetchguard::cors::{parse_max_age, DEFAULT_MAX_AGE, MAX_AGE_CAP};
/// assert_eq!(parse_max_age(Some(b"600")), Duration::from_secs(600));
/// assert_eq!(parse_max_age(None), DEFAULT_MAX_AGE);
/// assert_eq!(parse_max_age(Some(b"86400")), MAX_AGE_CAP);
/// assert_eq!(parse_max_age(Some(b"-1")), Duration::ZERO);
/// ```
pub fn parse_max_age(value: Option<&[u8]>) -> Duration {
    let Some(value) = value else {
        return DEFAULT_MAX_AGE;
    };
    let (negative, digits) = match value {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, value),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return DEFAULT_MAX_AGE;
    }
    // Accumulate as i64 the way StringToInt64 does, so overflow (and underflow for
    // negative values) is "invalid", which means the default, not the cap.
    let mut n: i64 = 0;
    for &d in digits {
        let digit = i64::from(d - b'0');
        let next = n.checked_mul(10).and_then(|v| {
            if negative {
                v.checked_sub(digit)
            } else {
                v.checked_add(digit)
            }
        });
        match next {
            Some(v) => n = v,
            None => return DEFAULT_MAX_AGE,
        }
    }
    if n < 0 {
        return Duration::ZERO;
    }
    let secs = n.unsigned_abs();
    if secs >= MAX_AGE_CAP.as_secs() {
        return MAX_AGE_CAP;
    }
    Duration::from_secs(secs)
}

/// Judges a CORS-preflight response for the actual request it was sent for.
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch>
///
/// The caller has already turned a redirect into
/// [`CorsError::PreflightDisallowedRedirect`] and a network failure into its own error.
/// `credentials_include`, `method` (as sent) and `unsafe_header_names` (lower-case,
/// sorted) describe the ACTUAL request. Checks, in Chromium's order:
///
/// 1. the CORS check ([`cors_check`]) on all `Access-Control-Allow-Origin` /
///    `-Credentials` lines joined with `", "`, with the actual request's credentials
///    mode; a failure is reported as its `Preflight*` variant, so a 404 without ACAO is
///    [`CorsError::PreflightMissingAllowOriginHeader`];
/// 2. a status outside 200–299: [`CorsError::PreflightInvalidStatus`];
/// 3. `Access-Control-Allow-Methods`, then `-Headers`, parsed as comma lists of tokens:
///    [`CorsError::InvalidAllowMethodsPreflightResponse`] /
///    [`CorsError::InvalidAllowHeadersPreflightResponse`];
/// 4. the method ([`PreflightResult::check_method`]);
/// 5. the headers ([`PreflightResult::check_headers`]);
///
/// and `Access-Control-Max-Age` sets [`PreflightResult::max_age`] ([`parse_max_age`]).
///
/// ```
/// use std::time::Duration;
/// use fetchguard::{CorsError, Origin};
/// use fetchguard::cors::evaluate_preflight_response;
/// let app = Origin::parse("https://app.example").unwrap();
/// let mut h = http::HeaderMap::new();
/// h.insert("access-control-allow-origin", "https://app.example".parse().unwrap());
/// h.insert("access-control-allow-methods", "PUT, DELETE".parse().unwrap());
/// h.insert("access-control-allow-headers", "X-Token".parse().unwrap());
/// h.insert("access-control-max-age", "600".parse().unwrap());
/// let r = evaluate_preflight_response(204, &h, &app, false, "PUT", &["x-token".into()])
///     .unwrap();
/// assert_eq!(r.methods, vec!["DELETE", "PUT"]);
/// assert_eq!(r.headers, vec!["x-token"]);
/// assert_eq!(r.max_age, Duration::from_secs(600));
///
/// let e = evaluate_preflight_response(404, &http::HeaderMap::new(), &app, false, "PUT", &[]);
/// assert_eq!(e, Err(CorsError::PreflightMissingAllowOriginHeader));
/// ```
pub fn evaluate_preflight_response(
    status: u16,
    headers: &http::HeaderMap,
    origin: &Origin,
    credentials_include: bool,
    method: &str,
    unsafe_header_names: &[String],
) -> Result<PreflightResult, CorsError> {
    // CHROMIUM: the access check runs before the status check, so a non-2xx preflight
    // without ACAO reports the missing header, and only a passing one reports the status
    // (preflight_controller.cc, CheckPreflightAccess).
    let acao = combined_header(headers, "access-control-allow-origin");
    let acac = combined_header(headers, "access-control-allow-credentials");
    cors_check(
        acao.as_deref(),
        acac.as_deref(),
        origin,
        credentials_include,
    )
    .map_err(CorsError::to_preflight)?;
    if !(200..=299).contains(&status) {
        return Err(CorsError::PreflightInvalidStatus);
    }

    let methods = parse_allow_list(
        combined_header(headers, "access-control-allow-methods"),
        false,
    )
    .ok_or(CorsError::InvalidAllowMethodsPreflightResponse)?;
    let allowed_headers = parse_allow_list(
        combined_header(headers, "access-control-allow-headers"),
        true,
    )
    .ok_or(CorsError::InvalidAllowHeadersPreflightResponse)?;
    let max_age = parse_max_age(combined_header(headers, "access-control-max-age").as_deref());

    let result = PreflightResult {
        methods,
        headers: allowed_headers,
        credentials: credentials_include,
        max_age,
    };
    // CHROMIUM: method first, then headers (preflight_controller.cc, CheckPreflightResult).
    result.check_method(method)?;
    result.check_headers_with(unsafe_header_names, AuthorizationUnderWildcard::Covered)?;
    Ok(result)
}

/// Parses an `Access-Control-Allow-Methods`/`-Headers` value into a sorted,
/// de-duplicated list (Chromium keeps a `flat_set`); `None` when an item is not a token.
/// An absent header is an empty list.
fn parse_allow_list(value: Option<Vec<u8>>, lower_case: bool) -> Option<Vec<String>> {
    let Some(value) = value else {
        return Some(Vec::new());
    };
    let mut items: Vec<String> = parse_token_list([value.as_slice()])?
        .into_iter()
        .map(|s| {
            if lower_case {
                s.to_ascii_lowercase()
            } else {
                s
            }
        })
        .collect();
    items.sort();
    items.dedup();
    Some(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorsError::*;

    fn app() -> Origin {
        Origin::parse("https://app.example").unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    const ACAO: &str = "access-control-allow-origin";
    const ACAC: &str = "access-control-allow-credentials";
    const ACAM: &str = "access-control-allow-methods";
    const ACAH: &str = "access-control-allow-headers";
    const MAXAGE: &str = "access-control-max-age";

    #[test]
    fn request_headers_value() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&[], None),
            (&["x-a"], Some("x-a")),
            (&["x-a", "x-b"], Some("x-a,x-b")),
            (&["x-b", "X-A", "x-a"], Some("x-a,x-b")),
            (
                &["content-type", "authorization"],
                Some("authorization,content-type"),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                access_control_request_headers(&names(input)).as_deref(),
                *want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn max_age_parsing() {
        let s = Duration::from_secs;
        let cases: &[(Option<&[u8]>, Duration)] = &[
            (None, s(5)),
            (Some(b""), s(5)),
            (Some(b"0"), s(0)),
            (Some(b"1"), s(1)),
            (Some(b"600"), s(600)),
            (Some(b"+600"), s(600)),
            (Some(b"0600"), s(600)),
            (Some(b"7199"), s(7199)),
            (Some(b"7200"), s(7200)),
            (Some(b"7201"), s(7200)),
            (Some(b"86400"), s(7200)),
            (Some(b"9223372036854775807"), s(7200)),
            // Overflow is invalid, hence the default rather than the cap.
            (Some(b"9223372036854775808"), s(5)),
            (Some(b"99999999999999999999"), s(5)),
            (Some(b"-1"), s(0)),
            (Some(b"-0"), s(0)),
            (Some(b"-9223372036854775808"), s(0)),
            (Some(b"-9223372036854775809"), s(5)),
            (Some(b"-"), s(5)),
            (Some(b"+"), s(5)),
            (Some(b"+-5"), s(5)),
            (Some(b" 600"), s(5)),
            (Some(b"600 "), s(5)),
            (Some(b"60.5"), s(5)),
            (Some(b"1e3"), s(5)),
            (Some(b"0x10"), s(5)),
            (Some(b"abc"), s(5)),
            (Some(b"10, 20"), s(5)),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_max_age(*input),
                *want,
                "{:?}",
                input.map(String::from_utf8_lossy)
            );
        }
        assert_eq!(DEFAULT_MAX_AGE, s(5));
        assert_eq!(MAX_AGE_CAP, s(7200));
    }

    #[test]
    fn access_check_comes_first_and_is_mapped_to_preflight_errors() {
        let app = app();
        type Case<'a> = (u16, &'a [(&'a str, &'a str)], bool, CorsError);
        let cases: &[Case] = &[
            (404, &[], false, PreflightMissingAllowOriginHeader),
            (200, &[], false, PreflightMissingAllowOriginHeader),
            (500, &[(ACAO, "*")], true, PreflightWildcardOriginNotAllowed),
            (
                200,
                &[(ACAO, "https://app.example"), (ACAO, "https://app.example")],
                false,
                PreflightMultipleAllowOriginValues(
                    "https://app.example, https://app.example".into(),
                ),
            ),
            (
                200,
                &[(ACAO, "https://other.example")],
                false,
                PreflightAllowOriginMismatch("https://other.example".into()),
            ),
            (
                200,
                &[(ACAO, "nope")],
                false,
                PreflightInvalidAllowOriginValue("nope".into()),
            ),
            (
                200,
                &[(ACAO, "https://app.example")],
                true,
                PreflightInvalidAllowCredentials("".into()),
            ),
            (
                200,
                &[
                    (ACAO, "https://app.example"),
                    (ACAC, "true"),
                    (ACAC, "true"),
                ],
                true,
                PreflightInvalidAllowCredentials("true, true".into()),
            ),
            // Access check passes, status fails.
            (404, &[(ACAO, "*")], false, PreflightInvalidStatus),
            (199, &[(ACAO, "*")], false, PreflightInvalidStatus),
            (300, &[(ACAO, "*")], false, PreflightInvalidStatus),
            (
                500,
                &[(ACAO, "*"), (ACAM, "PUT")],
                false,
                PreflightInvalidStatus,
            ),
            // Status is checked before the allow lists are parsed.
            (
                404,
                &[(ACAO, "*"), (ACAM, "P U T")],
                false,
                PreflightInvalidStatus,
            ),
        ];
        for (i, (status, hs, creds, want)) in cases.iter().enumerate() {
            assert_eq!(
                evaluate_preflight_response(*status, &headers(hs), &app, *creds, "PUT", &[]),
                Err(want.clone()),
                "case {i}"
            );
        }
    }

    #[test]
    fn allow_list_syntax() {
        let app = app();
        type Case<'a> = (&'a [(&'a str, &'a str)], Result<(), CorsError>);
        let cases: &[Case] = &[
            (&[(ACAM, "PUT")], Ok(())),
            (&[(ACAM, " PUT , ,DELETE,")], Ok(())),
            (&[(ACAM, "GET"), (ACAM, "PUT")], Ok(())),
            (
                &[(ACAM, "PUT DELETE")],
                Err(InvalidAllowMethodsPreflightResponse),
            ),
            (
                &[(ACAM, "\"PUT\"")],
                Err(InvalidAllowMethodsPreflightResponse),
            ),
            (&[(ACAM, "PUT;")], Err(InvalidAllowMethodsPreflightResponse)),
            (
                &[(ACAM, "PUT"), (ACAH, "x a")],
                Err(InvalidAllowHeadersPreflightResponse),
            ),
            (
                &[(ACAM, "PUT"), (ACAH, "x-a:")],
                Err(InvalidAllowHeadersPreflightResponse),
            ),
            // Methods are parsed (and fail) before headers.
            (
                &[(ACAM, "P U T"), (ACAH, "x a")],
                Err(InvalidAllowMethodsPreflightResponse),
            ),
            // Header syntax fails even when the header list is not needed.
            (
                &[(ACAM, "PUT"), (ACAH, "@")],
                Err(InvalidAllowHeadersPreflightResponse),
            ),
        ];
        for (i, (hs, want)) in cases.iter().enumerate() {
            let mut all = vec![(ACAO, "*")];
            all.extend_from_slice(hs);
            let got = evaluate_preflight_response(200, &headers(&all), &app, false, "PUT", &[])
                .map(|_| ());
            assert_eq!(&got, want, "case {i}");
        }
    }

    #[test]
    fn method_rules() {
        let app = app();
        // (ACAM, credentials, method, expected)
        let cases: &[(Option<&str>, bool, &str, bool)] = &[
            (None, false, "GET", true),
            (None, false, "HEAD", true),
            (None, false, "POST", true),
            (None, false, "get", true),
            (None, false, "PUT", false),
            (Some("PUT"), false, "PUT", true),
            (Some("put"), false, "PUT", false),
            (Some("PUT"), false, "put", false),
            (Some("patch"), false, "patch", true),
            (Some("PATCH"), false, "patch", false),
            (Some("GET, DELETE"), false, "DELETE", true),
            (Some("*"), false, "DELETE", true),
            (Some("*"), false, "custom", true),
            (Some("*"), true, "DELETE", false),
            (Some("*, DELETE"), true, "DELETE", true),
            (Some("*"), true, "POST", true),
            (Some(""), false, "PUT", false),
        ];
        for (acam, creds, method, ok) in cases {
            let mut hs = vec![(ACAO, "https://app.example"), (ACAC, "true")];
            if let Some(v) = acam {
                hs.push((ACAM, v));
            }
            let got = evaluate_preflight_response(200, &headers(&hs), &app, *creds, method, &[]);
            if *ok {
                assert!(got.is_ok(), "{acam:?} {creds} {method}: {got:?}");
            } else {
                assert_eq!(
                    got,
                    Err(MethodDisallowedByPreflightResponse(method.to_string())),
                    "{acam:?} {creds} {method}"
                );
            }
        }
    }

    #[test]
    fn header_rules() {
        let app = app();
        // (ACAH, credentials, unsafe names, expected disallowed name)
        type Case<'a> = (Option<&'a str>, bool, &'a [&'a str], Option<&'a str>);
        let cases: &[Case] = &[
            (None, false, &[], None),
            (None, false, &["x-a"], Some("x-a")),
            (Some("X-A"), false, &["x-a"], None),
            (Some("x-a"), false, &["X-A"], None),
            (Some("x-a, x-b"), false, &["x-a", "x-b"], None),
            (Some("x-b"), false, &["x-a", "x-b"], Some("x-a")),
            (Some("x-a"), false, &["x-a", "x-b", "x-c"], Some("x-b")),
            (Some("x-z"), false, &["x-a", "x-b"], Some("x-a")),
            (Some("*"), false, &["x-a", "x-b"], None),
            // CHROMIUM 156: a fresh preflight's `*` covers authorization (observed).
            (Some("*"), false, &["authorization"], None),
            (Some("*"), false, &["authorization", "x-a"], None),
            (
                Some("*, Authorization"),
                false,
                &["authorization", "x-a"],
                None,
            ),
            (Some("authorization"), false, &["authorization"], None),
            (Some("*"), true, &["x-a"], Some("x-a")),
            (Some("*, x-a"), true, &["x-a"], None),
            (Some("*"), true, &["authorization"], Some("authorization")),
            (Some("*"), true, &[], None),
            // Without the wildcard, the first missing name is named, even if it sorts
            // after `authorization`.
            (
                Some("x-a"),
                false,
                &["authorization", "x-a"],
                Some("authorization"),
            ),
        ];
        for (acah, creds, unsafe_names, want) in cases {
            let mut hs = vec![(ACAO, "https://app.example"), (ACAC, "true"), (ACAM, "PUT")];
            if let Some(v) = acah {
                hs.push((ACAH, v));
            }
            let got = evaluate_preflight_response(
                200,
                &headers(&hs),
                &app,
                *creds,
                "PUT",
                &names(unsafe_names),
            );
            match want {
                None => assert!(got.is_ok(), "{acah:?} {creds} {unsafe_names:?}: {got:?}"),
                Some(name) => assert_eq!(
                    got,
                    Err(HeaderDisallowedByPreflightResponse(name.to_string())),
                    "{acah:?} {creds} {unsafe_names:?}"
                ),
            }
        }
    }

    #[test]
    fn method_is_checked_before_headers() {
        let app = app();
        let hs = headers(&[(ACAO, "*")]);
        assert_eq!(
            evaluate_preflight_response(200, &hs, &app, false, "PUT", &names(&["x-a"])),
            Err(MethodDisallowedByPreflightResponse("PUT".into()))
        );
    }

    #[test]
    fn result_fields() {
        let app = app();
        let hs = headers(&[
            (ACAO, "https://app.example"),
            (ACAC, "true"),
            (ACAM, "PUT, patch, PUT"),
            (ACAM, "DELETE"),
            (ACAH, "X-B, x-a"),
            (ACAH, "X-A"),
            (MAXAGE, "100000"),
        ]);
        let r = evaluate_preflight_response(200, &hs, &app, true, "PUT", &names(&["x-a"])).unwrap();
        assert_eq!(
            r,
            PreflightResult {
                methods: names(&["DELETE", "PUT", "patch"]),
                headers: names(&["x-a", "x-b"]),
                credentials: true,
                max_age: Duration::from_secs(7200),
            }
        );

        let hs = headers(&[(ACAO, "*"), (MAXAGE, "0")]);
        let r = evaluate_preflight_response(299, &hs, &app, false, "POST", &[]).unwrap();
        assert_eq!(
            r,
            PreflightResult {
                methods: vec![],
                headers: vec![],
                credentials: false,
                max_age: Duration::ZERO,
            }
        );

        let hs = headers(&[(ACAO, "*"), (MAXAGE, "10"), (MAXAGE, "20")]);
        let r = evaluate_preflight_response(200, &hs, &app, false, "GET", &[]).unwrap();
        assert_eq!(r.max_age, DEFAULT_MAX_AGE);
    }

    #[test]
    fn opaque_origin_preflight() {
        let opaque = Origin::new_opaque();
        let hs = headers(&[(ACAO, "null"), (ACAM, "PUT")]);
        assert!(evaluate_preflight_response(200, &hs, &opaque, false, "PUT", &[]).is_ok());
        let hs = headers(&[(ACAO, "https://app.example"), (ACAM, "PUT")]);
        assert_eq!(
            evaluate_preflight_response(200, &hs, &opaque, false, "PUT", &[]),
            Err(PreflightAllowOriginMismatch("https://app.example".into()))
        );
    }
}
