//! The CORS-preflight cache, as Chromium implements it.
//! <https://fetch.spec.whatwg.org/#cors-preflight-cache>
//!
//! The standard's cache holds one entry per (key, origin, URL, credentials, method) and
//! per header name, each with its own expiry, and a new preflight adds entries next to
//! the old ones. Chromium does not: its cache
//! (services/network/cors/preflight_cache.cc, preflight_result.cc) maps
//! (origin, URL spec, network isolation key) to ONE [`PreflightResult`], the last
//! preflight's whole answer, which a new preflight for the same key REPLACES. A lookup
//! asks whether that one result covers the request; when it does not (or it has
//! expired) Chromium deletes the entry, sends a preflight, and caches its answer. This
//! module follows Chromium.
//!
//! Key: the [`Origin`] value itself (two opaque origins both serialize as `null` but are
//! different origins) and the full URL string (`url.spec()` in Chromium). The network
//! isolation key is not a separate part of the key: a fetchguard Browser page has one
//! top-level site, so it is constant per cache; use one cache per top-level site.
//! Chromium's `target_ip_address_space` key part (Private Network Access, dropped from
//! the key in current Chromium) is not modelled.
//!
//! Capacity: current Chromium partitions the cache by top-frame site and keeps at most
//! 32 entries per site, evicting 4 entries at a random position when full, and tracks at
//! most 128 top-frame sites (preflight_cache.h, `kMaxEntriesPerTopFrameSite`). Random
//! eviction cannot be reproduced, so [`PreflightCache::new`] is unbounded, and
//! [`PreflightCache::with_capacity_limit`] (e.g. [`CapacityLimit::CHROMIUM`]) bounds it,
//! evicting the oldest stored entries instead of a random run. URLs of 1024 bytes or more
//! are never cached (`kMaxKeyLength`), in both modes.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use url::Url;

use crate::clock::Instant;
use crate::origin::Origin;

use super::preflight::{AuthorizationUnderWildcard, MAX_AGE_CAP, PreflightResult};

/// URLs whose serialization is this long or longer are not cached.
///
/// CHROMIUM: `kMaxKeyLength` (preflight_cache.cc).
pub const MAX_URL_LENGTH: usize = 1024;

/// A bound on the number of cache entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapacityLimit {
    /// The most entries the cache holds (at least 1).
    pub max_entries: usize,
    /// How many entries one eviction removes (at least 1).
    pub purge_unit: usize,
}

impl CapacityLimit {
    /// Chromium's per-top-frame-site bound: 32 entries, 4 evicted at a time
    /// (`kMaxEntriesPerTopFrameSite`, `kPurgeUnitPerTopFrameSite`, preflight_cache.h).
    pub const CHROMIUM: CapacityLimit = CapacityLimit {
        max_entries: 32,
        purge_unit: 4,
    };
}

/// The outcome of [`PreflightCache::lookup`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheLookup {
    /// A cached preflight covers the request; no preflight is needed.
    Hit,
    /// A preflight is needed, and why.
    Miss(MissReason),
}

/// Why the cache did not cover a request (the trace shows it).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissReason {
    /// Nothing cached for this origin and URL.
    NoEntry,
    /// The entry's max-age has run out (it was removed).
    Expired,
    /// The entry came from a preflight without credentials and the request has
    /// credentials mode `include` (the entry was removed).
    CredentialsNotCovered,
    /// The entry does not allow this method, as sent (the entry was removed).
    MethodNotCovered(String),
    /// The entry does not allow this request header, lower-case (the entry was removed).
    HeaderNotCovered(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    origin: Origin,
    url: String,
}

#[derive(Clone, Debug)]
struct Entry {
    result: PreflightResult,
    expires: Instant,
    /// Insertion number, the key of this entry in `PreflightCache::order`.
    seq: u64,
}

/// The CORS-preflight cache, keyed by (origin, URL), one [`PreflightResult`] per key.
/// See the module documentation for how it differs from the standard.
/// <https://fetch.spec.whatwg.org/#cors-preflight-cache>
///
/// Lookups and stores are O(1) expected (a hash map) plus O(log n) for the insertion
/// order kept for eviction.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use fetchguard::Origin;
/// use fetchguard::cors::{CacheLookup, MissReason, PreflightCache, PreflightResult};
/// let app = Origin::parse("https://app.example").unwrap();
/// let url = url::Url::parse("https://api.example/items").unwrap();
/// let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let mut cache = PreflightCache::new();
/// let result = PreflightResult {
///     methods: vec!["PUT".into()],
///     headers: vec!["x-token".into()],
///     credentials: false,
///     max_age: Duration::from_secs(600),
/// };
/// cache.store(&app, &url, result, t0);
/// let names = vec!["x-token".to_string()];
/// assert_eq!(cache.lookup(&app, &url, false, "PUT", &names, t0), CacheLookup::Hit);
/// let later = t0 + Duration::from_secs(600);
/// assert_eq!(
///     cache.lookup(&app, &url, false, "PUT", &names, later),
///     CacheLookup::Miss(MissReason::Expired)
/// );
/// assert!(cache.is_empty());
/// ```
#[derive(Debug, Default)]
pub struct PreflightCache {
    entries: HashMap<Key, Entry>,
    /// Insertion order (oldest first), for eviction under a [`CapacityLimit`].
    order: BTreeMap<u64, Key>,
    next_seq: u64,
    limit: Option<CapacityLimit>,
}

impl PreflightCache {
    /// An empty, unbounded cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty cache holding at most `limit.max_entries` entries; storing a new key into
    /// a full cache first evicts the `limit.purge_unit` oldest entries.
    ///
    /// CHROMIUM: Chromium evicts a run of entries at a random position in its key order
    /// (preflight_cache.cc, `MayPurge`); oldest-first is the deterministic stand-in.
    pub fn with_capacity_limit(limit: CapacityLimit) -> Self {
        PreflightCache {
            limit: Some(CapacityLimit {
                max_entries: limit.max_entries.max(1),
                purge_unit: limit.purge_unit.max(1),
            }),
            ..Self::default()
        }
    }

    /// Caches a successful preflight's result for `origin` and `url` at time `now`,
    /// replacing whatever was cached for that pair. The entry expires at
    /// `now + result.max_age` (the age is capped at [`MAX_AGE_CAP`]).
    ///
    /// Only store a result whose preflight let the actual request through: Chromium
    /// caches only when the method and header checks passed
    /// (preflight_controller.cc, `FinishHandleResponseHeader`).
    ///
    /// A zero max-age stores nothing and REMOVES an existing entry for the pair.
    /// CHROMIUM: Chromium stores a result that is already expired (it expires at the
    /// instant it is created, and `IsExpired` is `expiry <= now`), replacing the old
    /// one, so the pair is uncached either way; removing keeps [`len`](Self::len) honest.
    /// URLs of [`MAX_URL_LENGTH`] bytes or more are not cached (and an existing entry
    /// cannot exist for them).
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use fetchguard::Origin;
    /// use fetchguard::cors::{PreflightCache, PreflightResult};
    /// let app = Origin::parse("https://app.example").unwrap();
    /// let url = url::Url::parse("https://api.example/").unwrap();
    /// let mut cache = PreflightCache::new();
    /// let mut r = PreflightResult {
    ///     methods: vec![], headers: vec![], credentials: false,
    ///     max_age: Duration::from_secs(5),
    /// };
    /// cache.store(&app, &url, r.clone(), SystemTime::UNIX_EPOCH);
    /// assert_eq!(cache.len(), 1);
    /// r.max_age = Duration::ZERO;
    /// cache.store(&app, &url, r, SystemTime::UNIX_EPOCH);
    /// assert_eq!(cache.len(), 0);
    /// ```
    pub fn store(&mut self, origin: &Origin, url: &Url, result: PreflightResult, now: Instant) {
        let url = url.as_str();
        if url.len() >= MAX_URL_LENGTH {
            return;
        }
        let key = Key {
            origin: origin.clone(),
            url: url.to_string(),
        };
        let max_age = result.max_age.min(MAX_AGE_CAP);
        let expires = match now.checked_add(max_age) {
            Some(t) if max_age > Duration::ZERO => t,
            _ => {
                self.remove(&key);
                return;
            }
        };
        if let Some(old) = self.entries.get(&key) {
            // CHROMIUM: replacing an existing key never evicts (preflight_cache.cc).
            self.order.remove(&old.seq);
        } else {
            self.make_room();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.insert(seq, key.clone());
        self.entries.insert(
            key,
            Entry {
                result,
                expires,
                seq,
            },
        );
    }

    /// Whether a cached preflight covers a request, at time `now`.
    /// <https://fetch.spec.whatwg.org/#cors-preflight-cache>
    ///
    /// `credentials_include`, `method` (as sent) and `unsafe_header_names` describe the
    /// actual request. Chromium's rules (preflight_result.cc, `EnsureAllowedRequest`), in
    /// order: an entry is expired when `now >= stored + max_age`; an entry from a
    /// preflight without credentials does not serve a credentialed request (a
    /// credentialed one serves both); the method must be covered
    /// ([`PreflightResult::check_method`]: safelisted methods always are, `*` only in an
    /// entry without credentials); then the headers
    /// ([`PreflightResult::check_headers`]: `*` only without credentials, never for
    /// `authorization`).
    ///
    /// CHROMIUM: every miss on an existing entry — expired or not covering the request —
    /// removes it (preflight_cache.cc, `CheckIfRequestCanSkipPreflight`).
    pub fn lookup(
        &mut self,
        origin: &Origin,
        url: &Url,
        credentials_include: bool,
        method: &str,
        unsafe_header_names: &[String],
        now: Instant,
    ) -> CacheLookup {
        self.lookup_with(
            AuthorizationUnderWildcard::NotCovered,
            origin,
            url,
            credentials_include,
            method,
            unsafe_header_names,
            now,
        )
    }

    /// [`PreflightCache::lookup`], choosing whether a cached `*` covers `authorization`
    /// (WEBKIT: it does, issue 18 fact 6; Chromium: it does not).
    #[allow(clippy::too_many_arguments)]
    pub fn lookup_with(
        &mut self,
        authorization: AuthorizationUnderWildcard,
        origin: &Origin,
        url: &Url,
        credentials_include: bool,
        method: &str,
        unsafe_header_names: &[String],
        now: Instant,
    ) -> CacheLookup {
        let key = Key {
            origin: origin.clone(),
            url: url.as_str().to_string(),
        };
        let Some(entry) = self.entries.get(&key) else {
            return CacheLookup::Miss(MissReason::NoEntry);
        };
        // CHROMIUM: `IsExpired()` is `absolute_expiry_time_ <= Now()`, so an entry is
        // gone at exactly stored + max-age (preflight_result.cc).
        let reason = if entry.expires <= now {
            MissReason::Expired
        } else if !entry.result.credentials && credentials_include {
            MissReason::CredentialsNotCovered
        } else if !entry.result.allows_method(method) {
            MissReason::MethodNotCovered(method.to_string())
        } else if let Some(h) = entry
            .result
            .disallowed_header(unsafe_header_names, authorization)
        {
            MissReason::HeaderNotCovered(h)
        } else {
            return CacheLookup::Hit;
        };
        self.remove(&key);
        CacheLookup::Miss(reason)
    }

    /// True when an entry (expired or not) is stored for `origin` and `url`; does not
    /// change the cache.
    pub fn contains(&self, origin: &Origin, url: &Url) -> bool {
        self.entries.contains_key(&Key {
            origin: origin.clone(),
            url: url.as_str().to_string(),
        })
    }

    /// The number of stored entries, expired ones included until a lookup removes them.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    fn remove(&mut self, key: &Key) {
        if let Some(old) = self.entries.remove(key) {
            self.order.remove(&old.seq);
        }
    }

    /// Before a new key goes in: when the cache is at its limit, evict the oldest
    /// `purge_unit` entries.
    fn make_room(&mut self) {
        let Some(limit) = self.limit else {
            return;
        };
        if self.entries.len() < limit.max_entries {
            return;
        }
        for _ in 0..limit.purge_unit {
            let Some((_, key)) = self.order.pop_first() else {
                break;
            };
            self.entries.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn t(secs: u64) -> Instant {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    fn app() -> Origin {
        Origin::parse("https://app.example").unwrap()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn result(
        methods: &[&str],
        headers: &[&str],
        credentials: bool,
        max_age: u64,
    ) -> PreflightResult {
        PreflightResult {
            methods: methods.iter().map(|s| s.to_string()).collect(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            credentials,
            max_age: Duration::from_secs(max_age),
        }
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    use CacheLookup::*;
    use MissReason::*;

    #[test]
    fn empty_cache_misses() {
        let mut c = PreflightCache::new();
        assert!(c.is_empty());
        assert_eq!(
            c.lookup(
                &app(),
                &url("https://api.example/"),
                false,
                "PUT",
                &[],
                t(0)
            ),
            Miss(NoEntry)
        );
    }

    #[test]
    fn expiry_boundary() {
        // (max-age, seconds after storing, expected)
        let cases: &[(u64, u64, CacheLookup)] = &[
            (10, 0, Hit),
            (10, 9, Hit),
            (10, 10, Miss(Expired)),
            (10, 11, Miss(Expired)),
            (5, 4, Hit),
            (5, 5, Miss(Expired)),
            (7200, 7199, Hit),
            (7200, 7200, Miss(Expired)),
            // Ages above the cap are capped when stored.
            (86400, 7199, Hit),
            (86400, 7200, Miss(Expired)),
        ];
        let u = url("https://api.example/x");
        for (max_age, after, want) in cases {
            let mut c = PreflightCache::new();
            c.store(&app(), &u, result(&["PUT"], &[], false, *max_age), t(0));
            assert_eq!(
                &c.lookup(&app(), &u, false, "PUT", &[], t(*after)),
                want,
                "max-age {max_age}, after {after}"
            );
            // An expired entry is removed by the lookup; a hit stays.
            assert_eq!(c.len(), usize::from(*want == Hit), "max-age {max_age}");
        }
    }

    #[test]
    fn sub_second_boundary() {
        let u = url("https://api.example/x");
        let mut c = PreflightCache::new();
        c.store(&app(), &u, result(&["PUT"], &[], false, 5), t(0));
        let just_before = t(5) - Duration::from_nanos(1);
        assert_eq!(c.lookup(&app(), &u, false, "PUT", &[], just_before), Hit);
        assert_eq!(c.lookup(&app(), &u, false, "PUT", &[], t(5)), Miss(Expired));
    }

    #[test]
    fn zero_max_age_stores_nothing_and_removes_existing() {
        let u = url("https://api.example/x");
        let mut c = PreflightCache::new();
        c.store(&app(), &u, result(&["PUT"], &[], false, 0), t(0));
        assert!(c.is_empty());
        c.store(&app(), &u, result(&["PUT"], &[], false, 600), t(0));
        assert_eq!(c.len(), 1);
        c.store(&app(), &u, result(&["PUT"], &[], false, 0), t(1));
        assert!(c.is_empty());
        assert_eq!(c.lookup(&app(), &u, false, "PUT", &[], t(2)), Miss(NoEntry));
    }

    #[test]
    fn new_preflight_replaces_the_entry() {
        let u = url("https://api.example/x");
        let mut c = PreflightCache::new();
        c.store(&app(), &u, result(&["PUT"], &["x-a"], false, 600), t(0));
        c.store(&app(), &u, result(&["DELETE"], &[], false, 600), t(1));
        assert_eq!(c.len(), 1);
        // Unlike the standard, PUT is no longer covered: the entry was replaced.
        assert_eq!(c.lookup(&app(), &u, false, "DELETE", &[], t(2)), Hit);
        assert_eq!(
            c.lookup(&app(), &u, false, "PUT", &[], t(2)),
            Miss(MethodNotCovered("PUT".into()))
        );
        // And the failed lookup removed the entry (Chromium's hit-and-fail).
        assert!(c.is_empty());
        assert_eq!(
            c.lookup(&app(), &u, false, "DELETE", &[], t(2)),
            Miss(NoEntry)
        );
    }

    #[test]
    fn replacement_renews_expiry() {
        let u = url("https://api.example/x");
        let mut c = PreflightCache::new();
        c.store(&app(), &u, result(&["PUT"], &[], false, 10), t(0));
        c.store(&app(), &u, result(&["PUT"], &[], false, 10), t(8));
        assert_eq!(c.lookup(&app(), &u, false, "PUT", &[], t(15)), Hit);
        assert_eq!(
            c.lookup(&app(), &u, false, "PUT", &[], t(18)),
            Miss(Expired)
        );
    }

    #[test]
    fn coverage_rules() {
        // (stored result, request credentials, method, unsafe headers, expected)
        type Case = (
            PreflightResult,
            bool,
            &'static str,
            &'static [&'static str],
            CacheLookup,
        );
        let cases: Vec<Case> = vec![
            // Credentials.
            (result(&["PUT"], &[], false, 60), false, "PUT", &[], Hit),
            (
                result(&["PUT"], &[], false, 60),
                true,
                "PUT",
                &[],
                Miss(CredentialsNotCovered),
            ),
            (result(&["PUT"], &[], true, 60), true, "PUT", &[], Hit),
            (result(&["PUT"], &[], true, 60), false, "PUT", &[], Hit),
            // Safelisted methods are always covered.
            (result(&[], &[], false, 60), false, "GET", &[], Hit),
            (result(&[], &[], false, 60), false, "POST", &[], Hit),
            (result(&[], &[], true, 60), true, "HEAD", &[], Hit),
            // Methods match as sent.
            (
                result(&["PUT"], &[], false, 60),
                false,
                "put",
                &[],
                Miss(MethodNotCovered("put".into())),
            ),
            (
                result(&["PUT"], &[], false, 60),
                false,
                "DELETE",
                &[],
                Miss(MethodNotCovered("DELETE".into())),
            ),
            // `*` methods only in an entry without credentials.
            (result(&["*"], &[], false, 60), false, "DELETE", &[], Hit),
            (
                result(&["*"], &[], true, 60),
                true,
                "DELETE",
                &[],
                Miss(MethodNotCovered("DELETE".into())),
            ),
            (
                result(&["*"], &[], true, 60),
                false,
                "DELETE",
                &[],
                Miss(MethodNotCovered("DELETE".into())),
            ),
            // Headers.
            (
                result(&["PUT"], &["x-a"], false, 60),
                false,
                "PUT",
                &["x-a"],
                Hit,
            ),
            (
                result(&["PUT"], &["x-a"], false, 60),
                false,
                "PUT",
                &["X-A"],
                Hit,
            ),
            (
                result(&["PUT"], &["x-a"], false, 60),
                false,
                "PUT",
                &["x-a", "x-b"],
                Miss(HeaderNotCovered("x-b".into())),
            ),
            (
                result(&["POST"], &[], false, 60),
                false,
                "POST",
                &["x-a"],
                Miss(HeaderNotCovered("x-a".into())),
            ),
            // `*` headers only without credentials, never `authorization`.
            (
                result(&[], &["*"], false, 60),
                false,
                "POST",
                &["x-a", "x-b"],
                Hit,
            ),
            (
                result(&[], &["*"], false, 60),
                false,
                "POST",
                &["authorization"],
                Miss(HeaderNotCovered("authorization".into())),
            ),
            (
                result(&[], &["*", "authorization"], false, 60),
                false,
                "POST",
                &["authorization", "x-a"],
                Hit,
            ),
            (
                result(&[], &["*"], true, 60),
                true,
                "POST",
                &["x-a"],
                Miss(HeaderNotCovered("x-a".into())),
            ),
            (
                result(&[], &["*"], true, 60),
                false,
                "POST",
                &["x-a"],
                Miss(HeaderNotCovered("x-a".into())),
            ),
            (
                result(&[], &["authorization"], true, 60),
                true,
                "POST",
                &["authorization"],
                Hit,
            ),
            // Method is checked before headers; credentials before both.
            (
                result(&[], &[], false, 60),
                false,
                "PUT",
                &["x-a"],
                Miss(MethodNotCovered("PUT".into())),
            ),
            (
                result(&[], &[], false, 60),
                true,
                "PUT",
                &["x-a"],
                Miss(CredentialsNotCovered),
            ),
        ];
        let u = url("https://api.example/x");
        for (i, (stored, creds, method, hs, want)) in cases.into_iter().enumerate() {
            let mut c = PreflightCache::new();
            c.store(&app(), &u, stored, t(0));
            let got = c.lookup(&app(), &u, creds, method, &names(hs), t(1));
            assert_eq!(got, want, "case {i}");
            assert_eq!(c.len(), usize::from(want == Hit), "case {i}: miss removes");
        }
    }

    #[test]
    fn keys_are_origin_and_full_url() {
        let mut c = PreflightCache::new();
        let a = app();
        let b = Origin::parse("https://other.example").unwrap();
        let u = url("https://api.example/x?q=1");
        c.store(&a, &u, result(&["PUT"], &[], false, 60), t(0));
        assert_eq!(c.lookup(&b, &u, false, "PUT", &[], t(1)), Miss(NoEntry));
        assert_eq!(
            c.lookup(
                &a,
                &url("https://api.example/x?q=2"),
                false,
                "PUT",
                &[],
                t(1)
            ),
            Miss(NoEntry)
        );
        assert_eq!(
            c.lookup(&a, &url("https://api.example/x"), false, "PUT", &[], t(1)),
            Miss(NoEntry)
        );
        assert_eq!(c.lookup(&a, &u, false, "PUT", &[], t(1)), Hit);
        // The fragment is part of the URL string, as in Chromium's url.spec().
        assert_eq!(
            c.lookup(
                &a,
                &url("https://api.example/x?q=1#f"),
                false,
                "PUT",
                &[],
                t(1)
            ),
            Miss(NoEntry)
        );
    }

    #[test]
    fn opaque_origins_do_not_share_entries() {
        let mut c = PreflightCache::new();
        let o1 = Origin::new_opaque();
        let o2 = Origin::new_opaque();
        let u = url("https://api.example/x");
        c.store(&o1, &u, result(&["PUT"], &[], false, 60), t(0));
        assert_eq!(c.lookup(&o2, &u, false, "PUT", &[], t(1)), Miss(NoEntry));
        assert_eq!(c.lookup(&o1, &u, false, "PUT", &[], t(1)), Hit);
    }

    #[test]
    fn long_urls_are_not_cached() {
        let mut c = PreflightCache::new();
        let base = "https://api.example/";
        let fits = url(&format!(
            "{base}{}",
            "a".repeat(MAX_URL_LENGTH - 1 - base.len())
        ));
        let too_long = url(&format!(
            "{base}{}",
            "a".repeat(MAX_URL_LENGTH - base.len())
        ));
        assert_eq!(fits.as_str().len(), 1023);
        assert_eq!(too_long.as_str().len(), 1024);
        c.store(&app(), &fits, result(&["PUT"], &[], false, 60), t(0));
        c.store(&app(), &too_long, result(&["PUT"], &[], false, 60), t(0));
        assert_eq!(c.len(), 1);
        assert!(c.contains(&app(), &fits));
        assert!(!c.contains(&app(), &too_long));
    }

    #[test]
    fn clear_and_len() {
        let mut c = PreflightCache::new();
        for i in 0..10 {
            c.store(
                &app(),
                &url(&format!("https://api.example/{i}")),
                result(&["PUT"], &[], false, 60),
                t(0),
            );
        }
        assert_eq!(c.len(), 10);
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.order.len(), 0);
    }

    #[test]
    fn capacity_limit_evicts_oldest() {
        let mut c = PreflightCache::with_capacity_limit(CapacityLimit::CHROMIUM);
        let u = |i: usize| url(&format!("https://api.example/{i}"));
        for i in 0..32 {
            c.store(&app(), &u(i), result(&["PUT"], &[], false, 60), t(0));
        }
        assert_eq!(c.len(), 32);
        // Replacing an existing key never evicts.
        c.store(&app(), &u(0), result(&["PUT"], &[], false, 60), t(1));
        assert_eq!(c.len(), 32);
        // A new key into a full cache evicts the four oldest (1..=4; 0 was renewed).
        c.store(&app(), &u(32), result(&["PUT"], &[], false, 60), t(1));
        assert_eq!(c.len(), 29);
        for i in 1..=4 {
            assert!(!c.contains(&app(), &u(i)), "{i} evicted");
        }
        for i in [0, 5, 31, 32] {
            assert!(c.contains(&app(), &u(i)), "{i} kept");
        }
        assert_eq!(c.order.len(), c.entries.len());
    }

    #[test]
    fn unbounded_by_default_and_scales() {
        let mut c = PreflightCache::new();
        let n = 20_000;
        for i in 0..n {
            c.store(
                &app(),
                &url(&format!("https://api.example/{i}")),
                result(&["PUT"], &[], false, 60),
                t(0),
            );
        }
        assert_eq!(c.len(), n);
        assert_eq!(
            c.lookup(
                &app(),
                &url("https://api.example/12345"),
                false,
                "PUT",
                &[],
                t(1)
            ),
            Hit
        );
    }
}
