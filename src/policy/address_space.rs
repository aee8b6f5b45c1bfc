//! IP address spaces (Local Network Access): `public`, `local` and `loopback`, and the
//! space a host name or IP literal belongs to when nothing overrides it.
//!
//! <https://wicg.github.io/local-network-access/#ip-address-space>
//!
//! A scenario's `[[server]] address_space` defaults to [`AddressSpace::of_host`]: what the
//! host would resolve to on a real network. IP literals go by range; `localhost` and
//! `*.localhost` are loopback (they never leave the machine); `*.local` (mDNS) is local;
//! every other name is public. Pure: no I/O, no DNS.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An IP address space, from the most to the least private.
///
/// ```
/// use fetchguard::policy::AddressSpace;
/// assert_eq!(AddressSpace::of_host("localhost"), AddressSpace::Loopback);
/// assert_eq!(AddressSpace::of_host("192.168.1.10"), AddressSpace::Local);
/// assert_eq!(AddressSpace::of_host("printer.local"), AddressSpace::Local);
/// assert_eq!(AddressSpace::of_host("api.example"), AddressSpace::Public);
/// assert_eq!("loopback".parse::<AddressSpace>().unwrap(), AddressSpace::Loopback);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddressSpace {
    /// The machine itself (127.0.0.0/8, `::1`, `localhost`).
    Loopback,
    /// The local network (RFC 1918, link-local, unique-local; `*.local`).
    Local,
    /// Everything else.
    Public,
}

impl AddressSpace {
    /// The token as scenario files and Chromium's flags write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            AddressSpace::Loopback => "loopback",
            AddressSpace::Local => "local",
            AddressSpace::Public => "public",
        }
    }

    /// The space of a URL host (a name, an IPv4 literal, or an IPv6 literal with or
    /// without brackets) when no override says otherwise.
    pub fn of_host(host: &str) -> AddressSpace {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return AddressSpace::of_ip(ip);
        }
        AddressSpace::of_name(host)
    }

    /// The space of a parsed URL host: by range for an IP address, by name otherwise
    /// ([`AddressSpace::of_host`] without parsing the host again).
    ///
    /// ```
    /// use fetchguard::policy::address_space::AddressSpace;
    /// let space = |s| AddressSpace::of_url_host(&url::Url::parse(s).unwrap().host().unwrap());
    /// assert_eq!(space("http://192.168.1.1/"), AddressSpace::Local);
    /// assert_eq!(space("http://[::1]/"), AddressSpace::Loopback);
    /// assert_eq!(space("http://printer.local/"), AddressSpace::Local);
    /// assert_eq!(space("https://api.example/"), AddressSpace::Public);
    /// ```
    pub fn of_url_host(host: &url::Host<&str>) -> AddressSpace {
        match host {
            url::Host::Ipv4(a) => AddressSpace::of_ip(IpAddr::V4(*a)),
            url::Host::Ipv6(a) => AddressSpace::of_ip(IpAddr::V6(*a)),
            // A special URL's IP literals are parsed already: a name that cannot be one
            // (no leading digit, no colon) skips the IP parse.
            url::Host::Domain(d)
                if !d.starts_with(|c: char| c.is_ascii_digit()) && !d.contains([':', '[']) =>
            {
                AddressSpace::of_name(d)
            }
            url::Host::Domain(d) => AddressSpace::of_host(d),
        }
    }

    /// The space of a host name (not an IP literal): `localhost` names are loopback,
    /// `.local` names local, the rest public. Case-insensitive, trailing dot ignored.
    fn of_name(host: &str) -> AddressSpace {
        let name = host.trim_end_matches('.').as_bytes();
        let ends_with = |suffix: &[u8]| {
            name.len() >= suffix.len()
                && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        };
        if name.eq_ignore_ascii_case(b"localhost") || ends_with(b".localhost") {
            AddressSpace::Loopback
        } else if ends_with(b".local") {
            AddressSpace::Local
        } else {
            AddressSpace::Public
        }
    }

    /// The space of an IP address, by range.
    pub fn of_ip(ip: IpAddr) -> AddressSpace {
        match ip {
            IpAddr::V4(v4) => of_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => of_v4(v4),
                None => of_v6(v6),
            },
        }
    }
}

fn of_v4(ip: Ipv4Addr) -> AddressSpace {
    let [a, b, ..] = ip.octets();
    let private = a == 10 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168);
    let link_local = a == 169 && b == 254;
    if a == 127 {
        AddressSpace::Loopback
    } else if private || link_local {
        AddressSpace::Local
    } else {
        AddressSpace::Public
    }
}

fn of_v6(ip: Ipv6Addr) -> AddressSpace {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        AddressSpace::Loopback
    } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
        // fc00::/7 unique-local, fe80::/10 link-local.
        AddressSpace::Local
    } else {
        AddressSpace::Public
    }
}

/// A Local Network Access permission of an origin, for requests into one more-private
/// space (`local-network` / `loopback-network` in Chromium's content settings).
///
/// ```
/// use fetchguard::policy::Permission;
/// assert_eq!(Permission::default(), Permission::Ask);
/// assert_eq!(Permission::Block.as_str(), "block");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Permission {
    /// Granted.
    Allow,
    /// Denied.
    Block,
    /// No decision stored (the default). CHROMIUM: headless Chromium cannot prompt, so
    /// this behaves as [`Permission::Block`] there.
    #[default]
    Ask,
}

impl Permission {
    /// The token as scenario files write it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Permission::Allow => "allow",
            Permission::Block => "block",
            Permission::Ask => "ask",
        }
    }
}

/// A token that is not `public`, `local` or `loopback`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownAddressSpace(pub String);

impl fmt::Display for UnknownAddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown address space '{}'", self.0)
    }
}

impl std::error::Error for UnknownAddressSpace {}

impl FromStr for AddressSpace {
    type Err = UnknownAddressSpace;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "loopback" => Ok(AddressSpace::Loopback),
            "local" => Ok(AddressSpace::Local),
            "public" => Ok(AddressSpace::Public),
            _ => Err(UnknownAddressSpace(s.to_string())),
        }
    }
}

impl fmt::Display for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::AddressSpace::{self, *};

    #[test]
    fn hosts_are_classified_per_the_contract() {
        let table: &[(&str, AddressSpace)] = &[
            // IPv4 literals by range.
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.0.0.1", Local),
            ("10.255.255.255", Local),
            ("172.16.0.1", Local),
            ("172.31.255.255", Local),
            ("172.15.0.1", Public),
            ("172.32.0.1", Public),
            ("192.168.1.10", Local),
            ("192.169.0.1", Public),
            ("169.254.1.1", Local),
            ("169.253.1.1", Public),
            ("8.8.8.8", Public),
            ("0.0.0.0", Public),
            ("128.0.0.1", Public),
            // IPv6 literals, bracketed as in URLs or bare.
            ("[::1]", Loopback),
            ("::1", Loopback),
            ("[fc00::1]", Local),
            ("[fd12:3456::1]", Local),
            ("[fe80::1]", Local),
            ("[febf::1]", Local),
            ("[fec0::1]", Public),
            ("[2001:db8::1]", Public),
            ("[::ffff:127.0.0.1]", Loopback),
            ("[::ffff:192.168.0.1]", Local),
            // Names.
            ("localhost", Loopback),
            ("LOCALHOST", Loopback),
            ("localhost.", Loopback),
            ("app.localhost", Loopback),
            ("a.b.localhost", Loopback),
            ("notlocalhost", Public),
            ("localhost.example", Public),
            ("printer.local", Local),
            ("local", Public),
            ("api.example", Public),
            ("shop.example", Public),
            ("example.localdomain", Public),
        ];
        for (host, want) in table {
            assert_eq!(AddressSpace::of_host(host), *want, "{host}");
        }
    }

    #[test]
    fn tokens_round_trip() {
        for s in [Loopback, Local, Public] {
            assert_eq!(s.as_str().parse::<AddressSpace>().unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
        }
        assert_eq!(
            "private".parse::<AddressSpace>().unwrap_err().to_string(),
            "unknown address space 'private'"
        );
    }
}
