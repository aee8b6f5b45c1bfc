//! Fetch metadata.
