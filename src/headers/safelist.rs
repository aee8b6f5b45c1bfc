//! CORS-safelisted request and response headers.

/// STUB
pub fn is_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    todo!("{name}{value:?}")
}
/// STUB
pub fn is_no_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    todo!("{name}{value:?}")
}
/// STUB
pub fn cors_unsafe_request_header_names(headers: &http::HeaderMap) -> Vec<String> {
    todo!("{headers:?}")
}
/// STUB
pub fn is_cors_safelisted_response_header_name(name: &str, exposed: &[String]) -> bool {
    todo!("{name}{exposed:?}")
}
