//! Policies beside CORS: referrer policy, fetch metadata, mixed content. Pure functions.

pub mod fetch_metadata;
pub mod referrer;
