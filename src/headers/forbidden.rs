//! Forbidden methods and forbidden request/response header names, method normalization and
//! the CORS-safelisted methods.
//!
//! All comparisons are byte-case-insensitive (ASCII only), as in the Fetch Standard.

use super::parse::split_comma_list;

/// Byte-case-insensitive ASCII equality.
fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// True when `s` starts with `prefix`, ASCII case-insensitively.
fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A method script may never use: `CONNECT`, `TRACE` or `TRACK`, compared
/// byte-case-insensitively.
///
/// <https://fetch.spec.whatwg.org/#forbidden-method>
///
/// ```
/// use fetchguard::headers::is_forbidden_method;
/// assert!(is_forbidden_method("trace"));
/// assert!(is_forbidden_method("CONNECT"));
/// assert!(!is_forbidden_method("PATCH"));
/// ```
pub fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| eq_ignore_case(method, m))
}

/// The methods that [`normalize_method`] upper-cases.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Normalizes a method: when it matches `DELETE`, `GET`, `HEAD`, `OPTIONS`, `POST` or `PUT`
/// byte-case-insensitively it is returned upper-cased; any other method is returned as given
/// (so `patch` stays `patch` and will not match an upper-case `PATCH` later).
///
/// <https://fetch.spec.whatwg.org/#concept-method-normalize>
///
/// ```
/// use fetchguard::headers::normalize_method;
/// assert_eq!(normalize_method("post"), "POST");
/// assert_eq!(normalize_method("Delete"), "DELETE");
/// assert_eq!(normalize_method("patch"), "patch");
/// ```
pub fn normalize_method(method: &str) -> String {
    NORMALIZED_METHODS
        .iter()
        .find(|m| eq_ignore_case(method, m))
        .map_or_else(|| method.to_string(), |m| (*m).to_string())
}

/// A CORS-safelisted method: exactly `GET`, `HEAD` or `POST`. The comparison is
/// case-sensitive; callers pass a method already run through [`normalize_method`].
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>
///
/// ```
/// use fetchguard::headers::{is_cors_safelisted_method, normalize_method};
/// assert!(is_cors_safelisted_method("POST"));
/// assert!(is_cors_safelisted_method(&normalize_method("head")));
/// assert!(!is_cors_safelisted_method("PUT"));
/// ```
pub fn is_cors_safelisted_method(method: &str) -> bool {
    // CHROMIUM: network::cors::IsCorsSafelistedMethod upper-cases before comparing, but
    // Blink normalizes the method first, so for normalized input the outcomes agree.
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Header names a script may never set, whatever the value (lower-case).
///
/// The Fetch list, plus the Chromium additions marked below.
const FORBIDDEN_REQUEST_HEADER_NAMES: [&str; 23] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    // CHROMIUM: net/http/http_util.cc kForbiddenHeaderFields also lists the Private Network
    // Access preflight header.
    "access-control-request-private-network",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    // CHROMIUM: the Fetch Standard removed `User-Agent` from the forbidden list, but
    // net/http/http_util.cc kForbiddenHeaderFields still contains it (TODO pointing at
    // crbug.com/571722), and Blink's cors::IsForbiddenRequestHeader
    // (third_party/blink/renderer/platform/loader/cors/cors.cc) is `!IsSafeHeader(name,
    // value)`, so a `User-Agent` set through fetch() is silently dropped.
    "user-agent",
    "via",
];

/// Header names whose value may smuggle a method override; they are forbidden when any of
/// their comma-separated values is a forbidden method.
const METHOD_OVERRIDE_HEADER_NAMES: [&str; 3] = [
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

/// Fetch's forbidden request-header, a property of the (name, value) pair: the fixed list of
/// names, any name starting with `proxy-` or `sec-`, and the method-override headers
/// (`X-HTTP-Method`, `X-HTTP-Method-Override`, `X-Method-Override`) when one of their
/// comma-separated values, trimmed of HTTP tab or space, is a [forbidden
/// method](is_forbidden_method).
///
/// <https://fetch.spec.whatwg.org/#forbidden-request-header>
///
/// Chromium deltas (marked `CHROMIUM:` in the source): `Access-Control-Request-Private-Network`
/// and `User-Agent` are forbidden too.
///
/// ```
/// use fetchguard::headers::is_forbidden_request_header;
/// assert!(is_forbidden_request_header("Cookie", b"a=b"));
/// assert!(is_forbidden_request_header("Sec-Fetch-Site", b"none"));
/// assert!(is_forbidden_request_header("X-HTTP-Method-Override", b"GET, trace"));
/// assert!(!is_forbidden_request_header("X-HTTP-Method-Override", b"PATCH"));
/// assert!(!is_forbidden_request_header("X-Requested-With", b"XMLHttpRequest"));
/// ```
pub fn is_forbidden_request_header(name: &str, value: &[u8]) -> bool {
    if FORBIDDEN_REQUEST_HEADER_NAMES
        .iter()
        .any(|n| eq_ignore_case(name, n))
    {
        return true;
    }
    if starts_with_ignore_case(name, "proxy-") || starts_with_ignore_case(name, "sec-") {
        return true;
    }
    if METHOD_OVERRIDE_HEADER_NAMES
        .iter()
        .any(|n| eq_ignore_case(name, n))
    {
        // Fetch: "get, decode, and split" the value. A forbidden method is a token, so
        // quoted-string handling cannot change the outcome; a plain comma split with HTTP
        // tab/space trimming is equivalent (and is what Chromium's ValuesIterator does).
        return split_comma_list(value)
            .iter()
            .filter_map(|item| std::str::from_utf8(item).ok())
            .any(is_forbidden_method);
    }
    false
}

/// Fetch's forbidden response-header name: `Set-Cookie` or `Set-Cookie2`,
/// byte-case-insensitively. Such headers are never exposed to script.
///
/// <https://fetch.spec.whatwg.org/#forbidden-response-header-name>
///
/// ```
/// use fetchguard::headers::is_forbidden_response_header_name;
/// assert!(is_forbidden_response_header_name("set-cookie"));
/// assert!(is_forbidden_response_header_name("Set-Cookie2"));
/// assert!(!is_forbidden_response_header_name("Cookie"));
/// ```
pub fn is_forbidden_response_header_name(name: &str) -> bool {
    eq_ignore_case(name, "set-cookie") || eq_ignore_case(name, "set-cookie2")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_methods() {
        let cases: &[(&str, bool)] = &[
            ("CONNECT", true),
            ("connect", true),
            ("TRACE", true),
            ("trace", true),
            ("TrAcK", true),
            ("TRACK", true),
            ("GET", false),
            ("POST", false),
            ("PATCH", false),
            ("OPTIONS", false),
            ("TRACES", false),
            (" TRACE", false),
            ("", false),
        ];
        for &(method, expected) in cases {
            assert_eq!(is_forbidden_method(method), expected, "{method:?}");
        }
    }

    #[test]
    fn normalization_upper_cases_only_the_six_methods() {
        let cases: &[(&str, &str)] = &[
            ("delete", "DELETE"),
            ("Get", "GET"),
            ("head", "HEAD"),
            ("options", "OPTIONS"),
            ("post", "POST"),
            ("pUt", "PUT"),
            ("GET", "GET"),
            ("patch", "patch"),
            ("Patch", "Patch"),
            ("PATCH", "PATCH"),
            ("connect", "connect"),
            ("get ", "get "),
            ("", ""),
            ("m-search", "m-search"),
        ];
        for &(method, expected) in cases {
            assert_eq!(normalize_method(method), expected, "{method:?}");
        }
    }

    #[test]
    fn cors_safelisted_methods_are_case_sensitive() {
        let cases: &[(&str, bool)] = &[
            ("GET", true),
            ("HEAD", true),
            ("POST", true),
            ("get", false),
            ("Post", false),
            ("PUT", false),
            ("DELETE", false),
            ("OPTIONS", false),
            ("PATCH", false),
            ("", false),
        ];
        for &(method, expected) in cases {
            assert_eq!(is_cors_safelisted_method(method), expected, "{method:?}");
        }
    }

    #[test]
    fn forbidden_request_header_names() {
        let forbidden = [
            "Accept-Charset",
            "accept-encoding",
            "Access-Control-Request-Headers",
            "ACCESS-CONTROL-REQUEST-METHOD",
            "Access-Control-Request-Private-Network",
            "Connection",
            "Content-Length",
            "Cookie",
            "Cookie2",
            "Date",
            "DNT",
            "Expect",
            "Host",
            "Keep-Alive",
            "Origin",
            "Referer",
            "Set-Cookie",
            "TE",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade",
            "User-Agent",
            "Via",
            "Proxy-Authorization",
            "proxy-",
            "PROXY-x",
            "Sec-Fetch-Site",
            "sec-",
            "SEC-CH-UA",
        ];
        for name in forbidden {
            assert!(is_forbidden_request_header(name, b"x"), "{name:?}");
        }
        let allowed = [
            "Accept",
            "Accept-Language",
            "Content-Type",
            "Range",
            "Authorization",
            "X-Requested-With",
            "proxy",
            "sec",
            "proxya",
            "secb",
            "Proxy_Authorization",
            "x-sec-foo",
            "Referrer",
            "Cookie3",
            "Set-Cookie2",
            "",
        ];
        for name in allowed {
            assert!(!is_forbidden_request_header(name, b"x"), "{name:?}");
        }
    }

    #[test]
    fn method_override_headers_depend_on_their_value() {
        let cases: &[(&str, &[u8], bool)] = &[
            ("X-HTTP-Method", b"TRACE", true),
            ("x-http-method", b"trace", true),
            ("X-HTTP-Method-Override", b"GET, TRACE", true),
            ("X-HTTP-Method-Override", b" trace ", true),
            ("X-HTTP-Method-Override", b"\ttrack\t", true),
            ("X-Method-Override", b"connect", true),
            ("X-Method-Override", b"PUT,,CONNECT", true),
            ("X-HTTP-Method-Override", b"GETTRACE", false),
            ("X-HTTP-Method-Override", b"GET", false),
            ("X-HTTP-Method-Override", b"PATCH, DELETE", false),
            ("X-HTTP-Method-Override", b"", false),
            ("X-HTTP-Method-Override", b"\"TRACE\"", false),
            ("X-HTTP-Method-Override", b"TRACE;x", false),
            ("X-HTTP-Method-Override", b"\xffTRACE", false),
            // Another header carrying a forbidden method is fine.
            ("X-Other-Override", b"TRACE", false),
        ];
        for &(name, value, expected) in cases {
            assert_eq!(
                is_forbidden_request_header(name, value),
                expected,
                "{name:?}: {value:?}"
            );
        }
    }

    #[test]
    fn forbidden_response_header_names() {
        let cases: &[(&str, bool)] = &[
            ("Set-Cookie", true),
            ("set-cookie", true),
            ("SET-COOKIE2", true),
            ("Set-Cookie3", false),
            ("Cookie", false),
            ("Set-Cookie ", false),
            ("", false),
        ];
        for &(name, expected) in cases {
            assert_eq!(
                is_forbidden_response_header_name(name),
                expected,
                "{name:?}"
            );
        }
    }
}
