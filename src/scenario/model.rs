//! The scenario file, as data: one struct per table of `shared/specs/scenario-format.md`.
//! Unknown keys and wrong types are rejected by the deserializer, with their position.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use url::Url;

use crate::origin::Origin;
use crate::policy::{AddressSpace, Permission};
use crate::request::CacheMode;

/// One scenario file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// The name (default: the file's stem).
    pub name: Option<String>,
    /// What the scenario shows.
    pub description: Option<String>,
    /// Where its facts come from (e.g. a WPT path).
    pub source: Option<String>,
    /// The requesting page.
    pub page: PageSpec,
    /// Browser settings.
    #[serde(default)]
    pub browser: BrowserSpec,
    /// Cookies in the jar before the first fetch.
    #[serde(default, rename = "cookie")]
    pub cookies: Vec<CookieSpec>,
    /// The origins the page talks to.
    #[serde(default, rename = "server")]
    pub servers: Vec<ServerSpec>,
    /// The fetches the page's script makes, in order.
    #[serde(default, rename = "fetch")]
    pub fetches: Vec<FetchSpec>,
}

/// `[page]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    /// The document URL.
    pub url: Spanned<String>,
    /// An opaque origin (`Content-Security-Policy: sandbox allow-scripts`).
    #[serde(default)]
    pub sandbox: bool,
    /// The page's referrer policy.
    pub referrer_policy: Option<PolicyToken>,
    /// Extra response headers of the page's own document, as `[name, value]` pairs, sent
    /// after Content-Type, the sandbox CSP and Referrer-Policy.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
}

/// `[browser]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserSpec {
    /// `allow` or `block` (default: the profile's, block).
    pub third_party_cookies: Option<ThirdPartyToken>,
    /// The page origin's Local Network Access permission for the `local` space.
    pub local_network: Option<PermissionToken>,
    /// The page origin's Local Network Access permission for the `loopback` space.
    pub loopback_network: Option<PermissionToken>,
}

/// `allow` | `block`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ThirdPartyToken {
    /// Allow third-party cookies.
    Allow,
    /// Block them.
    Block,
}

/// `[[cookie]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CookieSpec {
    /// The URL whose top-level visit set it.
    pub url: Spanned<String>,
    /// The `Set-Cookie` value.
    pub set: Spanned<String>,
}

/// `[[server]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// `scheme://host[:port]`.
    pub origin: Spanned<String>,
    /// The address space its host reaches (default: derived from the host, see
    /// [`crate::policy::AddressSpace::of_host`]).
    pub address_space: Option<AddressSpaceToken>,
    /// Its routes, first match wins.
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteSpec>,
}

/// `[[server.route]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// Exact path, or `/prefix/*`.
    pub path: Spanned<String>,
    /// Only this method.
    pub method: Option<String>,
    /// Only when the request carries each header (name case-insensitive) with exactly
    /// this value.
    #[serde(default)]
    pub match_headers: BTreeMap<String, String>,
    /// Status (default 200; 100 to 999).
    #[serde(default = "default_status")]
    pub status: Spanned<u16>,
    /// Headers in order, as `[name, value]` pairs.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Body (default empty).
    #[serde(default)]
    pub body: String,
}

fn default_status() -> Spanned<u16> {
    Spanned::new(0..0, 200)
}

/// `[[fetch]]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchSpec {
    /// The URL, absolute or relative to the page.
    pub url: String,
    /// The method (default GET).
    pub method: Option<String>,
    /// Request headers as `[name, value]` pairs.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// A string body.
    pub body: Option<String>,
    /// same-origin | no-cors | cors.
    pub mode: Option<ModeToken>,
    /// omit | same-origin | include.
    pub credentials: Option<CredentialsToken>,
    /// follow | error | manual.
    pub redirect: Option<RedirectToken>,
    /// The request's referrer policy ("" for none).
    pub referrer_policy: Option<PolicyToken>,
    /// `RequestInit.cache`.
    pub cache: Option<CacheToken>,
    /// `RequestInit.targetAddressSpace`, passed as given (an unknown string too: Chromium
    /// rejects it with a TypeError, and so must the engine).
    pub target_address_space: Option<String>,
    /// Seconds (0 to 30) that pass before this fetch starts.
    pub wait: Option<Spanned<f64>>,
    /// Extension: this fetch is a known difference between fetchguard and Chromium (the
    /// text says why). Its mismatches are reported but do not fail the run; if it stops
    /// differing, that is reported as a failure so the marker gets removed.
    pub known_difference: Option<String>,
    /// What the browser must show.
    pub expect: Option<Expect>,
}

impl FetchSpec {
    /// The `known_difference` that applies when `engine`'s profile is compared with that
    /// real browser: for Chromium the fetch's own `known_difference` (or one in
    /// `[fetch.expect.chromium]`), for Firefox and WebKit only the one in
    /// `[fetch.expect.firefox]` / `[fetch.expect.webkit]` (a fetch-level marker is about
    /// Chromium).
    ///
    /// ```
    /// use fetchguard::Engine;
    /// let s = fetchguard::scenario::parse_str("s.toml", r#"
    /// [page]
    /// url = "https://app.example/"
    /// [[fetch]]
    /// url = "https://api.example/x"
    /// [fetch.expect]
    /// outcome = "response"
    /// [fetch.expect.firefox]
    /// known_difference = "why Firefox differs from the engine here"
    /// "#).unwrap().scenario;
    /// let f = &s.fetches[0];
    /// assert_eq!(f.known_difference_for(Engine::Chromium), None);
    /// assert!(f.known_difference_for(Engine::Firefox).is_some());
    /// assert_eq!(f.known_difference_for(Engine::Webkit), None);
    /// ```
    pub fn known_difference_for(&self, engine: crate::Engine) -> Option<&str> {
        let in_table = self
            .expect
            .as_ref()
            .and_then(|e| e.override_for(engine))
            .and_then(|o| o.known_difference.as_ref())
            .map(|k| k.get_ref().as_str());
        match engine {
            crate::Engine::Chromium => self.known_difference.as_deref().or(in_table),
            crate::Engine::Firefox | crate::Engine::Webkit => in_table,
        }
    }
}

macro_rules! token {
    ($name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        #[doc = concat!("A `", stringify!($name), "` value.")]
        #[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
        pub enum $name {
            $(
                #[doc = concat!("`", $s, "`")]
                #[serde(rename = $s)]
                $variant,
            )+
        }
    };
}

token!(ModeToken { SameOrigin = "same-origin", NoCors = "no-cors", Cors = "cors" });
token!(CredentialsToken { Omit = "omit", SameOrigin = "same-origin", Include = "include" });
token!(RedirectToken { Follow = "follow", Error = "error", Manual = "manual" });
token!(CacheToken {
    Default = "default",
    NoStore = "no-store",
    Reload = "reload",
    NoCache = "no-cache",
    ForceCache = "force-cache",
    OnlyIfCached = "only-if-cached",
});
token!(PermissionToken { Allow = "allow", Block = "block", Ask = "ask" });
token!(AddressSpaceToken { Public = "public", Local = "local", Loopback = "loopback" });
token!(OutcomeToken { Response = "response", Error = "error" });
token!(TypeToken { Basic = "basic", Cors = "cors", Opaque = "opaque", OpaqueRedirect = "opaqueredirect" });
token!(PolicyToken {
    Unset = "",
    NoReferrer = "no-referrer",
    NoReferrerWhenDowngrade = "no-referrer-when-downgrade",
    SameOrigin = "same-origin",
    Origin = "origin",
    StrictOrigin = "strict-origin",
    OriginWhenCrossOrigin = "origin-when-cross-origin",
    StrictOriginWhenCrossOrigin = "strict-origin-when-cross-origin",
    UnsafeUrl = "unsafe-url",
});

impl From<AddressSpaceToken> for AddressSpace {
    fn from(t: AddressSpaceToken) -> Self {
        match t {
            AddressSpaceToken::Public => AddressSpace::Public,
            AddressSpaceToken::Local => AddressSpace::Local,
            AddressSpaceToken::Loopback => AddressSpace::Loopback,
        }
    }
}

impl From<PermissionToken> for Permission {
    fn from(t: PermissionToken) -> Self {
        match t {
            PermissionToken::Allow => Permission::Allow,
            PermissionToken::Block => Permission::Block,
            PermissionToken::Ask => Permission::Ask,
        }
    }
}

impl From<CacheToken> for CacheMode {
    fn from(t: CacheToken) -> Self {
        match t {
            CacheToken::Default => CacheMode::Default,
            CacheToken::NoStore => CacheMode::NoStore,
            CacheToken::Reload => CacheMode::Reload,
            CacheToken::NoCache => CacheMode::NoCache,
            CacheToken::ForceCache => CacheMode::ForceCache,
            CacheToken::OnlyIfCached => CacheMode::OnlyIfCached,
        }
    }
}

impl Scenario {
    /// The address space of `url`'s origin in this scenario: the `address_space` of the
    /// `[[server]]` serving that origin when it gives one, else the default derived from
    /// the host ([`AddressSpace::of_host`]). The page's space is that of its URL.
    ///
    /// ```
    /// use fetchguard::policy::AddressSpace;
    /// let s = fetchguard::scenario::parse_str("s.toml", r#"
    /// [page]
    /// url = "https://app.example/"
    /// [[server]]
    /// origin = "http://localhost:8080"
    /// [[server]]
    /// origin = "https://app.example"
    /// address_space = "local"
    /// "#).unwrap().scenario;
    /// let space = |u: &str| s.address_space_of(&url::Url::parse(u).unwrap());
    /// assert_eq!(space("http://localhost:8080/x"), AddressSpace::Loopback);
    /// assert_eq!(space("https://app.example/"), AddressSpace::Local);
    /// assert_eq!(space("https://other.example/"), AddressSpace::Public);
    /// ```
    pub fn address_space_of(&self, url: &Url) -> AddressSpace {
        let origin = Origin::from_url(url);
        self.servers
            .iter()
            .find(|s| Url::parse(s.origin.get_ref()).is_ok_and(|u| Origin::from_url(&u) == origin))
            .and_then(|s| s.address_space)
            .map(AddressSpace::from)
            .unwrap_or_else(|| AddressSpace::of_host(url.host_str().unwrap_or_default()))
    }
}

/// `[fetch.expect]`: every key optional; each one given is checked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// response | error.
    pub outcome: Option<OutcomeToken>,
    /// The TypeError message.
    pub error: Option<String>,
    /// Exactly the console lines.
    pub console: Option<Vec<String>>,
    /// The response type.
    #[serde(rename = "type")]
    pub rtype: Option<TypeToken>,
    /// The status.
    pub status: Option<u16>,
    /// The response URL.
    pub url: Option<String>,
    /// `response.redirected`.
    pub redirected: Option<bool>,
    /// Headers visible to script with these values.
    pub headers: Option<BTreeMap<String, String>>,
    /// Headers that must not be visible.
    pub hidden_headers: Option<Vec<String>>,
    /// The body as script reads it.
    pub body: Option<String>,
    /// The requests the servers received, exactly.
    pub wire: Option<Vec<WireExpect>>,
    /// Extension, only in an engine's table (`[fetch.expect.firefox]`, ...): the engine's
    /// profile and that real browser are known to disagree on this fetch, and the text
    /// says why. Not an expectation: see [`FetchSpec::known_difference_for`].
    pub known_difference: Option<Spanned<String>>,
    /// Extension: `[fetch.expect.chromium]`, keys that replace this table's for the
    /// Chromium profile.
    pub chromium: Option<Spanned<Box<Expect>>>,
    /// Extension: `[fetch.expect.firefox]`, keys that replace this table's for the
    /// Firefox profile (where Firefox differs from the other engines).
    pub firefox: Option<Spanned<Box<Expect>>>,
    /// Extension: `[fetch.expect.webkit]`, keys that replace this table's for the WebKit
    /// profile.
    pub webkit: Option<Spanned<Box<Expect>>>,
}

impl Expect {
    /// The override table of `engine` (`[fetch.expect.firefox]`, ...), if the file has one.
    pub fn override_for(&self, engine: crate::Engine) -> Option<&Expect> {
        match engine {
            crate::Engine::Chromium => self.chromium.as_ref(),
            crate::Engine::Firefox => self.firefox.as_ref(),
            crate::Engine::Webkit => self.webkit.as_ref(),
        }
        .map(|s| &**s.get_ref())
    }

    /// The expectations for `engine`: this table, with each key that `engine`'s override
    /// table gives replaced by the override's value (a whole key: an overridden `wire` or
    /// `headers` replaces the list or map). The result has no override tables.
    ///
    /// ```
    /// use fetchguard::Engine;
    /// let s = fetchguard::scenario::parse_str("s.toml", r#"
    /// [page]
    /// url = "https://app.example/"
    /// [[fetch]]
    /// url = "https://api.example/x"
    /// [fetch.expect]
    /// outcome = "error"
    /// error = "Failed to fetch"
    /// [fetch.expect.firefox]
    /// error = "NetworkError when attempting to fetch resource."
    /// "#).unwrap().scenario;
    /// let e = s.fetches[0].expect.as_ref().unwrap();
    /// assert_eq!(e.for_engine(Engine::Chromium).error.as_deref(), Some("Failed to fetch"));
    /// let ff = e.for_engine(Engine::Firefox);
    /// assert_eq!(ff.error.as_deref(), Some("NetworkError when attempting to fetch resource."));
    /// assert!(ff.outcome.is_some());
    /// ```
    pub fn for_engine(&self, engine: crate::Engine) -> Expect {
        let mut e = Expect {
            chromium: None,
            firefox: None,
            webkit: None,
            known_difference: None,
            ..self.clone()
        };
        let Some(o) = self.override_for(engine) else {
            return e;
        };
        // An engine whose outcome differs keeps none of the other outcome's keys it does
        // not give itself: a response has no error message, an error no status or body.
        match o.outcome {
            Some(OutcomeToken::Response) if self.outcome != o.outcome => e.error = None,
            Some(OutcomeToken::Error) if self.outcome != o.outcome => {
                e.rtype = None;
                e.status = None;
                e.url = None;
                e.redirected = None;
                e.headers = None;
                e.hidden_headers = None;
                e.body = None;
            }
            _ => {}
        }
        macro_rules! take {
            ($($f:ident),+) => { $( if o.$f.is_some() { e.$f = o.$f.clone(); } )+ };
        }
        take!(
            outcome,
            error,
            console,
            rtype,
            status,
            url,
            redirected,
            headers,
            hidden_headers,
            body,
            wire
        );
        e
    }
}

/// `[[fetch.expect.wire]]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireExpect {
    /// The method.
    pub method: Option<String>,
    /// The URL.
    pub url: Option<String>,
    /// Headers with these values.
    pub headers: Option<BTreeMap<String, String>>,
    /// Header names that must not have been sent.
    pub absent: Option<Vec<String>>,
}
