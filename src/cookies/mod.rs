//! The cookie jar: `cookie_store` keeps the cookies; the decisions a browser adds on top
//! (SameSite against the request's site, the third-party-cookie policy, `Secure` from
//! insecure URLs, expiry on the Browser's clock) are made here.
//!
//! Chromium facts followed: a cookie without `SameSite` is treated as `Lax`; `SameSite=None`
//! requires `Secure`; a cross-site `fetch()` carries only `SameSite=None` cookies, and none
//! at all when third-party cookies are blocked (a fresh profile's default); the same rules
//! decide whether a cross-site response may set cookies.
//!
//! Firefox's default, Total Cookie Protection ([`ThirdPartyCookies::Partitioned`]), keeps
//! the cookies of cross-site requests in a partition of the jar keyed by the page's site:
//! stored and sent back there only; and a cookie without `SameSite` is not `Lax` there
//! (the profile's `lax_by_default`).

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::time::UNIX_EPOCH;

use cookie_store::{CookieStore, RawCookie};
use url::Url;

use crate::clock::Instant;

/// Chromium's cap on a cookie's lifetime, in days (RFC 6265bis's 400-day limit, which
/// Chromium applies). UNVERIFIED here: not yet observed with `fetchguard verify`, which
/// cannot move Chromium's clock.
const MAX_COOKIE_DAYS: i64 = 400;

/// Whether third-party cookies are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThirdPartyCookies {
    /// Cross-site requests may carry and set `SameSite=None; Secure` cookies.
    Allow,
    /// Cross-site requests carry and set no cookies (a fresh Chromium profile).
    Block,
    /// Cross-site requests carry and set cookies in a jar partitioned by the page's site
    /// (Firefox's Total Cookie Protection, its default): a cookie a cross-site response
    /// sets is sent back only on cross-site requests from pages of the same site, and a
    /// cookie set first-party is never sent cross-site.
    Partitioned,
    /// Cross-site responses set no cookies, but cookies already in the jar (set by a
    /// top-level visit) still go on cross-site requests under their `SameSite` rules
    /// (WebKitGTK's default policy "no third party", libsoup's
    /// `SOUP_COOKIE_JAR_ACCEPT_NO_THIRD_PARTY`).
    BlockNew,
}

/// The site relation of a request, decided by the fetch algorithms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CookieContext {
    /// The request (and every URL of its redirect chain) is same-site with the page.
    pub same_site: bool,
    /// Third-party cookies are blocked.
    pub block_third_party: bool,
    /// A cross-site request under [`ThirdPartyCookies::Partitioned`]: the page's site,
    /// whose partition of the jar the request reads and writes.
    pub partition: Option<String>,
    /// Cross-site responses may not store cookies (cookies in the jar are still sent).
    pub refuse_third_party_store: bool,
    /// The request is first-party for storing cookies under `refuse_third_party_store`
    /// (WEBKIT: libsoup's own test, [`same_site_by_listed_suffix`]; otherwise `same_site`).
    pub first_party_for_store: bool,
    /// A cookie without `SameSite` is treated as `Lax`.
    pub lax_by_default: bool,
    /// A `Partitioned` cookie without `Secure` is refused.
    pub partitioned_requires_secure: bool,
    /// A cookie overwritten with a new value keeps the old one's creation time (so its
    /// place in the `Cookie` header), as RFC 6265 section 5.3 says; when false it is
    /// renewed unless the value is unchanged.
    pub overwrite_keeps_creation_time: bool,
}

impl CookieContext {
    /// A first-party context (a top-level visit): no partition, every cookie may go.
    pub(crate) fn first_party() -> Self {
        CookieContext {
            same_site: true,
            block_third_party: false,
            partition: None,
            refuse_third_party_store: false,
            first_party_for_store: true,
            lax_by_default: true,
            partitioned_requires_secure: true,
            overwrite_keeps_creation_time: false,
        }
    }

    /// The key of the jar's store for `host` in this context.
    fn store_key(&self, host: &str) -> String {
        match &self.partition {
            Some(top) => format!("{} (partitioned under {top})", site_key(host)),
            None => site_key(host),
        }
    }
}

/// What the jar decided for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CookieSelection {
    /// The `Cookie` header value, if any cookie goes.
    pub header: Option<String>,
    /// Names sent.
    pub sent: Vec<String>,
    /// (name, why) of matching cookies held back.
    pub blocked: Vec<(String, CookieBlock)>,
}

/// What storing a response's `Set-Cookie` lines did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StoreOutcome {
    pub stored: Vec<String>,
    pub rejected: Vec<(String, CookieRejection)>,
}

/// Why a cookie in the jar is kept off a request, or a `Set-Cookie` from a cross-site
/// response is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieBlock {
    /// The browser blocks third-party cookies (Chromium's default).
    ThirdPartyBlocked,
    /// `SameSite=Strict` on a cross-site request.
    SameSiteStrict,
    /// `SameSite=Lax` on a cross-site request.
    SameSiteLax,
    /// No `SameSite` attribute: treated as Lax, on a cross-site request.
    NoSameSiteTreatedAsLax,
}

impl std::fmt::Display for CookieBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CookieBlock::ThirdPartyBlocked => "third-party cookies are blocked",
            CookieBlock::SameSiteStrict => "SameSite=Strict on a cross-site request",
            CookieBlock::SameSiteLax => "SameSite=Lax on a cross-site request",
            CookieBlock::NoSameSiteTreatedAsLax => {
                "no SameSite attribute, treated as Lax, on a cross-site request"
            }
        })
    }
}

/// Why a `Set-Cookie` line was not stored.
///
/// ```
/// use fetchguard::{CookieJar, CookieRejection};
/// let mut jar = CookieJar::new();
/// let url = url::Url::parse("https://api.example/").unwrap();
/// let now = std::time::SystemTime::UNIX_EPOCH;
/// assert_eq!(
///     jar.set(&url, "a=1; SameSite=None", now),
///     Err(CookieRejection::SameSiteNoneWithoutSecure)
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieRejection {
    /// The line is not a cookie (the parser's reason).
    Unparsable(String),
    /// `SameSite=None` without `Secure`.
    SameSiteNoneWithoutSecure,
    /// `Partitioned` without `Secure`.
    PartitionedWithoutSecure,
    /// A `Secure` cookie from a URL that is not potentially trustworthy.
    SecureFromInsecureUrl,
    /// A cross-site response may not set it.
    CrossSite(CookieBlock),
    /// The cookie store refused it (domain or path rules; the store's reason).
    Store(String),
}

impl std::fmt::Display for CookieRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CookieRejection::Unparsable(e) => write!(f, "unparsable: {e}"),
            CookieRejection::SameSiteNoneWithoutSecure => {
                f.write_str("SameSite=None without Secure")
            }
            CookieRejection::PartitionedWithoutSecure => f.write_str("Partitioned without Secure"),
            CookieRejection::SecureFromInsecureUrl => {
                f.write_str("Secure cookie from an insecure URL")
            }
            CookieRejection::CrossSite(b) => b.fmt(f),
            CookieRejection::Store(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for CookieRejection {}

/// A cookie jar.
///
/// ```
/// use fetchguard::CookieJar;
/// let mut jar = CookieJar::new();
/// let url = url::Url::parse("https://api.example/").unwrap();
/// jar.set(&url, "sid=abc; SameSite=None; Secure; Path=/", std::time::SystemTime::now()).unwrap();
/// assert_eq!(jar.len(), 1);
/// let mut json = Vec::new();
/// jar.save_json(&mut json).unwrap();
/// let back = CookieJar::load_json(&json[..]).unwrap();
/// assert_eq!(back.len(), 1);
/// ```
#[derive(Debug, Default)]
pub struct CookieJar {
    /// One store per site (registrable domain, or the host when it has none). A cookie can
    /// only be set for, and sent to, hosts of the site that set it, so a request looks at
    /// its own site's store only: lookups cost the same with 10 cookies in the jar or
    /// 100,000 spread over other sites.
    sites: HashMap<String, CookieStore>,
    /// Each cookie's creation order, by (domain, path, name): the `Cookie` header lists
    /// cookies of equal path length oldest first. Cookies loaded from JSON have none and
    /// count as the oldest, in the order loaded.
    created: HashMap<(String, String, String), u64>,
    /// The next creation number.
    next_created: u64,
}

/// The key naming the format of a saved jar, and its version.
const JAR_FORMAT_KEY: &str = "fetchguard_cookie_jar";
const JAR_FORMAT_VERSION: u32 = 2;

/// A jar as [`CookieJar::save_json`] writes it.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedJar {
    fetchguard_cookie_jar: u32,
    stores: Vec<SavedStore>,
}

/// One store of a saved jar: its key in the jar and its cookies.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedStore {
    store: String,
    cookies: Vec<cookie_store::Cookie<'static>>,
}

/// A jar that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("cookie jar: {0}")]
pub struct JarError(String);

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        CookieJar::default()
    }

    /// Loads a jar saved by [`CookieJar::save_json`], or a plain `cookie_store` JSON array
    /// of cookies (every cookie then goes to its own site's first-party store).
    ///
    /// ```
    /// assert!(fetchguard::CookieJar::load_json(&b"not json"[..]).is_err());
    /// ```
    pub fn load_json(mut reader: impl BufRead) -> Result<Self, JarError> {
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| JarError(e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| JarError(e.to_string()))?;
        if value.get(JAR_FORMAT_KEY).is_none() {
            // A plain cookie_store file: one array of cookies.
            let cookies: Vec<cookie_store::Cookie<'static>> =
                serde_json::from_value(value).map_err(|e| JarError(e.to_string()))?;
            let mut grouped: HashMap<String, Vec<cookie_store::Cookie<'static>>> = HashMap::new();
            for c in cookies {
                let domain = String::from(&c.domain);
                grouped
                    .entry(site_key(domain.trim_start_matches('.')))
                    .or_default()
                    .push(c);
            }
            return CookieJar::from_stores(grouped);
        }
        let saved: SavedJar = serde_json::from_value(value).map_err(|e| JarError(e.to_string()))?;
        if saved.fetchguard_cookie_jar != JAR_FORMAT_VERSION {
            return Err(JarError(format!(
                "{JAR_FORMAT_KEY} {} is not a version this build reads ({JAR_FORMAT_VERSION})",
                saved.fetchguard_cookie_jar
            )));
        }
        CookieJar::from_stores(saved.stores.into_iter().map(|s| (s.store, s.cookies)))
    }

    fn from_stores(
        stores: impl IntoIterator<Item = (String, Vec<cookie_store::Cookie<'static>>)>,
    ) -> Result<Self, JarError> {
        let mut sites = HashMap::new();
        for (site, cookies) in stores {
            let store =
                CookieStore::from_cookies(cookies.into_iter().map(Ok::<_, JarError>), true)?;
            sites.insert(site, store);
        }
        Ok(CookieJar {
            sites,
            ..CookieJar::default()
        })
    }

    /// Saves every cookie, session and expired cookies included, as JSON: per store of the
    /// jar (a site's first-party cookies, or a site's cookies partitioned under a top-level
    /// site), its name and `cookie_store`'s JSON for its cookies, so a partitioned cookie
    /// loads back into its partition.
    pub fn save_json(&self, writer: &mut impl Write) -> Result<(), JarError> {
        let mut stores: Vec<SavedStore> = self
            .sites
            .iter()
            .map(|(key, store)| SavedStore {
                store: key.clone(),
                cookies: store.iter_any().cloned().collect(),
            })
            .filter(|s| !s.cookies.is_empty())
            .collect();
        stores.sort_by(|a, b| a.store.cmp(&b.store));
        let saved = SavedJar {
            fetchguard_cookie_jar: JAR_FORMAT_VERSION,
            stores,
        };
        serde_json::to_writer_pretty(&mut *writer, &saved).map_err(|e| JarError(e.to_string()))?;
        writeln!(writer).map_err(|e| JarError(e.to_string()))
    }

    /// Stores a cookie as a top-level visit to `url` receiving `Set-Cookie: set_cookie`
    /// at time `now` would (a first-party, same-site context). In a browser, prefer
    /// [`Browser::set_cookie`](crate::Browser::set_cookie), which takes the time from the
    /// browser's clock.
    pub fn set(
        &mut self,
        url: &Url,
        set_cookie: &str,
        now: Instant,
    ) -> Result<(), CookieRejection> {
        let ctx = CookieContext::first_party();
        let out = self.store_response(url, &[set_cookie.as_bytes()], &ctx, now);
        match out.rejected.into_iter().next() {
            Some((_, why)) => Err(why),
            None => Ok(()),
        }
    }

    /// Number of cookies held (expired ones not yet purged included).
    pub fn len(&self) -> usize {
        self.sites.values().map(|s| s.iter_any().count()).sum()
    }

    /// True when the jar holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `(domain, path, name, value)` of every unexpired cookie, for inspection.
    pub fn cookies(&self) -> Vec<(String, String, String, String)> {
        self.sites
            .values()
            .flat_map(|s| s.iter_unexpired())
            .map(|c| {
                (
                    String::from(&c.domain),
                    String::from(&c.path),
                    c.name().to_string(),
                    c.value().to_string(),
                )
            })
            .collect()
    }

    /// Selects the cookies for a request to `url`.
    pub(crate) fn select(&self, url: &Url, ctx: &CookieContext, now: Instant) -> CookieSelection {
        let now_odt = to_offset(now);
        let mut sent = Vec::new();
        let mut blocked = Vec::new();
        let Some(store) = self
            .sites
            .get(&ctx.store_key(url.host_str().unwrap_or_default()))
        else {
            return CookieSelection::default();
        };
        let mut candidates: Vec<_> = store
            .matches(url)
            .into_iter()
            .filter(|c| !c.expires_by(&now_odt))
            .collect();
        // Longer paths first, then the oldest first, as browsers order the Cookie header.
        candidates.sort_by_key(|c| {
            let key = (
                String::from(&c.domain),
                String::from(&c.path),
                c.name().to_string(),
            );
            (
                std::cmp::Reverse(String::from(&c.path).len()),
                self.created.get(&key).copied().unwrap_or(0),
            )
        });
        for c in candidates {
            match exclusion(c.same_site(), ctx) {
                None => sent.push((c.name().to_string(), c.value().to_string())),
                Some(why) => blocked.push((c.name().to_string(), why)),
            }
        }
        let header = if sent.is_empty() {
            None
        } else {
            Some(
                sent.iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        };
        CookieSelection {
            header,
            sent: sent.into_iter().map(|(n, _)| n).collect(),
            blocked,
        }
    }

    /// Stores the `Set-Cookie` lines of a response from `url`.
    pub(crate) fn store_response(
        &mut self,
        url: &Url,
        lines: &[&[u8]],
        ctx: &CookieContext,
        now: Instant,
    ) -> StoreOutcome {
        let mut out = StoreOutcome::default();
        for line in lines {
            let text = String::from_utf8_lossy(line).into_owned();
            let mut raw = match RawCookie::parse(text.clone()) {
                Ok(c) => c.into_owned(),
                Err(e) => {
                    out.rejected
                        .push((text, CookieRejection::Unparsable(e.to_string())));
                    continue;
                }
            };
            let secure = raw.secure().unwrap_or(false);
            if raw.same_site() == Some(cookie::SameSite::None) && !secure {
                out.rejected
                    .push((text, CookieRejection::SameSiteNoneWithoutSecure));
                continue;
            }
            // CHROMIUM: a `Partitioned` cookie must be `Secure` (observed,
            // examples/cookie-order-and-partitioned.toml: refused from http and https).
            if ctx.partitioned_requires_secure && raw.partitioned() == Some(true) && !secure {
                out.rejected
                    .push((text, CookieRejection::PartitionedWithoutSecure));
                continue;
            }
            if secure && !is_secure_url(url) {
                out.rejected
                    .push((text, CookieRejection::SecureFromInsecureUrl));
                continue;
            }
            let refused_third_party = (ctx.refuse_third_party_store && !ctx.first_party_for_store)
                .then_some(CookieBlock::ThirdPartyBlocked);
            if let Some(why) = refused_third_party.or_else(|| exclusion(raw.same_site(), ctx)) {
                out.rejected.push((text, CookieRejection::CrossSite(why)));
                continue;
            }
            // Max-Age counts from the Browser's clock, not the system's; every lifetime is
            // capped at 400 days, as Chromium caps it (and no value can overflow).
            let cap = to_offset(now) + time::Duration::days(MAX_COOKIE_DAYS);
            if let Some(max_age) = raw.max_age() {
                let secs = max_age.whole_seconds();
                let expires = if secs <= 0 {
                    time::OffsetDateTime::UNIX_EPOCH
                } else {
                    to_offset(now)
                        .checked_add(time::Duration::seconds(secs))
                        .map_or(cap, |t| t.min(cap))
                };
                raw.set_max_age(None);
                raw.set_expires(expires);
            } else if let Some(at) = raw.expires_datetime()
                && at > cap
            {
                raw.set_expires(cap);
            }
            let name = raw.name().to_string();
            let store = self
                .sites
                .entry(ctx.store_key(url.host_str().unwrap_or_default()))
                .or_default();
            // The creation time: kept when the cookie is overwritten with the same value,
            // renewed otherwise (CHROMIUM); always kept when the context says so (WEBKIT,
            // observed: examples/cookie-order-and-partitioned.toml, `a=2` after `a=1`).
            let key = cookie_store::Cookie::try_from_raw_cookie(&raw, url)
                .ok()
                .map(|c| (String::from(&c.domain), String::from(&c.path), name.clone()));
            let same_value = key.as_ref().is_some_and(|(d, p, n)| {
                store.get(d, p, n).is_some_and(|old| {
                    ctx.overwrite_keeps_creation_time || old.value() == raw.value()
                })
            });
            match store.insert_raw(&raw, url) {
                Ok(_) => {
                    out.stored.push(name);
                    if let Some(key) = key
                        && !same_value
                    {
                        self.next_created += 1;
                        self.created.insert(key, self.next_created);
                    }
                }
                Err(e) => out
                    .rejected
                    .push((text, CookieRejection::Store(e.to_string()))),
            }
        }
        out
    }
}

/// Why a cookie with this SameSite value is kept off (or out of) a request in this
/// context; `None` when it may go.
fn exclusion(same_site: Option<cookie::SameSite>, ctx: &CookieContext) -> Option<CookieBlock> {
    use cookie::SameSite as S;
    if ctx.same_site {
        return None;
    }
    if ctx.block_third_party {
        return Some(CookieBlock::ThirdPartyBlocked);
    }
    match same_site {
        Some(S::None) => None,
        Some(S::Strict) => Some(CookieBlock::SameSiteStrict),
        Some(S::Lax) => Some(CookieBlock::SameSiteLax),
        None if ctx.lax_by_default => Some(CookieBlock::NoSameSiteTreatedAsLax),
        None => None,
    }
}

/// The jar's partition for a host: its registrable domain, or the host itself (IP
/// literals, `localhost`, names under no known suffix).
fn site_key(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match psl::domain(host.as_bytes()) {
        Some(d) => String::from_utf8_lossy(d.as_bytes()).into_owned(),
        None => host,
    }
}

/// Whether `url` is same-site with the page `page` as libsoup decides "third party" for
/// cookies (WEBKIT): by registrable domain when the host's suffix is on the public suffix
/// list; a host under a suffix the list does not know (`app.example`) is same-site only
/// with itself (observed: `api.app.example` is third party to an `app.example` page,
/// `api.app.example.com` is not to `app.example.com`). The scheme must match too, as in
/// [`Origin::is_same_site`](crate::origin::Origin::is_same_site).
///
pub(crate) fn same_site_by_listed_suffix(page: &Url, url: &Url) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_ascii_lowercase()
    };
    let (a, b) = (host(page), host(url));
    if page.scheme() != url.scheme() {
        return false;
    }
    if a == b {
        return true;
    }
    let listed = |h: &str| psl::suffix(h.as_bytes()).is_some_and(|s| s.is_known());
    if !listed(&a) || !listed(&b) {
        return false;
    }
    site_key(&a) == site_key(&b)
}

fn is_secure_url(url: &Url) -> bool {
    crate::origin::is_url_potentially_trustworthy(url)
}

fn to_offset(t: Instant) -> time::OffsetDateTime {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests;
