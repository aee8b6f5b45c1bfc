//! CORS-safelisted request and response headers, and the CORS-unsafe request-header names
//! that decide whether a request needs a preflight.

use super::forbidden::is_forbidden_response_header_name;
use super::parse::{get_combined, mime_essence};

/// The longest value a CORS-safelisted request-header may have, in bytes.
pub const MAX_SAFELISTED_VALUE_LEN: usize = 128;

/// Above this many bytes of safelisted values in total, every safelisted name counts as
/// CORS-unsafe too.
pub const MAX_SAFELISTED_VALUES_TOTAL: usize = 1024;

/// A CORS-unsafe request-header byte: a control byte other than tab, one of
/// `"():<>?@[\]{}`, or DEL.
///
/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09)
        || matches!(
            b,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7F
        )
}

/// The bytes allowed in a safelisted `Accept-Language` / `Content-Language` value.
fn is_language_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
}

/// `1*DIGIT [ "." 1*DIGIT ]`, the shape Chromium accepts for `DPR`-like client hints.
fn is_decimal_number(v: &[u8]) -> bool {
    let mut parts = v.splitn(2, |&b| b == b'.');
    let whole = parts.next().unwrap_or_default();
    let ok_digits = |p: &[u8]| !p.is_empty() && p.iter().all(u8::is_ascii_digit);
    ok_digits(whole) && parts.next().is_none_or(ok_digits)
}

/// `1*DIGIT`.
fn is_integer(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(u8::is_ascii_digit)
}

/// A run of ASCII digits as a non-negative number; `None` when empty, not all digits, or
/// larger than `i64::MAX` (Chromium parses range bounds into an `int64_t`).
fn parse_range_bound(v: &[u8]) -> Option<u64> {
    if !is_integer(v) {
        return None;
    }
    let s = std::str::from_utf8(v).ok()?;
    let n: u64 = s.parse().ok()?;
    (n <= i64::MAX as u64).then_some(n)
}

/// Fetch's "parse a single range header value" with whitespace disallowed, restricted to
/// what a safelisted `Range` may be: `bytes=N-` or `bytes=N-M` with `N <= M`. Suffix ranges
/// (`bytes=-5`) and lists are rejected.
///
/// <https://fetch.spec.whatwg.org/#simple-range-header-value>
fn is_simple_range_value(value: &[u8]) -> bool {
    // CHROMIUM: IsCorsSafelistedHeader lower-cases the value before parsing it with
    // net::HttpUtil::ParseRangeHeader, so the unit matches case-insensitively (`BYTES=0-1`
    // is safelisted); the spec requires exactly `bytes`.
    // UNVERIFIED: whether Chromium's integer parsing also accepts a `+` sign in a bound;
    // only ASCII digits are accepted here, as in the spec.
    let Some(prefix) = value.get(..6) else {
        return false;
    };
    if !prefix.eq_ignore_ascii_case(b"bytes=") {
        return false;
    }
    let rest = &value[6..];
    let Some(dash) = rest.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (start, end) = (&rest[..dash], &rest[dash + 1..]);
    let Some(start) = parse_range_bound(start) else {
        // Covers the suffix form `bytes=-N` (empty start) too.
        return false;
    };
    if end.is_empty() {
        return true;
    }
    match parse_range_bound(end) {
        Some(end) => start <= end,
        None => false,
    }
}

/// Fetch's CORS-safelisted request-header, with Chromium's extra names.
///
/// Spec rules: a value over 128 bytes is never safelisted; `Accept` must hold no
/// [CORS-unsafe byte](is_cors_unsafe_request_header_byte); `Accept-Language` and
/// `Content-Language` only `0-9 A-Z a-z`, space and `*,-.;=`; `Content-Type` no unsafe byte
/// and a value that parses as a MIME type whose essence is
/// `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`; `Range` one
/// `bytes=N-` or `bytes=N-M` range. Names are compared case-insensitively.
///
/// Chromium (`services/network/public/cpp/cors/cors.cc`, `IsCorsSafelistedHeader`) also
/// safelists `Intervention` (any value), the legacy client hints `Device-Memory`, `DPR`,
/// `Downlink` (`1*DIGIT ["." 1*DIGIT]`), `Width`, `Viewport-Width`, `RTT` (`1*DIGIT`), `ECT`
/// (`slow-2g`, `2g`, `3g` or `4g`), `Save-Data` (`on`, case-insensitively) and a set of
/// `Sec-CH-*` client hints (any value; script cannot set them, being `sec-` names).
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>
///
/// ```
/// use fetchguard::headers::is_cors_safelisted_request_header;
/// assert!(is_cors_safelisted_request_header("Content-Type", b"text/plain;charset=UTF-8"));
/// assert!(!is_cors_safelisted_request_header("Content-Type", b"application/json"));
/// assert!(is_cors_safelisted_request_header("Range", b"bytes=0-99"));
/// assert!(!is_cors_safelisted_request_header("Range", b"bytes=-5"));
/// assert!(!is_cors_safelisted_request_header("X-Custom", b"1"));
/// ```
pub fn is_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    // CHROMIUM: the 128-byte cap applies to every safelisted name, Chromium's extras too.
    if value.len() > MAX_SAFELISTED_VALUE_LEN {
        return false;
    }
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "accept" => !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b)),
        "accept-language" | "content-language" => value.iter().all(|&b| is_language_byte(b)),
        "content-type" => {
            // CHROMIUM: Chromium extracts the essence with net::ExtractMimeTypeFromMediaType
            // rather than the WHATWG MIME parser. UNVERIFIED: edge cases where the two
            // parsers disagree; the WHATWG parser is used here, as the spec says.
            !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b))
                && matches!(
                    mime_essence(value).as_deref(),
                    Some("application/x-www-form-urlencoded")
                        | Some("multipart/form-data")
                        | Some("text/plain")
                )
        }
        "range" => is_simple_range_value(value),
        // CHROMIUM: added by Chrome itself when an intervention applies; any value.
        "intervention" => true,
        // CHROMIUM: legacy client hints with value checks.
        "device-memory" | "dpr" | "downlink" => is_decimal_number(value),
        "width" | "viewport-width" | "rtt" => is_integer(value),
        // CHROMIUM: network::kWebEffectiveConnectionTypeMapping, compared case-sensitively.
        "ect" => matches!(value, b"slow-2g" | b"2g" | b"3g" | b"4g"),
        "save-data" => value.eq_ignore_ascii_case(b"on"),
        // CHROMIUM: Sec-CH-* client hints, safelisted with any value.
        "sec-ch-ua"
        | "sec-ch-ua-arch"
        | "sec-ch-ua-platform"
        | "sec-ch-ua-model"
        | "sec-ch-ua-mobile"
        | "sec-ch-ua-full-version"
        | "sec-ch-ua-platform-version"
        | "sec-ch-prefers-color-scheme"
        | "sec-ch-ua-bitness"
        | "sec-ch-viewport-height"
        | "sec-ch-device-memory"
        | "sec-ch-dpr"
        | "sec-ch-width"
        | "sec-ch-viewport-width"
        | "sec-ch-ua-full-version-list"
        | "sec-ch-ua-wow64"
        | "sec-ch-prefers-reduced-motion"
        | "sec-ch-ua-form-factors"
        | "sec-ch-prefers-reduced-transparency" => true,
        _ => false,
    }
}

/// Fetch's no-CORS-safelisted request-header: the name is `Accept`, `Accept-Language`,
/// `Content-Language` or `Content-Type` and the pair is
/// [CORS-safelisted](is_cors_safelisted_request_header). `Range` is a privileged no-CORS
/// header, so it is not included: script cannot add it to a `no-cors` request.
///
/// <https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header>
///
/// ```
/// use fetchguard::headers::is_no_cors_safelisted_request_header;
/// assert!(is_no_cors_safelisted_request_header("Accept", b"*/*"));
/// assert!(!is_no_cors_safelisted_request_header("Range", b"bytes=0-1"));
/// assert!(!is_no_cors_safelisted_request_header("DPR", b"2"));
/// ```
pub fn is_no_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "accept" | "accept-language" | "content-language" | "content-type"
    ) && is_cors_safelisted_request_header(&lower, value)
}

/// Fetch's CORS-unsafe request-header names: the names whose (name, value) pair is not
/// [CORS-safelisted](is_cors_safelisted_request_header), plus every safelisted name when the
/// safelisted values add up to more than 1024 bytes. Returned lower-case, de-duplicated and
/// sorted by byte order (Fetch's "sorted-lowercase set"), ready for
/// `Access-Control-Request-Headers`.
///
/// A name with several values is judged on its combined value (the values joined with
/// `, `), and that combined value is what counts toward the 1024-byte total.
///
/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>
///
/// ```
/// use fetchguard::headers::cors_unsafe_request_header_names;
/// use http::{HeaderMap, HeaderValue};
/// let mut h = HeaderMap::new();
/// h.insert("x-b", HeaderValue::from_static("1"));
/// h.insert("content-type", HeaderValue::from_static("application/json"));
/// h.insert("accept", HeaderValue::from_static("*/*"));
/// assert_eq!(cors_unsafe_request_header_names(&h), vec!["content-type", "x-b"]);
/// ```
pub fn cors_unsafe_request_header_names(headers: &http::HeaderMap) -> Vec<String> {
    // CHROMIUM: network::cors::CorsUnsafeRequestHeaderNames walks a
    // net::HttpRequestHeaders vector, which holds one entry per name; Blink joins repeated
    // values with ", " before it gets there, so a name is judged on its combined value, as
    // in Fetch. Chromium returns the names unsorted and its preflight code sorts them; this
    // function returns them sorted and de-duplicated directly.
    let mut unsafe_names: Vec<String> = Vec::new();
    let mut potentially_unsafe: Vec<String> = Vec::new();
    let mut safelisted_total: usize = 0;
    for name in headers.keys() {
        let name_str = name.as_str();
        let value = get_combined(headers, name_str).unwrap_or_default();
        if is_cors_safelisted_request_header(name_str, &value) {
            potentially_unsafe.push(name_str.to_ascii_lowercase());
            safelisted_total = safelisted_total.saturating_add(value.len());
        } else {
            unsafe_names.push(name_str.to_ascii_lowercase());
        }
    }
    if safelisted_total > MAX_SAFELISTED_VALUES_TOTAL {
        unsafe_names.extend(potentially_unsafe);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// The response-header names a CORS response always exposes.
const SAFELISTED_RESPONSE_HEADER_NAMES: [&str; 7] = [
    "cache-control",
    "content-language",
    // UNVERIFIED: Content-Length joined the Fetch list in 2019; not confirmed against
    // Blink's cors::IsCorsSafelistedResponseHeader source here. The spec is followed.
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Fetch's CORS-safelisted response-header name: `Cache-Control`, `Content-Language`,
/// `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`, `Pragma`, or any name in
/// `exposed` (the parsed `Access-Control-Expose-Headers` list, compared case-insensitively)
/// that is not a [forbidden response-header name](is_forbidden_response_header_name).
///
/// A `*` in `exposed` is NOT treated as a wildcard here: whether `*` exposes everything
/// depends on the request's credentials mode, so the caller decides that and, when it
/// applies, skips this check (still never exposing `Set-Cookie`).
///
/// <https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>
///
/// ```
/// use fetchguard::headers::is_cors_safelisted_response_header_name;
/// let exposed = vec!["X-Total".to_string(), "set-cookie".to_string()];
/// assert!(is_cors_safelisted_response_header_name("Content-Type", &[]));
/// assert!(is_cors_safelisted_response_header_name("x-total", &exposed));
/// assert!(!is_cors_safelisted_response_header_name("Set-Cookie", &exposed));
/// assert!(!is_cors_safelisted_response_header_name("ETag", &exposed));
/// ```
pub fn is_cors_safelisted_response_header_name(name: &str, exposed: &[String]) -> bool {
    SAFELISTED_RESPONSE_HEADER_NAMES
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n))
        || (!is_forbidden_response_header_name(name)
            && exposed.iter().any(|e| e.eq_ignore_ascii_case(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderName, HeaderValue};

    fn check(cases: &[(&str, &[u8], bool)]) {
        for &(name, value, expected) in cases {
            assert_eq!(
                is_cors_safelisted_request_header(name, value),
                expected,
                "{name:?}: {:?}",
                String::from_utf8_lossy(value)
            );
        }
    }

    #[test]
    fn unsafe_bytes() {
        let unsafe_bytes: Vec<u8> = (0x00..0x20)
            .filter(|&b| b != 0x09)
            .chain(b"\"():<>?@[\\]{}".iter().copied())
            .chain([0x7F])
            .collect();
        for b in 0u8..=255 {
            assert_eq!(
                is_cors_unsafe_request_header_byte(b),
                unsafe_bytes.contains(&b),
                "{b:#04x}"
            );
        }
    }

    #[test]
    fn accept() {
        check(&[
            ("Accept", b"*/*", true),
            ("accept", b"text/html, application/xhtml+xml;q=0.9", true),
            ("ACCEPT", b"", true),
            ("Accept", b"a\tb", true),
            ("Accept", b"\xff\x80", true),
            ("Accept", b"text/html\"", false),
            ("Accept", b"(x)", false),
            ("Accept", b"a:b", false),
            ("Accept", b"a\x7f", false),
            ("Accept", b"a\x01", false),
            ("Accept", b"{x}", false),
            ("Accept", b"@", false),
        ]);
    }

    #[test]
    fn value_length_limit_is_128_bytes() {
        let ok = vec![b'a'; 128];
        let long = vec![b'a'; 129];
        check(&[
            ("Accept", &ok, true),
            ("Accept", &long, false),
            ("Accept-Language", &ok, true),
            ("Accept-Language", &long, false),
            ("Intervention", &long, false),
        ]);
        let mut ct = b"text/plain;a=".to_vec();
        ct.resize(128, b'b');
        check(&[("Content-Type", &ct, true)]);
        ct.push(b'b');
        check(&[("Content-Type", &ct, false)]);
    }

    #[test]
    fn languages() {
        check(&[
            ("Accept-Language", b"en-US,en;q=0.9", true),
            ("Content-Language", b"de-DE, fr *", true),
            ("content-language", b"", true),
            ("Accept-Language", b"en_US", false),
            ("Accept-Language", b"en\tUS", false),
            ("Accept-Language", b"en/US", false),
            ("Content-Language", b"\xe9", false),
            ("Content-Language", b"en\"", false),
        ]);
    }

    #[test]
    fn content_type() {
        check(&[
            ("Content-Type", b"text/plain", true),
            ("Content-Type", b"Text/Plain", true),
            ("Content-Type", b"text/plain;charset=UTF-8", true),
            ("Content-Type", b"  text/plain  ", true),
            ("Content-Type", b"application/x-www-form-urlencoded", true),
            ("Content-Type", b"multipart/form-data; boundary=----x", true),
            ("content-type", b"text/plain;", true),
            ("Content-Type", b"application/json", false),
            ("Content-Type", b"text/html", false),
            ("Content-Type", b"text/plain, text/html", false),
            ("Content-Type", b"text/plain; boundary=\"x\"", false),
            ("Content-Type", b"text/plain; a=(x)", false),
            ("Content-Type", b"text", false),
            ("Content-Type", b"", false),
            ("Content-Type", b"text /plain", false),
            ("Content-Type", b"text/plain\x01", false),
        ]);
    }

    #[test]
    fn range() {
        check(&[
            ("Range", b"bytes=0-", true),
            ("Range", b"bytes=0-0", true),
            ("Range", b"bytes=5-10", true),
            ("range", b"bytes=00-01", true),
            ("Range", b"BYTES=1-2", true),
            ("Range", b"bytes=9223372036854775807-", true),
            ("Range", b"bytes=9223372036854775808-", false),
            ("Range", b"bytes=10-5", false),
            ("Range", b"bytes=-5", false),
            ("Range", b"bytes=-", false),
            ("Range", b"bytes=0-1,2-3", false),
            ("Range", b"bytes=0-1,", false),
            ("Range", b"bytes= 0-1", false),
            ("Range", b"bytes =0-1", false),
            ("Range", b"bytes=0 -1", false),
            ("Range", b"bytes=0-1 ", false),
            ("Range", b"bytes=+0-1", false),
            ("Range", b"bytes=0--1", false),
            ("Range", b"bytes=a-1", false),
            ("Range", b"bytes=0-1-2", false),
            ("Range", b"bytes=", false),
            ("Range", b"bytes", false),
            ("Range", b"items=0-1", false),
            ("Range", b"", false),
        ]);
    }

    #[test]
    fn chromium_client_hints() {
        check(&[
            ("Device-Memory", b"8", true),
            ("device-memory", b"0.5", true),
            ("DPR", b"2", true),
            ("dpr", b"1.25", true),
            ("Downlink", b"10.0", true),
            ("DPR", b"1.", false),
            ("DPR", b".5", false),
            ("DPR", b"1.2.3", false),
            ("DPR", b"", false),
            ("DPR", b"1,5", false),
            ("Width", b"1920", true),
            ("Viewport-Width", b"800", true),
            ("RTT", b"50", true),
            ("Width", b"19.2", false),
            ("Viewport-Width", b"", false),
            ("RTT", b"-1", false),
            ("ECT", b"4g", true),
            ("ect", b"slow-2g", true),
            ("ECT", b"2g", true),
            ("ECT", b"3g", true),
            ("ECT", b"4G", false),
            ("ECT", b"5g", false),
            ("Save-Data", b"on", true),
            ("Save-Data", b"ON", true),
            ("Save-Data", b"off", false),
            ("Intervention", b"<https://x/>; level=\"warning\"", true),
            ("Sec-CH-UA", b"\"Chromium\";v=\"156\"", true),
            ("sec-ch-ua-mobile", b"?0", true),
            ("Sec-CH-UA-Form-Factors", b"\"Desktop\"", true),
            ("Sec-CH-Prefers-Color-Scheme", b"dark", true),
            ("Sec-CH-UA-Form-Factor", b"x", false),
            ("Sec-Fetch-Site", b"none", false),
            ("Lang", b"en", false),
        ]);
    }

    #[test]
    fn other_names_are_not_safelisted() {
        check(&[
            ("X-Custom", b"1", false),
            ("Authorization", b"Bearer x", false),
            ("Cache-Control", b"no-cache", false),
            ("Content-Length", b"1", false),
            ("", b"", false),
        ]);
    }

    #[test]
    fn no_cors_safelist() {
        let cases: &[(&str, &[u8], bool)] = &[
            ("Accept", b"*/*", true),
            ("Accept-Language", b"en", true),
            ("CONTENT-LANGUAGE", b"en", true),
            ("Content-Type", b"text/plain", true),
            ("Content-Type", b"application/json", false),
            ("Accept", b"\"", false),
            ("Range", b"bytes=0-1", false),
            ("DPR", b"2", false),
            ("Save-Data", b"on", false),
            ("Intervention", b"x", false),
        ];
        for &(name, value, expected) in cases {
            assert_eq!(
                is_no_cors_safelisted_request_header(name, value),
                expected,
                "{name:?}"
            );
        }
    }

    fn map(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for &(n, v) in pairs {
            let name = HeaderName::from_bytes(n.as_bytes()).expect("test header name");
            let value = HeaderValue::from_str(v).expect("test header value");
            h.append(name, value);
        }
        h
    }

    /// Header pairs in, expected unsafe names out.
    type UnsafeNamesCase<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);

    #[test]
    fn unsafe_names() {
        let long_accept = "a".repeat(128);
        let cases: Vec<UnsafeNamesCase> = vec![
            (vec![], vec![]),
            (
                vec![("accept", "*/*"), ("content-type", "text/plain")],
                vec![],
            ),
            (
                vec![("X-Zeta", "1"), ("x-alpha", "2"), ("accept", "*/*")],
                vec!["x-alpha", "x-zeta"],
            ),
            (
                vec![("content-type", "application/json"), ("Authorization", "x")],
                vec!["authorization", "content-type"],
            ),
            (vec![("range", "bytes=0-1")], vec![]),
            (vec![("range", "bytes=-1")], vec!["range"]),
            // Two values, each safelisted alone, combine into `text/plain, text/html`,
            // which is not.
            (
                vec![
                    ("content-type", "text/plain"),
                    ("content-type", "text/html"),
                ],
                vec!["content-type"],
            ),
            // Combined `en, de` is still a safelisted language value.
            (
                vec![("accept-language", "en"), ("accept-language", "de")],
                vec![],
            ),
            // Combined value over 128 bytes: unsafe.
            (
                vec![
                    ("accept", &long_accept[..70]),
                    ("accept", &long_accept[..70]),
                ],
                vec!["accept"],
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                cors_unsafe_request_header_names(&map(&pairs)),
                expected,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn safelisted_values_over_1024_bytes_make_every_name_unsafe() {
        let v128 = "a".repeat(128);
        let names = [
            "accept",
            "accept-language",
            "content-language",
            "dpr",
            "width",
            "viewport-width",
            "rtt",
            "device-memory",
        ];
        // 8 x 128 = 1024 bytes: at the limit, still safe.
        let mut pairs: Vec<(&str, String)> = names.iter().map(|n| (*n, v128.clone())).collect();
        for p in pairs.iter_mut().skip(3) {
            p.1 = "1".repeat(128);
        }
        let h = map(&pairs
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect::<Vec<_>>());
        assert_eq!(cors_unsafe_request_header_names(&h), Vec::<String>::new());

        // One more byte anywhere tips it over: all safelisted names become unsafe.
        let mut h2 = h.clone();
        h2.insert("intervention", HeaderValue::from_static("x"));
        h2.insert("x-custom", HeaderValue::from_static("y"));
        let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        expected.push("intervention".to_string());
        expected.push("x-custom".to_string());
        expected.sort();
        assert_eq!(cors_unsafe_request_header_names(&h2), expected);
    }

    #[test]
    fn safelisted_response_header_names() {
        let exposed = vec![
            "X-Request-Id".to_string(),
            "set-cookie".to_string(),
            "Set-Cookie2".to_string(),
            "*".to_string(),
        ];
        let cases: &[(&str, bool)] = &[
            ("Cache-Control", true),
            ("content-language", true),
            ("Content-Length", true),
            ("CONTENT-TYPE", true),
            ("Expires", true),
            ("Last-Modified", true),
            ("Pragma", true),
            ("x-request-id", true),
            ("X-REQUEST-ID", true),
            ("Set-Cookie", false),
            ("set-cookie2", false),
            ("ETag", false),
            ("Date", false),
            ("X-Other", false),
        ];
        for &(name, expected) in cases {
            assert_eq!(
                is_cors_safelisted_response_header_name(name, &exposed),
                expected,
                "{name:?}"
            );
        }
        // Without an exposed list only the fixed seven pass.
        assert!(is_cors_safelisted_response_header_name("pragma", &[]));
        assert!(!is_cors_safelisted_response_header_name(
            "x-request-id",
            &[]
        ));
    }
}
