//! The CORS-preflight cache.

/// STUB
#[derive(Debug, Default)]
pub struct PreflightCache {}
