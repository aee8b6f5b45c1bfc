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
        self.site() == other.site()
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
        _ => Origin::from_url(url).is_potentially_trustworthy(),
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
