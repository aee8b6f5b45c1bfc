//! Firefox 153 ESR (Linux), as Debian's `firefox-esr` runs it headless with a fresh
//! profile.

use super::{
    DroppedAuthorization, Engine, HeaderCheckOrder, Profile, RangeCache, RequestDirectives,
    StorageAccessHeader, StorageRule,
};
use crate::cookies::ThirdPartyCookies;

impl Profile {
    /// Firefox 153 ESR (Linux).
    ///
    /// ```
    /// use fetchguard::{Engine, Profile};
    /// let p = Profile::firefox();
    /// assert_eq!(p.engine, Engine::Firefox);
    /// assert!(p.user_agent.contains("Firefox/153.0"));
    /// assert!(p.client_hints.is_empty());
    /// ```
    pub fn firefox() -> Self {
        Profile {
            engine: Engine::Firefox,
            name: "firefox-153".to_string(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0"
                .to_string(),
            accept_language: "en-US,en;q=0.9".to_string(),
            client_hints: Vec::new(),
            // Total Cookie Protection: `network.cookie.cookieBehavior` 5 in a fresh profile.
            third_party_cookies: ThirdPartyCookies::Partitioned,
            redirect_limit: 20,
            // Observed (issue 17, fact 11): on every request, preflights and HTTP/1.1
            // included; over HTTP/2 also `te: trailers`.
            request_headers: vec![("priority".to_string(), "u=4".to_string())],
            http2_request_headers: vec![("te".to_string(), "trailers".to_string())],
            http2_response_headers: vec![("x-firefox-spdy".to_string(), "h2".to_string())],
            // Observed: a preflight to a plain-http origin carries no `sec-fetch-*`.
            sec_fetch_mode_on_every_preflight: false,
            // Each observed in Firefox 153.8.0esr (issue 17, facts 5, 6, 7, 10): a `*`
            // preflight is sent again for the next request; the preflight after a
            // cross-origin redirect carries (and is checked against) the page's origin;
            // `unsafe-url` and `no-referrer-when-downgrade` send the origin only
            // cross-site (full URL same-site); `data:` responses show `content-length`.
            preflight_cache_wildcards_match: false,
            tainted_preflight_origin_is_null: false,
            relaxed_referrer_policies_cross_site: false,
            data_url_content_length: true,
            // Observed: `targetAddressSpace: "bogus"` is not a TypeError; the fetch runs.
            target_address_space_supported: false,
            // Observed: examples/intranet-router.toml (192.168.1.1 and printer.local are
            // "Blocked loading mixed active content").
            mixed_content_left_to_local_network_access: false,
            // Observed: wpt-subset credentialless-fetch and credentialless-cookies.
            credentialless_requests_bypass_caches: false,
            // Observed: examples/origin-header-no-cors-*.toml (no-referrer; same-origin
            // to another origin).
            origin_header_follows_referrer_policy: true,
            // Issue 17, facts 8 and 9 (observed: the preflight and the request of a
            // credentialed cross-site fetch say `none` under the default; nothing under
            // allow or block).
            lax_by_default: false,
            storage_access_header: StorageAccessHeader::NoneWhilePartitioned,
            // Observed: examples/cookie-order-and-partitioned*.toml (`a=2; b=1`).
            cookie_overwrite_keeps_creation_time: true,
            // Issue 17: Accept-Encoding equals Chromium's; `network.proxy.
            // allow_hijacking_localhost` keeps http://localhost trustworthy.
            accept_encoding_secure: "gzip, deflate, br, zstd".to_string(),
            accept_encoding_insecure: "gzip, deflate".to_string(),
            loopback_http_is_trustworthy: true,
            // Observed (redirect-empty-location): no response for script; see
            // `empty_location_is_same_url`.
            empty_location_hands_over_response: false,
            // Each observed in Firefox 153.8.0esr (`verify --browser firefox`, probe
            // scenarios that tell the engines apart) to be as in Chromium:
            // `Sec-Fetch-*` on a CORS hop after a redirect from another https origin
            // (examples/redirect-taints-origin; a probe `app → other`); a `Partitioned`
            // cookie without `Secure` refused, with a console line
            // (cookie-order-and-partitioned); from an `app.example` page,
            // `api.app.example`'s cookie stored and sent back (a credentialed probe);
            // a no-cors request starting same-origin sends no cookie to the origin it is
            // redirected to (a probe, third-party cookies allowed); a cached `ACAH: *`
            // does not cover `Authorization` (a new preflight is sent); a same-origin POST
            // redirected (302) to GET and a no-cors POST redirected (303) to another
            // origin send no `Origin` there; a sandboxed page sends no `Referer`
            // (sandboxed-null-origin, wpt-subset sandboxed-iframe); COEP credentialless is
            // understood (wpt-subset credentialless-*); a preflight after a redirect
            // carries the referrer determined for its own URL (wpt-subset
            // cors-redirect-preflight-*).
            fetch_metadata_after_cross_origin_redirect: true,
            partitioned_cookie_requires_secure: true,
            unlisted_suffix_never_same_site: false,
            credentials_judged_at_start: false,
            cached_wildcard_covers_authorization: false,
            origin_kept_after_redirect_to_get: false,
            sandboxed_page_sends_referrer: false,
            // PENDING(issue 17): Chromium's values until observed in Firefox (Firefox's
            // own cache rules are the fields below; these are WebKit's).
            http_cache_storage: StorageRule::KeepAll,
            only_if_cached_miss_goes_to_network: false,
            http_cache_serves_get_only: false,
            vary_mismatch_validated_by_etag: true,
            preflight_header_check_order: HeaderCheckOrder::Sorted,
            preflight_carries_cache_mode_headers: true,
            ftp_redirect_refused_before_mode: false,
            // Observed: wpt-subset authentication-redirection #3 (a same-origin GET with
            // Authorization redirected to another origin: a preflight, then the GET
            // without Authorization).
            dropped_authorization: DroppedAuthorization::ForcesPreflight,
            coep_credentialless: true,
            preflight_referrer_from_first_url: false,
            // Firefox 153 gates a public page's requests to local and loopback
            // addresses, by permission (observed directly, without a proxy: a loopback
            // listener classified with `network.lna.address_space.*.override`). The
            // oracle cannot show it: Firefox never applies Local Network Access to a
            // request that goes through a proxy (observed with an HTTP and a SOCKS
            // proxy), and every request of the oracle does.
            local_network_access: true,
            // Observed (a public http page reaching a loopback listener, direct, with
            // `network.lna.address_space.public.override`): Firefox asks for the
            // permission ("Secure context: False" in its info line) and obeys it.
            local_network_denies_insecure_pages: false,
            // Observed: wpt-subset request-cache-default-conditional and
            // examples/generated/conditional-request-validates (the preflight too).
            // Observed: examples/generated/conditional-cache-modes.toml.
            // Observed: wpt-subset/fetch/http-cache/partial.toml.
            http_cache_ranges: RangeCache::NetworkOnly,
            conditional_headers_bypass_forced_cache_modes: false,
            conditional_request_sent_as_no_store: true,
            // Observed: wpt-subset fetch/http-cache/invalidate (POST answered 500, the
            // method FOO, and the Location and Content-Location targets all refetched).
            any_unsafe_response_invalidates: true,
            // Observed: wpt-subset fetch/http-cache/status and heuristic: 4xx and 5xx
            // (410 too) fetched again without validators, fresh or stale, though stored
            // (examples/generated/seed23-00061: `force-cache` serves a 404); a 299, 201 or
            // 202 sent again with `If-Modified-Since` even when fresh; a stale 203 or 204
            // revalidated with `If-Modified-Since`.
            http_cache_validates_unlisted_statuses: true,
            http_cache_validates_any_status: true,
            // Observed: wpt-subset fetch/http-cache/cc-request (max-age, max-stale and
            // min-fresh, pre-aged or not, and no-store).
            http_cache_request_directives: RequestDirectives::All,
            // Observed: examples/http-cache-cors-recheck (#2: the `include` fetch goes to
            // the network, #5: the entry of the `omit` fetches outlives a POST).
            http_cache_keyed_by_credentials: true,
            // Observed: examples/http-cache-blocked-not-kept #2-#4 (the second fetch of a
            // response without ACAO sends nothing; #7-#8, CORP-blocked, are sent again)
            // and examples/generated/blocked-response-not-cached.
            http_cache_keeps_cors_blocked_responses: true,
            // Observed: examples/http-cache-head (a second HEAD sends nothing, a HEAD after
            // a GET is sent) and http-cache-head-revalidation (no validators on a HEAD; a
            // GET after a HEAD served from the GET's entry).
            http_cache_head_has_own_entries: true,
            // Observed: wpt-subset http-cache/heuristic #10 (heuristic-5, a 204 with
            // `Last-Modified` from 2000, served from the cache).
            http_cache_heuristic_freshness_for_204: true,
            // Observed: examples/generated/seed13-00053 (no line).
            redirect_credentials_checked_first: false,
            // Observed: wpt-subset redirect-empty-location (the URL requested 21 times).
            empty_location_is_same_url: true,
            // Observed: wpt-subset redirect-location-1 and -2 (each 301 and 308 without
            // max-age or Expires fetched again; a 302 or 307 alike in every engine) and
            // examples/http-cache-heuristic #6.
            heuristic_freshness_for_301: false,
            heuristic_freshness_for_308: false,
        }
    }
}
