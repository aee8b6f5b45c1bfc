//! Origins and sites: the requester's identity in every rule the guard applies.
//!
//! An [`Origin`] is either a tuple (scheme, host, port) or opaque (a sandboxed page, a
//! `data:` document), as in HTML's origin concept. Opaque origins serialize to `null` and
//! are same-origin only with themselves. A [`Site`] is schemeful: the scheme plus the
//! registrable domain from the public suffix list (private registries included, as
//! Chromium does), ports ignored.

use std::fmt;
use std::net::Ipv6Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use url::{Host, Url};

static NEXT_OPAQUE: AtomicU64 = AtomicU64::new(1);

/// An origin: a (scheme, host, port) tuple, or an opaque origin that serializes as `null`.
///
/// ```
/// use fetchguard::Origin;
/// let app = Origin::parse("https://app.example").unwrap();
/// assert_eq!(app.serialize(), "https://app.example");
/// assert!(app.is_same_origin(&Origin::parse("https://app.example:443/x").unwrap()));
/// assert!(!app.is_same_site(&Origin::parse("https://api.example").unwrap()));
/// assert_eq!(Origin::new_opaque().serialize(), "null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A tuple origin.
    Tuple {
        /// Lower-case scheme, e.g. `https`.
        scheme: String,
        /// The host as the URL parser normalized it.
        host: Host<String>,
        /// The port, the scheme's default when the URL had none.
        port: u16,
    },
    /// An opaque origin; the number only makes distinct opaque origins unequal.
    Opaque(u64),
}

impl Origin {
    /// The origin of a URL (<https://url.spec.whatwg.org/#concept-url-origin>): http(s) and
    /// ws(s) URLs give a tuple; every other scheme (data:, about:, file:) an opaque origin.
    pub fn from_url(url: &Url) -> Origin {
        match url.scheme() {
            "http" | "https" | "ws" | "wss" => match (url.host(), url.port_or_known_default()) {
                (Some(host), Some(port)) => Origin::Tuple {
                    scheme: url.scheme().to_string(),
                    host: host.to_owned(),
                    port,
                },
                _ => Origin::new_opaque(),
            },
            _ => Origin::new_opaque(),
        }
    }

    /// Parses a URL or `scheme://host[:port]` string and returns its origin.
    pub fn parse(s: &str) -> Result<Origin, url::ParseError> {
        Ok(Origin::from_url(&Url::parse(s)?))
    }

    /// A fresh opaque origin, unequal to every other origin.
    pub fn new_opaque() -> Origin {
        Origin::Opaque(NEXT_OPAQUE.fetch_add(1, Ordering::Relaxed))
    }

    /// True for an opaque origin.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Origin::Opaque(_))
    }

    /// The ASCII serialization (`https://app.example`, `http://h:8080`, or `null`).
    pub fn serialize(&self) -> String {
        match self {
            Origin::Opaque(_) => "null".to_string(),
            Origin::Tuple { scheme, host, port } => {
                let default = default_port(scheme);
                if Some(*port) == default {
                    format!("{scheme}://{host}")
                } else {
                    format!("{scheme}://{host}:{port}")
                }
            }
        }
    }

    /// Same origin: equal tuples, or the very same opaque origin.
    pub fn is_same_origin(&self, other: &Origin) -> bool {
        self == other
    }

    /// The schemeful site of this origin; an opaque origin is its own site.
    pub fn site(&self) -> Site {
        match self {
            Origin::Opaque(n) => Site::Opaque(*n),
            Origin::Tuple { scheme, host, .. } => Site::Tuple {
                scheme: scheme.clone(),
                domain: registrable_domain_or_host(host),
            },
        }
    }

    /// Schemeful same-site (<https://html.spec.whatwg.org/#same-site>): same scheme and same
    /// registrable domain (or the same host where there is none); ports do not matter.
    pub fn is_same_site(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Opaque(a), Origin::Opaque(b)) => a == b,
            (
                Origin::Tuple { scheme, host, .. },
                Origin::Tuple {
                    scheme: s2,
                    host: h2,
                    ..
                },
            ) => same_site_parts(scheme, borrow_host(host), s2, borrow_host(h2)),
            _ => false,
        }
    }

    /// [`is_same_site`](Origin::is_same_site) with the origin of `url`, without building
    /// it (a URL without a tuple origin is never same-site).
    ///
    /// ```
    /// use fetchguard::Origin;
    /// let app = Origin::parse("https://app.site.test").unwrap();
    /// assert!(app.is_same_site_url(&url::Url::parse("https://api.site.test/x").unwrap()));
    /// assert!(!app.is_same_site_url(&url::Url::parse("http://api.site.test/x").unwrap()));
    /// ```
    pub fn is_same_site_url(&self, url: &Url) -> bool {
        match (self, tuple_parts(url)) {
            (Origin::Tuple { scheme, host, .. }, Some((s2, h2, _))) => {
                same_site_parts(scheme, borrow_host(host), s2, h2)
            }
            _ => false,
        }
    }

    /// [`is_same_origin`](Origin::is_same_origin) with the origin of `url`, without
    /// building it (a URL without a tuple origin has a fresh opaque one: never the same).
    ///
    /// ```
    /// use fetchguard::Origin;
    /// let app = Origin::parse("https://app.example").unwrap();
    /// assert!(app.is_same_origin_url(&url::Url::parse("https://app.example:443/x").unwrap()));
    /// assert!(!app.is_same_origin_url(&url::Url::parse("https://app.example:8443/").unwrap()));
    /// ```
    pub fn is_same_origin_url(&self, url: &Url) -> bool {
        match (self, tuple_parts(url)) {
            (Origin::Tuple { scheme, host, port }, Some((s2, h2, p2))) => {
                *port == p2 && scheme == s2 && borrow_host(host) == h2
            }
            _ => false,
        }
    }

    /// Potentially trustworthy origin (Secure Contexts §3.2): https/wss, loopback hosts and
    /// `localhost` names. Opaque origins are not.
    pub fn is_potentially_trustworthy(&self) -> bool {
        match self {
            Origin::Opaque(_) => false,
            Origin::Tuple { scheme, host, .. } => {
                if scheme == "https" || scheme == "wss" {
                    return true;
                }
                match host {
                    Host::Ipv4(a) => a.is_loopback(),
                    Host::Ipv6(a) => *a == Ipv6Addr::LOCALHOST,
                    Host::Domain(d) => {
                        let d = d.trim_end_matches('.');
                        d == "localhost" || d.ends_with(".localhost")
                    }
                }
            }
        }
    }

    /// The host, for a tuple origin.
    pub fn host(&self) -> Option<&Host<String>> {
        match self {
            Origin::Tuple { host, .. } => Some(host),
            Origin::Opaque(_) => None,
        }
    }

    /// The scheme, for a tuple origin.
    pub fn scheme(&self) -> Option<&str> {
        match self {
            Origin::Tuple { scheme, .. } => Some(scheme),
            Origin::Opaque(_) => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.serialize())
    }
}

/// A schemeful site: scheme plus registrable domain (or host when it has none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Site {
    /// A site of a tuple origin.
    Tuple {
        /// The scheme.
        scheme: String,
        /// The registrable domain, or the host when there is none (IP literals, `localhost`).
        domain: String,
    },
    /// The site of an opaque origin.
    Opaque(u64),
}

/// Potentially trustworthy URL: `about:blank`, `about:srcdoc`, `data:`, or a URL whose
/// origin is potentially trustworthy.
///
/// ```
/// use fetchguard::origin::is_url_potentially_trustworthy;
/// let u = |s| url::Url::parse(s).unwrap();
/// assert!(is_url_potentially_trustworthy(&u("https://a.example/")));
/// assert!(is_url_potentially_trustworthy(&u("http://localhost:5566/")));
/// assert!(!is_url_potentially_trustworthy(&u("http://a.example/")));
/// ```
pub fn is_url_potentially_trustworthy(url: &Url) -> bool {
    match url.scheme() {
        "about" => matches!(url.path(), "blank" | "srcdoc"),
        "data" => true,
        // The origin's rule (Origin::is_potentially_trustworthy), read off the URL.
        "https" | "wss" => url.host().is_some(),
        "http" | "ws" => match url.host() {
            Some(Host::Ipv4(a)) => a.is_loopback(),
            Some(Host::Ipv6(a)) => a == Ipv6Addr::LOCALHOST,
            Some(Host::Domain(d)) => {
                let d = d.trim_end_matches('.');
                d == "localhost" || d.ends_with(".localhost")
            }
            None => false,
        },
        _ => false,
    }
}

/// Whether two URLs are same-origin, without building their origins: both have tuple
/// origins and they are equal (a URL with an opaque origin is same-origin with nothing).
///
/// ```
/// use fetchguard::origin::same_origin_urls;
/// let u = |s| url::Url::parse(s).unwrap();
/// assert!(same_origin_urls(&u("https://a.example/x"), &u("https://a.example:443/y")));
/// assert!(!same_origin_urls(&u("data:,a"), &u("data:,a")));
/// ```
pub fn same_origin_urls(a: &Url, b: &Url) -> bool {
    matches!((tuple_parts(a), tuple_parts(b)), (Some(x), Some(y)) if x == y)
}

/// A URL's tuple origin as borrowed parts (scheme, host, port), or `None` when its origin
/// is opaque ([`Origin::from_url`]).
fn tuple_parts(url: &Url) -> Option<(&str, Host<&str>, u16)> {
    match url.scheme() {
        "http" | "https" | "ws" | "wss" => {
            Some((url.scheme(), url.host()?, url.port_or_known_default()?))
        }
        _ => None,
    }
}

fn borrow_host(host: &Host<String>) -> Host<&str> {
    match host {
        Host::Domain(d) => Host::Domain(d.as_str()),
        Host::Ipv4(a) => Host::Ipv4(*a),
        Host::Ipv6(a) => Host::Ipv6(*a),
    }
}

/// Schemeful same-site for two tuple origins' parts, without allocating in the usual
/// case (lower-case names, as the URL parser gives them).
fn same_site_parts(s1: &str, h1: Host<&str>, s2: &str, h2: Host<&str>) -> bool {
    if !s1.eq_ignore_ascii_case(s2) {
        return false;
    }
    match (h1, h2) {
        (Host::Domain(a), Host::Domain(b)) => {
            registrable_domain_or_name(a) == registrable_domain_or_name(b)
        }
        (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
        (Host::Ipv6(a), Host::Ipv6(b)) => a == b,
        _ => false,
    }
}

/// The registrable domain of a host name (see [`registrable_domain_or_host`]), borrowed
/// from it when it is lower-case already.
fn registrable_domain_or_name(name: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Owned(registrable_domain_or_host(&Host::Domain(name.to_string())));
    }
    let trimmed = name.trim_end_matches('.');
    match psl::domain(trimmed.as_bytes()) {
        // The registrable domain is a suffix of the name.
        Some(dom) => Cow::Borrowed(&trimmed[trimmed.len() - dom.as_bytes().len()..]),
        None => Cow::Borrowed(trimmed),
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// The registrable domain of a host by the public suffix list (ICANN and private sections),
/// or the host itself for IP literals and names that have none.
fn registrable_domain_or_host(host: &Host<String>) -> String {
    match host {
        Host::Domain(d) => {
            let lower = d.to_ascii_lowercase();
            let trimmed = lower.trim_end_matches('.');
            match psl::domain(trimmed.as_bytes()) {
                Some(dom) => String::from_utf8_lossy(dom.as_bytes()).into_owned(),
                None => trimmed.to_string(),
            }
        }
        Host::Ipv4(a) => a.to_string(),
        Host::Ipv6(a) => format!("[{a}]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    #[test]
    fn serialization_omits_default_ports_only() {
        assert_eq!(
            o("https://App.Example:443/p?q").serialize(),
            "https://app.example"
        );
        assert_eq!(
            o("http://app.example:8080").serialize(),
            "http://app.example:8080"
        );
        assert_eq!(
            o("https://app.example:80").serialize(),
            "https://app.example:80"
        );
        assert_eq!(o("http://[::1]:3000").serialize(), "http://[::1]:3000");
        assert_eq!(o("data:text/plain,hi").serialize(), "null");
    }

    #[test]
    fn opaque_origins_are_only_same_origin_with_themselves() {
        let a = Origin::new_opaque();
        let b = Origin::new_opaque();
        assert!(a.is_same_origin(&a.clone()));
        assert!(!a.is_same_origin(&b));
        assert!(!a.is_same_site(&b));
    }

    #[test]
    fn url_comparisons_agree_with_the_built_origins() {
        let urls = [
            "https://a.example.com/",
            "https://b.example.com:8443/x",
            "http://a.example.com/",
            "https://a.github.io/",
            "https://x.a.github.io/",
            "https://a.co.uk/",
            "https://b.co.uk/",
            "http://localhost:3000/",
            "http://localhost:5566/",
            "http://127.0.0.1/",
            "http://127.0.0.2/",
            "http://[::1]:80/",
            "https://example.com./",
            "https://example.com/",
            "data:text/plain,hi",
            "about:blank",
            "ws://a.example.com/",
            "https://co.uk/",
        ];
        for a in urls {
            let oa = Origin::from_url(&Url::parse(a).unwrap());
            for b in urls {
                let ub = Url::parse(b).unwrap();
                let ob = Origin::from_url(&ub);
                let site_eq = matches!((&oa, &ob), (Origin::Tuple { .. }, Origin::Tuple { .. }))
                    && oa.site() == ob.site();
                assert_eq!(oa.is_same_site_url(&ub), site_eq, "{a} {b}");
                assert_eq!(oa.is_same_site(&ob), oa.site() == ob.site(), "{a} {b}");
                assert_eq!(oa.is_same_origin_url(&ub), oa == ob, "{a} {b}");
            }
        }
    }

    #[test]
    fn schemeful_same_site_uses_the_public_suffix_list() {
        assert!(o("https://a.example.com").is_same_site(&o("https://b.example.com:8443")));
        assert!(!o("http://a.example.com").is_same_site(&o("https://a.example.com")));
        // github.io is a private-registry suffix: distinct user pages are cross-site.
        assert!(!o("https://a.github.io").is_same_site(&o("https://b.github.io")));
        assert!(o("https://x.a.github.io").is_same_site(&o("https://a.github.io")));
        // co.uk is a public suffix.
        assert!(!o("https://a.co.uk").is_same_site(&o("https://b.co.uk")));
        // unknown TLDs follow the default `*` rule: app.example and api.example differ.
        assert!(!o("https://app.example").is_same_site(&o("https://api.example")));
        assert!(o("https://app.site.test").is_same_site(&o("https://api.site.test")));
        // IP literals and localhost compare by host; ports are ignored.
        assert!(o("http://localhost:3000").is_same_site(&o("http://localhost:5566")));
        assert!(!o("http://127.0.0.1").is_same_site(&o("http://127.0.0.2")));
    }

    #[test]
    fn potentially_trustworthy() {
        assert!(o("https://a.example").is_potentially_trustworthy());
        assert!(o("http://127.0.0.1:9").is_potentially_trustworthy());
        assert!(o("http://[::1]").is_potentially_trustworthy());
        assert!(o("http://localhost").is_potentially_trustworthy());
        assert!(o("http://x.localhost").is_potentially_trustworthy());
        assert!(!o("http://a.example").is_potentially_trustworthy());
        assert!(!Origin::new_opaque().is_potentially_trustworthy());
    }
}
