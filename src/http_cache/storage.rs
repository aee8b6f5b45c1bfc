//! Which responses the HTTP cache keeps, and how long a kept response without explicit
//! freshness (`max-age`, `Expires`) stays fresh: where the engines' caches differ
//! (<https://www.rfc-editor.org/rfc/rfc9111#section-3> leaves both to the cache).

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use super::policy::{directives, freshness_lifetime, has_directive, http_date, validators};

/// A year: the implicit lifetime of a `301` or `410` under [`StorageRule::KeepReusable`].
const A_YEAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// How an engine's HTTP cache chooses what to keep and its implicit freshness.
///
/// ```
/// use fetchguard::http_cache::StorageRule;
/// use std::time::SystemTime;
/// let mut h = http::HeaderMap::new();
/// h.insert("last-modified", "Mon, 01 Jan 2001 00:00:00 GMT".parse().unwrap());
/// let now = SystemTime::now();
/// assert!(StorageRule::KeepAll.lifetime(404, &h, now).is_zero());
/// assert!(!StorageRule::KeepReusable.lifetime(404, &h, now).is_zero());
/// assert!(!StorageRule::KeepReusable.keeps(404, &http::HeaderMap::new(), now));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageRule {
    /// Every response without `no-store` is kept, even one that is never fresh and has
    /// no validator (`force-cache` and `only-if-cached` answer with it). Heuristic
    /// freshness (a tenth of `Date` − `Last-Modified`) for a 200, 203 or 206 without
    /// `must-revalidate`; a 300, 301, 308 or 410 is fresh for ever
    /// ([`freshness_lifetime`]). Chromium (`HttpResponseHeaders::GetFreshnessLifetimes`).
    KeepAll,
    /// Only a response that may be reused is kept: its status is cacheable by default
    /// (200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501) or, with `max-age` or
    /// `Expires`, potentially cacheable (201, 202, 205, 302, 303, 307, 403, 406, 415);
    /// and it has a validator (`ETag`, `Last-Modified`) or a non-zero lifetime. Without
    /// explicit freshness a 301 or 410 is fresh for a year, any other kept status with
    /// `Last-Modified` for a tenth of its age, `must-revalidate` or not. WebKit's network
    /// cache (observed in WebKitGTK 2.50.6: a 404 or a `must-revalidate` 200 with an old
    /// `Last-Modified` is answered from the cache; a 404, 300 or 200 without caching
    /// headers is fetched again by `force-cache`).
    KeepReusable,
}

impl StorageRule {
    /// The freshness lifetime of a response received at `received`; zero when it must be
    /// revalidated before each use (`no-cache`, `Pragma: no-cache`).
    pub fn lifetime(self, status: u16, headers: &HeaderMap, received: SystemTime) -> Duration {
        match self {
            StorageRule::KeepAll => freshness_lifetime(status, headers, received),
            StorageRule::KeepReusable => {
                if has_explicit_freshness(headers) {
                    // max-age, then Expires, as in every cache.
                    return freshness_lifetime(status, headers, received);
                }
                let pragma_no_cache = headers.get_all(http::header::PRAGMA).iter().any(|v| {
                    v.to_str()
                        .is_ok_and(|v| v.to_ascii_lowercase().contains("no-cache"))
                });
                if pragma_no_cache || has_directive(&directives(headers), "no-cache") {
                    return Duration::ZERO;
                }
                if matches!(status, 301 | 410) {
                    return A_YEAR;
                }
                let date = http_date(headers, http::header::DATE).unwrap_or(received);
                http_date(headers, http::header::LAST_MODIFIED)
                    .and_then(|lm| date.duration_since(lm).ok())
                    .map_or(Duration::ZERO, |since| since / 10)
            }
        }
    }

    /// Whether a response to a GET (without `no-store`) is kept at all.
    pub fn keeps(self, status: u16, headers: &HeaderMap, received: SystemTime) -> bool {
        match self {
            StorageRule::KeepAll => true,
            StorageRule::KeepReusable => {
                let by_default = matches!(
                    status,
                    200 | 203 | 204 | 206 | 300 | 301 | 404 | 405 | 410 | 414 | 501
                );
                let potentially =
                    matches!(status, 201 | 202 | 205 | 302 | 303 | 307 | 403 | 406 | 415);
                let kept_status = by_default || (potentially && has_explicit_freshness(headers));
                if !kept_status {
                    return false;
                }
                let validator = headers.contains_key(http::header::ETAG)
                    || headers.contains_key(http::header::LAST_MODIFIED);
                validator || !self.lifetime(status, headers, received).is_zero()
            }
        }
    }
}

impl StorageRule {
    /// The validators a conditional request carries for a stored response with `status`:
    /// under [`KeepAll`](Self::KeepAll) only a stored 200 is revalidated
    /// ([`validators`]); under [`KeepReusable`](Self::KeepReusable) any kept status is
    /// (observed in WebKitGTK: a stale 203, 204, 404 or 410 with `Last-Modified` goes out
    /// with `If-Modified-Since`, wpt-subset fetch/http-cache/status).
    pub fn validators(
        self,
        status: u16,
        stored: &HeaderMap,
    ) -> Vec<(http::HeaderName, http::HeaderValue)> {
        match self {
            StorageRule::KeepAll => validators(status, stored),
            StorageRule::KeepReusable => validators(200, stored),
        }
    }
}

/// The `max-stale` a request's own `Cache-Control` allows (no value: any staleness), if
/// any (<https://www.rfc-editor.org/rfc/rfc9111#section-5.2.1.2>).
///
/// ```
/// use fetchguard::http_cache::request_max_stale;
/// use std::time::Duration;
/// let mut h = http::HeaderMap::new();
/// assert_eq!(request_max_stale(&h), None);
/// h.insert("cache-control", "max-stale=1000".parse().unwrap());
/// assert_eq!(request_max_stale(&h), Some(Duration::from_secs(1000)));
/// h.insert("cache-control", "max-stale".parse().unwrap());
/// assert_eq!(request_max_stale(&h), Some(Duration::MAX));
/// ```
pub fn request_max_stale(request: &HeaderMap) -> Option<Duration> {
    directives(request).iter().find_map(|d| {
        if d == "max-stale" {
            return Some(Duration::MAX);
        }
        d.strip_prefix("max-stale=")
            .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
            .map(Duration::from_secs)
    })
}

/// Whether the response says how long it stays fresh (`max-age` or `Expires`).
fn has_explicit_freshness(headers: &HeaderMap) -> bool {
    headers.contains_key(http::header::EXPIRES)
        || directives(headers)
            .iter()
            .any(|d| d.starts_with("max-age="))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderMap {
        crate::headers::map_of(pairs)
    }

    #[test]
    fn keep_reusable_statuses_validators_and_heuristics() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let lm = httpdate::fmt_http_date(now - Duration::from_secs(100_000));
        let d = httpdate::fmt_http_date(now);
        let old = h(&[("last-modified", &lm), ("date", &d)]);
        let r = StorageRule::KeepReusable;
        for s in [200, 404, 300, 501] {
            assert_eq!(r.lifetime(s, &old, now), Duration::from_secs(10_000), "{s}");
            assert!(r.keeps(s, &old, now), "{s}");
            assert!(!r.keeps(s, &h(&[]), now), "{s}");
        }
        let mut must = old.clone();
        must.insert("cache-control", "must-revalidate".parse().unwrap());
        assert_eq!(r.lifetime(200, &must, now), Duration::from_secs(10_000));
        assert_eq!(
            StorageRule::KeepAll.lifetime(200, &must, now),
            Duration::ZERO
        );
        for s in [302, 307, 403, 500, 308] {
            assert!(!r.keeps(s, &old, now), "{s}");
        }
        let max_age = h(&[("cache-control", "max-age=60")]);
        assert!(r.keeps(302, &max_age, now));
        assert!(!r.keeps(500, &max_age, now));
        assert_eq!(r.lifetime(301, &h(&[]), now), A_YEAR);
        assert!(r.keeps(410, &h(&[]), now));
        assert_eq!(r.lifetime(300, &h(&[]), now), Duration::ZERO);
        let nc = h(&[("last-modified", &lm), ("cache-control", "no-cache")]);
        assert_eq!(r.lifetime(200, &nc, now), Duration::ZERO);
        assert!(r.keeps(200, &nc, now), "a validator makes it reusable");
        assert!(StorageRule::KeepAll.keeps(500, &h(&[]), now));
    }
}
