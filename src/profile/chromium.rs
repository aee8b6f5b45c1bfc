//! Chromium 156 (Linux), as Debian's package runs it headless.

use super::{
    DroppedAuthorization, Engine, HeaderCheckOrder, Profile, RangeCache, RequestDirectives,
    StorageAccessHeader, StorageRule,
};
use crate::cookies::ThirdPartyCookies;

impl Profile {
    /// Chromium 156 (Linux), as Debian's package runs it.
    ///
    /// ```
    /// use fetchguard::{Profile, ThirdPartyCookies};
    /// let p = Profile::chromium();
    /// assert_eq!(p.third_party_cookies, ThirdPartyCookies::Block);
    /// assert_eq!(p.redirect_limit, 20);
    /// ```
    pub fn chromium() -> Self {
        Profile {
            engine: Engine::Chromium,
            name: "chromium-156".to_string(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36".to_string(),
            accept_language: "en-US,en;q=0.9".to_string(),
            client_hints: vec![
                ("sec-ch-ua".to_string(), "\"Not:A-Brand\";v=\"8\", \"Chromium\";v=\"156\"".to_string()),
                ("sec-ch-ua-mobile".to_string(), "?0".to_string()),
                ("sec-ch-ua-platform".to_string(), "\"Linux\"".to_string()),
            ],
            third_party_cookies: ThirdPartyCookies::Block,
            redirect_limit: 20,
            request_headers: Vec::new(),
            // Observed over HTTP/2 (examples/bodiless-content-length.toml); nothing over
            // HTTP/1.1.
            http2_request_headers: vec![("priority".to_string(), "u=1, i".to_string())],
            http2_response_headers: Vec::new(),
            // Observed: wpt-subset cors-preflight-*, plain http.
            sec_fetch_mode_on_every_preflight: true,
            // Observed (docs/chromium-observations.md case 8 and the preflight-cache
            // examples): a cached `*` serves later requests.
            preflight_cache_wildcards_match: true,
            tainted_preflight_origin_is_null: true,
            relaxed_referrer_policies_cross_site: true,
            data_url_content_length: false,
            target_address_space_supported: true,
            mixed_content_left_to_local_network_access: true,
            credentialless_requests_bypass_caches: true,
            // Observed: examples/origin-header-no-cors-*.toml.
            origin_header_follows_referrer_policy: false,
            storage_access_header: StorageAccessHeader::ActiveOrNone,
            // Observed: examples/cookie-order-and-partitioned*.toml.
            cookie_overwrite_keeps_creation_time: false,
            accept_encoding_secure: "gzip, deflate, br, zstd".to_string(),
            accept_encoding_insecure: "gzip, deflate".to_string(),
            loopback_http_is_trustworthy: true,
            fetch_metadata_after_cross_origin_redirect: true,
            lax_by_default: true,
            partitioned_cookie_requires_secure: true,
            unlisted_suffix_never_same_site: false,
            credentials_judged_at_start: false,
            cached_wildcard_covers_authorization: false,
            origin_kept_after_redirect_to_get: false,
            sandboxed_page_sends_referrer: false,
            empty_location_hands_over_response: true,
            // Observed: wpt-subset/fetch/http-cache/partial.toml.
            http_cache_ranges: RangeCache::SliceFromComplete,
            http_cache_storage: StorageRule::KeepAll,
            only_if_cached_miss_goes_to_network: false,
            http_cache_serves_get_only: false,
            vary_mismatch_validated_by_etag: true,
            // Observed: examples/generated/refused-header-order*.toml (src/cors/header_order.rs).
            preflight_header_check_order: HeaderCheckOrder::BlinkTable,
            preflight_carries_cache_mode_headers: true,
            ftp_redirect_refused_before_mode: false,
            dropped_authorization: DroppedAuthorization::Forgotten,
            redirect_credentials_checked_first: true,
            // Observed: examples/generated/conditional-cache-modes.toml.
            conditional_headers_bypass_forced_cache_modes: true,
            conditional_request_sent_as_no_store: false,
            heuristic_freshness_for_308: true,
            heuristic_freshness_for_301: true,
            coep_credentialless: true,
            preflight_referrer_from_first_url: false,
            local_network_access: true,
            local_network_denies_insecure_pages: true,
            any_unsafe_response_invalidates: false,
            http_cache_validates_unlisted_statuses: false,
            http_cache_validates_any_status: false,
            http_cache_request_directives: RequestDirectives::Ignored,
            http_cache_keyed_by_credentials: false,
            http_cache_keeps_cors_blocked_responses: false,
            http_cache_head_has_own_entries: false,
            http_cache_heuristic_freshness_for_204: false,
            empty_location_is_same_url: false,
        }
    }
}
