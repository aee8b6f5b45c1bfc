//! Header and method rules of the Fetch Standard, with Chromium's deltas: forbidden names,
//! CORS-safelisted requests and responses, and the header-list parsing the CORS checks need.
//! Pure functions over data.

pub mod block;
pub mod forbidden;
pub mod parse;
pub mod safelist;

pub use block::{HeaderBlock, WireHeaders};
pub use forbidden::{
    is_cors_safelisted_method, is_forbidden_method, is_forbidden_request_header,
    is_forbidden_response_header_name, normalize_method,
};
pub use parse::{
    get_combined, is_http_tab_or_space, is_token, isomorphic_decode, mime_essence,
    parse_token_list, split_comma_list,
};
pub use safelist::{
    MAX_SAFELISTED_VALUE_LEN, MAX_SAFELISTED_VALUES_TOTAL, cors_unsafe_request_header_names,
    is_cors_safelisted_request_header, is_cors_safelisted_response_header_name,
    is_cors_unsafe_request_header_byte, is_no_cors_safelisted_request_header,
};

/// A header map of `(name, value)` pairs, repeated names appended: for tests.
#[cfg(test)]
pub(crate) fn map_of(pairs: &[(&str, &str)]) -> http::HeaderMap {
    let mut m = http::HeaderMap::new();
    for (n, v) in pairs {
        m.append(
            http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    m
}
