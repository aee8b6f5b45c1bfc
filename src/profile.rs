//! The browser profile: which browser and release the engine imitates, with the values
//! that differ between releases (user agent, default headers, caps, third-party cookies).

/// A browser profile. The default is Chromium 156, the behaviour every expectation in
/// this project is verified against.
///
/// ```
/// use fetchguard::Profile;
/// let p = Profile::chromium();
/// assert!(p.user_agent.contains("Chrome/156"));
/// assert!(p.block_third_party_cookies);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The profile's name, e.g. `chromium-156`.
    pub name: String,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// The `Accept-Language` header value.
    pub accept_language: String,
    /// The low-entropy client hints (`sec-ch-ua*`), sent only to potentially trustworthy
    /// URLs, as Chromium does.
    pub client_hints: Vec<(String, String)>,
    /// Whether third-party cookies are blocked by default (a fresh Chromium profile
    /// blocks them).
    pub block_third_party_cookies: bool,
    /// At most this many redirects are followed.
    pub redirect_limit: usize,
}

impl Profile {
    /// Chromium 156 (Linux), as Debian's package runs it.
    pub fn chromium() -> Self {
        Profile {
            name: "chromium-156".to_string(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36".to_string(),
            accept_language: "en-US,en;q=0.9".to_string(),
            client_hints: vec![
                ("sec-ch-ua".to_string(), "\"Not:A-Brand\";v=\"8\", \"Chromium\";v=\"156\"".to_string()),
                ("sec-ch-ua-mobile".to_string(), "?0".to_string()),
                ("sec-ch-ua-platform".to_string(), "\"Linux\"".to_string()),
            ],
            block_third_party_cookies: true,
            redirect_limit: 20,
        }
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::chromium()
    }
}
