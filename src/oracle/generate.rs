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
//! the cookie jar carry over. [`GenScenario::to_toml`] writes the scenario file.

use std::fmt::Write as _;

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
    /// `[browser] third_party_cookies`.
    pub third_party_cookies: Option<String>,
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
    /// Its routes.
    pub routes: Vec<GenRoute>,
}

/// A generated `[[server.route]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenRoute {
    /// `path`.
    pub path: String,
    /// `method`.
    pub method: Option<String>,
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
    /// `known_difference`.
    pub known_difference: Option<String>,
}

const POLICIES: &[&str] = &[
    "",
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
];

/// Hosts the servers are drawn from: the page's own host, a same-site one, cross-site ones.
const HOSTS: &[&str] = &[
    "app.example",
    "api.example",
    "sub.app.example",
    "other.test",
];
const PATHS: &[&str] = &["/a", "/b", "/c", "/r/*", "/data"];

const ACAO: &[&str] = &[
    "{{origin}}",
    "{{origin}}",
    "*",
    "https://app.example",
    "http://app.example",
    "https://evil.example",
    "null",
    "https://app.example, https://app.example",
    " {{origin}} ",
    "{{origin}}/",
    "",
];
const ACAC: &[&str] = &["true", "true", "TRUE", "false", " true"];
const ACAM: &[&str] = &[
    "PUT",
    "*",
    "GET, POST, PUT, DELETE",
    "put",
    "PATCH, patch",
    "{{method}}",
    "bad token,",
    "PUT,",
    "CUSTOM",
];
const ACAH: &[&str] = &[
    "*",
    "x-custom",
    "X-Custom, Content-Type",
    "{{header:access-control-request-headers}}",
    "authorization",
    "Authorization, *",
    "bad header(",
    "",
];
const ACEH: &[&str] = &[
    "*",
    "x-secret",
    "X-Secret, Content-Length",
    "set-cookie",
    "",
];
const MAX_AGE: &[&str] = &["600", "0", "-1", "abc", "86400"];
const SET_COOKIE: &[&str] = &[
    "sid=1; SameSite=None; Secure",
    "a=2",
    "b=3; SameSite=Lax",
    "c=4; SameSite=Strict",
    "d=5; SameSite=None",
    "e=6; Secure; Partitioned; SameSite=None; Path=/",
    "f=7; Max-Age=0",
    "g=8; Max-Age=3600; Path=/",
    "h=9; Path=/b",
    "sid=2; Secure",
];
/// Seed cookies: the first five need no https.
const SEED_COOKIE: &[&str] = &[
    "a=1",
    "b=2; SameSite=Lax",
    "c=3; SameSite=Strict",
    "g=4; Max-Age=3600; Path=/",
    "h=5; Path=/b",
    "sid=6; SameSite=None; Secure",
    "s=7; Secure",
];
const METHODS: &[&str] = &[
    "GET",
    "GET",
    "POST",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "patch",
    "post",
    "put",
    "delete",
    "CUSTOM",
    "CONNECT",
    "TRACE",
    "track",
    "BAD METHOD",
];
const REQ_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("Accept-Language", "fr"),
    ("Content-Language", "en"),
    ("Content-Type", "text/plain"),
    ("Content-Type", "application/json"),
    ("Content-Type", "application/x-www-form-urlencoded"),
    ("Range", "bytes=0-10"),
    ("X-Custom", "1"),
    ("X-Other", "two"),
    ("Authorization", "Bearer t"),
    ("Accept", "a\"b"),
    ("Cookie", "x=1"),
    ("Host", "evil.example"),
    ("Origin", "https://evil.example"),
    ("Referer", "https://evil.example/"),
    ("Sec-Foo", "1"),
    ("Proxy-Foo", "1"),
    ("X-HTTP-Method-Override", "CONNECT"),
    ("Content-Length", "5"),
    ("Accept-Charset", "utf-8"),
    ("Connection", "close"),
];

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
        let routes = (0..n)
            .map(|_| route(&mut r, &origins, &page_origin))
            .collect();
        servers.push(GenServer {
            origin: o.clone(),
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
    let fetches = (0..n).map(|_| fetch(&mut r, &origins)).collect();
    GenScenario {
        name: format!("gen-s{seed}-{index}"),
        page_url,
        sandbox: r.chance(8),
        page_referrer_policy: r.chance(25).then(|| r.pick(POLICIES).to_string()),
        third_party_cookies: r
            .chance(40)
            .then(|| r.pick(&["allow", "block"]).to_string()),
        cookies,
        servers,
        fetches,
    }
}

fn route(r: &mut Rng, origins: &[String], page_origin: &str) -> GenRoute {
    let path = r.pick(PATHS).to_string();
    let preflight = r.chance(30);
    let method = if preflight {
        Some("OPTIONS".to_string())
    } else if r.chance(15) {
        Some(r.pick(&["GET", "POST", "PUT", "patch"]).to_string())
    } else {
        None
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut h = |n: &str, v: &str| headers.push((n.to_string(), v.to_string()));
    let redirect = !preflight && r.chance(30) || preflight && r.chance(5);
    let status = if redirect {
        *r.pick(&[301, 302, 303, 307, 308])
    } else if preflight {
        *r.pick(&[200, 204, 204, 404, 500])
    } else {
        *r.pick(&[200, 200, 200, 201, 204, 404, 500])
    };
    if redirect {
        let target = match r.below(9) {
            0 => format!("{page_origin}/a"),
            1 => "/b".to_string(),
            2 => "data:text/plain,hi".to_string(),
            3 => "about:blank".to_string(),
            4 => "https://user:pass@api.example/a".to_string(),
            5 => "ftp://api.example/a".to_string(),
            6 => "/r/again".to_string(),
            _ => format!(
                "{}{}",
                r.pick(origins),
                r.pick(&["/a", "/b", "/c", "/data"])
            ),
        };
        if r.chance(95) {
            h("Location", &target);
        }
    }
    if r.chance(75) {
        h("Access-Control-Allow-Origin", r.pick_str(ACAO));
        if r.chance(8) {
            h("Access-Control-Allow-Origin", r.pick_str(ACAO));
        }
    }
    if r.chance(35) {
        h("Access-Control-Allow-Credentials", r.pick_str(ACAC));
    }
    if preflight || r.chance(10) {
        if r.chance(70) {
            h("Access-Control-Allow-Methods", r.pick_str(ACAM));
        }
        if r.chance(60) {
            h("Access-Control-Allow-Headers", r.pick_str(ACAH));
        }
        if r.chance(40) {
            h("Access-Control-Max-Age", r.pick_str(MAX_AGE));
        }
    }
    if !preflight {
        if r.chance(50) {
            h(
                "Content-Type",
                r.pick_str(&["text/plain", "application/json", "text/html"]),
            );
        }
        if r.chance(30) {
            h("X-Secret", "s");
        }
        if r.chance(25) {
            h("Access-Control-Expose-Headers", r.pick_str(ACEH));
        }
    }
    if r.chance(25) {
        for _ in 0..1 + r.below(2) {
            h("Set-Cookie", r.pick_str(SET_COOKIE));
        }
    }
    let body = if preflight || status == 204 {
        String::new()
    } else {
        r.pick(&["ok", "{\"v\": 1}", "", "{{method}} {{header:cookie}}"])
            .to_string()
    };
    GenRoute {
        path,
        method,
        status,
        headers,
        body,
    }
}

fn fetch(r: &mut Rng, origins: &[String]) -> GenFetch {
    let url = match r.below(20) {
        0 => "/a".to_string(),
        1 => "https://unknown.example/a".to_string(),
        2 => "data:text/plain,hello".to_string(),
        _ => {
            let path = r.pick(PATHS);
            let path = match path.strip_suffix('*') {
                Some(prefix) => format!("{prefix}{}", r.pick(&["1", "x?y=2"])),
                None => path.to_string(),
            };
            format!("{}{path}", r.pick(origins))
        }
    };
    let method = r.chance(55).then(|| r.pick(METHODS).to_string());
    let headers = if r.chance(55) {
        (0..1 + r.below(3))
            .map(|_| {
                let (n, v) = r.pick(REQ_HEADERS);
                (n.to_string(), v.to_string())
            })
            .collect()
    } else {
        Vec::new()
    };
    let body = r
        .chance(25)
        .then(|| r.pick(&["x", "{\"a\": 1}", ""]).to_string());
    GenFetch {
        url,
        method,
        headers,
        body,
        mode: r
            .chance(40)
            .then(|| r.pick(&["same-origin", "no-cors", "cors"]).to_string()),
        credentials: r
            .chance(45)
            .then(|| r.pick(&["omit", "same-origin", "include"]).to_string()),
        redirect: r
            .chance(30)
            .then(|| r.pick(&["follow", "error", "manual"]).to_string()),
        referrer_policy: r.chance(20).then(|| r.pick(POLICIES).to_string()),
        known_difference: None,
    }
}

/// A TOML basic string (JSON's escapes are TOML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn pairs(items: &[(String, String)]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|(n, v)| format!("[{}, {}]", q(n), q(v)))
        .collect();
    format!("[{}]", inner.join(", "))
}

impl GenScenario {
    /// The scenario file, in the layout of the hand-written ones (no expectations).
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "name = {}", q(&self.name));
        t.push_str("\n[page]\n");
        let _ = writeln!(t, "url = {}", q(&self.page_url));
        if self.sandbox {
            t.push_str("sandbox = true\n");
        }
        if let Some(p) = &self.page_referrer_policy {
            let _ = writeln!(t, "referrer_policy = {}", q(p));
        }
        if let Some(c) = &self.third_party_cookies {
            let _ = writeln!(t, "\n[browser]\nthird_party_cookies = {}", q(c));
        }
        for (url, set) in &self.cookies {
            let _ = writeln!(t, "\n[[cookie]]\nurl = {}\nset = {}", q(url), q(set));
        }
        for s in &self.servers {
            let _ = writeln!(t, "\n[[server]]\norigin = {}", q(&s.origin));
            for r in &s.routes {
                let _ = writeln!(t, "\n[[server.route]]\npath = {}", q(&r.path));
                if let Some(m) = &r.method {
                    let _ = writeln!(t, "method = {}", q(m));
                }
                if r.status != 200 {
                    let _ = writeln!(t, "status = {}", r.status);
                }
                if !r.headers.is_empty() {
                    let _ = writeln!(t, "headers = {}", pairs(&r.headers));
                }
                if !r.body.is_empty() {
                    let _ = writeln!(t, "body = {}", q(&r.body));
                }
            }
        }
        for (i, f) in self.fetches.iter().enumerate() {
            let _ = writeln!(t, "\n# Fetch #{}\n[[fetch]]\nurl = {}", i + 1, q(&f.url));
            let opt = |t: &mut String, key: &str, v: &Option<String>| {
                if let Some(v) = v {
                    let _ = writeln!(t, "{key} = {}", q(v));
                }
            };
            opt(&mut t, "method", &f.method);
            if !f.headers.is_empty() {
                let _ = writeln!(t, "headers = {}", pairs(&f.headers));
            }
            opt(&mut t, "body", &f.body);
            opt(&mut t, "mode", &f.mode);
            opt(&mut t, "credentials", &f.credentials);
            opt(&mut t, "redirect", &f.redirect);
            opt(&mut t, "referrer_policy", &f.referrer_policy);
            opt(&mut t, "known_difference", &f.known_difference);
        }
        t
    }
}

/// The classes of disagreement between the engine and Chromium that generated scenarios
/// are known to hit, each with why (as a `known_difference` would say): `Some(why)` when
/// the differences of fetch `index` of `s` all belong to one of them.
///
/// ```
/// use fetchguard::oracle::generate::{generate, known_difference};
/// use fetchguard::oracle::Difference;
/// let mut s = generate(1, 0);
/// s.fetches[0].headers = vec![("X-A".into(), "1".into()), ("X-B".into(), "2".into())];
/// let line = |n: &str| format!("[\"Access to fetch ... Request header field {n} is not allowed by Access-Control-Allow-Headers in preflight response.\"]");
/// let d = Difference { key: "console".into(), engine: line("x-a"), browser: line("x-b") };
/// assert!(known_difference(&s, 0, &[d.clone()]).is_some());
/// let other = Difference { key: "status".into(), engine: "200".into(), browser: "204".into() };
/// assert_eq!(known_difference(&s, 0, &[d, other]), None);
/// assert_eq!(known_difference(&s, 0, &[]), None);
/// ```
pub fn known_difference(
    s: &GenScenario,
    index: usize,
    differences: &[super::Difference],
) -> Option<&'static str> {
    let fetch = s.fetches.get(index)?;
    if differences.is_empty() {
        return None;
    }
    // Several request headers refused by one preflight: Chromium names one of them in an
    // internal hash order, fetchguard the first sorted (as in the corpus). Both lines must
    // be that message, each naming a header the fetch sets.
    let refused = |line: &str| -> Option<String> {
        let rest = line.split("Request header field ").nth(1)?;
        let (name, tail) = rest.split_once(' ')?;
        tail.starts_with("is not allowed by Access-Control-Allow-Headers")
            .then(|| name.to_ascii_lowercase())
    };
    let sets = |name: &str| {
        fetch
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if differences.iter().all(|d| {
        d.key == "console"
            && match (refused(&d.engine), refused(&d.browser)) {
                (Some(e), Some(c)) => e != c && sets(&e) && sets(&c),
                _ => false,
            }
    }) {
        return Some(
            "several request headers refused by a preflight: Chromium names one in its own hash order",
        );
    }
    None
}
