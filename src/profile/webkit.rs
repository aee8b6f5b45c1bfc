//! WebKitGTK 2.50 (Linux), as Debian's package runs it. Safari shares WebCore's fetch and
//! CORS logic with it, not its network stack (libsoup here, CFNetwork there) nor
//! Intelligent Tracking Prevention.

use super::{Engine, Profile, StorageAccessHeader};
use crate::cookies::ThirdPartyCookies;

impl Profile {
    /// WebKitGTK 2.50 (Linux).
    ///
    /// ```
    /// use fetchguard::{Engine, Profile};
    /// let p = Profile::webkit();
    /// assert_eq!(p.engine, Engine::Webkit);
    /// assert!(p.client_hints.is_empty());
    /// ```
    pub fn webkit() -> Self {
        Profile {
            engine: Engine::Webkit,
            name: "webkitgtk-2.50".to_string(),
            // PENDING(issue 18): the exact User-Agent WebKitGTK 2.50.6 sends, observed.
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15".to_string(),
            accept_language: "en-US,en;q=0.90".to_string(),
            client_hints: Vec::new(),
            // PENDING(issue 18): WebKit's "no third party" policy refuses new third-party
            // cookies but sends stored ones; modelled as Block until that variant lands.
            third_party_cookies: ThirdPartyCookies::Block,
            redirect_limit: 20,
            // PENDING(issue 18): Chromium's values; observed differences (no `priority`
            // at all, HTTP/1.1 only through the oracle's proxy) not yet modelled.
            request_headers: Vec::new(),
            http2_request_headers: vec![("priority".to_string(), "u=1, i".to_string())],
            http2_response_headers: Vec::new(),
            sec_fetch_mode_on_every_preflight: true,
            // PENDING(issue 18): Chromium's values until observed in WebKitGTK.
            preflight_cache_wildcards_match: true,
            tainted_preflight_origin_is_null: true,
            relaxed_referrer_policies_cross_site: true,
            data_url_content_length: false,
            target_address_space_supported: true,
            mixed_content_left_to_local_network_access: true,
            credentialless_requests_bypass_caches: true,
            // PENDING(issue 18): observed `null` as Firefox; not yet set here.
            origin_header_follows_referrer_policy: false,
            no_samesite_is_lax: true,
            // Observed: WebKit never sends it (docs/firefox-webkit-observations.md); no
            // rule for that yet.
            storage_access_header: StorageAccessHeader::ActiveOrNone,
            // PENDING(issue 18): observed as Firefox (`a=2; b=1`), not yet set here.
            cookie_overwrite_keeps_creation_time: false,
        }
    }
}
