//! fetchguard: a browser's fetch engine, the guard between a page's script and the network.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod clock;
pub mod cors;
pub mod errors;
pub mod headers;
pub mod origin;
pub mod policy;

pub use errors::{CorsError, FailureReason, FetchError, NetError, RedirectError, RequestError};
pub use origin::Origin;
