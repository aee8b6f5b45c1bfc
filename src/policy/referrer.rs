//! Referrer policy (<https://w3c.github.io/webappsec-referrer-policy/>): the policy tokens,
//! the `Referrer-Policy` header, stripping a URL for use as a referrer, and the `Referer`
//! value a request carries.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// The longest referrer sent in full, in bytes; a longer one is cut to its origin.
pub const MAX_REFERRER_LEN: usize = 4096;

/// A referrer policy.
///
/// <https://w3c.github.io/webappsec-referrer-policy/#referrer-policies>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ReferrerPolicy {
    /// `no-referrer`: never send a referrer.
    NoReferrer,
    /// `no-referrer-when-downgrade`: the full URL, except from a TLS page to a non-TLS one.
    NoReferrerWhenDowngrade,
    /// `same-origin`: the full URL to the same origin, nothing cross-origin.
    SameOrigin,
    /// `origin`: always only the origin.
    Origin,
    /// `strict-origin`: the origin, except on a downgrade.
    StrictOrigin,
    /// `origin-when-cross-origin`: the full URL same-origin, the origin cross-origin.
    OriginWhenCrossOrigin,
    /// `strict-origin-when-cross-origin`: the full URL same-origin, the origin cross-origin,
    /// nothing on a downgrade. Chromium's default.
    #[default]
    StrictOriginWhenCrossOrigin,
    /// `unsafe-url`: always the full URL.
    UnsafeUrl,
}

/// Every policy, in the order the spec lists the tokens.
const ALL: [ReferrerPolicy; 8] = [
    ReferrerPolicy::NoReferrer,
    ReferrerPolicy::NoReferrerWhenDowngrade,
    ReferrerPolicy::SameOrigin,
    ReferrerPolicy::Origin,
    ReferrerPolicy::StrictOrigin,
    ReferrerPolicy::OriginWhenCrossOrigin,
    ReferrerPolicy::StrictOriginWhenCrossOrigin,
    ReferrerPolicy::UnsafeUrl,
];

impl ReferrerPolicy {
    /// The policy's token, e.g. `strict-origin-when-cross-origin`.
    ///
    /// ```
    /// use fetchguard::policy::referrer::ReferrerPolicy;
    /// assert_eq!(ReferrerPolicy::default().as_str(), "strict-origin-when-cross-origin");
    /// assert_eq!(ReferrerPolicy::UnsafeUrl.as_str(), "unsafe-url");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ReferrerPolicy::NoReferrer => "no-referrer",
            ReferrerPolicy::NoReferrerWhenDowngrade => "no-referrer-when-downgrade",
            ReferrerPolicy::SameOrigin => "same-origin",
            ReferrerPolicy::Origin => "origin",
            ReferrerPolicy::StrictOrigin => "strict-origin",
            ReferrerPolicy::OriginWhenCrossOrigin => "origin-when-cross-origin",
            ReferrerPolicy::StrictOriginWhenCrossOrigin => "strict-origin-when-cross-origin",
            ReferrerPolicy::UnsafeUrl => "unsafe-url",
        }
    }
}

impl fmt::Display for ReferrerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a string that is not a referrer-policy token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownReferrerPolicy(pub String);

impl fmt::Display for UnknownReferrerPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown referrer policy {:?}", self.0)
    }
}

impl std::error::Error for UnknownReferrerPolicy {}

impl FromStr for ReferrerPolicy {
    type Err = UnknownReferrerPolicy;

    /// Parses an exact, lower-case token. The empty string (the spec's "no policy") is not a
    /// policy and is an error too.
    ///
    /// ```
    /// use fetchguard::policy::referrer::ReferrerPolicy;
    /// assert_eq!("origin".parse::<ReferrerPolicy>(), Ok(ReferrerPolicy::Origin));
    /// assert!("Origin".parse::<ReferrerPolicy>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ALL.iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownReferrerPolicy(s.to_string()))
    }
}

/// Parses a `Referrer-Policy` header value: a comma list whose LAST recognised token wins;
/// unknown tokens (and the empty string) are skipped. Tokens are trimmed of HTTP tab or space
/// and compared exactly (lower-case). `None` when no token is recognised.
///
/// <https://w3c.github.io/webappsec-referrer-policy/#parse-referrer-policy-from-header>
///
/// ```
/// use fetchguard::policy::referrer::{parse_referrer_policy_header, ReferrerPolicy};
/// assert_eq!(
///     parse_referrer_policy_header(b"no-referrer, strict-origin, bogus"),
///     Some(ReferrerPolicy::StrictOrigin)
/// );
/// assert_eq!(parse_referrer_policy_header(b"bogus"), None);
/// ```
pub fn parse_referrer_policy_header(value: &[u8]) -> Option<ReferrerPolicy> {
    // Walk from the end: the first recognised token found is the last one in the list.
    crate::headers::split_comma_list(value)
        .iter()
        .rev()
        .filter_map(|token| std::str::from_utf8(token).ok())
        .find_map(|token| token.parse::<ReferrerPolicy>().ok())
}

/// Strips a URL for use as a referrer: `None` (no referrer) for URLs whose scheme is local
/// (`about`, `blob`, `data`) or otherwise not HTTP(S); removes the username, password and
/// fragment; with `origin_only` also the path (set to `/`) and the query.
///
/// <https://w3c.github.io/webappsec-referrer-policy/#strip-url>
///
/// CHROMIUM: only `http`/`https` referrers are sent (the spec would also keep e.g. `file:`
/// or `ws:` URLs; UNVERIFIED against Blink's SecurityPolicy::GenerateReferrer source, which
/// also admits embedder-registered schemes this crate does not model); and a stripped full
/// URL longer than 4096 bytes is cut to origin-only (the spec's "determine request's
/// referrer" has the same 4096 rule; Chromium's own constant was not located in source).
///
/// ```
/// use fetchguard::policy::referrer::strip_url_for_use_as_referrer;
/// use url::Url;
/// let u = Url::parse("https://user:pw@a.example/p?q=1#frag").unwrap();
/// assert_eq!(
///     strip_url_for_use_as_referrer(&u, false).map(String::from),
///     Some("https://a.example/p?q=1".to_string())
/// );
/// assert_eq!(
///     strip_url_for_use_as_referrer(&u, true).map(String::from),
///     Some("https://a.example/".to_string())
/// );
/// assert_eq!(strip_url_for_use_as_referrer(&Url::parse("data:,x").unwrap(), false), None);
/// ```
pub fn strip_url_for_use_as_referrer(url: &Url, origin_only: bool) -> Option<Url> {
    // Local schemes (about, blob, data) give no referrer per spec.
    // CHROMIUM (UNVERIFIED): other non-HTTP(S) sources give none either.
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let mut stripped = url.clone();
    // Clearing userinfo cannot fail on a URL with a host, which every http(s) URL has;
    // should it ever fail, sending no referrer is the safe answer. (Each setter
    // re-serializes the URL: skipped when there is nothing to clear.)
    if !stripped.username().is_empty() {
        stripped.set_username("").ok()?;
    }
    if stripped.password().is_some() {
        stripped.set_password(None).ok()?;
    }
    if stripped.fragment().is_some() {
        stripped.set_fragment(None);
    }
    let origin_only = origin_only || stripped.as_str().len() > MAX_REFERRER_LEN;
    if origin_only && (stripped.path() != "/" || stripped.query().is_some()) {
        stripped.set_path("/");
        stripped.set_query(None);
    }
    Some(stripped)
}

/// True when a request from `source` to `target` is a TLS-to-non-TLS downgrade.
///
/// CHROMIUM: the test is by scheme (https/wss to anything else), not by trustworthiness:
/// an https page sends no Referer to `http://localhost` (observed,
/// docs/chromium-observations.md case 15b). The standard would send one.
fn is_downgrade(source: &Url, target: &Url) -> bool {
    let secure = |u: &Url| matches!(u.scheme(), "https" | "wss");
    secure(source) && !secure(target)
}

/// The `Referer` value for a request to `target` made by a page at `referrer_source` under
/// `policy`, or `None` when no referrer is sent.
///
/// Same-origin comparisons use [`Origin::from_url`]; a downgrade is a potentially
/// trustworthy source with a target that is not.
///
/// <https://w3c.github.io/webappsec-referrer-policy/#determine-requests-referrer>
///
/// ```
/// use fetchguard::policy::referrer::{determine_referrer, ReferrerPolicy};
/// use url::Url;
/// let page = Url::parse("https://app.example/a/b?x=1#f").unwrap();
/// let same = Url::parse("https://app.example/api").unwrap();
/// let cross = Url::parse("https://api.example/v1").unwrap();
/// let insecure = Url::parse("http://api.example/v1").unwrap();
/// let p = ReferrerPolicy::StrictOriginWhenCrossOrigin;
/// assert_eq!(determine_referrer(&page, p, &same).as_deref(), Some("https://app.example/a/b?x=1"));
/// assert_eq!(determine_referrer(&page, p, &cross).as_deref(), Some("https://app.example/"));
/// assert_eq!(determine_referrer(&page, p, &insecure), None);
/// ```
pub fn determine_referrer(
    referrer_source: &Url,
    policy: ReferrerPolicy,
    target: &Url,
) -> Option<String> {
    determine_referrer_url(referrer_source, policy, target).map(String::from)
}

/// [`determine_referrer`] as a URL, stripping the source only as far as the policy's
/// choice needs.
pub(crate) fn determine_referrer_url(
    referrer_source: &Url,
    policy: ReferrerPolicy,
    target: &Url,
) -> Option<Url> {
    // Which form the policy sends: the full (stripped) URL, or its origin only.
    #[derive(Clone, Copy)]
    enum Form {
        Full,
        Origin,
    }
    let same_origin = || crate::origin::same_origin_urls(referrer_source, target);
    let downgrade = || is_downgrade(referrer_source, target);
    let form = match policy {
        ReferrerPolicy::NoReferrer => None,
        ReferrerPolicy::Origin => Some(Form::Origin),
        ReferrerPolicy::UnsafeUrl => Some(Form::Full),
        ReferrerPolicy::StrictOrigin => (!downgrade()).then_some(Form::Origin),
        ReferrerPolicy::StrictOriginWhenCrossOrigin => {
            if same_origin() {
                Some(Form::Full)
            } else if downgrade() {
                None
            } else {
                Some(Form::Origin)
            }
        }
        ReferrerPolicy::SameOrigin => same_origin().then_some(Form::Full),
        ReferrerPolicy::OriginWhenCrossOrigin => Some(if same_origin() {
            Form::Full
        } else {
            Form::Origin
        }),
        ReferrerPolicy::NoReferrerWhenDowngrade => (!downgrade()).then_some(Form::Full),
    }?;
    strip_url_for_use_as_referrer(referrer_source, matches!(form, Form::Origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    #[test]
    fn tokens_round_trip() {
        let cases: &[(ReferrerPolicy, &str)] = &[
            (ReferrerPolicy::NoReferrer, "no-referrer"),
            (
                ReferrerPolicy::NoReferrerWhenDowngrade,
                "no-referrer-when-downgrade",
            ),
            (ReferrerPolicy::SameOrigin, "same-origin"),
            (ReferrerPolicy::Origin, "origin"),
            (ReferrerPolicy::StrictOrigin, "strict-origin"),
            (
                ReferrerPolicy::OriginWhenCrossOrigin,
                "origin-when-cross-origin",
            ),
            (
                ReferrerPolicy::StrictOriginWhenCrossOrigin,
                "strict-origin-when-cross-origin",
            ),
            (ReferrerPolicy::UnsafeUrl, "unsafe-url"),
        ];
        for &(policy, token) in cases {
            assert_eq!(policy.as_str(), token);
            assert_eq!(policy.to_string(), token);
            assert_eq!(token.parse::<ReferrerPolicy>(), Ok(policy));
        }
        assert_eq!(
            ReferrerPolicy::default(),
            ReferrerPolicy::StrictOriginWhenCrossOrigin
        );
    }

    #[test]
    fn from_str_is_exact() {
        for bad in [
            "",
            "Origin",
            "ORIGIN",
            " origin",
            "origin ",
            "default",
            "unsafe_url",
        ] {
            assert_eq!(
                bad.parse::<ReferrerPolicy>(),
                Err(UnknownReferrerPolicy(bad.to_string())),
                "{bad:?}"
            );
        }
        assert_eq!(
            UnknownReferrerPolicy("x".into()).to_string(),
            "unknown referrer policy \"x\""
        );
    }

    #[test]
    fn header_last_recognised_token_wins() {
        let cases: &[(&[u8], Option<ReferrerPolicy>)] = &[
            (b"", None),
            (b"no-referrer", Some(ReferrerPolicy::NoReferrer)),
            (b" unsafe-url ", Some(ReferrerPolicy::UnsafeUrl)),
            (b"no-referrer, origin", Some(ReferrerPolicy::Origin)),
            (b"origin,\tsame-origin,", Some(ReferrerPolicy::SameOrigin)),
            (b"strict-origin, bogus", Some(ReferrerPolicy::StrictOrigin)),
            (b"bogus, Origin, ", None),
            (b"no-referrer,,", Some(ReferrerPolicy::NoReferrer)),
            (b"\xff, origin", Some(ReferrerPolicy::Origin)),
            (b"origin no-referrer", None),
        ];
        for &(value, expected) in cases {
            assert_eq!(parse_referrer_policy_header(value), expected, "{value:?}");
        }
    }

    #[test]
    fn stripping() {
        let cases: &[(&str, bool, Option<&str>)] = &[
            (
                "https://u:p@a.example:8443/x/y?q=1#frag",
                false,
                Some("https://a.example:8443/x/y?q=1"),
            ),
            (
                "https://u:p@a.example:8443/x/y?q=1#frag",
                true,
                Some("https://a.example:8443/"),
            ),
            ("http://user@a.example/", false, Some("http://a.example/")),
            ("http://a.example/#", false, Some("http://a.example/")),
            ("http://a.example/p?", true, Some("http://a.example/")),
            ("about:blank", false, None),
            ("about:srcdoc", true, None),
            ("data:text/plain,hi", false, None),
            ("blob:https://a.example/1234", false, None),
            ("file:///etc/passwd", false, None),
            ("ws://a.example/", false, None),
        ];
        for &(url, origin_only, expected) in cases {
            assert_eq!(
                strip_url_for_use_as_referrer(&u(url), origin_only).map(String::from),
                expected.map(str::to_string),
                "{url} origin_only={origin_only}"
            );
        }
    }

    #[test]
    fn long_referrers_are_cut_to_the_origin() {
        let base = "https://a.example/";
        let fits = format!("{base}{}", "p".repeat(MAX_REFERRER_LEN - base.len()));
        assert_eq!(fits.len(), 4096);
        let too_long = format!("{fits}x");
        assert_eq!(
            strip_url_for_use_as_referrer(&u(&fits), false).map(String::from),
            Some(fits.clone())
        );
        assert_eq!(
            strip_url_for_use_as_referrer(&u(&too_long), false).map(String::from),
            Some(base.to_string())
        );
        // The length is measured after stripping: a fragment does not count.
        let with_fragment = format!("{fits}#{}", "f".repeat(100));
        assert_eq!(
            strip_url_for_use_as_referrer(&u(&with_fragment), false).map(String::from),
            Some(fits.clone())
        );
        let target = u("https://a.example/api");
        assert_eq!(
            determine_referrer(&u(&too_long), ReferrerPolicy::UnsafeUrl, &target).as_deref(),
            Some(base)
        );
        assert_eq!(
            determine_referrer(&u(&fits), ReferrerPolicy::UnsafeUrl, &target),
            Some(fits)
        );
    }

    #[test]
    fn every_policy_in_every_situation() {
        let page = u("https://u:p@app.example/dir/page?x=1#top");
        let full = Some("https://app.example/dir/page?x=1");
        let origin = Some("https://app.example/");
        let same = u("https://app.example/api");
        let cross = u("https://api.example/v1");
        let downgrade = u("http://api.example/v1");
        // Same host over http: cross-origin and a downgrade.
        let same_host_http = u("http://app.example/api");
        use ReferrerPolicy::*;
        let cases: &[(ReferrerPolicy, [Option<&str>; 4])] = &[
            (NoReferrer, [None, None, None, None]),
            (NoReferrerWhenDowngrade, [full, full, None, None]),
            (SameOrigin, [full, None, None, None]),
            (Origin, [origin, origin, origin, origin]),
            (StrictOrigin, [origin, origin, None, None]),
            (OriginWhenCrossOrigin, [full, origin, origin, origin]),
            (StrictOriginWhenCrossOrigin, [full, origin, None, None]),
            (UnsafeUrl, [full, full, full, full]),
        ];
        for &(policy, expected) in cases {
            let targets = [&same, &cross, &downgrade, &same_host_http];
            for (target, want) in targets.iter().zip(expected) {
                assert_eq!(
                    determine_referrer(&page, policy, target).as_deref(),
                    want,
                    "{policy} -> {target}"
                );
            }
        }
    }

    #[test]
    fn insecure_sources_never_downgrade() {
        let page = u("http://app.example/p?q#f");
        let full = Some("http://app.example/p?q");
        let origin = Some("http://app.example/");
        let same = u("http://app.example/x");
        let cross_http = u("http://other.example/x");
        let cross_https = u("https://other.example/x");
        use ReferrerPolicy::*;
        let cases: &[(ReferrerPolicy, [Option<&str>; 3])] = &[
            (NoReferrer, [None, None, None]),
            (NoReferrerWhenDowngrade, [full, full, full]),
            (SameOrigin, [full, None, None]),
            (Origin, [origin, origin, origin]),
            (StrictOrigin, [origin, origin, origin]),
            (OriginWhenCrossOrigin, [full, origin, origin]),
            (StrictOriginWhenCrossOrigin, [full, origin, origin]),
            (UnsafeUrl, [full, full, full]),
        ];
        for &(policy, expected) in cases {
            for (target, want) in [&same, &cross_http, &cross_https].iter().zip(expected) {
                assert_eq!(
                    determine_referrer(&page, policy, target).as_deref(),
                    want,
                    "{policy} -> {target}"
                );
            }
        }
    }

    #[test]
    fn loopback_targets_are_a_downgrade_in_chromium() {
        let page = u("https://app.example/p");
        let local = u("http://localhost:5566/x");
        let loopback = u("http://127.0.0.1/x");
        for target in [&local, &loopback] {
            assert_eq!(
                determine_referrer(&page, ReferrerPolicy::StrictOriginWhenCrossOrigin, target),
                None
            );
            assert_eq!(
                determine_referrer(&page, ReferrerPolicy::NoReferrerWhenDowngrade, target),
                None
            );
            assert_eq!(
                determine_referrer(&page, ReferrerPolicy::OriginWhenCrossOrigin, target).as_deref(),
                Some("https://app.example/")
            );
        }
    }
}
