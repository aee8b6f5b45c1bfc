//! fetchguard: a browser's fetch engine, the guard between a page's script and the network.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod assertions;
pub mod blocking;
pub mod clock;
pub mod cors;
pub mod enforcement;
pub mod errors;
pub mod headers;
pub mod loopback;
pub mod origin;
pub mod policy;

pub use errors::{CorsError, FailureReason, FetchError, NetError, RedirectError, RequestError};
pub use origin::Origin;
pub mod browser;
pub mod cookies;
mod fetch;
pub mod net;
pub mod profile;
pub mod request;
pub mod response;
pub mod scenario;
pub mod trace;

pub use assertions::FetchAssertions;
pub use browser::{Browser, BrowserBuilder, Page};
pub use cookies::{CookieJar, ThirdPartyCookies};
pub use enforcement::{Enforcement, Violation};
pub use net::Serving;
pub use profile::Profile;
pub use request::{Body, Credentials, Mode, RedirectMode, ReferrerPolicy, Request};
pub use response::{Response, ResponseType};
pub use trace::Trace;
