//! The browser profile: which engine and release fetchguard imitates. A profile is data
//! (identity headers, defaults, caps) plus the [`Engine`] whose rules the algorithms
//! follow where the engines differ. One constructor per engine lives in its own file:
//! [`Profile::chromium`] (the default, every expectation is verified against it),
//! [`Profile::firefox`] and [`Profile::webkit`].
//!
//! Where an engine differs, the fetch code asks the profile, never the engine's name:
//! a field here, or the engine's [`Wording`](crate::wording) for what script and the
//! console read. An engine's facts stay in that engine's file.

mod chromium;
mod firefox;
mod webkit;

use crate::cookies::ThirdPartyCookies;
pub use crate::engine::Engine;

/// A browser profile. The default is Chromium 156, the behaviour every expectation in
/// this project is verified against.
///
/// ```
/// use fetchguard::{Engine, Profile};
/// let p = Profile::chromium();
/// assert!(p.user_agent.contains("Chrome/156"));
/// assert_eq!(p.engine, Engine::Chromium);
/// assert_eq!(Profile::for_engine(Engine::Firefox).engine, Engine::Firefox);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The engine whose rules apply where engines differ.
    pub engine: Engine,
    /// The profile's name, e.g. `chromium-156`.
    pub name: String,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// The `Accept-Language` header value.
    pub accept_language: String,
    /// The low-entropy client hints (`sec-ch-ua*`), sent only to potentially trustworthy
    /// URLs, as Chromium does (empty for engines that send none).
    pub client_hints: Vec<(String, String)>,
    /// The third-party cookie policy of a fresh profile (a scenario's
    /// `third_party_cookies` overrides it).
    pub third_party_cookies: ThirdPartyCookies,
    /// At most this many redirects are followed.
    pub redirect_limit: usize,
    /// `Accept-Encoding` sent to potentially trustworthy URLs (a request with `Range`
    /// asks for `identity` in every engine).
    pub accept_encoding_secure: String,
    /// `Accept-Encoding` sent to other URLs (plain http).
    pub accept_encoding_insecure: String,
    /// Whether `http://localhost`, `http://127.0.0.1` and `http://*.localhost` count as
    /// potentially trustworthy for mixed content and `Accept-Encoding`. When false, an
    /// https page's fetch of `http://localhost` is blocked as mixed content.
    pub loopback_http_is_trustworthy: bool,
    /// The `Priority` header (RFC 9218) the network stack adds to every request it sends
    /// over HTTP/2; `None` for none.
    pub http2_priority: Option<String>,
    /// Whether a CORS-mode request still sends `Sec-Fetch-*` headers on a hop reached by
    /// a redirect from another, potentially trustworthy origin.
    pub fetch_metadata_after_cross_origin_redirect: bool,
    /// Whether credentialed cross-site requests carry `Sec-Fetch-Storage-Access`.
    pub storage_access_header: bool,
    /// Whether a cookie without `SameSite` is treated as `SameSite=Lax` (when false it
    /// goes on cross-site requests as `SameSite=None` would).
    pub lax_by_default: bool,
    /// Whether a `Partitioned` cookie without `Secure` is refused.
    pub partitioned_cookie_requires_secure: bool,
    /// Whether a cookie overwritten with a new value keeps its creation time (and so its
    /// place in the `Cookie` header); when false the creation time is renewed unless the
    /// value is unchanged.
    pub cookie_overwrite_keeps_creation_time: bool,
    /// Whether cookies judge "same site" by the public suffix list alone, so that hosts
    /// under a suffix the list does not know (`app.example`, `api.example`) are never
    /// same-site with another host. When false, an unknown suffix counts as one label.
    pub unlisted_suffix_never_same_site: bool,
    /// Whether a request's credentials are judged once, at its start: a `no-cors`
    /// request with credentials `same-origin` that starts same-origin keeps sending
    /// cookies after a redirect to another origin. (A CORS-mode request is judged again
    /// at a cross-origin redirect in every engine.)
    pub credentials_judged_at_start: bool,
    /// Whether a cached preflight whose `Access-Control-Allow-Headers` is `*` lets
    /// `Authorization` through without a new preflight.
    pub cached_wildcard_covers_authorization: bool,
    /// Whether a non-GET request redirected to GET keeps its `Origin` header on the
    /// following hops.
    pub origin_kept_after_redirect_to_get: bool,
    /// Whether a preflight says `Sec-Fetch-Mode: cors` even to a URL that gets no other
    /// fetch metadata (plain http).
    pub preflight_sec_fetch_mode_always: bool,
    /// Whether a preflight sent after a redirect carries the referrer as determined for
    /// the request's first URL (when false: as determined for the preflight's URL).
    pub preflight_referrer_from_first_url: bool,
    /// Whether `Cross-Origin-Embedder-Policy: credentialless` is understood (when false it
    /// reads as `unsafe-none`).
    pub coep_credentialless: bool,
    /// Whether the HTTP cache keeps a `308` without explicit freshness (and serves it for
    /// ever, as a permanent redirect); when false such a response is not stored.
    pub heuristic_freshness_for_308: bool,
    /// Whether a redirect whose `Location` is empty hands the redirect response to script
    /// in `follow` mode (when false it is a network error).
    pub empty_location_hands_over_response: bool,
    /// Whether a sandboxed (opaque-origin) page sends `Referer`.
    pub sandboxed_page_sends_referrer: bool,
    /// Whether Local Network Access applies (permission checks for local and loopback
    /// targets, `targetAddressSpace`, and mixed content left to it for private targets).
    pub local_network_access: bool,
    /// Whether the `Origin` of a non-CORS, non-GET request follows the referrer policy as
    /// the Fetch Standard says (`null` under `no-referrer`, under `same-origin` to another
    /// origin, and on a downgrade under the strict policies and
    /// `no-referrer-when-downgrade`).
    pub origin_header_follows_referrer_policy: bool,
}

impl Profile {
    /// The profile of `engine`.
    pub fn for_engine(engine: Engine) -> Self {
        match engine {
            Engine::Chromium => Profile::chromium(),
            Engine::Firefox => Profile::firefox(),
            Engine::Webkit => Profile::webkit(),
        }
    }

    /// Whether `url` is potentially trustworthy for mixed content and `Accept-Encoding`:
    /// <https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy>, except that
    /// plain-http loopback URLs count only when
    /// [`loopback_http_is_trustworthy`](Self::loopback_http_is_trustworthy) is set.
    ///
    /// ```
    /// use fetchguard::Profile;
    /// let local = url::Url::parse("http://localhost/x").unwrap();
    /// assert!(Profile::chromium().is_trustworthy_for_network(&local));
    /// assert!(!Profile::webkit().is_trustworthy_for_network(&local));
    /// ```
    pub fn is_trustworthy_for_network(&self, url: &url::Url) -> bool {
        crate::origin::is_url_potentially_trustworthy(url)
            && (self.loopback_http_is_trustworthy || url.scheme() != "http")
    }

    /// The words this profile's engine uses for TypeErrors and console lines.
    pub(crate) fn wording(&self) -> &'static dyn crate::wording::Wording {
        crate::wording::for_engine(self.engine)
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::chromium()
    }
}
