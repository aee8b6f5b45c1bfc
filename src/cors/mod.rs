//! The CORS protocol's rules: the CORS check, preflight evaluation, the preflight cache.
//! Pure functions and data; the fetch algorithms do the I/O.
//!
//! Where Chromium and the Fetch Standard disagree, these modules follow Chromium and say
//! so in a `// CHROMIUM:` comment naming the source file.

pub mod cache;
pub mod check;
pub mod header_order;
pub mod preflight;

pub use cache::{CacheLookup, CapacityLimit, MAX_URL_LENGTH, MissReason, PreflightCache};
pub use check::cors_check;
pub(crate) use check::cors_check_serialized;
pub use header_order::chromium_check_order;
pub use preflight::{
    AuthorizationUnderWildcard, DEFAULT_MAX_AGE, MAX_AGE_CAP, PreflightResult,
    access_control_request_headers, evaluate_preflight_response, parse_max_age,
};

/// Lossy UTF-8 of raw header bytes, for error values.
fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use crate::headers::parse_token_list;

    /// The list syntax the ACAM/ACAH checks accept (Chromium's ParseAccessControlAllowList).
    #[test]
    fn allow_list_parsing() {
        type Case<'a> = (&'a [u8], Option<Vec<&'a str>>);
        let cases: &[Case] = &[
            (b"", Some(vec![])),
            (b" , ,, ", Some(vec![])),
            (b"PUT", Some(vec!["PUT"])),
            (b" PUT ,\tdelete ", Some(vec!["PUT", "delete"])),
            (b"PUT,,PATCH,", Some(vec!["PUT", "PATCH"])),
            (b"*", Some(vec!["*"])),
            (b"X-A, X-B", Some(vec!["X-A", "X-B"])),
            (b"PUT DELETE", None),
            (b"\"PUT\"", None),
            (b"a, \"b,c\"", None),
            (b"x-\xc3\xa9", None),
            (b"a;b", None),
            (b"a/b", None),
        ];
        for (input, want) in cases {
            let want: Option<Vec<String>> = want
                .as_ref()
                .map(|v| v.iter().map(|s| s.to_string()).collect());
            assert_eq!(
                parse_token_list([*input]),
                want,
                "input {:?}",
                super::lossy(input)
            );
        }
    }
}
