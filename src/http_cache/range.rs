//! Range requests and the HTTP cache, as Chromium 156 keeps them (observed:
//! wpt-subset/fetch/http-cache/partial.toml):
//!
//! - a `206` answer is not reused: the same `Range` asked again goes to the network, and
//!   so do other ranges and a request without `Range` (WPT expects a stored partial
//!   response to be reused; Chromium keeps partial content only with validators, which
//!   that test's responses lack);
//! - a stored, servable complete `200` answers a single byte range itself, as a `206`
//!   with the slice, `Content-Range: bytes FIRST-LAST/LENGTH` and the slice's
//!   `Content-Length`, nothing sent.
//!
//! WebKitGTK 2.50 keeps them another way ([`RangeCache::SameRangeOnly`]).
//!
//! Pure functions: no I/O.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};

/// How an engine's HTTP cache treats requests with a `Range` header.
///
/// ```
/// use fetchguard::{Profile, http_cache::range::RangeCache};
/// assert_eq!(Profile::chromium().http_cache_ranges, RangeCache::SliceFromComplete);
/// assert_eq!(Profile::webkit().http_cache_ranges, RangeCache::SameRangeOnly);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeCache {
    /// Chromium: a `206` is not kept; a stored complete `200` that would be served
    /// answers a single byte range as a `206` slice; any other range request goes to the
    /// network as it is.
    SliceFromComplete,
    /// WebKit: the request's `Range` selects the entry as a `Vary` header would. A `206`
    /// is kept and answers the same `Range` again; a complete response answers only
    /// requests without `Range`, other ranges go to the network (observed in WebKitGTK
    /// 2.50.6: wpt-subset/fetch/http-cache/partial.toml).
    SameRangeOnly,
    /// Firefox: a request with `Range` neither reads the cache nor leaves a `206` in it
    /// (observed in Firefox 153: wpt-subset/fetch/http-cache/partial.toml).
    NetworkOnly,
}

/// The first and last byte (inclusive) a `Range` value asks of a body of `len` bytes, for
/// a single range the body can satisfy (`bytes=A-B`, `bytes=A-`, `bytes=-N`); `None` for
/// several ranges, another unit, a malformed value or one past the end.
///
/// ```
/// use fetchguard::http_cache::range::byte_range;
/// assert_eq!(byte_range("bytes=0-1", 11), Some((0, 1)));
/// assert_eq!(byte_range("bytes=1-", 11), Some((1, 10)));
/// assert_eq!(byte_range("bytes=-1", 11), Some((10, 10)));
/// assert_eq!(byte_range("bytes=5-100", 11), Some((5, 10)));
/// assert_eq!(byte_range("bytes=11-", 11), None);
/// assert_eq!(byte_range("bytes=0-1,3-4", 11), None);
/// assert_eq!(byte_range("items=0-1", 11), None);
/// ```
pub fn byte_range(range: &str, len: usize) -> Option<(usize, usize)> {
    let (unit, spec) = range.trim().split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') || len == 0 {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    let number = |s: &str| -> Option<usize> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if first.trim().is_empty() {
        // A suffix: the last N bytes.
        let n = number(last)?;
        return (n > 0).then(|| (len.saturating_sub(n), len - 1));
    }
    let first = number(first)?;
    let last = if last.trim().is_empty() {
        len - 1
    } else {
        number(last)?.min(len - 1)
    };
    (first < len && first <= last).then_some((first, last))
}

/// The `206` a stored complete response gives for `range`: its headers with the slice's
/// `Content-Length` and a `Content-Range`, and the slice. `None` when the range cannot be
/// served from it (see [`byte_range`]).
///
/// ```
/// use fetchguard::http_cache::range::partial_from_full;
/// let mut h = http::HeaderMap::new();
/// h.insert("cache-control", "max-age=3600".parse().unwrap());
/// h.insert("content-length", "11".parse().unwrap());
/// let (headers, body) = partial_from_full(&h, &bytes::Bytes::from_static(b"01234567890"), "bytes=0-1").unwrap();
/// assert_eq!(&body[..], b"01");
/// assert_eq!(headers["content-range"], "bytes 0-1/11");
/// assert_eq!(headers["content-length"], "2");
/// assert_eq!(headers["cache-control"], "max-age=3600");
/// ```
pub fn partial_from_full(
    headers: &HeaderMap,
    body: &Bytes,
    range: &str,
) -> Option<(HeaderMap, Bytes)> {
    let (first, last) = byte_range(range, body.len())?;
    let mut h = headers.clone();
    h.insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from(last + 1 - first),
    );
    let content_range = format!("bytes {first}-{last}/{}", body.len());
    h.insert(
        http::header::CONTENT_RANGE,
        HeaderValue::from_str(&content_range).ok()?,
    );
    Some((h, body.slice(first..=last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_empty_ranges_are_not_served() {
        for bad in [
            "bytes=",
            "bytes=-",
            "bytes=a-b",
            "bytes=3-1",
            "bytes=-0",
            "bytes",
            "bytes=1-2-3",
            "bytes=+1-2",
        ] {
            assert_eq!(byte_range(bad, 11), None, "{bad}");
        }
        assert_eq!(byte_range("bytes=0-", 0), None);
        assert_eq!(byte_range("BYTES=2-3", 11), Some((2, 3)));
        assert_eq!(byte_range("bytes=-100", 11), Some((0, 10)));
    }
}
