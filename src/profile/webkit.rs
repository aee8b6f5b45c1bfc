//! WebKitGTK 2.50.6 (Linux), as Debian's package runs it. Every value here was observed
//! with `fetchguard verify --browser webkit` (docs/firefox-webkit-observations.md).
//!
//! Safari shares WebCore with it: the fetch and CORS logic (the CORS checks, the console
//! wording, credentials judged at the start, the preflight cache, `Origin` and `Referer`
//! decisions, mixed content). Safari does not share its network stack: WebKitGTK sends
//! through libsoup (headers such as `Accept-Encoding`, the cookie jar and its
//! public-suffix rule), Safari through CFNetwork; nor Intelligent Tracking Prevention,
//! which Safari adds on top of its cookie policy.

use super::{
    DroppedAuthorization, Engine, HeaderCheckOrder, Profile, RangeCache, RequestDirectives,
    StorageAccessHeader, StorageRule,
};
use crate::cookies::ThirdPartyCookies;

impl Profile {
    /// WebKitGTK 2.50.6 (Linux), observed in the real engine.
    ///
    /// What Safari shares with this profile is WebCore's fetch and CORS logic; what it
    /// does not is the network stack (libsoup here, CFNetwork in Safari: `Accept-Encoding`,
    /// the cookie jar) and Intelligent Tracking Prevention (Safari blocks third-party
    /// cookies outright and partitions storage; WebKitGTK's default policy, modelled
    /// here, refuses new third-party cookies but sends stored ones).
    ///
    /// ```
    /// use fetchguard::{Engine, Profile, ThirdPartyCookies};
    /// let p = Profile::webkit();
    /// assert_eq!(p.engine, Engine::Webkit);
    /// assert!(p.client_hints.is_empty());
    /// assert_eq!(p.third_party_cookies, ThirdPartyCookies::BlockNew);
    /// assert_eq!(p.accept_encoding_secure, "gzip, deflate, br");
    /// assert!(p.credentials_judged_at_start);
    /// ```
    pub fn webkit() -> Self {
        Profile {
            engine: Engine::Webkit,
            name: "webkitgtk-2.50".to_string(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15".to_string(),
            // The languages `en-US, en`, as WebKitGTK serializes them (two decimals).
            accept_language: "en-US,en;q=0.90".to_string(),
            client_hints: Vec::new(),
            // WebKitGTK's default cookie policy "no third party".
            third_party_cookies: ThirdPartyCookies::BlockNew,
            redirect_limit: 20,
            // libsoup offers brotli over TLS only, never zstd.
            accept_encoding_secure: "gzip, deflate, br".to_string(),
            accept_encoding_insecure: "gzip, deflate".to_string(),
            loopback_http_is_trustworthy: false,
            fetch_metadata_after_cross_origin_redirect: false,
            lax_by_default: false,
            // Observed: `p=1; Partitioned` (no Secure) is stored and sent like any cookie.
            partitioned_cookie_requires_secure: false,
            cookie_overwrite_keeps_creation_time: true,
            unlisted_suffix_never_same_site: true,
            credentials_judged_at_start: true,
            cached_wildcard_covers_authorization: true,
            origin_kept_after_redirect_to_get: true,
            sandboxed_page_sends_referrer: true,
            empty_location_hands_over_response: false,
            // Observed (examples/http-cache-heuristic #4, examples/http-cache-kept-statuses):
            // a 404 or a `must-revalidate` 200 with an
            // old `Last-Modified` is answered from the cache; a 308 (even with `max-age`), a
            // 302 with `Last-Modified` only, and a 404, 300 or 200 without caching headers
            // are not kept (`force-cache` fetches them again).
            // Observed: wpt-subset/fetch/http-cache/partial.toml.
            http_cache_ranges: RangeCache::SameRangeOnly,
            http_cache_storage: StorageRule::KeepReusable,
            // Observed (examples/http-cache-modes #8): `only-if-cached` with nothing stored is
            // sent to the server.
            only_if_cached_miss_goes_to_network: true,
            // Observed: examples/http-cache-head*.toml, wpt-subset fetch/http-cache/invalidate,
            // request-cache-force-cache (`Vary: *`), fetch/http-cache/cc-request (`max-stale`).
            http_cache_serves_get_only: true,
            vary_mismatch_validated_by_etag: false,
            // Observed: examples/generated/refused-header-order.toml.
            preflight_header_check_order: HeaderCheckOrder::KnownNamesFirst(
                WEBKIT_KNOWN_HEADER_NAMES,
            ),
            // Observed: examples/generated/conditional-request-validates.toml and
            // wpt-subset request-cache-default-conditional.
            preflight_carries_cache_mode_headers: false,
            // Observed: examples/generated/conditional-cache-modes.toml.
            conditional_headers_bypass_forced_cache_modes: true,
            conditional_request_sent_as_no_store: true,
            // Observed: examples/generated/same-origin-mode-redirect-ftp.toml #1.
            ftp_redirect_refused_before_mode: true,
            // Observed: wpt-subset authentication-redirection #3.
            dropped_authorization: DroppedAuthorization::NamedInPreflight,
            // Observed: examples/generated/seed13-00053.toml.
            redirect_credentials_checked_first: false,
            heuristic_freshness_for_308: false,
            heuristic_freshness_for_301: true,
            coep_credentialless: false,
            preflight_referrer_from_first_url: true,
            local_network_access: false,
            local_network_denies_insecure_pages: true,
            any_unsafe_response_invalidates: false,
            http_cache_validates_unlisted_statuses: false,
            http_cache_validates_any_status: false,
            http_cache_request_directives: RequestDirectives::MaxStale,
            http_cache_keyed_by_credentials: false,
            http_cache_keeps_cors_blocked_responses: false,
            http_cache_head_has_own_entries: false,
            http_cache_heuristic_freshness_for_204: false,
            empty_location_is_same_url: false,
            origin_header_follows_referrer_policy: true,
            // libsoup speaks HTTP/1.1 here: no `Priority`, nothing HTTP/2-only.
            request_headers: Vec::new(),
            http2_request_headers: Vec::new(),
            http2_response_headers: Vec::new(),
            // Observed: no `Sec-Fetch-Mode` on a plain-http preflight.
            sec_fetch_mode_on_every_preflight: false,
            // Observed: a cached `*` serves later requests (and covers Authorization).
            preflight_cache_wildcards_match: true,
            // Observed: an invalid `targetAddressSpace` is ignored; no Local Network
            // Access, so private targets are plain mixed content.
            target_address_space_supported: false,
            mixed_content_left_to_local_network_access: false,
            // COEP credentialless is not understood (`coep_credentialless` is false).
            credentialless_requests_bypass_caches: false,
            // Observed: never sent.
            storage_access_header: StorageAccessHeader::Never,
            // PENDING(issue 18): Chromium's values until observed in WebKitGTK.
            tainted_preflight_origin_is_null: true,
            relaxed_referrer_policies_cross_site: true,
            data_url_content_length: false,
        }
    }
}

/// The header names WebKit knows (WebCore's `HTTPHeaderName` list), lower-case. A
/// request's headers with these names are kept apart from the others and come first when
/// a preflight's allowed headers are checked (observed:
/// examples/generated/refused-header-order.toml: `Authorization` is named before `X-Custom`
/// whatever the order script wrote them in; other names in script's order).
pub const WEBKIT_KNOWN_HEADER_NAMES: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-language",
    "accept-encoding",
    "accept-ranges",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-request-headers",
    "access-control-request-method",
    "age",
    "authorization",
    "cache-control",
    "clear-site-data",
    "connection",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-security-policy",
    "content-security-policy-report-only",
    "content-type",
    "content-range",
    "cookie",
    "cookie2",
    "cross-origin-embedder-policy",
    "cross-origin-embedder-policy-report-only",
    "cross-origin-opener-policy",
    "cross-origin-opener-policy-report-only",
    "cross-origin-resource-policy",
    "date",
    "dnt",
    "default-style",
    "etag",
    "expect",
    "expires",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "keep-alive",
    "last-event-id",
    "last-modified",
    "link",
    "location",
    "origin",
    "ping-from",
    "ping-to",
    "purpose",
    "pragma",
    "proxy-authorization",
    "range",
    "referer",
    "referrer-policy",
    "refresh",
    "report-to",
    "reporting-endpoints",
    "sec-fetch-dest",
    "sec-fetch-mode",
    "sec-fetch-site",
    "sec-websocket-accept",
    "sec-websocket-extensions",
    "sec-websocket-key",
    "sec-websocket-protocol",
    "sec-websocket-version",
    "server-timing",
    "service-worker",
    "service-worker-allowed",
    "service-worker-navigation-preload",
    "set-cookie",
    "set-cookie2",
    "sourcemap",
    "te",
    "timing-allow-origin",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "upgrade-insecure-requests",
    "user-agent",
    "vary",
    "via",
    "x-content-type-options",
    "x-dns-prefetch-control",
    "x-frame-options",
    "x-sourcemap",
    "x-xss-protection",
    "x-temp-tablet",
    "icy-metaint",
    "icy-metadata",
    "icy-name",
    "icy-title",
    "icy-url",
    "icy-genre",
];
