//! Random, valid scenarios for differential testing against Chromium
//! (`fetchguard verify --generate N --seed S`).
//!
//! [`generate`] draws one [`GenScenario`] from `(seed, index)` with a small fixed PRNG
//! ([`Rng`], SplitMix64), so the same seed always gives the same scenarios whatever the
//! shard or the number of jobs. The draw covers the scenario format: pages (https/http,
//! sandbox, referrer policy), servers with routes (redirects of every status, chains,
//! cross-origin, back to the page, to other schemes, with credentials in the URL), CORS
//! headers of every shape, `Set-Cookie` lines, `[[cookie]]` seeds, third-party cookies,
//! and fetch inits of every kind, several fetches per scenario so the preflight cache and
//! the cookie jar carry over. The newer keys too: page headers (COEP, its report-only form,
//! COOP, `Referrer-Policy`), servers' `address_space` with the `local_network` and
//! `loopback_network` permissions and `targetAddressSpace`, cacheable responses
//! (`Cache-Control`, `ETag`, `Last-Modified`, `Expires`, `Vary`) fetched again with every
//! `cache` mode and after a `wait`, conditional routes (`match_headers`, 304 answers to
//! revalidations) and `Cross-Origin-Resource-Policy`. Every origin is served on 127.0.0.1
//! (the oracle maps each listener to its scenario address space), so only the spaces a
//! scenario names are drawn, never real addresses. [`GenScenario::to_toml`] writes the
//! scenario file.

mod known;
mod parts;
mod pools;
mod write;

pub use known::known_difference;

use parts::{fetch, server_routes};
use pools::*;

/// A small deterministic PRNG (SplitMix64): the algorithm is fixed, so a seed gives the
/// same numbers on every platform and release.
///
/// ```
/// use fetchguard::oracle::generate::Rng;
/// let (mut a, mut b) = (Rng::new(7), Rng::new(7));
/// assert_eq!(a.below(1000), b.below(1000));
/// ```
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One string of a non-empty list.
    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated scenario: the data [`GenScenario::to_toml`] writes and the shrinker
/// ([`super::shrink`]) reduces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenScenario {
    /// `name`.
    pub name: String,
    /// `[page] url`.
    pub page_url: String,
    /// `[page] sandbox`.
    pub sandbox: bool,
    /// `[page] referrer_policy`.
    pub page_referrer_policy: Option<String>,
    /// `[page] headers`.
    pub page_headers: Vec<(String, String)>,
    /// `[browser] third_party_cookies`.
    pub third_party_cookies: Option<String>,
    /// `[browser] local_network`.
    pub local_network: Option<String>,
    /// `[browser] loopback_network`.
    pub loopback_network: Option<String>,
    /// `[[cookie]]` seeds as (url, set).
    pub cookies: Vec<(String, String)>,
    /// `[[server]]`s.
    pub servers: Vec<GenServer>,
    /// `[[fetch]]`es.
    pub fetches: Vec<GenFetch>,
}

/// A generated `[[server]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenServer {
    /// `origin`.
    pub origin: String,
    /// `address_space`.
    pub address_space: Option<String>,
    /// Its routes.
    pub routes: Vec<GenRoute>,
}

/// A generated `[[server.route]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenRoute {
    /// `path`.
    pub path: String,
    /// `method`.
    pub method: Option<String>,
    /// `match_headers`, as (lower-case name, value) pairs.
    pub match_headers: Vec<(String, String)>,
    /// `status`.
    pub status: u16,
    /// `headers`.
    pub headers: Vec<(String, String)>,
    /// `body`.
    pub body: String,
}

/// A generated `[[fetch]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenFetch {
    /// `url`.
    pub url: String,
    /// `method`.
    pub method: Option<String>,
    /// `headers`.
    pub headers: Vec<(String, String)>,
    /// `body`.
    pub body: Option<String>,
    /// `mode`.
    pub mode: Option<String>,
    /// `credentials`.
    pub credentials: Option<String>,
    /// `redirect`.
    pub redirect: Option<String>,
    /// `referrer_policy`.
    pub referrer_policy: Option<String>,
    /// `cache`.
    pub cache: Option<String>,
    /// `target_address_space`.
    pub target_address_space: Option<String>,
    /// `wait`, whole seconds.
    pub wait: Option<u32>,
    /// `known_difference`.
    pub known_difference: Option<String>,
}

/// The seed of scenario `index` of the run seeded `seed`: independent of every other
/// index, so a shard draws exactly the scenarios a full run would.
fn scenario_seed(seed: u64, index: u64) -> u64 {
    let mut r = Rng::new(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    r.next_u64()
}

/// Generates scenario number `index` of the run seeded `seed`.
///
/// ```
/// use fetchguard::oracle::generate::generate;
/// let s = generate(1, 0);
/// assert_eq!(s, generate(1, 0));
/// assert!(fetchguard::scenario::parse_str("g.toml", &s.to_toml()).is_ok());
/// ```
pub fn generate(seed: u64, index: u64) -> GenScenario {
    let mut r = Rng::new(scenario_seed(seed, index));
    let page_scheme = if r.chance(80) { "https" } else { "http" };
    let page_origin = format!("{page_scheme}://app.example");
    let page_url = format!(
        "{page_origin}{}",
        r.pick(&["/index.html", "/dir/page.html?q=1"])
    );

    // Servers: distinct origins, drawn from the hosts in both schemes.
    let mut origins: Vec<String> = Vec::new();
    for _ in 0..1 + r.below(3) {
        let scheme = if r.chance(80) { "https" } else { "http" };
        let o = format!("{scheme}://{}", r.pick(HOSTS));
        if !origins.contains(&o) {
            origins.push(o);
        }
    }
    let mut servers: Vec<GenServer> = Vec::new();
    for o in &origins {
        let n = 1 + r.below(4);
        let mut routes = Vec::new();
        for _ in 0..n {
            routes.extend(server_routes(&mut r, &origins, &page_origin));
        }
        // Local Network Access: every listener is on 127.0.0.1, and the oracle gives
        // Chromium each one's scenario space; a server on the page's origin moves the
        // page into its space too.
        let address_space = r.chance(15).then(|| r.pick(SPACES).to_string());
        servers.push(GenServer {
            origin: o.clone(),
            address_space,
            routes,
        });
    }

    // Seeds are cookies the jar accepts from a top-level visit: Secure ones only on https.
    let mut cookies = Vec::new();
    if r.chance(30) {
        for _ in 0..1 + r.below(2) {
            let o = r.pick(&origins).clone();
            let pool = if o.starts_with("https:") {
                SEED_COOKIE
            } else {
                &SEED_COOKIE[..5]
            };
            cookies.push((format!("{o}/"), r.pick(pool).to_string()));
        }
    }

    let n = 1 + r.below(4);
    let mut fetches: Vec<GenFetch> = Vec::new();
    for _ in 0..n {
        let f = fetch(&mut r, &origins, &fetches);
        fetches.push(f);
    }
    let local = servers
        .iter()
        .any(|s| s.address_space.as_deref().is_some_and(|a| a != "public"));
    let permission = |r: &mut Rng| {
        r.chance(if local { 60 } else { 5 })
            .then(|| r.pick(PERMISSIONS).to_string())
    };
    let local_network = permission(&mut r);
    let loopback_network = permission(&mut r);
    let page_headers = if r.chance(20) {
        (0..1 + r.below(2))
            .map(|_| {
                let (n, v) = r.pick(PAGE_HEADERS);
                (n.to_string(), v.to_string())
            })
            .collect()
    } else {
        Vec::new()
    };
    GenScenario {
        name: format!("gen-s{seed}-{index}"),
        page_url,
        sandbox: r.chance(8),
        page_referrer_policy: r.chance(25).then(|| r.pick(POLICIES).to_string()),
        page_headers,
        third_party_cookies: r
            .chance(40)
            .then(|| r.pick(&["allow", "block"]).to_string()),
        local_network,
        loopback_network,
        cookies,
        servers,
        fetches,
    }
}
