//! The CORS protocol's rules: the CORS check, preflight evaluation, the preflight cache.
//! Pure functions and data; the fetch algorithms do the I/O.
//!
//! Where Chromium and the Fetch Standard disagree, these modules follow Chromium and say
//! so in a `// CHROMIUM:` comment naming the source file.

pub mod cache;
pub mod check;
pub mod preflight;

pub use cache::{CacheLookup, CapacityLimit, MAX_URL_LENGTH, MissReason, PreflightCache};
pub use check::cors_check;
pub use preflight::{
    AuthorizationUnderWildcard, DEFAULT_MAX_AGE, MAX_AGE_CAP, PreflightResult,
    access_control_request_headers, evaluate_preflight_response, parse_max_age,
};

// Small byte-level helpers for the CORS rules. They duplicate a little of `crate::headers`
// on purpose (that module is written elsewhere) and can be consolidated later.

/// True for an HTTP `tchar` (RFC 9110 §5.6.2): a visible ASCII byte that is not a
/// delimiter. Same set as Chromium's `net::HttpUtil::IsTokenChar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// True for a non-empty HTTP token.
fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().copied().all(is_tchar)
}

/// Trims HTTP linear whitespace (space and tab, as Chromium's `HttpUtil::IsLWS`).
fn trim_lws(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// Splits a combined header value on `,`, trims each item, drops empty items, and
/// requires every item to be a token; `None` when one is not.
///
/// CHROMIUM: `net::HttpUtil::ValuesIterator` keeps a quoted string (which may hold a
/// comma) as one item, but an item with a `"` is never a token, so any value with a quote
/// fails either way and plain splitting gives the same verdict (preflight_result.cc).
fn parse_token_list(value: &[u8]) -> Option<Vec<&[u8]>> {
    let mut items = Vec::new();
    for raw in value.split(|&b| b == b',') {
        let item = trim_lws(raw);
        if item.is_empty() {
            continue;
        }
        if !is_token(item) {
            return None;
        }
        items.push(item);
    }
    Some(items)
}

/// All values of header `name`, joined with `", "` in order (Chromium's
/// `HttpResponseHeaders::GetNormalizedHeader`); `None` when the header is absent.
fn combined_header(headers: &http::HeaderMap, name: &str) -> Option<Vec<u8>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let mut out = first.as_bytes().to_vec();
    for v in values {
        out.extend_from_slice(b", ");
        out.extend_from_slice(v.as_bytes());
    }
    Some(out)
}

/// Lossy UTF-8 of raw header bytes, for error values.
fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// True for a CORS-safelisted method (`GET`, `HEAD`, `POST`), compared ASCII
/// case-insensitively as Chromium's `IsCorsSafelistedMethod` does (cors.cc).
/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>
fn is_cors_safelisted_method(method: &str) -> bool {
    ["GET", "HEAD", "POST"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_list_parsing() {
        type Case<'a> = (&'a [u8], Option<Vec<&'a [u8]>>);
        let cases: &[Case] = &[
            (b"", Some(vec![])),
            (b" , ,, ", Some(vec![])),
            (b"PUT", Some(vec![b"PUT"])),
            (b" PUT ,\tdelete ", Some(vec![b"PUT", b"delete"])),
            (b"PUT,,PATCH,", Some(vec![b"PUT", b"PATCH"])),
            (b"*", Some(vec![b"*"])),
            (b"X-A, X-B", Some(vec![b"X-A", b"X-B"])),
            (b"PUT DELETE", None),
            (b"\"PUT\"", None),
            (b"a, \"b,c\"", None),
            (b"x-\xc3\xa9", None),
            (b"a;b", None),
            (b"a/b", None),
        ];
        for (input, want) in cases {
            assert_eq!(&parse_token_list(input), want, "input {:?}", lossy(input));
        }
    }

    #[test]
    fn tokens_and_whitespace() {
        assert!(is_token(b"!#$%&'*+-.^_`|~09azAZ"));
        assert!(!is_token(b""));
        assert!(!is_token(b"a b"));
        assert!(!is_token(b"a:b"));
        assert_eq!(trim_lws(b" \t x y\t "), b"x y");
        assert_eq!(trim_lws(b"   "), b"");
    }

    #[test]
    fn header_lines_are_joined_with_comma_space() {
        let mut h = http::HeaderMap::new();
        assert_eq!(combined_header(&h, "access-control-allow-origin"), None);
        h.append(
            "access-control-allow-origin",
            "https://a.example".parse().unwrap(),
        );
        assert_eq!(
            combined_header(&h, "access-control-allow-origin").as_deref(),
            Some(&b"https://a.example"[..])
        );
        h.append(
            "access-control-allow-origin",
            "https://b.example".parse().unwrap(),
        );
        assert_eq!(
            combined_header(&h, "access-control-allow-origin").as_deref(),
            Some(&b"https://a.example, https://b.example"[..])
        );
    }

    #[test]
    fn safelisted_methods_ignore_case() {
        for (m, want) in [
            ("GET", true),
            ("get", true),
            ("Head", true),
            ("POST", true),
            ("PUT", false),
            ("OPTIONS", false),
            ("", false),
        ] {
            assert_eq!(is_cors_safelisted_method(m), want, "{m}");
        }
    }
}
