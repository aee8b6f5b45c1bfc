//! A compact, read-mostly header list for what is recorded: names and values in one
//! string, sorted by name, one entry per name. A recorded request of 15 headers takes
//! about 0.7 KB here, against about 2.3 KB as a `BTreeMap<String, String>` (a B-tree
//! node and two heap strings per header), and long scenarios keep one per request.

use std::fmt;
use std::ops::Index;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// (name, value) byte pairs packed into one buffer, with the end of each name and each
/// value: the storage both lists below share.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
struct Packed {
    /// name0 value0 name1 value1 ... with no separators.
    bytes: Vec<u8>,
    /// The end of each name and of each value in `bytes`: `[name0_end, value0_end, ...]`.
    ends: Vec<u32>,
}

impl Packed {
    const EMPTY: Packed = Packed {
        bytes: Vec::new(),
        ends: Vec::new(),
    };

    fn with_capacity(pairs: usize, bytes: usize) -> Self {
        Packed {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(pairs * 2),
        }
    }

    fn push(&mut self, name: &[u8], value: &[u8]) {
        self.bytes.extend_from_slice(name);
        self.ends.push(offset(self.bytes.len()));
        self.bytes.extend_from_slice(value);
        self.ends.push(offset(self.bytes.len()));
    }

    fn len(&self) -> usize {
        self.ends.len() / 2
    }

    fn pair(&self, i: usize) -> (&[u8], &[u8]) {
        let start = if i == 0 {
            0
        } else {
            self.ends[2 * i - 1] as usize
        };
        let name_end = self.ends[2 * i] as usize;
        let value_end = self.ends[2 * i + 1] as usize;
        (
            &self.bytes[start..name_end],
            &self.bytes[name_end..value_end],
        )
    }
}

/// Text pushed into a [`Packed`] as `&str` and cut at the same boundaries is UTF-8.
fn text(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap_or_default()
}

/// Header (name, value) pairs in one allocation, sorted by name, names unique. Reads like
/// a `BTreeMap<String, String>` (`get`, `contains_key`, `iter`, `keys`, indexing by
/// name) and serializes as a map; writes (`insert`, `remove`) rebuild it, so build it
/// with `collect` when you have every pair.
///
/// ```
/// use fetchguard::headers::HeaderBlock;
/// let mut h: HeaderBlock = [("origin", "https://app.example"), ("accept", "*/*")]
///     .into_iter()
///     .collect();
/// assert_eq!(h.get("origin"), Some("https://app.example"));
/// assert_eq!(&h["accept"], "*/*");
/// assert_eq!(h.keys().collect::<Vec<_>>(), ["accept", "origin"]);
/// assert_eq!(h.insert("accept".into(), "text/html".into()), Some("*/*".to_string()));
/// assert_eq!(h.len(), 2);
/// assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"accept":"text/html","origin":"https://app.example"}"#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct HeaderBlock {
    packed: Packed,
}

impl HeaderBlock {
    /// An empty block.
    ///
    /// ```
    /// assert!(fetchguard::headers::HeaderBlock::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of names.
    ///
    /// ```
    /// let h: fetchguard::headers::HeaderBlock = [("a", "1"), ("a", "2")].into_iter().collect();
    /// assert_eq!(h.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// True when there are none.
    ///
    /// ```
    /// assert!(fetchguard::headers::HeaderBlock::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packed.ends.is_empty()
    }

    fn entry(&self, i: usize) -> (&str, &str) {
        let (n, v) = self.packed.pair(i);
        (text(n), text(v))
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.entry(mid).0.cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// The value of `name` (exactly as stored: recorded names are lower case).
    ///
    /// ```
    /// let h: fetchguard::headers::HeaderBlock = [("x", "1")].into_iter().collect();
    /// assert_eq!(h.get("x"), Some("1"));
    /// assert_eq!(h.get("y"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        self.position(name).ok().map(|i| self.entry(i).1)
    }

    /// True when `name` is there.
    ///
    /// ```
    /// let h: fetchguard::headers::HeaderBlock = [("x", "")].into_iter().collect();
    /// assert!(h.contains_key("x"));
    /// ```
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// The (name, value) pairs, sorted by name.
    ///
    /// ```
    /// let h: fetchguard::headers::HeaderBlock = [("b", "2"), ("a", "1")].into_iter().collect();
    /// assert_eq!(h.iter().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            block: self,
            next: 0,
        }
    }

    /// The names, sorted.
    ///
    /// ```
    /// let h: fetchguard::headers::HeaderBlock = [("b", "2"), ("a", "1")].into_iter().collect();
    /// assert_eq!(h.keys().collect::<Vec<_>>(), ["a", "b"]);
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(n, _)| n)
    }

    /// Sets `name` to `value`, and gives the value it replaces. Rebuilds the block.
    ///
    /// ```
    /// let mut h = fetchguard::headers::HeaderBlock::new();
    /// assert_eq!(h.insert("cookie".into(), "a=1".into()), None);
    /// assert_eq!(h.get("cookie"), Some("a=1"));
    /// ```
    pub fn insert(&mut self, name: String, value: String) -> Option<String> {
        let old = self.get(&name).map(str::to_string);
        *self = self
            .iter()
            .filter(|(n, _)| *n != name)
            .chain(std::iter::once((name.as_str(), value.as_str())))
            .collect();
        old
    }

    /// Removes `name`, and gives its value. Rebuilds the block.
    ///
    /// ```
    /// let mut h: fetchguard::headers::HeaderBlock = [("x", "1")].into_iter().collect();
    /// assert_eq!(h.remove("x"), Some("1".to_string()));
    /// assert!(h.is_empty());
    /// ```
    pub fn remove(&mut self, name: &str) -> Option<String> {
        let old = self.get(name).map(str::to_string)?;
        *self = self.iter().filter(|(n, _)| *n != name).collect();
        Some(old)
    }
}

/// The pairs of a [`HeaderBlock`], sorted by name.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    block: &'a HeaderBlock,
    next: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        (self.next < self.block.len()).then(|| {
            self.next += 1;
            self.block.entry(self.next - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.block.len() - self.next;
        (n, Some(n))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a HeaderBlock {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Pairs in any order; a repeated name keeps its last value (as a map's `insert` does).
impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for HeaderBlock {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut pairs: Vec<(K, V)> = iter.into_iter().collect();
        // Stable: equal names stay in their order, so the last one is the later pair.
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut kept: Vec<(&str, &str)> = Vec::with_capacity(pairs.len());
        for (n, v) in &pairs {
            match kept.last_mut() {
                Some(last) if last.0 == n.as_ref() => last.1 = v.as_ref(),
                _ => kept.push((n.as_ref(), v.as_ref())),
            }
        }
        let total = kept.iter().map(|(n, v)| n.len() + v.len()).sum();
        let mut packed = Packed::with_capacity(kept.len(), total);
        for (n, v) in kept {
            packed.push(n.as_bytes(), v.as_bytes());
        }
        HeaderBlock { packed }
    }
}

/// Offsets are `u32`: a recorded header list is far below 4 GiB (Chromium refuses more
/// than 256 KiB of response headers, and request headers are the engine's own).
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("a header list under 4 GiB")
}

impl From<std::collections::BTreeMap<String, String>> for HeaderBlock {
    fn from(m: std::collections::BTreeMap<String, String>) -> Self {
        m.into_iter().collect()
    }
}

impl Index<&str> for HeaderBlock {
    type Output = str;

    /// The value of a name that must be there.
    ///
    /// # Panics
    /// When it is not (as a map's indexing does).
    fn index(&self, name: &str) -> &str {
        self.get(name)
            .unwrap_or_else(|| panic!("no header {name:?} in the block"))
    }
}

impl fmt::Debug for HeaderBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for HeaderBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (n, v) in self {
            m.serialize_entry(n, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for HeaderBlock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = HeaderBlock;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of header names to string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<HeaderBlock, A::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some(p) = a.next_entry()? {
                    pairs.push(p);
                }
                Ok(pairs.into_iter().collect())
            }
        }
        d.deserialize_map(Pairs)
    }
}

/// Header lines as they went on (or came off) the wire: in order, repeated names kept,
/// names lower case, values as bytes, all in one allocation. What a trace keeps of each
/// request and response: about a third of the memory of the `http::HeaderMap` it is
/// made from, and parsed again only when read.
///
/// ```
/// use fetchguard::headers::WireHeaders;
/// let mut map = http::HeaderMap::new();
/// map.append("x-a", "1".parse().unwrap());
/// map.append("Origin", "https://app.example".parse().unwrap());
/// map.append("x-a", "2".parse().unwrap());
/// let w = WireHeaders::from(&map);
/// assert_eq!(w.get_str("origin"), Some("https://app.example"));
/// assert_eq!(w.get_str("X-A"), Some("1"));
/// let pairs: Vec<_> = w.pairs().collect();
/// assert_eq!(pairs, [("x-a", "1".into()), ("x-a", "2".into()), ("origin", "https://app.example".into())]);
/// assert_eq!(w.to_header_map(), map);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct WireHeaders {
    packed: Packed,
}

impl WireHeaders {
    /// No headers, as a constant.
    pub const EMPTY: WireHeaders = WireHeaders {
        packed: Packed::EMPTY,
    };

    /// No headers.
    ///
    /// ```
    /// assert!(fetchguard::headers::WireHeaders::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of lines (a repeated name counts each time).
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("a", "1".parse().unwrap());
    /// m.append("a", "2".parse().unwrap());
    /// assert_eq!(fetchguard::headers::WireHeaders::from(&m).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// True when there are none.
    ///
    /// ```
    /// assert!(fetchguard::headers::WireHeaders::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.packed.ends.is_empty()
    }

    fn line(&self, i: usize) -> (&str, &[u8]) {
        // Names come from `http::HeaderName`: ASCII.
        let (n, v) = self.packed.pair(i);
        (text(n), v)
    }

    /// Every line as (lower-case name, value bytes), in wire order.
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("a", "1".parse().unwrap());
    /// let w = fetchguard::headers::WireHeaders::from(&m);
    /// assert_eq!(w.iter().collect::<Vec<_>>(), [("a", &b"1"[..])]);
    /// ```
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &[u8])> + Clone {
        (0..self.len()).map(|i| self.line(i))
    }

    /// Every line as (lower-case name, value) strings, in wire order; a value that is not
    /// UTF-8 is converted lossily.
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("a", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
    /// let w = fetchguard::headers::WireHeaders::from(&m);
    /// assert_eq!(w.pairs().next().unwrap().1, "caf\u{fffd}");
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (&str, std::borrow::Cow<'_, str>)> {
        self.iter().map(|(n, v)| (n, String::from_utf8_lossy(v)))
    }

    /// The first value of `name` (any case).
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("origin", "null".parse().unwrap());
    /// let w = fetchguard::headers::WireHeaders::from(&m);
    /// assert_eq!(w.get("Origin"), Some(&b"null"[..]));
    /// ```
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The first value of `name` (any case), when it is UTF-8.
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("origin", "null".parse().unwrap());
    /// assert_eq!(fetchguard::headers::WireHeaders::from(&m).get_str("origin"), Some("null"));
    /// ```
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// Every value of `name` (any case), in order.
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("set-cookie", "a=1".parse().unwrap());
    /// m.append("set-cookie", "b=1".parse().unwrap());
    /// let w = fetchguard::headers::WireHeaders::from(&m);
    /// assert_eq!(w.get_all("Set-Cookie").count(), 2);
    /// ```
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// True when `name` (any case) is there.
    ///
    /// ```
    /// assert!(!fetchguard::headers::WireHeaders::new().contains_key("origin"));
    /// ```
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The lines as an `http::HeaderMap` again (same order, repeated names kept).
    ///
    /// ```
    /// let mut m = http::HeaderMap::new();
    /// m.append("a", "1".parse().unwrap());
    /// assert_eq!(fetchguard::headers::WireHeaders::from(&m).to_header_map(), m);
    /// ```
    pub fn to_header_map(&self) -> http::HeaderMap {
        let mut m = http::HeaderMap::with_capacity(self.len());
        for (n, v) in self.iter() {
            if let (Ok(n), Ok(v)) = (
                http::HeaderName::from_bytes(n.as_bytes()),
                http::HeaderValue::from_bytes(v),
            ) {
                m.append(n, v);
            }
        }
        m
    }
}

impl From<&http::HeaderMap> for WireHeaders {
    fn from(map: &http::HeaderMap) -> Self {
        let total: usize = map.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
        let mut packed = Packed::with_capacity(map.len(), total);
        for (n, v) in map {
            packed.push(n.as_str().as_bytes(), v.as_bytes());
        }
        WireHeaders { packed }
    }
}

impl fmt::Debug for WireHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.pairs()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_map_it_replaces() {
        let pairs = [
            ("sec-fetch-mode", "cors"),
            ("accept", "*/*"),
            ("origin", "https://app.example"),
            ("", "empty name"),
            ("x", ""),
            ("accept", "text/html"),
        ];
        let map: std::collections::BTreeMap<String, String> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let block: HeaderBlock = pairs.into_iter().collect();
        assert_eq!(block.len(), map.len());
        assert!(
            block
                .iter()
                .eq(map.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        );
        for (n, v) in &map {
            assert_eq!(block.get(n), Some(v.as_str()), "{n}");
        }
        assert_eq!(block.get("referer"), None);
        assert_eq!(block.get("a"), None);
        assert_eq!(block.get("zzz"), None);
        assert_eq!(
            serde_json::to_value(&block).unwrap(),
            serde_json::to_value(&map).unwrap()
        );
        let back: HeaderBlock =
            serde_json::from_value(serde_json::to_value(&map).unwrap()).unwrap();
        assert_eq!(back, block);
        assert_eq!(HeaderBlock::from(map), block);
        assert_eq!(format!("{:?}", block).matches("=>").count(), 0);
        assert!(format!("{block:?}").starts_with("{\"\": \"empty name\""));
    }

    #[test]
    fn insert_and_remove_keep_it_sorted_and_unique() {
        let mut h = HeaderBlock::new();
        assert_eq!(h.insert("b".into(), "1".into()), None);
        assert_eq!(h.insert("a".into(), "2".into()), None);
        assert_eq!(h.insert("b".into(), "3".into()), Some("1".into()));
        assert_eq!(h.iter().collect::<Vec<_>>(), [("a", "2"), ("b", "3")]);
        assert_eq!(h.remove("a"), Some("2".into()));
        assert_eq!(h.remove("a"), None);
        assert_eq!(h.iter().collect::<Vec<_>>(), [("b", "3")]);
    }
}
