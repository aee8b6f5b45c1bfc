//! What the HTTP cache decides, free of I/O: how long a stored response stays fresh, its
//! age, whether a stored response matches a new request (`Vary`), the validators of a
//! conditional request, and how a `304` updates the stored headers
//! (RFC 9111, with Chromium's choices marked `CHROMIUM:`).

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderName};

/// The lower-case `Cache-Control` directives of a header map.
pub(super) fn directives(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .collect()
}

pub(super) fn has_directive(dirs: &[String], name: &str) -> bool {
    dirs.iter().any(|d| {
        d.strip_prefix(name)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
    })
}

pub(super) fn seconds_directive(dirs: &[String], name: &str) -> Option<u64> {
    dirs.iter().find_map(|d| {
        d.strip_prefix(name)
            .and_then(|r| r.strip_prefix('='))
            .and_then(|v| v.trim_matches('"').parse::<u64>().ok())
    })
}

pub(super) fn http_date(headers: &HeaderMap, name: HeaderName) -> Option<SystemTime> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
}

/// Whether a response to a GET may be stored at all
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-3>): not when it says `no-store`.
///
/// ```
/// use fetchguard::http_cache::policy::is_storable;
/// let mut h = http::HeaderMap::new();
/// assert!(is_storable(&h));
/// h.insert("cache-control", "private, no-store".parse().unwrap());
/// assert!(!is_storable(&h));
/// ```
pub fn is_storable(headers: &HeaderMap) -> bool {
    !has_directive(&directives(headers), "no-store")
}

/// The freshness lifetime of a response
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-4.2.1>); zero when it must be
/// revalidated before every use. `received` is when the response arrived (used when it
/// has no `Date`).
///
/// CHROMIUM (`HttpResponseHeaders::GetFreshnessLifetimes`): `no-cache` or `Pragma:
/// no-cache` → zero; `max-age` wins over `Expires`; without either, a 200, 203 or 206 with
/// `Last-Modified` is fresh for 10 % of (`Date` − `Last-Modified`) unless
/// `must-revalidate`, and a 300, 301, 308 or 410 is fresh for ever. Other statuses (404,
/// 302, 307...) get no heuristic freshness.
///
/// ```
/// use fetchguard::http_cache::policy::freshness_lifetime;
/// use std::time::{Duration, SystemTime};
/// let now = SystemTime::now();
/// let mut h = http::HeaderMap::new();
/// assert_eq!(freshness_lifetime(301, &h, now), Duration::MAX);
/// assert_eq!(freshness_lifetime(302, &h, now), Duration::ZERO);
/// h.insert("cache-control", "max-age=60".parse().unwrap());
/// assert_eq!(freshness_lifetime(200, &h, now), Duration::from_secs(60));
/// ```
pub fn freshness_lifetime(status: u16, headers: &HeaderMap, received: SystemTime) -> Duration {
    let dirs = directives(headers);
    let pragma_no_cache = headers.get_all(http::header::PRAGMA).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("no-cache"))
    });
    if pragma_no_cache || has_directive(&dirs, "no-cache") || has_directive(&dirs, "no-store") {
        return Duration::ZERO;
    }
    if let Some(s) = seconds_directive(&dirs, "max-age") {
        return Duration::from_secs(s);
    }
    // `Date` matters only against `Expires` or `Last-Modified`: parsed when one is there.
    let date = || http_date(headers, http::header::DATE).unwrap_or(received);
    if headers.contains_key(http::header::EXPIRES) {
        let date = date();
        // An invalid Expires (such as "0") means already expired.
        return http_date(headers, http::header::EXPIRES)
            .and_then(|e| e.duration_since(date).ok())
            .unwrap_or(Duration::ZERO);
    }
    if matches!(status, 200 | 203 | 206)
        && !has_directive(&dirs, "must-revalidate")
        && let Some(lm) = http_date(headers, http::header::LAST_MODIFIED)
        && let Ok(since) = date().duration_since(lm)
    {
        return since / 10;
    }
    if matches!(status, 300 | 301 | 308 | 410) {
        return Duration::MAX;
    }
    Duration::ZERO
}

/// The age of a stored response now
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-4.2.3>): the `Age` it arrived with plus
/// the time it has been stored.
pub fn current_age(headers: &HeaderMap, received: SystemTime, now: SystemTime) -> Duration {
    let age_header = headers
        .get(http::header::AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
        .unwrap_or_default();
    age_header + now.duration_since(received).unwrap_or_default()
}

/// The header names a response's `Vary` lists, lower-case; `None` for `Vary: *` (the
/// stored response never matches another request).
pub fn vary_names(headers: &HeaderMap) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for v in headers.get_all(http::header::VARY) {
        for n in v.to_str().unwrap_or("*").split(',') {
            let n = n.trim().to_ascii_lowercase();
            if n == "*" {
                return None;
            }
            if !n.is_empty() {
                names.push(n);
            }
        }
    }
    Some(names)
}

/// The values (combined, `None` when absent) of the request headers `names`, as stored
/// beside a response for later `Vary` matching.
pub fn selecting_headers(names: &[String], request: &HeaderMap) -> Vec<(String, Option<String>)> {
    names
        .iter()
        .map(|n| {
            let values: Vec<String> = request
                .get_all(n.as_str())
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            let value = (!values.is_empty()).then(|| values.join(", "));
            (n.clone(), value)
        })
        .collect()
}

/// Whether a new request carries the same selecting headers as the stored one
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-4.1>).
pub fn vary_matches(stored: &[(String, Option<String>)], request: &HeaderMap) -> bool {
    let names: Vec<String> = stored.iter().map(|(n, _)| n.clone()).collect();
    selecting_headers(&names, request) == stored
}

/// The validators a conditional request carries for a stored response
/// (<https://www.rfc-editor.org/rfc/rfc9110#section-13.1>): `If-None-Match` from `ETag`,
/// `If-Modified-Since` from `Last-Modified`. Empty when it has neither.
///
/// CHROMIUM (`HttpCache::Transaction::ConditionalizeRequest`): only a stored 200 is
/// revalidated; a stale 404 with `Last-Modified` is fetched again unconditionally
/// (observed: examples/http-cache-heuristic.toml).
pub fn validators(status: u16, stored: &HeaderMap) -> Vec<(HeaderName, http::HeaderValue)> {
    let mut out = Vec::new();
    if status != 200 {
        return out;
    }
    if let Some(etag) = stored.get(http::header::ETAG) {
        out.push((http::header::IF_NONE_MATCH, etag.clone()));
    }
    if let Some(lm) = stored.get(http::header::LAST_MODIFIED) {
        out.push((http::header::IF_MODIFIED_SINCE, lm.clone()));
    }
    out
}

/// Whether script's request headers make the request conditional
/// (<https://fetch.spec.whatwg.org/#http-network-or-cache-fetch>: `If-Modified-Since`,
/// `If-None-Match`, `If-Unmodified-Since`, `If-Match` or `If-Range`); under the default
/// cache mode such a request bypasses the HTTP cache.
///
/// ```
/// use fetchguard::http_cache::policy::has_conditional_header;
/// let mut h = http::HeaderMap::new();
/// assert!(!has_conditional_header(&h));
/// h.insert("if-none-match", "\"v1\"".parse().unwrap());
/// assert!(has_conditional_header(&h));
/// ```
pub fn has_conditional_header(headers: &HeaderMap) -> bool {
    use http::header::{IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE};
    [
        IF_MODIFIED_SINCE,
        IF_NONE_MATCH,
        IF_UNMODIFIED_SINCE,
        IF_MATCH,
        IF_RANGE,
    ]
    .iter()
    .any(|n| headers.contains_key(n))
}

/// What script's own request headers ask of the HTTP cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestDirective {
    /// `Pragma: no-cache` or `Cache-Control: no-cache`: do not use the stored response.
    Bypass,
    /// `Cache-Control: max-age=0`: revalidate the stored response before use.
    Validate,
}

/// The [`RequestDirective`] of a request's headers, if any (a bypass wins).
///
/// ```
/// use fetchguard::http_cache::policy::{RequestDirective, request_directive};
/// let mut h = http::HeaderMap::new();
/// assert_eq!(request_directive(&h), None);
/// h.insert("cache-control", "max-age=0".parse().unwrap());
/// assert_eq!(request_directive(&h), Some(RequestDirective::Validate));
/// h.insert("pragma", "no-cache".parse().unwrap());
/// assert_eq!(request_directive(&h), Some(RequestDirective::Bypass));
/// ```
pub fn request_directive(headers: &HeaderMap) -> Option<RequestDirective> {
    let dirs = directives(headers);
    let pragma_no_cache = headers.get_all(http::header::PRAGMA).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("no-cache"))
    });
    if pragma_no_cache || has_directive(&dirs, "no-cache") {
        Some(RequestDirective::Bypass)
    } else if seconds_directive(&dirs, "max-age") == Some(0) {
        Some(RequestDirective::Validate)
    } else {
        None
    }
}

/// CHROMIUM (`HttpResponseHeaders::Update`): headers a `304` does not replace — framing,
/// hop-by-hop and the representation's own metadata.
const NOT_UPDATED: &[&str] = &[
    "connection",
    "proxy-connection",
    "keep-alive",
    "www-authenticate",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-location",
    "content-md5",
    "etag",
    "content-encoding",
    "content-range",
    "content-type",
    "content-length",
    "x-frame-options",
    "x-xss-protection",
];

/// The stored headers updated by a `304`'s
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-3.2>): each header the 304 carries
/// replaces the stored one of that name, except [`NOT_UPDATED`]; headers it lacks (CORS
/// headers, say) stay as stored.
///
/// ```
/// use fetchguard::http_cache::policy::update_from_304;
/// let mut stored = http::HeaderMap::new();
/// stored.insert("access-control-allow-origin", "*".parse().unwrap());
/// stored.insert("cache-control", "max-age=0".parse().unwrap());
/// let mut n = http::HeaderMap::new();
/// n.insert("cache-control", "max-age=60".parse().unwrap());
/// let merged = update_from_304(&stored, &n);
/// assert_eq!(merged["cache-control"], "max-age=60");
/// assert_eq!(merged["access-control-allow-origin"], "*");
/// ```
pub fn update_from_304(stored: &HeaderMap, not_modified: &HeaderMap) -> HeaderMap {
    let mut merged = stored.clone();
    for name in not_modified.keys() {
        let n = name.as_str();
        if NOT_UPDATED.contains(&n)
            || n.starts_with("x-content-type-")
            || n.starts_with("x-webkit-")
        {
            continue;
        }
        merged.remove(name);
        for v in not_modified.get_all(name) {
            merged.append(name.clone(), v.clone());
        }
    }
    merged
}

/// Whether a response to an unsafe method invalidates the stored response for its URL
/// (<https://www.rfc-editor.org/rfc/rfc9111#section-4.4>): a non-error (2xx or 3xx)
/// response.
///
/// CHROMIUM: only POST, PUT, DELETE and PATCH invalidate; an unknown method (`FOO`) does
/// not, and neither does the URL a response names in `Location` or `Content-Location`
/// (observed: wpt-subset/fetch/http-cache/invalidate.toml).
pub fn invalidates(method: &http::Method, status: u16) -> bool {
    matches!(
        *method,
        http::Method::POST | http::Method::PUT | http::Method::DELETE | http::Method::PATCH
    ) && (200..400).contains(&status)
}

/// Whether a response's `Access-Control-Allow-Origin` reflects the request's `Origin`
/// (it names `request_origin`, not `*`) while `Vary` does not list `Origin`: a shared or
/// browser cache may then store it from a request without (or with another) `Origin` and
/// serve it to a CORS request it does not fit — the cache-poisoning bug behind
/// examples/http-cache-vary-origin.toml.
///
/// ```
/// use fetchguard::http_cache::policy::acao_varies_without_vary_origin;
/// let mut h = http::HeaderMap::new();
/// h.insert("access-control-allow-origin", "https://app.example".parse().unwrap());
/// assert!(acao_varies_without_vary_origin(&h, "https://app.example"));
/// h.insert("vary", "Accept-Encoding, Origin".parse().unwrap());
/// assert!(!acao_varies_without_vary_origin(&h, "https://app.example"));
/// ```
pub fn acao_varies_without_vary_origin(response: &HeaderMap, request_origin: &str) -> bool {
    let reflects = response
        .get_all(http::header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .iter()
        .any(|v| v.as_bytes() == request_origin.as_bytes());
    let varies_on_origin = match vary_names(response) {
        None => true,
        Some(names) => names.iter().any(|n| n == "origin"),
    };
    reflects && !varies_on_origin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> HeaderMap {
        crate::headers::map_of(pairs)
    }

    #[test]
    fn heuristic_freshness_is_a_tenth_of_the_last_modified_age_for_200_only() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let lm = httpdate::fmt_http_date(now - Duration::from_secs(100_000));
        let d = httpdate::fmt_http_date(now);
        let headers = h(&[("last-modified", &lm), ("date", &d)]);
        assert_eq!(
            freshness_lifetime(200, &headers, now),
            Duration::from_secs(10_000)
        );
        assert_eq!(freshness_lifetime(404, &headers, now), Duration::ZERO);
        let mut must = headers.clone();
        must.insert("cache-control", "must-revalidate".parse().unwrap());
        assert_eq!(freshness_lifetime(200, &must, now), Duration::ZERO);
    }

    #[test]
    fn no_cache_and_pragma_and_expires() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        for s in [300, 301, 308, 410] {
            assert_eq!(freshness_lifetime(s, &h(&[]), now), Duration::MAX, "{s}");
        }
        for s in [200, 302, 303, 307, 404] {
            assert_eq!(freshness_lifetime(s, &h(&[]), now), Duration::ZERO, "{s}");
        }
        let nc = h(&[("Cache-Control", "public, No-Cache")]);
        assert_eq!(freshness_lifetime(301, &nc, now), Duration::ZERO);
        assert_eq!(
            freshness_lifetime(301, &h(&[("pragma", "no-cache")]), now),
            Duration::ZERO
        );
        let exp = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            freshness_lifetime(200, &h(&[("expires", &exp)]), now),
            Duration::from_secs(30)
        );
        assert_eq!(
            freshness_lifetime(200, &h(&[("expires", "0")]), now),
            Duration::ZERO
        );
        assert!(!is_storable(&h(&[("cache-control", "no-store")])));
    }

    #[test]
    fn vary_matching_on_stored_request_headers() {
        let names = vary_names(&h(&[("vary", "Origin, Accept-Language")])).unwrap();
        let req = h(&[("origin", "https://a.example")]);
        let stored = selecting_headers(&names, &req);
        assert!(vary_matches(&stored, &req));
        assert!(!vary_matches(&stored, &h(&[])));
        assert!(!vary_matches(
            &stored,
            &h(&[("origin", "https://b.example")])
        ));
        assert_eq!(vary_names(&h(&[("vary", "*")])), None);
    }

    #[test]
    fn post_invalidates_on_success_only() {
        assert!(invalidates(&http::Method::POST, 200));
        assert!(invalidates(&http::Method::DELETE, 302));
        assert!(!invalidates(&http::Method::POST, 500));
        assert!(!invalidates(&http::Method::GET, 200));
        assert!(invalidates(&http::Method::PATCH, 204));
        let foo = http::Method::from_bytes(b"FOO").unwrap();
        assert!(
            !invalidates(&foo, 200),
            "CHROMIUM: an unknown method keeps the entry"
        );
    }
}
