//! The CORS protocol's rules: the CORS check, preflight evaluation, the preflight cache.
//! Pure functions and data; the fetch algorithms do the I/O.

pub mod cache;
pub mod check;
pub mod preflight;

pub use cache::PreflightCache;
pub use check::cors_check;
pub use preflight::{PreflightResult, access_control_request_headers, evaluate_preflight_response};
