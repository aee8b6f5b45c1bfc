//! Forbidden methods and forbidden request/response header names.

/// STUB: replaced by the headers work.
pub fn is_forbidden_method(method: &str) -> bool {
    todo!("{method}")
}
/// STUB
pub fn normalize_method(method: &str) -> String {
    todo!("{method}")
}
/// STUB
pub fn is_cors_safelisted_method(method: &str) -> bool {
    todo!("{method}")
}
/// STUB
pub fn is_forbidden_request_header(name: &str, value: &[u8]) -> bool {
    todo!("{name}{value:?}")
}
/// STUB
pub fn is_forbidden_response_header_name(name: &str) -> bool {
    todo!("{name}")
}
