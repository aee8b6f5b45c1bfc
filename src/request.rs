//! The request script hands to `fetch()`: URL, method, headers, body and the init options
//! (mode, credentials, redirect, referrer policy, cache, target address space), built like
//! a `RequestInit`.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;

pub use crate::policy::referrer::ReferrerPolicy;

/// The request mode (<https://fetch.spec.whatwg.org/#concept-request-mode>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Only same-origin URLs; anything else is a network error.
    SameOrigin,
    /// Cross-origin responses come back opaque; only safelisted methods and headers.
    NoCors,
    /// The CORS protocol (the default for `fetch()`).
    #[default]
    Cors,
}

/// The credentials mode (<https://fetch.spec.whatwg.org/#concept-request-credentials-mode>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Credentials {
    /// Never send or store cookies.
    Omit,
    /// Cookies only for same-origin URLs (the default).
    #[default]
    SameOrigin,
    /// Cookies for every URL the jar allows, cross-origin too.
    Include,
}

/// The redirect mode (<https://fetch.spec.whatwg.org/#concept-request-redirect-mode>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum RedirectMode {
    /// Follow redirects (the default).
    #[default]
    Follow,
    /// A redirect is a network error.
    Error,
    /// A redirect gives an `opaqueredirect` response.
    Manual,
}

/// The cache mode (<https://fetch.spec.whatwg.org/#concept-request-cache-mode>):
/// how the request uses the HTTP cache.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum CacheMode {
    /// Use a fresh stored response; revalidate a stale one (the default).
    #[default]
    Default,
    /// Bypass the cache entirely: neither read nor write it.
    NoStore,
    /// Go to the network, and store the response.
    Reload,
    /// Always revalidate a stored response with the server.
    NoCache,
    /// Use any stored response, stale or not; go to the network only without one.
    ForceCache,
    /// Use only a stored response; without one, a network error. Allowed only in
    /// `same-origin` mode.
    OnlyIfCached,
}

/// An unknown enum token in a request option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownToken {
    /// Which option.
    pub what: &'static str,
    /// The token given.
    pub token: String,
}

impl fmt::Display for UnknownToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} '{}'", self.what, self.token)
    }
}

impl std::error::Error for UnknownToken {}

macro_rules! token_enum {
    ($ty:ident, $what:literal, $($variant:ident => $tok:literal),+) => {
        impl $ty {
            /// The token, as script writes it.
            pub fn as_str(&self) -> &'static str {
                match self { $($ty::$variant => $tok),+ }
            }
        }
        impl FromStr for $ty {
            type Err = UnknownToken;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($tok => Ok($ty::$variant),)+
                    _ => Err(UnknownToken { what: $what, token: s.to_string() }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token_enum!(Mode, "mode", SameOrigin => "same-origin", NoCors => "no-cors", Cors => "cors");
token_enum!(Credentials, "credentials mode", Omit => "omit", SameOrigin => "same-origin", Include => "include");
token_enum!(RedirectMode, "redirect mode", Follow => "follow", Error => "error", Manual => "manual");
token_enum!(CacheMode, "cache mode", Default => "default", NoStore => "no-store", Reload => "reload",
    NoCache => "no-cache", ForceCache => "force-cache", OnlyIfCached => "only-if-cached");

/// A request body, as script would pass it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// A string: sent as UTF-8, with `Content-Type: text/plain;charset=UTF-8` unless the
    /// request sets one.
    Text(String),
    /// Raw bytes (an `ArrayBuffer`): no implied Content-Type.
    Bytes(Bytes),
}

impl Body {
    /// The bytes on the wire.
    pub fn bytes(&self) -> Bytes {
        match self {
            Body::Text(s) => Bytes::copy_from_slice(s.as_bytes()),
            Body::Bytes(b) => b.clone(),
        }
    }

    /// The Content-Type the body implies, if any.
    pub fn implied_content_type(&self) -> Option<&'static str> {
        match self {
            Body::Text(_) => Some("text/plain;charset=UTF-8"),
            Body::Bytes(_) => None,
        }
    }
}

/// A request as script builds it: `fetch(url, init)`.
///
/// Nothing is checked until [`crate::Page::fetch`] runs it, as in a browser, where the
/// TypeErrors come from `fetch()` itself.
///
/// ```
/// use fetchguard::{Request, Mode, Credentials};
/// let req = Request::post("https://api.example/items")
///     .header("Content-Type", "application/json")
///     .body(r#"{"a":1}"#)
///     .mode(Mode::Cors)
///     .credentials(Credentials::Include);
/// assert_eq!(req.method(), "POST");
/// assert_eq!(req.headers().len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Body>,
    pub(crate) mode: Mode,
    pub(crate) credentials: Credentials,
    pub(crate) redirect: RedirectMode,
    pub(crate) referrer_policy: Option<ReferrerPolicy>,
    pub(crate) cache: CacheMode,
    pub(crate) target_address_space: Option<String>,
}

impl Request {
    /// A request with the given method (as script wrote it: normalization happens in
    /// `fetch()`) and URL (absolute, or relative to the page).
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Request {
            url: url.into(),
            method: method.into(),
            headers: Vec::new(),
            body: None,
            mode: Mode::default(),
            credentials: Credentials::default(),
            redirect: RedirectMode::default(),
            referrer_policy: None,
            cache: CacheMode::default(),
            target_address_space: None,
        }
    }

    /// A GET request.
    pub fn get(url: impl Into<String>) -> Self {
        Request::new("GET", url)
    }

    /// A POST request.
    pub fn post(url: impl Into<String>) -> Self {
        Request::new("POST", url)
    }

    /// A PUT request.
    pub fn put(url: impl Into<String>) -> Self {
        Request::new("PUT", url)
    }

    /// A DELETE request.
    pub fn delete(url: impl Into<String>) -> Self {
        Request::new("DELETE", url)
    }

    /// Appends a header, as `Headers.append` does (a name may repeat). Forbidden names are
    /// dropped silently by `fetch()`, as a browser does.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A string body (UTF-8, implies `text/plain;charset=UTF-8`).
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(Body::Text(body.into()));
        self
    }

    /// A byte body (no implied Content-Type).
    pub fn body_bytes(mut self, body: impl Into<Bytes>) -> Self {
        self.body = Some(Body::Bytes(body.into()));
        self
    }

    /// The request mode.
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// The credentials mode.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The redirect mode.
    pub fn redirect(mut self, redirect: RedirectMode) -> Self {
        self.redirect = redirect;
        self
    }

    /// The request's own referrer policy (overrides the page's).
    pub fn referrer_policy(mut self, policy: ReferrerPolicy) -> Self {
        self.referrer_policy = Some(policy);
        self
    }

    /// The cache mode (`RequestInit.cache`).
    ///
    /// Not yet enforced: the engine's HTTP cache does not read it yet.
    pub fn cache(mut self, cache: CacheMode) -> Self {
        self.cache = cache;
        self
    }

    /// `RequestInit.targetAddressSpace` (Local Network Access): the address space script
    /// expects the URL to be in, kept exactly as given (`"local"`, `"loopback"`,
    /// `"public"`, or any other string, which Chromium rejects with a TypeError).
    ///
    /// Not yet enforced: the engine does not read it yet.
    ///
    /// ```
    /// use fetchguard::Request;
    /// let r = Request::get("http://192.168.1.10/").target_address_space("local");
    /// assert_eq!(r.target_address_space_value(), Some("local"));
    /// ```
    pub fn target_address_space(mut self, space: impl Into<String>) -> Self {
        self.target_address_space = Some(space.into());
        self
    }

    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The method as given.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The headers as given, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body, if any.
    pub fn body_ref(&self) -> Option<&Body> {
        self.body.as_ref()
    }

    /// The mode.
    pub fn mode_value(&self) -> Mode {
        self.mode
    }

    /// The credentials mode.
    pub fn credentials_value(&self) -> Credentials {
        self.credentials
    }

    /// The redirect mode.
    pub fn redirect_value(&self) -> RedirectMode {
        self.redirect
    }

    /// The cache mode.
    pub fn cache_value(&self) -> CacheMode {
        self.cache
    }

    /// The `targetAddressSpace` as given, if any.
    pub fn target_address_space_value(&self) -> Option<&str> {
        self.target_address_space.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for m in [Mode::SameOrigin, Mode::NoCors, Mode::Cors] {
            assert_eq!(m.as_str().parse::<Mode>().unwrap(), m);
        }
        assert_eq!(
            "include".parse::<Credentials>().unwrap(),
            Credentials::Include
        );
        assert_eq!(
            "manual".parse::<RedirectMode>().unwrap(),
            RedirectMode::Manual
        );
        for c in [
            CacheMode::Default,
            CacheMode::NoStore,
            CacheMode::Reload,
            CacheMode::NoCache,
            CacheMode::ForceCache,
            CacheMode::OnlyIfCached,
        ] {
            assert_eq!(c.as_str().parse::<CacheMode>().unwrap(), c);
        }
        assert_eq!(CacheMode::OnlyIfCached.as_str(), "only-if-cached");
        let e = "navigate".parse::<Mode>().unwrap_err();
        assert_eq!(e.to_string(), "unknown mode 'navigate'");
    }

    #[test]
    fn defaults_are_fetch_defaults() {
        let r = Request::get("/x");
        assert_eq!(r.mode_value(), Mode::Cors);
        assert_eq!(r.credentials_value(), Credentials::SameOrigin);
        assert_eq!(r.redirect_value(), RedirectMode::Follow);
        assert_eq!(r.cache_value(), CacheMode::Default);
        assert_eq!(r.target_address_space_value(), None);
        assert_eq!(
            Body::Text("x".into()).implied_content_type(),
            Some("text/plain;charset=UTF-8")
        );
    }
}
