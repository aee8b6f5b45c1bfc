//! Fetch metadata (<https://w3c.github.io/webappsec-fetch-metadata/>): the value of
//! `Sec-Fetch-Site`, and whether the `Sec-Fetch-*` headers are sent at all.

use url::Url;

use crate::origin::{Origin, is_url_potentially_trustworthy};

/// The value of `Sec-Fetch-Site`. Ordered from closest to farthest, so the farthest
/// relation seen along a redirect chain is the maximum.
///
/// <https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FetchSite {
    /// `none`: a user-initiated request with no initiator (typed URL, bookmark).
    None,
    /// `same-origin`: every URL in the chain is same-origin with the initiator.
    SameOrigin,
    /// `same-site`: some URL is cross-origin but all are schemefully same-site.
    SameSite,
    /// `cross-site`: some URL in the chain is cross-site.
    CrossSite,
}

impl FetchSite {
    /// The header value: `same-origin`, `same-site`, `cross-site` or `none`.
    ///
    /// ```
    /// use fetchguard::policy::fetch_metadata::FetchSite;
    /// assert_eq!(FetchSite::CrossSite.as_str(), "cross-site");
    /// assert_eq!(FetchSite::None.as_str(), "none");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            FetchSite::None => "none",
            FetchSite::SameOrigin => "same-origin",
            FetchSite::SameSite => "same-site",
            FetchSite::CrossSite => "cross-site",
        }
    }
}

/// The relation of one URL to the initiator.
fn relation(initiator: &Origin, url: &Url) -> FetchSite {
    if initiator.is_same_origin_url(url) {
        FetchSite::SameOrigin
    } else if initiator.is_same_site_url(url) {
        FetchSite::SameSite
    } else {
        FetchSite::CrossSite
    }
}

/// `Sec-Fetch-Site` for a request made by `initiator` that has visited `url_chain` (the
/// request URL followed by every redirect target, including the one about to be fetched).
/// Each URL is compared with the initiator: any cross-site URL makes the whole request
/// `cross-site` (sticky even if a later hop comes back), else any cross-origin but
/// same-site URL makes it `same-site`, else it is `same-origin`. Same-site is schemeful
/// ([`Origin::is_same_site`]): `http://a.example` and `https://a.example` are cross-site.
///
/// An opaque initiator is same-origin with no URL's origin (a URL's opaque origin is always
/// fresh) and same-site with none, so every request it makes is `cross-site`; Chromium gets
/// the same answer because an opaque `url::Origin` has an empty scheme
/// (services/network/sec_header_helpers.cc `GetHeaderValueForTargetAndInitiator`).
/// An empty chain gives `same-origin`, the starting value of the walk.
///
/// `FetchSite::None` is never returned: it belongs to browser-initiated requests, which
/// have no initiator origin to pass here.
///
/// <https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-set-site>
///
/// ```
/// use fetchguard::policy::fetch_metadata::{sec_fetch_site, FetchSite};
/// use fetchguard::Origin;
/// use url::Url;
/// let app = Origin::parse("https://app.site.test").unwrap();
/// let u = |s| Url::parse(s).unwrap();
/// assert_eq!(sec_fetch_site(&app, &[u("https://app.site.test/x")]), FetchSite::SameOrigin);
/// assert_eq!(sec_fetch_site(&app, &[u("https://api.site.test/x")]), FetchSite::SameSite);
/// assert_eq!(
///     sec_fetch_site(&app, &[u("https://evil.example/"), u("https://app.site.test/")]),
///     FetchSite::CrossSite
/// );
/// ```
pub fn sec_fetch_site(initiator: &Origin, url_chain: &[Url]) -> FetchSite {
    // CHROMIUM: the walk starts at same-origin and takes the maximum over the chain, as in
    // services/network/sec_header_helpers.cc GetHeaderValueForRequest.
    url_chain
        .iter()
        .map(|url| relation(initiator, url))
        .fold(FetchSite::SameOrigin, Ord::max)
}

/// Whether the `Sec-Fetch-*` headers are sent to `url`: only when it is potentially
/// trustworthy (https, loopback, `localhost`). Pass the URL about to be fetched (after a
/// redirect, the redirect target).
///
/// <https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request>
///
/// ```
/// use fetchguard::policy::fetch_metadata::should_send_fetch_metadata;
/// use url::Url;
/// assert!(should_send_fetch_metadata(&Url::parse("https://a.example/").unwrap()));
/// assert!(should_send_fetch_metadata(&Url::parse("http://localhost:3000/").unwrap()));
/// assert!(!should_send_fetch_metadata(&Url::parse("http://a.example/").unwrap()));
/// ```
pub fn should_send_fetch_metadata(url: &Url) -> bool {
    is_url_potentially_trustworthy(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("test URL")
    }

    fn o(s: &str) -> Origin {
        Origin::parse(s).expect("test origin")
    }

    #[test]
    fn header_values() {
        let cases = [
            (FetchSite::None, "none"),
            (FetchSite::SameOrigin, "same-origin"),
            (FetchSite::SameSite, "same-site"),
            (FetchSite::CrossSite, "cross-site"),
        ];
        for (site, value) in cases {
            assert_eq!(site.as_str(), value);
        }
    }

    #[test]
    fn single_urls() {
        let app = o("https://app.site.test");
        let cases: &[(&str, FetchSite)] = &[
            ("https://app.site.test/", FetchSite::SameOrigin),
            ("https://app.site.test:443/x?y", FetchSite::SameOrigin),
            ("https://app.site.test:8443/", FetchSite::SameSite),
            ("https://api.site.test/", FetchSite::SameSite),
            ("https://site.test/", FetchSite::SameSite),
            ("http://app.site.test/", FetchSite::CrossSite),
            ("http://api.site.test/", FetchSite::CrossSite),
            ("https://other.test/", FetchSite::CrossSite),
            ("wss://app.site.test/", FetchSite::CrossSite),
            ("data:text/plain,x", FetchSite::CrossSite),
        ];
        for &(url, expected) in cases {
            assert_eq!(sec_fetch_site(&app, &[u(url)]), expected, "{url}");
        }
    }

    #[test]
    fn chains_take_the_farthest_relation() {
        let app = o("https://app.site.test");
        let same_origin = "https://app.site.test/a";
        let same_site = "https://api.site.test/b";
        let cross_site = "https://evil.example/c";
        let cases: &[(&[&str], FetchSite)] = &[
            (&[], FetchSite::SameOrigin),
            (&[same_origin, same_origin], FetchSite::SameOrigin),
            (&[same_origin, same_site], FetchSite::SameSite),
            (&[same_site, same_origin], FetchSite::SameSite),
            (&[same_origin, same_site, cross_site], FetchSite::CrossSite),
            (
                &[same_origin, same_site, cross_site, same_origin],
                FetchSite::CrossSite,
            ),
            (&[cross_site, same_site], FetchSite::CrossSite),
        ];
        for &(chain, expected) in cases {
            let urls: Vec<Url> = chain.iter().map(|s| u(s)).collect();
            assert_eq!(sec_fetch_site(&app, &urls), expected, "{chain:?}");
        }
    }

    #[test]
    fn scheme_matters_for_same_site() {
        let http = o("http://a.example");
        assert_eq!(
            sec_fetch_site(&http, &[u("https://a.example/")]),
            FetchSite::CrossSite
        );
        assert_eq!(
            sec_fetch_site(&http, &[u("http://a.example:8080/")]),
            FetchSite::SameSite
        );
    }

    #[test]
    fn opaque_initiators_are_cross_site_to_everything() {
        let opaque = Origin::new_opaque();
        for url in [
            "https://app.site.test/",
            "http://localhost/",
            "data:text/plain,x",
            "about:blank",
        ] {
            assert_eq!(
                sec_fetch_site(&opaque, &[u(url)]),
                FetchSite::CrossSite,
                "{url}"
            );
        }
    }

    #[test]
    fn metadata_only_to_potentially_trustworthy_urls() {
        let cases: &[(&str, bool)] = &[
            ("https://a.example/", true),
            ("wss://a.example/", true),
            ("http://localhost:5566/", true),
            ("http://x.localhost/", true),
            ("http://127.0.0.1:8080/", true),
            ("http://[::1]/", true),
            ("http://a.example/", false),
            ("http://10.0.0.1/", false),
            ("ws://a.example/", false),
        ];
        for &(url, expected) in cases {
            assert_eq!(should_send_fetch_metadata(&u(url)), expected, "{url}");
        }
    }
}
