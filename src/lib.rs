//! fetchguard: a browser's fetch engine, the guard between a page's script and the network.
//!
//! A [`Page`] has an origin; its script calls [`Page::fetch`] with a [`Request`] in mode
//! `same-origin`, `no-cors` or `cors`. The guard does what Chromium 156 does: it checks
//! the arguments (TypeErrors), adds the headers a browser adds (Origin, Referer,
//! Sec-Fetch-*, cookies from the [`CookieJar`] under SameSite and third-party rules), sends
//! a CORS preflight when the request needs one (unless the preflight cache covers it),
//! follows redirects (tainting the origin across sites), runs the CORS check on every hop,
//! and hands script a filtered [`Response`] — `basic`, `cors`, `opaque` or
//! `opaqueredirect` — or a [`FetchError`] with the TypeError message, Chromium's console
//! lines and the reason. The request may have reached the server even when script is
//! blocked: the [`Trace`] says what went on the wire.
//!
//! ```
//! use fetchguard::{Browser, CorsError, FetchAssertions, Request};
//! use fetchguard::net::{BoxFuture, Transport, WireRequest, WireResponse};
//!
//! // A server that answers everything with 200 and no CORS headers.
//! struct Api;
//! impl Transport for Api {
//!     fn send(&self, _req: WireRequest) -> BoxFuture<'_, Result<WireResponse, fetchguard::NetError>> {
//!         Box::pin(async {
//!             Ok(WireResponse { status: 200, headers: Default::default(), body: "secret".into() })
//!         })
//!     }
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let browser = Browser::builder().transport(Api).build();
//! let page = browser.page("https://app.example/").unwrap();
//! let e = page
//!     .fetch(Request::get("https://api.example/data"))
//!     .await
//!     .assert_reached_server()
//!     .assert_blocked(CorsError::MissingAllowOriginHeader);
//! assert_eq!(e.message(), "Failed to fetch");
//! assert_eq!(
//!     e.console()[0],
//!     "Access to fetch at 'https://api.example/data' from origin 'https://app.example' \
//!      has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is \
//!      present on the requested resource."
//! );
//! # });
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// What a user needs: the types re-exported below, and the pure rule modules (`cors`,
// `headers`, `policy`, `origin`), the network seam (`net`), the trace, the clock, the
// blocking facade; with features, the loopback servers, scenario files and the oracle.
pub mod blocking;
pub mod clock;
pub mod cors;
pub mod headers;
pub mod http_cache;
#[cfg(feature = "loopback")]
pub mod loopback;
pub mod net;
#[cfg(feature = "oracle")]
pub mod oracle;
pub mod origin;
pub mod policy;
#[cfg(feature = "scenario")]
pub mod scenario;
pub mod trace;

mod assertions;
mod browser;
mod cookies;
mod enforcement;
mod engine;
mod errors;
mod fetch;
mod profile;
mod request;
mod response;
mod wording;

pub use assertions::FetchAssertions;
pub use browser::{Browser, BrowserBuilder, Page};
pub use clock::Clock;
pub use cookies::{CookieBlock, CookieJar, CookieRejection, JarError, ThirdPartyCookies};
pub use enforcement::{Enforcement, Violation};
pub use engine::{Engine, UnknownEngine};
pub use errors::{CorsError, FailureReason, NetError, RedirectError, RequestError};
pub use net::Serving;
pub use origin::Origin;
pub use profile::{
    DroppedAuthorization, HeaderCheckOrder, Profile, RequestDirectives, StorageAccessHeader,
};
pub use request::{
    Body, CacheMode, Credentials, Mode, RedirectMode, ReferrerPolicy, Request, UnknownToken,
};
pub use response::{FetchError, Response, ResponseType};
pub use trace::Trace;
pub use trace::ViolationError;
