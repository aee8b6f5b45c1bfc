//! The Browser (profile, cookie jar, preflight cache, clock, transport) and the Page that
//! fetches through it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use url::Url;

use crate::clock::Clock;
use crate::cookies::{CookieJar, CookieRejection, ThirdPartyCookies};
use crate::cors::PreflightCache;
use crate::response::FetchError;

use crate::enforcement::{Enforcement, Violation};
use crate::fetch::{Client, FetchContext};
use crate::net::service::{
    DynService, OriginService, RoutingTransport, ServerGuard, Serving, erase,
};
use crate::net::{HyperTransport, Limits, Resolution, Transport};
use crate::origin::Origin;
use crate::policy::address_space::{AddressSpace, Permission};
use crate::policy::referrer::{ReferrerPolicy, parse_referrer_policy_header};
use crate::profile::Profile;
use crate::request::Request;
use crate::response::Response;

/// A simulated browser: one cookie jar, one preflight cache, one clock, one network.
/// Cloning is cheap and shares all of it.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use fetchguard::{Browser, Request, Credentials};
/// let browser = Browser::builder()
///     .resolve("api.example", 443, "127.0.0.1:8443".parse()?)
///     .build();
/// let page = browser.page("https://app.example/")?;
/// match page.fetch(Request::get("https://api.example/me").credentials(Credentials::Include)).await {
///     Ok(res) => println!("readable: {}", res.text()),
///     Err(e) => println!("blocked: {}", e.console().join("\n")),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Browser {
    pub(crate) ctx: Arc<FetchContext>,
    /// Loopback servers of `serve_with(.., Serving::Loopback)`, stopped with the last
    /// clone of the Browser.
    _servers: Arc<Vec<ServerGuard>>,
}

/// Builds a [`Browser`].
pub struct BrowserBuilder {
    profile: Profile,
    third_party: Option<ThirdPartyCookies>,
    overrides: HashMap<(String, u16), SocketAddr>,
    roots: Vec<CertificateDer<'static>>,
    clock: Clock,
    limits: Limits,
    transport: Option<Arc<dyn Transport>>,
    jar: Option<CookieJar>,
    resolution: Resolution,
    services: Vec<(Origin, url::Url, Arc<dyn DynService>, Serving)>,
    enforcement: Enforcement,
    address_spaces: HashMap<Origin, AddressSpace>,
    network_permissions: HashMap<(Origin, AddressSpace), Permission>,
}

impl BrowserBuilder {
    /// The browser profile (default: Chromium 156).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The third-party-cookie policy (default: the profile's; Chromium blocks).
    pub fn third_party_cookies(mut self, policy: ThirdPartyCookies) -> Self {
        self.third_party = Some(policy);
        self
    }

    /// Sends connections for `host:port` to `addr` instead of resolving the name; TLS still
    /// verifies the certificate for `host`.
    pub fn resolve(mut self, host: &str, port: u16, addr: SocketAddr) -> Self {
        self.overrides
            .insert((host.to_ascii_lowercase(), port), addr);
        self
    }

    /// Makes every host not given to [`BrowserBuilder::resolve`] unreachable: no DNS
    /// look-up, no traffic (a network error, as for an unknown name).
    pub fn only_resolved_hosts(mut self) -> Self {
        self.resolution = Resolution::OverridesOnly;
        self
    }

    /// Serves `origin` (`scheme://host[:port]`) with a `tower::Service` — an axum
    /// `Router`, a tower-http stack — called in-process, with no socket, through the same
    /// guard. Equivalent to [`BrowserBuilder::serve_with`] with [`Serving::InProcess`].
    ///
    /// The service sees what a server would: an origin-form URI, `Host`, and every header
    /// the browser sends; its response gets `Content-Length` if it had none, and a HEAD
    /// response's body is dropped.
    ///
    /// An origin that does not parse is not served (requests to it fail as for an unknown
    /// host); use [`BrowserBuilder::try_serve_with`] to get the parse error instead.
    pub fn serve<S: OriginService>(self, origin: &str, service: S) -> Self {
        self.serve_with(origin, service, Serving::InProcess)
    }

    /// Serves `origin` with `service`, in-process or over a real loopback socket.
    ///
    /// # Panics
    /// Never; an origin that is not a valid `http(s)://host[:port]` makes every request to
    /// it a network error (use [`BrowserBuilder::try_serve_with`] to catch it early).
    pub fn serve_with<S: OriginService>(self, origin: &str, service: S, serving: Serving) -> Self {
        match self.try_serve_with(origin, service, serving) {
            Ok(b) => b,
            Err((b, _)) => b,
        }
    }

    /// [`BrowserBuilder::serve_with`], returning the builder and the reason when `origin`
    /// is not an `http(s)://host[:port]` origin.
    #[allow(clippy::result_large_err)]
    pub fn try_serve_with<S: OriginService>(
        mut self,
        origin: &str,
        service: S,
        serving: Serving,
    ) -> Result<Self, (Self, String)> {
        let url = match Url::parse(origin) {
            Ok(u) if (u.scheme() == "http" || u.scheme() == "https") && u.path() == "/" => u,
            _ => return Err((self, format!("not an http(s) origin: '{origin}'"))),
        };
        let erased = erase(service, self.limits.max_body_bytes);
        self.services
            .push((Origin::from_url(&url), url, erased, serving));
        Ok(self)
    }

    /// What happens when CORS would block: enforce (default), record only, or nothing.
    pub fn enforcement(mut self, enforcement: Enforcement) -> Self {
        self.enforcement = enforcement;
        self
    }

    /// Trusts an extra root certificate (DER), e.g. a test CA.
    pub fn add_root_certificate_der(mut self, der: Vec<u8>) -> Self {
        self.roots.push(CertificateDer::from(der));
        self
    }

    /// The clock (default: the system clock). Use [`Clock::manual`] to move time in tests.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Time and size bounds for the network.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// A custom transport instead of sockets (overrides, roots and limits then do not
    /// apply).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Starts from this cookie jar.
    pub fn cookie_jar(mut self, jar: CookieJar) -> Self {
        self.jar = Some(jar);
        self
    }

    /// The address space of the address `origin`'s host reaches (Local Network Access),
    /// overriding the default derived from the host ([`AddressSpace::of_host`]). The
    /// origin itself, and so every URL, is unchanged. An `origin` that does not parse is
    /// ignored.
    ///
    /// ```
    /// use fetchguard::Browser;
    /// use fetchguard::policy::AddressSpace;
    /// let b = Browser::builder().address_space("https://api.example", AddressSpace::Local).build();
    /// let url = url::Url::parse("https://api.example/x").unwrap();
    /// assert_eq!(b.address_space_of(&url), AddressSpace::Local);
    /// ```
    pub fn address_space(mut self, origin: &str, space: AddressSpace) -> Self {
        if let Ok(o) = Origin::parse(origin) {
            self.address_spaces.insert(o, space);
        }
        self
    }

    /// The Local Network Access permission of pages of `origin` for requests into
    /// `space` ([`AddressSpace::Local`] or [`AddressSpace::Loopback`]; default
    /// [`Permission::Ask`]). An `origin` that does not parse is ignored.
    pub fn network_permission(
        mut self,
        origin: &str,
        space: AddressSpace,
        permission: Permission,
    ) -> Self {
        if let Ok(o) = Origin::parse(origin) {
            self.network_permissions.insert((o, space), permission);
        }
        self
    }

    /// The browser.
    pub fn build(mut self) -> Browser {
        // In-process services get a route; loopback-served ones a server (and, for https,
        // a certificate from a CA made for this browser) and a resolver entry.
        let mut in_process = std::collections::HashMap::new();
        #[cfg(feature = "loopback")]
        let mut loopback = Vec::new();
        for (origin, url, svc, serving) in std::mem::take(&mut self.services) {
            let _ = &url;
            match serving {
                Serving::InProcess => {
                    in_process.insert(origin, svc);
                }
                #[cfg(feature = "loopback")]
                Serving::Loopback => loopback.push((url, svc)),
            }
        }
        #[cfg(feature = "loopback")]
        let guards = crate::loopback::spawn_all(loopback, &mut self.overrides, &mut self.roots);
        #[cfg(not(feature = "loopback"))]
        let guards = Vec::new();
        let base: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => Arc::new(HyperTransport::with_resolution(
                self.overrides,
                self.roots,
                self.limits,
                self.resolution,
            )),
        };
        let transport: Arc<dyn Transport> = if in_process.is_empty() {
            base
        } else {
            Arc::new(RoutingTransport {
                services: in_process,
                fallback: base,
            })
        };
        let third_party = self.third_party.unwrap_or(self.profile.third_party_cookies);
        let cache_rule = self.profile.http_cache_storage;
        let cache_ranges = self.profile.http_cache_ranges;
        Browser {
            _servers: Arc::new(guards),
            ctx: Arc::new(FetchContext {
                profile_headers: crate::fetch::ProfileHeaders::of(&self.profile),
                profile: self.profile,
                third_party,
                jar: Mutex::new(self.jar.unwrap_or_default()),
                preflight_cache: Mutex::new(PreflightCache::with_capacity_limit(
                    crate::cors::CapacityLimit::CHROMIUM,
                )),
                clock: self.clock,
                transport,
                enforcement: self.enforcement,
                violations: Mutex::new(Vec::new()),
                http_cache: Mutex::new(
                    crate::http_cache::HttpCache::default()
                        .with_rule(cache_rule)
                        .with_ranges(cache_ranges),
                ),
                address_spaces: self.address_spaces,
                network_permissions: Mutex::new(self.network_permissions),
            }),
        }
    }
}

impl Browser {
    /// A builder with Chromium's defaults.
    pub fn builder() -> BrowserBuilder {
        BrowserBuilder {
            profile: Profile::default(),
            third_party: None,
            overrides: HashMap::new(),
            roots: Vec::new(),
            clock: Clock::system(),
            limits: Limits::default(),
            transport: None,
            jar: None,
            resolution: Resolution::OverridesThenDns,
            services: Vec::new(),
            enforcement: Enforcement::default(),
            address_spaces: HashMap::new(),
            network_permissions: HashMap::new(),
        }
    }

    /// A page (top-level document) at `url`; its origin is the URL's origin.
    pub fn page(&self, url: &str) -> Result<Page, url::ParseError> {
        let url = Url::parse(url)?;
        let origin = Origin::from_url(&url);
        Ok(Page {
            browser: self.clone(),
            derived: PageDerived::of(&url, &origin, &[]),
            origin,
            url,
            referrer_policy: ReferrerPolicy::default(),
            document_headers: Vec::new(),
        })
    }

    /// A sandboxed page at `url` (`Content-Security-Policy: sandbox allow-scripts`): its
    /// origin is opaque and serializes as `null`.
    pub fn sandboxed_page(&self, url: &str) -> Result<Page, url::ParseError> {
        let mut p = self.page(url)?;
        p.origin = Origin::new_opaque();
        p.rederive();
        Ok(p)
    }

    /// Stores a cookie as a top-level visit to `url` receiving `Set-Cookie: set_cookie`
    /// would, at the browser's clock's time.
    ///
    /// ```
    /// use fetchguard::{Browser, CookieRejection};
    /// let browser = Browser::builder().build();
    /// let api = url::Url::parse("https://api.example/").unwrap();
    /// browser.set_cookie(&api, "sid=1; SameSite=None; Secure").unwrap();
    /// assert_eq!(
    ///     browser.set_cookie(&api, "p=1; Partitioned"),
    ///     Err(CookieRejection::PartitionedWithoutSecure)
    /// );
    /// ```
    pub fn set_cookie(&self, url: &Url, set_cookie: &str) -> Result<(), CookieRejection> {
        let now = self.ctx.clock.now();
        self.ctx.jar().set(url, set_cookie, now)
    }

    /// Runs `f` with the cookie jar.
    pub fn with_jar<T>(&self, f: impl FnOnce(&mut CookieJar) -> T) -> T {
        f(&mut self.ctx.jar())
    }

    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.ctx.clock
    }

    /// Moves a manual clock forward (returns false on the system clock).
    pub fn advance(&self, by: Duration) -> bool {
        self.ctx.clock.advance(by)
    }

    /// The HTTP cache's entries, sorted by key (top-level site, URL): what later fetches
    /// may be answered with.
    ///
    /// ```
    /// let browser = fetchguard::Browser::builder().build();
    /// assert!(browser.http_cache_entries().is_empty());
    /// assert_eq!(browser.http_cache_bytes(), 0);
    /// ```
    pub fn http_cache_entries(
        &self,
    ) -> Vec<(
        crate::http_cache::CacheKey,
        crate::http_cache::CachedResponse,
    )> {
        self.ctx.http_cache().snapshot()
    }

    /// The bytes the HTTP cache holds (bodies and headers).
    pub fn http_cache_bytes(&self) -> usize {
        self.ctx.http_cache().bytes()
    }

    /// Number of entries in the CORS-preflight cache.
    pub fn preflight_cache_len(&self) -> usize {
        self.ctx.preflight_cache().len()
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.ctx.profile
    }

    /// Every CORS violation recorded so far under [`Enforcement::ReportOnly`], oldest first.
    pub fn violations(&self) -> Vec<Violation> {
        self.ctx.violations().clone()
    }

    /// Returns and forgets the recorded violations.
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut *self.ctx.violations())
    }

    /// The enforcement mode.
    pub fn enforcement(&self) -> Enforcement {
        self.ctx.enforcement
    }

    /// The third-party-cookie policy in force.
    pub fn third_party_cookies(&self) -> ThirdPartyCookies {
        self.ctx.third_party
    }

    /// The address space `url`'s host reaches: the one given to
    /// [`BrowserBuilder::address_space`] for its origin, else [`AddressSpace::of_host`].
    pub fn address_space_of(&self, url: &Url) -> AddressSpace {
        let given = &self.ctx.address_spaces;
        (!given.is_empty())
            .then(|| given.get(&Origin::from_url(url)).copied())
            .flatten()
            .unwrap_or_else(|| AddressSpace::of_host(url.host_str().unwrap_or_default()))
    }

    /// The Local Network Access permission of `origin` for requests into `space`
    /// ([`Permission::Ask`] when none was set).
    pub fn network_permission(&self, origin: &Origin, space: AddressSpace) -> Permission {
        self.ctx
            .network_permissions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(origin.clone(), space))
            .copied()
            .unwrap_or_default()
    }

    /// Changes the Local Network Access permission of `origin` for requests into `space`
    /// at run time (as a user answering a prompt or editing site settings would).
    ///
    /// ```
    /// use fetchguard::{Browser, Origin};
    /// use fetchguard::policy::{AddressSpace, Permission};
    /// let b = Browser::builder().build();
    /// let o = Origin::parse("https://app.example").unwrap();
    /// assert_eq!(b.network_permission(&o, AddressSpace::Loopback), Permission::Ask);
    /// b.set_network_permission(&o, AddressSpace::Loopback, Permission::Allow);
    /// assert_eq!(b.network_permission(&o, AddressSpace::Loopback), Permission::Allow);
    /// assert_eq!(b.network_permission(&o, AddressSpace::Local), Permission::Ask);
    /// ```
    pub fn set_network_permission(
        &self,
        origin: &Origin,
        space: AddressSpace,
        permission: Permission,
    ) {
        self.ctx
            .network_permissions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((origin.clone(), space), permission);
    }
}

/// A page: the requester whose script calls `fetch()`.
#[derive(Clone)]
pub struct Page {
    pub(crate) browser: Browser,
    pub(crate) url: Url,
    pub(crate) origin: Origin,
    pub(crate) referrer_policy: ReferrerPolicy,
    pub(crate) document_headers: Vec<(String, String)>,
    /// What every fetch of the page reads, computed when the page changes.
    derived: PageDerived,
}

/// Facts about a page that do not change from one of its fetches to the next: computed
/// once per page instead of per fetch (the public suffix lookup and the header parsing
/// behind them are not free).
#[derive(Clone)]
struct PageDerived {
    /// The origin, serialized (`null` when opaque).
    origin_serialized: String,
    /// The same as an `Origin` header value.
    origin_header: http::HeaderValue,
    /// The HTTP cache partition: the page's site, serialized.
    cache_partition: String,
    /// COEP and COEP-Report-Only, from the document's headers.
    embedder_policies: crate::policy::corp::EmbedderPolicies,
}

impl PageDerived {
    fn of(url: &Url, origin: &Origin, document_headers: &[(String, String)]) -> Self {
        let origin_serialized = origin.serialize();
        PageDerived {
            // A serialized origin is ASCII without controls (hosts are punycode), always a
            // valid header value.
            origin_header: http::HeaderValue::from_str(&origin_serialized)
                .unwrap_or(http::HeaderValue::from_static("null")),
            origin_serialized,
            cache_partition: crate::fetch::cache_partition_of(origin),
            embedder_policies: crate::policy::corp::obtain_embedder_policies(
                document_headers,
                crate::origin::is_url_potentially_trustworthy(url),
            ),
        }
    }
}

impl Page {
    /// Runs `fetch(request)` as this page's script would.
    pub async fn fetch(&self, request: Request) -> Result<Response, FetchError> {
        let client = Client {
            url: &self.url,
            origin: &self.origin,
            origin_serialized: &self.derived.origin_serialized,
            origin_header: &self.derived.origin_header,
            cache_partition: &self.derived.cache_partition,
            referrer_policy: self.referrer_policy,
            embedder_policies: self.derived.embedder_policies,
        };
        crate::fetch::fetch(&self.browser.ctx, client, request).await
    }

    /// The page's Cross-Origin-Embedder-Policy and its report-only twin, from
    /// [`Page::document_headers`] (none unless the page is a secure context).
    ///
    /// ```
    /// use fetchguard::{Browser, policy::corp::EmbedderPolicy};
    /// let page = Browser::builder().build().page("https://app.example/").unwrap()
    ///     .with_document_headers([("Cross-Origin-Embedder-Policy", "credentialless")]);
    /// assert_eq!(page.embedder_policies().value, EmbedderPolicy::Credentialless);
    /// ```
    pub fn embedder_policies(&self) -> crate::policy::corp::EmbedderPolicies {
        self.derived.embedder_policies
    }

    /// Computes [`PageDerived`] again after the URL, origin or headers changed.
    fn rederive(&mut self) {
        self.derived = PageDerived::of(&self.url, &self.origin, &self.document_headers);
    }

    /// Sets the page's referrer policy (as a `Referrer-Policy` header on the document would).
    pub fn with_referrer_policy(mut self, policy: ReferrerPolicy) -> Self {
        self.referrer_policy = policy;
        self
    }

    /// The response headers the page's document was served with (e.g.
    /// `Cross-Origin-Embedder-Policy`), in order; they are added to any given before.
    /// A `Referrer-Policy` among them sets the page's referrer policy, as
    /// [`Page::with_referrer_policy`] does (the last valid token wins). The other headers
    /// are stored, readable with [`Page::document_headers`]; `Cross-Origin-Embedder-Policy`
    /// (and `-Report-Only`) set [`Page::embedder_policies`].
    ///
    /// ```
    /// use fetchguard::{Browser, ReferrerPolicy};
    /// let page = Browser::builder().build().page("https://app.example/").unwrap()
    ///     .with_document_headers([("Referrer-Policy", "no-referrer"),
    ///                             ("Cross-Origin-Embedder-Policy", "require-corp")]);
    /// assert_eq!(page.referrer_policy(), ReferrerPolicy::NoReferrer);
    /// assert_eq!(page.document_headers().len(), 2);
    /// ```
    pub fn with_document_headers<N, V>(mut self, headers: impl IntoIterator<Item = (N, V)>) -> Self
    where
        N: Into<String>,
        V: Into<String>,
    {
        for (n, v) in headers {
            let (n, v) = (n.into(), v.into());
            if n.eq_ignore_ascii_case("referrer-policy")
                && let Some(p) = parse_referrer_policy_header(v.as_bytes())
            {
                self.referrer_policy = p;
            }
            self.document_headers.push((n, v));
        }
        self.rederive();
        self
    }

    /// The response headers of the page's document given with
    /// [`Page::with_document_headers`], in order.
    pub fn document_headers(&self) -> &[(String, String)] {
        &self.document_headers
    }

    /// The page's referrer policy.
    pub fn referrer_policy(&self) -> ReferrerPolicy {
        self.referrer_policy
    }

    /// The address space of the page (that of its URL's origin, see
    /// [`Browser::address_space_of`]).
    pub fn address_space(&self) -> AddressSpace {
        self.browser.address_space_of(&self.url)
    }

    /// The page's origin.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The page's URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The browser the page lives in.
    pub fn browser(&self) -> &Browser {
        &self.browser
    }
}
