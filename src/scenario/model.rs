//! The scenario file, as data: one struct per table of `shared/specs/scenario-format.md`.
//! Unknown keys and wrong types are rejected by the deserializer, with their position.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

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
}

/// `[browser]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrowserSpec {
    /// `allow` or `block` (default: the profile's, block).
    pub third_party_cookies: Option<ThirdPartyToken>,
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
    /// Extension: this fetch is a known difference between fetchguard and Chromium (the
    /// text says why). Its mismatches are reported but do not fail the run; if it stops
    /// differing, that is reported as a failure so the marker gets removed.
    pub known_difference: Option<String>,
    /// What the browser must show.
    pub expect: Option<Expect>,
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
