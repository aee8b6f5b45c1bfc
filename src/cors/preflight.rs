//! CORS-preflight request and response rules.
use std::time::Duration;

use crate::errors::CorsError;
use crate::origin::Origin;

/// STUB
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightResult {
    /// STUB
    pub methods: Vec<String>,
    /// STUB
    pub headers: Vec<String>,
    /// STUB
    pub credentials: bool,
    /// STUB
    pub max_age: Duration,
}

/// STUB
pub fn access_control_request_headers(unsafe_names: &[String]) -> Option<String> {
    todo!("{unsafe_names:?}")
}

/// STUB
pub fn evaluate_preflight_response(
    status: u16,
    headers: &http::HeaderMap,
    origin: &Origin,
    credentials_include: bool,
    method: &str,
    unsafe_header_names: &[String],
) -> Result<PreflightResult, CorsError> {
    todo!("{status}{headers:?}{origin}{credentials_include}{method}{unsafe_header_names:?}")
}
