//! Firefox 153 ESR (Linux), as Debian's `firefox-esr` runs it headless with a fresh
//! profile.

use super::{Engine, Profile};
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
            // PENDING(issue 17): Total Cookie Protection (a jar partitioned by top-level
            // site) is Firefox's default; modelled as Block until the partitioned jar lands.
            third_party_cookies: ThirdPartyCookies::Block,
            redirect_limit: 20,
            // PENDING(issue 17): every field below is Chromium's value until observed in
            // Firefox.
            ..Profile::chromium()
        }
    }
}
