//! What the fetch algorithms run against: the browser-wide state (the spec's user agent:
//! cookie jar, caches, clock, network, profile) and the request's client (the page).
//!
//! The [`Browser`](crate::Browser) builds one [`FetchContext`] and shares it; a
//! [`Page`](crate::Page) describes itself as a [`Client`]. The algorithms take both and
//! never reach back into the browser, so `browser` depends on `fetch` and not the other
//! way round.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use url::Url;

use crate::clock::Clock;
use crate::cookies::{CookieJar, ThirdPartyCookies};
use crate::cors::PreflightCache;
use crate::enforcement::Enforcement;
use crate::http_cache::HttpCache;
use crate::net::Transport;
use crate::origin::Origin;
use crate::policy::address_space::{AddressSpace, Permission};
use crate::policy::corp::EmbedderPolicies;
use crate::policy::referrer::ReferrerPolicy;
use crate::profile::Profile;
use crate::trace::Violation;

/// Browser-wide state the algorithms read and update. Locks are short and never held
/// across an `.await`.
pub(crate) struct FetchContext {
    pub profile: Profile,
    /// The profile's header values, parsed once.
    pub profile_headers: super::request_headers::ProfileHeaders,
    pub third_party: ThirdPartyCookies,
    pub jar: Mutex<CookieJar>,
    pub preflight_cache: Mutex<PreflightCache>,
    pub http_cache: Mutex<HttpCache>,
    pub clock: Clock,
    pub transport: Arc<dyn Transport>,
    pub enforcement: Enforcement,
    pub violations: Mutex<Vec<Violation>>,
    /// Address spaces given with `BrowserBuilder::address_space`, by origin.
    pub address_spaces: HashMap<Origin, AddressSpace>,
    /// Local Network Access permissions, by (requesting origin, target space).
    pub network_permissions: Mutex<HashMap<(Origin, AddressSpace), Permission>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FetchContext {
    pub fn jar(&self) -> MutexGuard<'_, CookieJar> {
        lock(&self.jar)
    }

    pub fn preflight_cache(&self) -> MutexGuard<'_, PreflightCache> {
        lock(&self.preflight_cache)
    }

    pub fn http_cache(&self) -> MutexGuard<'_, HttpCache> {
        lock(&self.http_cache)
    }

    pub fn violations(&self) -> MutexGuard<'_, Vec<Violation>> {
        lock(&self.violations)
    }
}

/// The request's client (<https://fetch.spec.whatwg.org/#concept-request-client>): the
/// page whose script called `fetch()`.
pub(crate) struct Client<'a> {
    /// The document's URL (the default referrer).
    pub url: &'a Url,
    /// The document's origin (opaque for a sandboxed page).
    pub origin: &'a Origin,
    /// `origin`, serialized.
    pub origin_serialized: &'a str,
    /// `origin_serialized` as a header value.
    pub origin_header: &'a http::HeaderValue,
    /// The HTTP cache partition of the page ([`cache_partition_of`](super::cache_partition_of)).
    pub cache_partition: &'a str,
    /// The document's referrer policy.
    pub referrer_policy: ReferrerPolicy,
    /// The document's embedder policies (COEP and COEP-Report-Only), from its headers.
    pub embedder_policies: EmbedderPolicies,
}
