//! Header-list parsing for the CORS checks: tokens, comma lists, the combined value of a
//! header, the `Access-Control-Allow-*` / `-Expose-Headers` lists and MIME essences.

use data_url::mime::Mime;

/// HTTP tab or space (the whitespace Fetch trims inside header values).
///
/// <https://fetch.spec.whatwg.org/#http-tab-or-space>
pub fn is_http_tab_or_space(b: u8) -> bool {
    b == b'\t' || b == b' '
}

/// Strips leading and trailing HTTP tab or space from `bytes`.
fn trim_http_tab_or_space(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_http_tab_or_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_http_tab_or_space(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// An RFC 9110 `tchar`: ASCII letters and digits and ``! # $ % & ' * + - . ^ _ ` | ~``.
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

/// An RFC 9110 `token` (as Fetch's method and header-name productions use it): one or more
/// `tchar` bytes.
///
/// <https://httpwg.org/specs/rfc9110.html#tokens>
///
/// ```
/// use fetchguard::headers::is_token;
/// assert!(is_token(b"X-Custom-Header"));
/// assert!(is_token(b"*"));
/// assert!(!is_token(b""));
/// assert!(!is_token(b"a b"));
/// assert!(!is_token(b"a,b"));
/// ```
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Splits a header value on every comma (0x2C) and strips leading and trailing HTTP tab or
/// space from each item.
///
/// Empty items are KEPT, in place, as Fetch's "get, decode, and split" keeps them: `a,,b`
/// gives `a`, ``, `b`, and an empty value gives a single empty item. Callers that want
/// them gone (such as [`parse_token_list`]) drop them. Quotes get no special treatment; the
/// callers in this crate only look for tokens, which can never contain `"` or `,`, so a
/// quote-aware split would not change their outcome.
///
/// <https://fetch.spec.whatwg.org/#header-value-get-decode-and-split>
///
/// ```
/// use fetchguard::headers::split_comma_list;
/// let items = split_comma_list(b" GET ,\tPUT,,x ");
/// assert_eq!(items, vec![b"GET".to_vec(), b"PUT".to_vec(), b"".to_vec(), b"x".to_vec()]);
/// ```
pub fn split_comma_list(value: &[u8]) -> Vec<Vec<u8>> {
    value
        .split(|&b| b == b',')
        .map(|item| trim_http_tab_or_space(item).to_vec())
        .collect()
}

/// Parses the header values of `Access-Control-Allow-Methods`, `Access-Control-Allow-Headers`
/// or `Access-Control-Expose-Headers` as one combined comma list, as Chromium does: split on
/// commas, trim HTTP tab or space, drop empty items; every remaining item must be a
/// [token](is_token), or the whole parse fails (`None`). Items come back in order, with their
/// case as given and duplicates kept. No values at all (header absent) gives `Some(vec![])`.
///
/// <https://fetch.spec.whatwg.org/#cors-preflight-fetch-0> (the "extracting header list
/// values" steps for these headers)
///
/// ```
/// use fetchguard::headers::parse_token_list;
/// let v: [&[u8]; 2] = [b"PUT, x-Custom", b" ,DELETE"];
/// assert_eq!(
///     parse_token_list(v),
///     Some(vec!["PUT".to_string(), "x-Custom".to_string(), "DELETE".to_string()])
/// );
/// assert_eq!(parse_token_list([b"PUT, a b".as_slice()]), None);
/// ```
pub fn parse_token_list<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Option<Vec<String>> {
    // CHROMIUM: services/network/cors/preflight_result.cc ParseAccessControlAllowList reads
    // the combined value through net::HttpUtil::ValuesIterator with empty values ignored and
    // requires net::HttpUtil::IsToken of every item; any non-token clears the set and fails.
    // The spec's "extract header list values" would instead fail on an empty item
    // (`a,,b`), which Chromium accepts.
    let mut out = Vec::new();
    for value in values {
        for item in split_comma_list(value) {
            if item.is_empty() {
                continue;
            }
            if !is_token(&item) {
                return None;
            }
            // A token is ASCII, so this conversion cannot fail; stay panic-free anyway.
            out.push(String::from_utf8(item).ok()?);
        }
    }
    Some(out)
}

/// Fetch's "get": all values of `name` in the header map, in order, joined with `, `
/// (0x2C 0x20); `None` when the header is absent (or `name` is not a valid header name).
/// [`http::HeaderMap::get`] returns only the first value, which is not what Fetch means.
///
/// <https://fetch.spec.whatwg.org/#concept-header-list-get>
///
/// ```
/// use fetchguard::headers::parse::get_combined;
/// let mut h = http::HeaderMap::new();
/// h.append("vary", http::HeaderValue::from_static("origin"));
/// h.append("vary", http::HeaderValue::from_static("accept"));
/// assert_eq!(get_combined(&h, "Vary"), Some(b"origin, accept".to_vec()));
/// assert_eq!(get_combined(&h, "etag"), None);
/// ```
pub fn get_combined(headers: &http::HeaderMap, name: &str) -> Option<Vec<u8>> {
    // A name that is not a valid header name is in no header map.
    let name = http::HeaderName::from_bytes(name.as_bytes()).ok()?;
    get_combined_by(headers, &name).map(std::borrow::Cow::into_owned)
}

/// [`get_combined`] by a header name constant, borrowing the value when there is one.
pub(crate) fn get_combined_by<'h>(
    headers: &'h http::HeaderMap,
    name: &http::HeaderName,
) -> Option<std::borrow::Cow<'h, [u8]>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    let Some(second) = values.next() else {
        return Some(std::borrow::Cow::Borrowed(first.as_bytes()));
    };
    let mut out = first.as_bytes().to_vec();
    for v in std::iter::once(second).chain(values) {
        out.extend_from_slice(b", ");
        out.extend_from_slice(v.as_bytes());
    }
    Some(std::borrow::Cow::Owned(out))
}

/// Isomorphic decode: each byte becomes the code point of the same value (Latin-1).
///
/// <https://infra.spec.whatwg.org/#isomorphic-decode>
pub fn isomorphic_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Parses `value` with the WHATWG MIME type parser (after isomorphic decoding) and returns
/// its essence, `type/subtype` in lower case; `None` when the value does not parse.
/// Parameters never make the parse fail.
///
/// <https://mimesniff.spec.whatwg.org/#parse-a-mime-type>
///
/// ```
/// use fetchguard::headers::parse::mime_essence;
/// assert_eq!(mime_essence(b" Text/Plain ; charset=utf-8"), Some("text/plain".to_string()));
/// assert_eq!(mime_essence(b"text/"), None);
/// ```
pub fn mime_essence(value: &[u8]) -> Option<String> {
    let mime: Mime = isomorphic_decode(value).parse().ok()?;
    Some(format!("{}/{}", mime.type_, mime.subtype))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue};

    #[test]
    fn tokens() {
        let cases: &[(&[u8], bool)] = &[
            (b"GET", true),
            (b"x-custom-header", true),
            (b"!#$%&'*+-.^_`|~09azAZ", true),
            (b"*", true),
            (b"", false),
            (b" GET", false),
            (b"GET ", false),
            (b"a b", false),
            (b"a\tb", false),
            (b"a,b", false),
            (b"a;b", false),
            (b"a/b", false),
            (b"\"a\"", false),
            (b"a:b", false),
            (b"a=b", false),
            (b"a@b", false),
            (b"a(b)", false),
            (b"[a]", false),
            (b"{a}", false),
            (b"a\\b", false),
            (b"a?b", false),
            (b"<a>", false),
            (b"a\x7f", false),
            (b"a\x00", false),
            (b"\xc3\xa9", false),
        ];
        for &(s, expected) in cases {
            assert_eq!(is_token(s), expected, "{s:?}");
        }
    }

    #[test]
    fn comma_lists_keep_empty_items() {
        let cases: &[(&[u8], &[&[u8]])] = &[
            (b"", &[b""]),
            (b"a", &[b"a"]),
            (b"a,b", &[b"a", b"b"]),
            (b" a , b ", &[b"a", b"b"]),
            (b"\ta\t,\tb", &[b"a", b"b"]),
            (b"a,,b", &[b"a", b"", b"b"]),
            (b"a,", &[b"a", b""]),
            (b",", &[b"", b""]),
            (b"  ", &[b""]),
            (b"a b, c", &[b"a b", b"c"]),
            // Only tab and space are HTTP tab or space here; CR/LF stay.
            (b"\ra\n", &[b"\ra\n"]),
        ];
        for &(value, expected) in cases {
            let expected: Vec<Vec<u8>> = expected.iter().map(|e| e.to_vec()).collect();
            assert_eq!(split_comma_list(value), expected, "{value:?}");
        }
    }

    /// Header values in, expected token list out.
    type TokenListCase<'a> = (&'a [&'a [u8]], Option<&'a [&'a str]>);

    #[test]
    fn token_lists_the_way_chromium_parses_them() {
        let cases: &[TokenListCase] = &[
            (&[], Some(&[])),
            (&[b""], Some(&[])),
            (&[b"GET"], Some(&["GET"])),
            (&[b"put, Delete"], Some(&["put", "Delete"])),
            (&[b" ,PUT,, ,\tx-a\t,"], Some(&["PUT", "x-a"])),
            (&[b"PUT", b"PATCH"], Some(&["PUT", "PATCH"])),
            (&[b"*"], Some(&["*"])),
            (&[b"a, a"], Some(&["a", "a"])),
            (&[b"a b"], None),
            (&[b"PUT", b"x;y"], None),
            (&[b"\"PUT\""], None),
            (&[b"x-\xffa"], None),
            (&[b"a\r\n"], None),
        ];
        for &(values, expected) in cases {
            let expected = expected.map(|e| e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(
                parse_token_list(values.iter().copied()),
                expected,
                "{values:?}"
            );
        }
    }

    #[test]
    fn get_combines_every_value() {
        let mut h = HeaderMap::new();
        h.append("x-a", HeaderValue::from_static("1"));
        h.append("x-a", HeaderValue::from_static("2"));
        h.append("x-a", HeaderValue::from_static(""));
        h.insert("x-b", HeaderValue::from_static("only"));
        let cases: &[(&str, Option<&[u8]>)] = &[
            ("x-a", Some(b"1, 2, ")),
            ("X-A", Some(b"1, 2, ")),
            ("x-b", Some(b"only")),
            ("x-c", None),
            ("not a name", None),
            ("", None),
        ];
        for &(name, expected) in cases {
            assert_eq!(
                get_combined(&h, name),
                expected.map(|e| e.to_vec()),
                "{name:?}"
            );
        }
    }

    #[test]
    fn mime_essences() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"text/plain", Some("text/plain")),
            (b"TEXT/PLAIN;charset=UTF-8", Some("text/plain")),
            (
                b"  multipart/form-data; boundary=x  ",
                Some("multipart/form-data"),
            ),
            (b"text/plain;", Some("text/plain")),
            (b"text/plain;\xff=\xff", Some("text/plain")),
            (b"text/plain, text/html", None),
            (b"text", None),
            (b"/plain", None),
            (b"text/", None),
            (b"te xt/plain", None),
            (b"", None),
        ];
        for &(value, expected) in cases {
            assert_eq!(
                mime_essence(value),
                expected.map(str::to_string),
                "{value:?}"
            );
        }
    }

    #[test]
    fn isomorphic_decoding_maps_bytes_to_latin1() {
        assert_eq!(isomorphic_decode(b"a\xe9"), "a\u{e9}");
        assert_eq!(isomorphic_decode(b""), "");
    }
}
