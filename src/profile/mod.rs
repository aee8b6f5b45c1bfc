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
pub use crate::http_cache::StorageRule;
pub use crate::http_cache::range::RangeCache;

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
    /// Headers added to every request the engine sends, preflights included, over any
    /// protocol (unless script set the name). Firefox: `priority: u=4`.
    pub request_headers: Vec<(String, String)>,
    /// Headers added only to requests that go over HTTP/2, once the protocol is known
    /// (unless already present). Chromium: `priority: u=1, i`; Firefox: `te: trailers`.
    pub http2_request_headers: Vec<(String, String)>,
    /// Headers the engine's network stack adds to every response that came over HTTP/2
    /// (script sees them where the response filter lets them through). Firefox:
    /// `x-firefox-spdy: h2`.
    pub http2_response_headers: Vec<(String, String)>,
    /// A preflight says `Sec-Fetch-Mode: cors` even to a URL that gets no other fetch
    /// metadata (one that is not potentially trustworthy). Chromium does; Firefox sends
    /// no fetch metadata there at all.
    pub sec_fetch_mode_on_every_preflight: bool,
    /// A `*` in a cached preflight's `Access-Control-Allow-Methods` or `-Headers` lets a
    /// later request use the cache entry (Chromium). When false (Firefox), a `*` works as
    /// a wildcard on the fresh preflight only; from the cache it matches nothing, so the
    /// next such request is preflighted again. Listed methods and headers are cached
    /// either way.
    pub preflight_cache_wildcards_match: bool,
    /// After a cross-origin redirect, the preflight's `Origin` is `null` and its check is
    /// against an opaque origin, as for the request itself (Chromium). When false
    /// (Firefox), the preflight carries the page's origin and is checked against it; the
    /// request after it still says `null`.
    pub tainted_preflight_origin_is_null: bool,
    /// The relaxed referrer policies (`unsafe-url`, `no-referrer-when-downgrade`) apply
    /// to cross-site requests (Chromium). When false (Firefox), a cross-site request under
    /// one of them is treated as `strict-origin-when-cross-origin`: the origin only.
    pub relaxed_referrer_policies_cross_site: bool,
    /// A `data:` response carries `Content-Length` (the decoded length, for `HEAD` too).
    /// Firefox adds it; Chromium does not.
    pub data_url_content_length: bool,
    /// `fetch()` reads the `targetAddressSpace` member (Local Network Access), rejecting
    /// an unknown value (Chromium). When false (Firefox), the member is ignored.
    pub target_address_space_supported: bool,
    /// An https page's fetch of an insecure URL in a private address space (a private IP
    /// literal, a `.local` name, a `local`/`loopback` `targetAddressSpace`) is only warned
    /// about and left to Local Network Access (Chromium). When false (Firefox), it is
    /// blocked as mixed content like any other insecure URL.
    pub mixed_content_left_to_local_network_access: bool,
    /// A cross-origin no-cors request that `COEP: credentialless` sends without
    /// credentials also says `Pragma: no-cache` and `Cache-Control: no-cache` (Chromium).
    /// Firefox sends neither.
    pub credentialless_requests_bypass_caches: bool,
    /// The `Origin` of a request outside CORS (a no-cors or same-origin POST, say) is
    /// `null` where the referrer policy withholds the origin, as the Fetch Standard says
    /// (Firefox). When false (Chromium), it is always the page's origin.
    pub origin_header_follows_referrer_policy: bool,
    /// When `Sec-Fetch-Storage-Access` is sent.
    pub storage_access_header: StorageAccessHeader,
    /// Overwriting a cookie with a new value keeps its creation time, so it keeps its
    /// place among cookies of equal path length in `Cookie` (Firefox). When false
    /// (Chromium), a new value makes it the newest; the same value keeps its place.
    pub cookie_overwrite_keeps_creation_time: bool,
    /// `Accept-Encoding` sent to potentially trustworthy URLs (a request with `Range`
    /// asks for `identity` in every engine).
    pub accept_encoding_secure: String,
    /// `Accept-Encoding` sent to other URLs (plain http).
    pub accept_encoding_insecure: String,
    /// Whether `http://localhost`, `http://127.0.0.1` and `http://*.localhost` count as
    /// potentially trustworthy for mixed content and `Accept-Encoding`. When false, an
    /// https page's fetch of `http://localhost` is blocked as mixed content.
    pub loopback_http_is_trustworthy: bool,
    /// Whether a CORS-mode request still sends `Sec-Fetch-*` headers on a hop reached by
    /// a redirect from another, potentially trustworthy origin.
    pub fetch_metadata_after_cross_origin_redirect: bool,
    /// Whether a cookie without `SameSite` is treated as `SameSite=Lax` (when false it
    /// goes on cross-site requests as `SameSite=None` would).
    pub lax_by_default: bool,
    /// Whether a `Partitioned` cookie without `Secure` is refused.
    pub partitioned_cookie_requires_secure: bool,
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
    /// Whether a preflight sent after a redirect carries the referrer as determined for
    /// the request's first URL (when false: as determined for the preflight's URL).
    pub preflight_referrer_from_first_url: bool,
    /// Whether `Cross-Origin-Embedder-Policy: credentialless` is understood (when false it
    /// reads as `unsafe-none`).
    pub coep_credentialless: bool,
    /// Which responses the HTTP cache keeps and how long one without `max-age` or
    /// `Expires` stays fresh: [`StorageRule::KeepAll`] (Chromium: a 308 is kept and fresh
    /// for ever, a 404 with `Last-Modified` is never fresh) or
    /// [`StorageRule::KeepReusable`] (WebKit: a 308 is never kept, a 404 with
    /// `Last-Modified` gets heuristic freshness).
    pub http_cache_storage: StorageRule,
    /// How the HTTP cache answers requests with `Range`: see [`RangeCache`].
    pub http_cache_ranges: RangeCache,
    /// The order in which a preflight's allowed headers are checked against the
    /// request's CORS-unsafe header names: the first refused one is the one the console
    /// names.
    pub preflight_header_check_order: HeaderCheckOrder,
    /// Whether only a `GET` reads the HTTP cache, and the response to any other method
    /// that reaches the network (`HEAD`, a `POST` answered 500, an unknown method) drops
    /// the URL's stored entry (WebKit). When false (Chromium), a `HEAD` reads the cache
    /// as a `GET` does and an unsafe method drops the entry on a success only.
    pub http_cache_serves_get_only: bool,
    /// Whether a stored response whose `Vary` headers differ from the request's is still
    /// revalidated by its `ETag` (Chromium); when false it is a miss (WebKit).
    pub vary_mismatch_validated_by_etag: bool,
    /// Whether a redirect to a URL with credentials is refused before redirect mode
    /// `error` is applied, so that a CORS request fails with the credentials line
    /// (Chromium); when false redirect mode `error` refuses first, silently (WebKit,
    /// Firefox).
    pub redirect_credentials_checked_first: bool,
    /// What the `Authorization` a cross-origin redirect removed still does to the next
    /// hop's CORS decision: see [`DroppedAuthorization`].
    pub dropped_authorization: DroppedAuthorization,
    /// Whether a redirect to an `ftp:` URL is refused as a non-HTTP scheme before a
    /// mode `same-origin` request's check of the target (WebKit: `FTP URLs are
    /// disabled`); when false the same-origin-mode check refuses it first (Chromium).
    pub ftp_redirect_refused_before_mode: bool,
    /// Whether a preflight carries its request's cache-mode headers (`Cache-Control:
    /// max-age=0` under `no-cache`, `Pragma` and `Cache-Control: no-cache` under
    /// `no-store` and `reload`), as Chromium's does; WebKit's carries none.
    pub preflight_carries_cache_mode_headers: bool,
    /// Whether a `default`-mode request with a conditional header of script's goes out
    /// as the spec's `no-store` one says (`Pragma` and `Cache-Control: no-cache`, WebKit
    /// and Firefox; Firefox's preflight carries them too); when false it carries
    /// `Cache-Control: max-age=0` (Chromium).
    pub conditional_request_sent_as_no_store: bool,
    /// Whether script's conditional headers keep the HTTP cache from answering under
    /// `force-cache` and `only-if-cached` too (Chromium, WebKit: sent, or a cache miss);
    /// when false (Firefox) the stored response answers there.
    pub conditional_headers_bypass_forced_cache_modes: bool,
    /// Whether a request with cache mode `only-if-cached` that finds nothing stored goes
    /// to the network as `default` would (when false it is a network error,
    /// `ERR_CACHE_MISS`).
    pub only_if_cached_miss_goes_to_network: bool,
    /// Whether the HTTP cache keeps a `308` without explicit freshness (and serves it for
    /// ever, as a permanent redirect); when false such a response is not stored (Firefox).
    /// Applies on top of [`http_cache_storage`](Self::http_cache_storage).
    pub heuristic_freshness_for_308: bool,
    /// The same for a `301`: whether one without explicit freshness is kept (and served
    /// for ever); when false it is not stored.
    pub heuristic_freshness_for_301: bool,
    /// Whether a redirect whose `Location` is empty hands the redirect response to script
    /// in `follow` mode (when false it is a network error).
    pub empty_location_hands_over_response: bool,
    /// Whether a sandboxed (opaque-origin) page sends `Referer`.
    pub sandboxed_page_sends_referrer: bool,
    /// Whether Local Network Access applies (permission checks for local and loopback
    /// targets, `targetAddressSpace`, and mixed content left to it for private targets).
    pub local_network_access: bool,
    /// Whether Local Network Access denies a page that is not a secure context outright
    /// when it reaches a more private space (Chromium). When false (Firefox 153: its
    /// `network.lna.block_insecure_contexts` is off), such a page is judged by its
    /// permission, as a secure page is.
    pub local_network_denies_insecure_pages: bool,
    /// Every response to a method other than GET, HEAD and OPTIONS (an unknown method
    /// and an error status too) invalidates the stored response for its URL and for the
    /// same-origin URLs its `Location` and `Content-Location` name (Firefox). When false
    /// (Chromium), only a 2xx or 3xx answer to POST, PUT, DELETE or PATCH does, for its
    /// own URL only.
    pub any_unsafe_response_invalidates: bool,
    /// Whether a stored response of a status outside 200, 203, 204, 206, 300, 301, 302,
    /// 304, 307, 308 and 410 is validated before every use, fresh or not (Firefox). When
    /// false (Chromium), a fresh one is served.
    pub http_cache_validates_unlisted_statuses: bool,
    /// Whether a stored response of any 2xx status is revalidated with its validators
    /// (Firefox: a 203, 204 or 299 is; a 302 or a 4xx is not). When false (Chromium), only
    /// a 200 is; another status is fetched again unconditionally.
    pub http_cache_validates_any_status: bool,
    /// Which of script's request `Cache-Control` directives the HTTP cache honours when
    /// it decides whether a stored response is fresh: see [`RequestDirectives`].
    pub http_cache_request_directives: RequestDirectives,
    /// Whether the HTTP cache keeps the responses of requests sent without credentials
    /// apart from those of requests with them (Firefox: a credentialed request never reads
    /// an entry an uncredentialed one stored, and an unsafe method invalidates the
    /// credentialed entries only). When false (Chromium), one entry per URL.
    pub http_cache_keyed_by_credentials: bool,
    /// Whether a response that failed the CORS check stays in the HTTP cache, to be
    /// served (and blocked) from there next time (Firefox). When false (Chromium), the
    /// blocked load's entry is dropped (a redirect's aside). A CORP-blocked one is
    /// dropped in both.
    pub http_cache_keeps_cors_blocked_responses: bool,
    /// Whether HEAD requests have cache entries of their own: a HEAD's response is
    /// stored and serves later HEADs, and never meets a GET's entry (Firefox). When false
    /// (Chromium), a HEAD reads the GET's entry and is never stored.
    pub http_cache_head_has_own_entries: bool,
    /// Whether a 204 with `Last-Modified` and no explicit freshness gets the heuristic
    /// freshness a 200 gets (Firefox). When false (Chromium), it is stale at once.
    pub http_cache_heuristic_freshness_for_204: bool,
    /// Whether an empty `Location` in `follow` mode is a redirect to the current URL
    /// again (Firefox: followed until the redirect limit). When false,
    /// [`empty_location_hands_over_response`](Self::empty_location_hands_over_response)
    /// decides.
    pub empty_location_is_same_url: bool,
}

/// The order of a request's CORS-unsafe header names when a preflight's
/// `Access-Control-Allow-Headers` is checked against them (the first refused is named).
///
/// ```
/// use fetchguard::{HeaderCheckOrder, Profile};
/// assert_eq!(Profile::chromium().preflight_header_check_order, HeaderCheckOrder::BlinkTable);
/// assert_eq!(Profile::firefox().preflight_header_check_order, HeaderCheckOrder::Sorted);
/// let HeaderCheckOrder::KnownNamesFirst(known) = Profile::webkit().preflight_header_check_order
/// else { panic!() };
/// assert!(known.contains(&"authorization"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderCheckOrder {
    /// Sorted by name (the Firefox profile's order until observed).
    Sorted,
    /// In the slot order of Blink's header hash table (Chromium, observed: see
    /// [`crate::cors::chromium_check_order`]). The order depends on the request's whole
    /// header list, so it is computed when the request is built, and `arrange` keeps it.
    BlinkTable,
    /// As script wrote them, except that the names in the list (lower-case) come first
    /// (WebKit keeps headers whose name it knows apart from the others, and walks the
    /// known ones first).
    KnownNamesFirst(&'static [&'static str]),
}

impl HeaderCheckOrder {
    /// `unsafe_names` (lower-case) in this order; `as_written` is the request's header
    /// names in the order script gave them.
    ///
    /// ```
    /// use fetchguard::HeaderCheckOrder;
    /// let names = ["x-a".to_string(), "x-b".to_string(), "authorization".to_string()];
    /// let written = ["X-B".to_string(), "X-A".to_string(), "Authorization".to_string()];
    /// let order = HeaderCheckOrder::KnownNamesFirst(&["authorization"]);
    /// assert_eq!(order.arrange(&names, &written), ["authorization", "x-b", "x-a"]);
    /// assert_eq!(HeaderCheckOrder::Sorted.arrange(&names, &written), names);
    /// ```
    pub fn arrange(self, unsafe_names: &[String], as_written: &[String]) -> Vec<String> {
        let mut names = unsafe_names.to_vec();
        if let HeaderCheckOrder::KnownNamesFirst(known) = self {
            let position = |n: &String| {
                as_written
                    .iter()
                    .position(|w| w.eq_ignore_ascii_case(n))
                    .unwrap_or(usize::MAX)
            };
            names.sort_by_key(|n| (!known.contains(&n.as_str()), position(n)));
        }
        names
    }
}

/// What the `Authorization` header a cross-origin redirect removed still does to the next
/// hop (the request itself goes without it in every engine). Observed: wpt-subset
/// authentication-redirection #3, a same-origin GET with `Authorization` redirected to
/// another origin.
///
/// ```
/// use fetchguard::{DroppedAuthorization, Profile};
/// assert_eq!(Profile::chromium().dropped_authorization, DroppedAuthorization::Forgotten);
/// assert_eq!(Profile::webkit().dropped_authorization, DroppedAuthorization::NamedInPreflight);
/// assert_eq!(Profile::firefox().dropped_authorization, DroppedAuthorization::ForcesPreflight);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DroppedAuthorization {
    /// Nothing: it counts no more (Chromium).
    Forgotten,
    /// The next hop is preflighted for it (`Access-Control-Request-Headers:
    /// authorization`, WebKit).
    NamedInPreflight,
    /// The next hop is preflighted, without naming it (Firefox).
    ForcesPreflight,
}

/// Which of script's request `Cache-Control` directives an engine's HTTP cache honours
/// (beyond `no-cache` and `max-age=0`, which every engine reads as a cache mode).
///
/// ```
/// use fetchguard::{Profile, RequestDirectives};
/// assert_eq!(Profile::chromium().http_cache_request_directives, RequestDirectives::Ignored);
/// assert_eq!(Profile::webkit().http_cache_request_directives, RequestDirectives::MaxStale);
/// assert_eq!(Profile::firefox().http_cache_request_directives, RequestDirectives::All);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestDirectives {
    /// None of them change anything (Chromium).
    Ignored,
    /// `max-stale[=N]` serves a response stale by at most N seconds, or at all (WebKit).
    MaxStale,
    /// `max-age=N`, `min-fresh=N`, `max-stale[=N]` and `no-store` (Firefox).
    All,
}

/// When an engine sends `Sec-Fetch-Storage-Access` on a credentialed cross-site request to
/// a potentially trustworthy URL.
///
/// ```
/// use fetchguard::{Profile, StorageAccessHeader};
/// assert_eq!(Profile::chromium().storage_access_header, StorageAccessHeader::ActiveOrNone);
/// assert_eq!(Profile::firefox().storage_access_header, StorageAccessHeader::NoneWhilePartitioned);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageAccessHeader {
    /// On the request (not its preflight): `none` when third-party cookies are blocked,
    /// `active` otherwise (Chromium).
    ActiveOrNone,
    /// `none` on the request and on its preflight, only while third-party cookies are
    /// [partitioned](crate::ThirdPartyCookies::Partitioned); never under allow or block
    /// (Firefox).
    NoneWhilePartitioned,
    /// Never (WebKit).
    Never,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Each behaviour field where Firefox 153 was observed to differ from Chromium 156
    /// (issue 17); the two-profile tests in tests/firefox_profile.rs show each on the wire.
    #[test]
    fn firefox_differs_from_chromium_where_observed() {
        let (c, f) = (Profile::chromium(), Profile::firefox());
        assert_eq!(c.third_party_cookies, ThirdPartyCookies::Block);
        assert_eq!(f.third_party_cookies, ThirdPartyCookies::Partitioned);
        assert!(c.request_headers.is_empty());
        assert_eq!(f.request_headers, [("priority".into(), "u=4".into())]);
        assert_eq!(
            c.http2_request_headers,
            [("priority".into(), "u=1, i".into())]
        );
        assert_eq!(f.http2_request_headers, [("te".into(), "trailers".into())]);
        assert_eq!(
            f.http2_response_headers,
            [("x-firefox-spdy".into(), "h2".into())]
        );
        for (chromium, firefox) in [
            (
                c.sec_fetch_mode_on_every_preflight,
                f.sec_fetch_mode_on_every_preflight,
            ),
            (
                c.preflight_cache_wildcards_match,
                f.preflight_cache_wildcards_match,
            ),
            (
                c.tainted_preflight_origin_is_null,
                f.tainted_preflight_origin_is_null,
            ),
            (
                c.relaxed_referrer_policies_cross_site,
                f.relaxed_referrer_policies_cross_site,
            ),
            (
                c.target_address_space_supported,
                f.target_address_space_supported,
            ),
            (c.lax_by_default, f.lax_by_default),
            (
                c.mixed_content_left_to_local_network_access,
                f.mixed_content_left_to_local_network_access,
            ),
            (
                c.credentialless_requests_bypass_caches,
                f.credentialless_requests_bypass_caches,
            ),
        ] {
            assert!(chromium && !firefox);
        }
        assert!(!c.data_url_content_length && f.data_url_content_length);
        assert!(
            !c.origin_header_follows_referrer_policy && f.origin_header_follows_referrer_policy
        );
        assert!(!c.cookie_overwrite_keeps_creation_time && f.cookie_overwrite_keeps_creation_time);
        assert_eq!(c.storage_access_header, StorageAccessHeader::ActiveOrNone);
        assert_eq!(
            f.storage_access_header,
            StorageAccessHeader::NoneWhilePartitioned
        );
        // WebKit, observed (tests/webkit_profile.rs shows each on the wire): a cached `*`
        // serves later requests as in Chromium; Sec-Fetch-Storage-Access never.
        let w = Profile::webkit();
        assert_eq!(
            w.preflight_cache_wildcards_match,
            c.preflight_cache_wildcards_match
        );
        assert_eq!(w.storage_access_header, StorageAccessHeader::Never);
    }
}
