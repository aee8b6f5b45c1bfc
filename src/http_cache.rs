//! The part of the HTTP cache fetch results depend on: permanent redirects.
//!
//! CHROMIUM: a 300, 301, 308 or 410 response to a GET is fresh indefinitely unless its
//! `Cache-Control`/`Pragma` says otherwise, so a second `fetch()` of the same URL is
//! answered from the cache and never reaches the server (observed: `fetchguard verify`
//! on wpt-subset redirect-location). Other responses are not cached here; a scenario that
//! depends on caching a `200` (an explicit `max-age`) is a known limit of fetchguard.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use url::Url;

use crate::clock::Instant;

/// How long a response may be served from the cache, or `None` when it is not stored.
///
/// ```
/// use fetchguard::http_cache::freshness;
/// let none = http::HeaderMap::new();
/// assert_eq!(freshness(301, &none), Some(std::time::Duration::MAX));
/// assert_eq!(freshness(302, &none), None);
/// let mut h = http::HeaderMap::new();
/// h.insert("cache-control", "max-age=60".parse().unwrap());
/// assert_eq!(freshness(308, &h), Some(std::time::Duration::from_secs(60)));
/// ```
pub fn freshness(status: u16, headers: &HeaderMap) -> Option<Duration> {
    if !matches!(status, 300 | 301 | 308 | 410) {
        return None;
    }
    let directives: Vec<String> = headers
        .get_all(http::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    let pragma_no_cache = headers.get_all(http::header::PRAGMA).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("no-cache"))
    });
    if pragma_no_cache
        || directives
            .iter()
            .any(|d| d == "no-store" || d == "no-cache" || d.starts_with("no-cache="))
    {
        return None;
    }
    let max_age = directives.iter().find_map(|d| {
        d.strip_prefix("max-age=")
            .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
    });
    match max_age {
        Some(0) => None,
        Some(n) => Some(Duration::from_secs(n)),
        None => Some(Duration::MAX),
    }
}

/// A stored response.
#[derive(Clone, Debug)]
pub(crate) struct Cached {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    stored: Instant,
    fresh_for: Duration,
}

/// The Browser's cache of permanent redirects, keyed by URL.
#[derive(Debug, Default)]
pub(crate) struct HttpCache {
    entries: HashMap<String, Cached>,
}

impl HttpCache {
    /// A fresh entry for `url`, if any (stale ones are dropped).
    pub fn lookup(&mut self, url: &Url, now: Instant) -> Option<Cached> {
        let key = url.as_str();
        let fresh = self.entries.get(key).is_some_and(|c| {
            now.duration_since(c.stored)
                .map(|age| age < c.fresh_for)
                .unwrap_or(true)
        });
        if !fresh {
            self.entries.remove(key);
            return None;
        }
        self.entries.get(key).cloned()
    }

    /// Stores a response to a GET of `url` when its freshness allows.
    pub fn store(
        &mut self,
        url: &Url,
        status: u16,
        headers: &HeaderMap,
        body: &Bytes,
        now: Instant,
    ) {
        if let Some(fresh_for) = freshness(status, headers) {
            self.entries.insert(
                url.as_str().to_string(),
                Cached {
                    status,
                    headers: headers.clone(),
                    body: body.clone(),
                    stored: now,
                    fresh_for,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (n, v) in pairs {
            m.append(
                http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        m
    }

    #[test]
    fn only_permanent_statuses_without_no_store_are_cached() {
        for s in [300, 301, 308, 410] {
            assert_eq!(freshness(s, &h(&[])), Some(Duration::MAX), "{s}");
        }
        for s in [200, 302, 303, 307, 404] {
            assert_eq!(freshness(s, &h(&[])), None, "{s}");
        }
        assert_eq!(freshness(301, &h(&[("cache-control", "no-store")])), None);
        assert_eq!(
            freshness(301, &h(&[("Cache-Control", "public, No-Cache")])),
            None
        );
        assert_eq!(freshness(301, &h(&[("pragma", "no-cache")])), None);
        assert_eq!(freshness(301, &h(&[("cache-control", "max-age=0")])), None);
    }

    #[test]
    fn entries_expire_on_the_browsers_clock() {
        let mut c = HttpCache::default();
        let url = Url::parse("https://a.example/r").unwrap();
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        c.store(
            &url,
            301,
            &h(&[("cache-control", "max-age=10")]),
            &Bytes::new(),
            now,
        );
        assert!(c.lookup(&url, now + Duration::from_secs(9)).is_some());
        assert!(c.lookup(&url, now + Duration::from_secs(10)).is_none());
        c.store(&url, 308, &h(&[]), &Bytes::new(), now);
        assert!(
            c.lookup(&url, now + Duration::from_secs(1_000_000))
                .is_some()
        );
        assert!(
            c.lookup(&Url::parse("https://a.example/other").unwrap(), now)
                .is_none()
        );
    }
}
