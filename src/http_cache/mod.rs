//! The Browser's HTTP cache (RFC 9111 as Chromium keeps it): stored responses to GETs,
//! partitioned by the top-level site, bounded in entries and bytes, least recently used
//! first out. The decisions live in [`policy`]; this module stores and looks up.
//!
//! CHROMIUM: the cache key is `_dk_` + top-frame site + frame site + URL (split cache,
//! "double-keyed"); a `fetch()` from a top-level page has both sites equal to the page's
//! site, so here the key is (page's site, URL). One entry serves every request mode and
//! credentials mode; the CORS check runs again on each use. `Set-Cookie` is not kept
//! with a stored response (`PERSIST_SANS_COOKIES`), so a response served from the cache
//! sets no cookie.

pub mod policy;
pub mod range;
mod storage;

pub use storage::{StorageRule, request_max_stale};

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use url::Url;

use crate::clock::Instant;

/// Where an entry lives: the top-level site of the page that fetched it, and the URL
/// (without its fragment).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey {
    /// The top-level page's site, serialized (`https://example.com`; `null` for an
    /// opaque origin).
    pub top_level_site: String,
    /// The URL, without fragment.
    pub url: String,
}

impl CacheKey {
    /// The key of `url` fetched from a page whose site serializes as `top_level_site`.
    ///
    /// ```
    /// use fetchguard::http_cache::CacheKey;
    /// let url = url::Url::parse("https://api.example/a?b#frag").unwrap();
    /// let k = CacheKey::new("https://app.example", &url);
    /// assert_eq!(k.url, "https://api.example/a?b");
    /// ```
    pub fn new(top_level_site: &str, url: &Url) -> Self {
        CacheKey {
            top_level_site: top_level_site.to_string(),
            url: url[..url::Position::AfterQuery].to_string(),
        }
    }
}

/// A stored response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedResponse {
    /// The status.
    pub status: u16,
    /// The response headers as stored (without `Set-Cookie`).
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: Bytes,
    /// When it arrived (or was last revalidated), on the Browser's clock.
    pub received: Instant,
    /// Its freshness lifetime ([`policy::freshness_lifetime`]).
    pub lifetime: Duration,
    /// The request's selecting headers (from `Vary`); `None` for `Vary: *`.
    pub vary: Option<Vec<(String, Option<String>)>>,
}

impl CachedResponse {
    fn size(&self) -> usize {
        self.body.len()
            + self
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len())
                .sum::<usize>()
    }

    /// How much longer it stays fresh at `now` (`None` when stale).
    pub fn fresh_for(&self, now: Instant) -> Option<Duration> {
        let age = policy::current_age(&self.headers, self.received, now);
        self.lifetime.checked_sub(age).filter(|d| !d.is_zero())
    }
}

/// What the cache holds for a request.
#[derive(Clone, Debug)]
pub(crate) enum Lookup {
    /// Nothing under this key.
    Miss,
    /// An entry whose `Vary` headers differ from the request's.
    VaryMismatch(Arc<CachedResponse>),
    /// A matching entry; `fresh_for` is `None` when it is stale.
    Hit {
        entry: Arc<CachedResponse>,
        fresh_for: Option<Duration>,
    },
}

/// The default bounds: Chromium sizes its disk cache from free disk space (up to
/// hundreds of MB); these bounds keep the simulation's memory in check.
pub const DEFAULT_MAX_ENTRIES: usize = 4096;
/// See [`DEFAULT_MAX_ENTRIES`].
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// The Browser's HTTP cache.
#[derive(Debug)]
pub(crate) struct HttpCache {
    /// The entries, least recently used first out (one hash map with a use order: a
    /// lookup, a store and an eviction each touch it once).
    entries: lru::LruCache<Arc<CacheKey>, Slot>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    /// What is kept, and the implicit freshness of what is.
    rule: StorageRule,
    ranges: range::RangeCache,
}

/// A stored entry, shared with the fetches that read it, and its size (counted once).
#[derive(Debug)]
struct Slot {
    entry: Arc<CachedResponse>,
    size: usize,
}

impl Default for HttpCache {
    fn default() -> Self {
        HttpCache::with_bounds(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES)
    }
}

impl HttpCache {
    pub fn with_bounds(max_entries: usize, max_bytes: usize) -> Self {
        HttpCache {
            entries: lru::LruCache::unbounded(),
            bytes: 0,
            max_entries,
            max_bytes,
            rule: StorageRule::KeepAll,
            ranges: range::RangeCache::SliceFromComplete,
        }
    }

    /// The same cache under the engine's [`StorageRule`].
    pub fn with_ranges(mut self, ranges: range::RangeCache) -> Self {
        self.ranges = ranges;
        self
    }

    pub fn with_rule(mut self, rule: StorageRule) -> Self {
        self.rule = rule;
        self
    }

    /// The entry for `key`, matched against the request's headers as sent.
    pub fn lookup(&mut self, key: &CacheKey, request: &HeaderMap, now: Instant) -> Lookup {
        // Peeked first: a Vary mismatch does not count as a use.
        let Some(slot) = self.entries.peek(key) else {
            return Lookup::Miss;
        };
        let matches = slot
            .entry
            .vary
            .as_ref()
            .is_some_and(|v| policy::vary_matches(v, request));
        if !matches {
            return Lookup::VaryMismatch(slot.entry.clone());
        }
        let hit = Lookup::Hit {
            fresh_for: slot.entry.fresh_for(now),
            entry: slot.entry.clone(),
        };
        self.entries.promote(key);
        hit
    }

    /// Stores a response to a GET (replacing any entry under `key`), unless it says
    /// `no-store`. Returns whether it was stored.
    ///
    /// CHROMIUM: a response that is never fresh and has no validator (a 302, a 404, a 200
    /// with `max-age=0` or no caching headers at all) is stored too: `force-cache` and
    /// `only-if-cached` answer with it later (observed: wpt-subset/fetch/api/request/
    /// request-cache-force-cache.toml, examples/http-cache-head.toml).
    pub fn store(
        &mut self,
        key: impl Into<Arc<CacheKey>>,
        request: &HeaderMap,
        status: u16,
        headers: &HeaderMap,
        body: &Bytes,
        now: Instant,
    ) -> bool {
        let key = key.into();
        if !policy::is_storable(headers) || !self.rule.keeps(status, headers, now) {
            self.remove(&key);
            return false;
        }
        // CHROMIUM: a response that is never fresh and has no validator is stored too:
        // `force-cache` and `only-if-cached` use it (observed: a 404 without caching
        // headers, examples/generated/seed23-00061.toml); `default` fetches it again.
        let lifetime = self.rule.lifetime(status, headers, now);
        let mut headers = headers.clone();
        const SET_COOKIE2: http::HeaderName = http::HeaderName::from_static("set-cookie2");
        headers.remove(http::header::SET_COOKIE);
        headers.remove(SET_COOKIE2);
        let vary = policy::vary_names(&headers).map(|mut n| {
            if self.ranges == range::RangeCache::SameRangeOnly {
                // WEBKIT: the request's Range selects the entry (see RangeCache).
                n.push("range".to_string());
            }
            policy::selecting_headers(&n, request)
        });
        let entry = CachedResponse {
            status,
            headers,
            body: body.clone(),
            received: now,
            lifetime,
            vary,
        };
        let size = entry.size();
        if size > self.max_bytes || self.max_entries == 0 {
            self.remove(&key);
            return false;
        }
        if let Some(slot) = self.entries.get_mut(&key) {
            // The usual replacement (a stored URL fetched again): in place, now the most
            // recently used; others make room if the new one is larger.
            self.bytes = self.bytes - slot.size + size;
            *slot = Slot {
                entry: Arc::new(entry),
                size,
            };
            while self.bytes > self.max_bytes {
                self.evict_one();
            }
            return true;
        }
        while self.entries.len() >= self.max_entries || self.bytes + size > self.max_bytes {
            self.evict_one();
        }
        self.bytes += size;
        let slot = Slot {
            entry: Arc::new(entry),
            size,
        };
        self.entries.push(key, slot);
        true
    }

    /// Replaces a stored entry's headers after a `304` and restarts its age.
    pub fn update_after_304(
        &mut self,
        key: &CacheKey,
        not_modified: &HeaderMap,
        now: Instant,
    ) -> Option<CachedResponse> {
        let slot = self.entries.peek_mut(key)?;
        let entry = Arc::make_mut(&mut slot.entry);
        entry.headers = policy::update_from_304(&entry.headers, not_modified);
        entry.received = now;
        entry.lifetime = self.rule.lifetime(entry.status, &entry.headers, now);
        let size = entry.size();
        self.bytes = self.bytes - slot.size + size;
        slot.size = size;
        Some(CachedResponse::clone(&slot.entry))
    }

    /// Drops the entry under `key`.
    pub fn remove(&mut self, key: &CacheKey) {
        if let Some(slot) = self.entries.pop(key) {
            self.bytes -= slot.size;
        }
    }

    fn evict_one(&mut self) {
        if let Some((_, slot)) = self.entries.pop_lru() {
            self.bytes -= slot.size;
        } else {
            // Nothing left to evict: keep the loop in `store` from spinning.
            self.entries.clear();
            self.bytes = 0;
        }
    }

    /// Every entry, sorted by key.
    pub fn snapshot(&self) -> Vec<(CacheKey, CachedResponse)> {
        let mut v: Vec<_> = self
            .entries
            .iter()
            .map(|(k, slot)| (CacheKey::clone(k), CachedResponse::clone(&slot.entry)))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// The bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderMap {
        crate::headers::map_of(pairs)
    }

    fn t0() -> Instant {
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000)
    }

    #[test]
    fn entries_expire_on_the_browsers_clock_and_are_partitioned_by_site() {
        let mut c = HttpCache::default();
        let url = Url::parse("https://a.example/r").unwrap();
        let k = CacheKey::new("https://app.example", &url);
        let none = HeaderMap::new();
        assert!(c.store(
            k.clone(),
            &none,
            200,
            &h(&[("cache-control", "max-age=10"), ("set-cookie", "a=1")]),
            &Bytes::from_static(b"x"),
            t0()
        ));
        match c.lookup(&k, &none, t0() + Duration::from_secs(9)) {
            Lookup::Hit { fresh_for, entry } => {
                assert_eq!(fresh_for, Some(Duration::from_secs(1)));
                assert!(!entry.headers.contains_key("set-cookie"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            c.lookup(&k, &none, t0() + Duration::from_secs(10)),
            Lookup::Hit {
                fresh_for: None,
                ..
            }
        ));
        let other_site = CacheKey::new("https://other.example", &url);
        assert!(matches!(c.lookup(&other_site, &none, t0()), Lookup::Miss));
    }

    #[test]
    fn no_store_responses_are_not_stored_but_never_fresh_ones_are() {
        let mut c = HttpCache::default();
        let k = CacheKey::new("s", &Url::parse("https://a.example/").unwrap());
        let none = HeaderMap::new();
        assert!(c.store(k.clone(), &none, 200, &none, &Bytes::new(), t0()));
        assert!(c.store(k.clone(), &none, 302, &none, &Bytes::new(), t0()));
        let ns = h(&[("cache-control", "no-store, max-age=60")]);
        assert!(!c.store(k.clone(), &none, 200, &ns, &Bytes::new(), t0()));
        assert!(
            c.snapshot().is_empty(),
            "a no-store response also drops the old entry"
        );
        let etag_only = h(&[("etag", "\"v1\"")]);
        assert!(c.store(k, &none, 200, &etag_only, &Bytes::new(), t0()));
    }

    #[test]
    fn bounded_in_entries_and_bytes_least_recently_used_out() {
        let mut c = HttpCache::with_bounds(2, 100);
        let none = HeaderMap::new();
        let fresh = h(&[("cache-control", "max-age=60")]);
        let key =
            |p: &str| CacheKey::new("s", &Url::parse(&format!("https://a.example/{p}")).unwrap());
        let body = Bytes::from_static(b"0123456789");
        for p in ["a", "b"] {
            assert!(c.store(key(p), &none, 200, &fresh, &body, t0()));
        }
        let _ = c.lookup(&key("a"), &none, t0());
        assert!(c.store(key("c"), &none, 200, &fresh, &body, t0()));
        let keys: Vec<String> = c.snapshot().into_iter().map(|(k, _)| k.url).collect();
        assert_eq!(keys, ["https://a.example/a", "https://a.example/c"]);
        let big = Bytes::from(vec![b'x'; 70]); // 70 + 23 header bytes
        assert!(c.store(key("d"), &none, 200, &fresh, &big, t0()));
        assert_eq!(c.snapshot().len(), 1);
        assert!(c.bytes() <= 100);
        let huge = Bytes::from(vec![b'x'; 200]);
        assert!(!c.store(key("e"), &none, 200, &fresh, &huge, t0()));
    }

    #[test]
    fn a_304_updates_headers_but_keeps_cors_headers() {
        let mut c = HttpCache::default();
        let none = HeaderMap::new();
        let k = CacheKey::new("s", &Url::parse("https://a.example/").unwrap());
        let stored = h(&[
            ("access-control-allow-origin", "*"),
            ("etag", "\"v1\""),
            ("cache-control", "no-cache"),
        ]);
        assert!(c.store(
            k.clone(),
            &none,
            200,
            &stored,
            &Bytes::from_static(b"b"),
            t0()
        ));
        let e = c
            .update_after_304(
                &k,
                &h(&[("cache-control", "max-age=5"), ("x-new", "1")]),
                t0(),
            )
            .unwrap();
        assert_eq!(e.headers["access-control-allow-origin"], "*");
        assert_eq!(e.headers["x-new"], "1");
        assert_eq!(e.lifetime, Duration::from_secs(5));
        assert_eq!(e.body, "b");
    }
}
