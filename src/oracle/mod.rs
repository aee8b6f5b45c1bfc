//! The Chromium oracle: runs a scenario in real headless Chromium against the same
//! loopback origins the engine uses, observes each fetch the way the engine's scenario
//! runner does ([`FetchObservation`]), and compares the two field by field.
//!
//! Method: every origin of the scenario (each `[[server]]`, the page's origin, and the
//! origin of each `[[cookie]]` URL) is served on 127.0.0.1 by an [`OriginServer`]
//! answering from the scenario's routes; Chromium's `--host-resolver-rules` map each
//! `host:port` to its server and every other host to "not found". The page URL serves a
//! driver document ([`driver`]) whose script makes the fetches in order. Before fetch `i`
//! it requests `/__fetchguard/mark?i=N` and logs `FG-MARK i`: the requests the servers
//! record between two marks are fetch `i`'s wire, and the console lines Chromium writes to
//! stderr between two marks are its console. Pre-seeded cookies are set by top-level
//! visits: Chromium starts at the first cookie's URL, which answers (once) with a redirect
//! carrying the `Set-Cookie`, on to the next cookie's URL, and finally to the page.
//!
//! Every listener is given its scenario address space with
//! `--ip-address-space-overrides=127.0.0.1:PORT=SPACE` (Local Network Access), the page
//! origin's `local-network` / `loopback-network` permissions are set with DevTools'
//! `Browser.setPermission` before the page opens (`devtools.rs`), and the
//! https certificates are valid for Chromium: their one leaf key is pinned with
//! `--ignore-certificate-errors-spki-list`, so the HTTP cache stores responses as it
//! would on a real site (a certificate error disables it). A fetch's `wait` is a real
//! pause in the page before that fetch's mark.
//!
//! Firefox and WebKitGTK ([`BrowserKind`]) have no host-resolver switch: the same origins and
//! handlers are served behind one loopback proxy instead (`proxy.rs`), and the console is
//! read from Firefox's console service or WebKit's console output (`firefox.rs`,
//! `webkit.rs`).

mod browser;
mod chromium;
mod compare;
mod devtools;
pub mod driver;
mod firefox;
pub mod generate;
mod proxy;
pub mod shrink;
mod update;
mod webkit;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use url::Url;

use crate::loopback::{CannedResponse, Handler, OriginServer, RecordedRequest, RequestLog, TestCa};
use crate::origin::Origin;
use crate::scenario::{
    FetchObservation, LoadedScenario, PolicyToken, RouteSpec, ThirdPartyToken, WireObservation,
    answer,
};

pub use browser::{BrowserKind, Oracle};
pub use chromium::{FLAGS, console_by_fetch, parse_console};
pub use compare::{
    Difference, UNCOMPARED_WIRE_HEADERS, WIRE_HEADERS, compare, compared_wire_headers,
};
pub use firefox::{
    DEFAULT_FIREFOX, cookie_behavior as firefox_cookie_behavior, marionette_frame,
    marionette_unframe, observe_in_firefox, user_js as firefox_user_js,
};
pub use update::{UpdateError, update_engine_expectations, update_expectations};
pub use webkit::{
    DEFAULT_PYTHON, DRIVER_PY, WebkitConsole, cookie_policy as webkit_cookie_policy,
    observe_in_webkit, parse_webkit_console,
};

use driver::{ConsoleMark, DriverResult, MARK_CONSOLE, MARK_PATH, RESULTS_PATH};

/// Why a scenario could not be observed in a browser (Chromium, Firefox or WebKitGTK).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OracleError {
    /// The Chromium binary does not exist.
    #[error("Chromium not found at {0}")]
    ChromiumMissing(String),
    /// The browser could not be started (the text names the program).
    #[error("cannot start the browser: {0}")]
    Launch(String),
    /// A scenario URL or origin could not be served.
    #[error("cannot serve the scenario: {0}")]
    Setup(String),
    /// A temporary file or directory could not be written.
    #[error("temporary files: {0}")]
    Io(String),
    /// The browser did not post the results in time (or exited first).
    #[error("{0}")]
    NoResults(String),
    /// The results the driver posted could not be read.
    #[error("the driver's results are unreadable: {0}")]
    BadResults(String),
}

/// Options for [`observe_in_chromium_with`].
#[derive(Clone, Debug)]
pub struct ChromiumOptions {
    /// How long Chromium may take for the whole scenario before it is killed.
    pub timeout: Duration,
}

impl ChromiumOptions {
    /// The default for a scenario: 45 s plus 2 s per fetch, plus every fetch's `wait`. The
    /// base is generous because it only bounds a failure: on a loaded machine (generated
    /// runs with several Chromiums on 2 shared cores) a start alone took over 15 s.
    pub fn for_scenario(loaded: &LoadedScenario) -> Self {
        let waits: f64 = loaded
            .scenario
            .fetches
            .iter()
            .filter_map(|f| f.wait.as_ref().map(|w| *w.get_ref()))
            .sum();
        ChromiumOptions {
            timeout: Duration::from_secs(45 + 2 * loaded.scenario.fetches.len() as u64)
                + Duration::try_from_secs_f64(waits).unwrap_or_default(),
        }
    }
}

/// A group of consecutive `[[cookie]]`s with the same URL: one seeding visit.
struct Seed {
    url: Url,
    set_cookies: Vec<String>,
}

/// State shared by the handlers of one run.
struct Shared {
    page_url: Url,
    page_origin: String,
    driver: String,
    sandbox: bool,
    referrer_policy: Option<String>,
    page_headers: Vec<(String, String)>,
    driver_served: AtomicBool,
    seeds: Vec<Seed>,
    next_seed: AtomicUsize,
    results: Mutex<Option<Bytes>>,
}

fn same_target(a: &Url, b: &Url) -> bool {
    Origin::from_url(a) == Origin::from_url(b) && a.path() == b.path() && a.query() == b.query()
}

impl Shared {
    fn handle(&self, origin: &str, routes: &[RouteSpec], req: &RecordedRequest) -> CannedResponse {
        // Seeding visits: each seed URL answers once with its Set-Cookie and a redirect on.
        let k = self.next_seed.load(Ordering::SeqCst);
        if k < self.seeds.len() && req.method == "GET" && same_target(&self.seeds[k].url, &req.url)
        {
            self.next_seed.store(k + 1, Ordering::SeqCst);
            let next = match self.seeds.get(k + 1) {
                Some(s) => s.url.as_str(),
                None => self.page_url.as_str(),
            };
            let mut res = CannedResponse::status(302)
                .header("Location", next)
                .header("Cache-Control", "no-store");
            for c in &self.seeds[k].set_cookies {
                res = res.header("Set-Cookie", c);
            }
            return res;
        }
        if origin == self.page_origin {
            let path = req.url.path();
            if req.method == "GET"
                && path == self.page_url.path()
                && req.url.query() == self.page_url.query()
                && !self.driver_served.swap(true, Ordering::SeqCst)
            {
                let mut res = CannedResponse::status(200)
                    .header("Content-Type", "text/html; charset=utf-8")
                    .header("Cache-Control", "no-store");
                if self.sandbox {
                    res = res.header("Content-Security-Policy", "sandbox allow-scripts");
                }
                if let Some(p) = &self.referrer_policy {
                    res = res.header("Referrer-Policy", p);
                }
                for (n, v) in &self.page_headers {
                    res = res.header(n, v);
                }
                return res.body(self.driver.clone());
            }
            if path == MARK_PATH {
                return CannedResponse::status(204)
                    .header("Access-Control-Allow-Origin", "*")
                    .header("Cache-Control", "no-store");
            }
            if path == RESULTS_PATH {
                let res = CannedResponse::status(204)
                    .header("Access-Control-Allow-Origin", "*")
                    .header("Access-Control-Allow-Methods", "POST")
                    .header("Access-Control-Allow-Headers", "*");
                if req.method == "POST" {
                    *self.results.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(req.body.clone());
                }
                return res;
            }
        }
        answer(routes, req)
    }
}

/// Runs a scenario in headless Chromium (the binary at `chromium`) and observes each fetch,
/// with [`ChromiumOptions::for_scenario`].
pub async fn observe_in_chromium(
    loaded: &LoadedScenario,
    chromium: &Path,
) -> Result<Vec<FetchObservation>, OracleError> {
    observe_in_chromium_with(loaded, chromium, &ChromiumOptions::for_scenario(loaded)).await
}

/// Runs a scenario in headless Chromium and observes each fetch: outcome, error, console
/// (every console message between this fetch's mark and the next), and for a response its
/// type, status, URL, `redirected`, headers and body as script sees them; and the wire
/// (every request the servers received for it, `/favicon.ico` excluded).
pub async fn observe_in_chromium_with(
    loaded: &LoadedScenario,
    chromium: &Path,
    options: &ChromiumOptions,
) -> Result<Vec<FetchObservation>, OracleError> {
    if !chromium.exists() {
        return Err(OracleError::ChromiumMissing(chromium.display().to_string()));
    }
    let setup = |e: String| OracleError::Setup(e);
    let s = &loaded.scenario;
    let prepared = Prepared::new(loaded, ConsoleMark::Log)?;
    let mut servers = Vec::new();
    let mut rules = Vec::new();
    let mut spaces = Vec::new();
    for (serialized, url, handler) in &prepared.origins {
        let server = OriginServer::start(
            serialized,
            handler.clone(),
            Some(&prepared.ca),
            prepared.log.clone(),
        )
        .await
        .map_err(|e| setup(format!("serving {serialized}: {e}")))?;
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(0);
        rules.push(format!(
            "MAP {host}:{port} 127.0.0.1:{}",
            server.addr().port()
        ));
        // Each listener is in the address space its host has in the scenario, not in
        // loopback where it really is.
        spaces.push(format!(
            "127.0.0.1:{}={}",
            server.addr().port(),
            s.address_space_of(url)
        ));
        servers.push(server);
    }
    rules.push("MAP * ~NOTFOUND".into());

    let run = chromium::RunDir::new()?;
    chromium::write_prefs(
        &run.profile(),
        &chromium::Prefs {
            allow_third_party: s.browser.third_party_cookies == Some(ThirdPartyToken::Allow),
        },
    )?;
    let grants = chromium::Grants::local_network_access(
        &prepared.page_origin,
        crate::origin::is_url_potentially_trustworthy(&prepared.page_url),
        s.browser.local_network.map(Into::into),
        s.browser.loopback_network.map(Into::into),
    );
    let args = [
        format!("--host-resolver-rules={}", rules.join(", ")),
        format!("--ip-address-space-overrides={}", spaces.join(",")),
        format!(
            "--ignore-certificate-errors-spki-list={}",
            prepared.ca.leaf_spki_sha256_base64()
        ),
    ];
    let mut process =
        chromium::ChromiumProcess::launch(chromium, &run, &args, &prepared.start_url, &grants)?;

    let results = prepared
        .wait_for_results(
            "Chromium",
            options.timeout,
            || process.exited(),
            || read_tail(&run.stderr()),
        )
        .await;
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            process.kill();
            return Err(e);
        }
    };

    // The `FG-MARK end` console line precedes the results POST in the page, but reaches
    // stderr on its own path: wait (briefly) until it is there.
    let end_mark = format!("\"{MARK_CONSOLE}end\"");
    let wait_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < wait_until {
        if std::fs::read_to_string(run.stderr()).is_ok_and(|t| t.contains(&end_mark)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    process.kill();
    drop(servers);
    let stderr = std::fs::read(run.stderr()).map_err(|e| OracleError::Io(e.to_string()))?;
    let stderr = String::from_utf8_lossy(&stderr);
    let n = loaded.scenario.fetches.len();
    let console = console_by_fetch(&parse_console(&stderr), n);
    prepared.finish(loaded, &results, console)
}

/// One run's origins, handlers and shared state, before any browser starts: what every
/// browser driver ([`chromium`], [`firefox`], [`webkit`]) serves.
pub(crate) struct Prepared {
    shared: Arc<Shared>,
    /// Each origin to serve: serialized, its URL, its handler.
    pub(crate) origins: Vec<(String, Url, Handler)>,
    /// The run's certificate authority.
    pub(crate) ca: TestCa,
    /// Every request any origin received, in order.
    pub(crate) log: RequestLog,
    /// The URL the browser opens first (the first cookie seed, else the page).
    pub(crate) start_url: String,
    page_url: Url,
    page_origin: String,
}

impl Prepared {
    /// The origins of a scenario (each `[[server]]`, the page's, each cookie URL's) with
    /// their handlers, and the driver document with `mark` style console marks.
    pub(crate) fn new(loaded: &LoadedScenario, mark: ConsoleMark) -> Result<Self, OracleError> {
        let s = &loaded.scenario;
        let setup = |e: String| OracleError::Setup(e);
        let page_url = Url::parse(s.page.url.get_ref()).map_err(|e| setup(e.to_string()))?;
        let page_origin = Origin::from_url(&page_url).serialize();

        // Every origin to serve: servers, the page's, each cookie URL's.
        let mut origins: BTreeMap<String, (Url, Vec<RouteSpec>)> = BTreeMap::new();
        for server in &s.servers {
            let u = Url::parse(server.origin.get_ref()).map_err(|e| setup(e.to_string()))?;
            origins.insert(Origin::from_url(&u).serialize(), (u, server.routes.clone()));
        }
        origins
            .entry(page_origin.clone())
            .or_insert_with(|| (page_url.clone(), Vec::new()));
        let mut seeds: Vec<Seed> = Vec::new();
        for c in &s.cookies {
            let u = Url::parse(c.url.get_ref()).map_err(|e| setup(e.to_string()))?;
            origins
                .entry(Origin::from_url(&u).serialize())
                .or_insert_with(|| (u.clone(), Vec::new()));
            match seeds.last_mut() {
                Some(last) if last.url == u => last.set_cookies.push(c.set.get_ref().clone()),
                _ => seeds.push(Seed {
                    url: u,
                    set_cookies: vec![c.set.get_ref().clone()],
                }),
            }
        }

        let mark_url = page_url.join(MARK_PATH).map_err(|e| setup(e.to_string()))?;
        let results_url = page_url
            .join(RESULTS_PATH)
            .map_err(|e| setup(e.to_string()))?;
        let start_url = seeds
            .first()
            .map(|s| s.url.to_string())
            .unwrap_or_else(|| page_url.to_string());
        let shared = Arc::new(Shared {
            driver: driver::document_with(s, mark_url.as_str(), results_url.as_str(), mark),
            page_url: page_url.clone(),
            page_origin: page_origin.clone(),
            sandbox: s.page.sandbox,
            referrer_policy: s
                .page
                .referrer_policy
                .filter(|p| *p != PolicyToken::Unset)
                .and_then(|p| serde_json::to_value(p).ok())
                .and_then(|v| v.as_str().map(str::to_string)),
            page_headers: s.page.headers.clone(),
            driver_served: AtomicBool::new(false),
            seeds,
            next_seed: AtomicUsize::new(0),
            results: Mutex::new(None),
        });
        let handlers = origins
            .into_iter()
            .map(|(serialized, (url, routes))| {
                let routes = Arc::new(routes);
                let sh = shared.clone();
                let origin = serialized.clone();
                let handler: Handler = Arc::new(move |req| sh.handle(&origin, &routes, req));
                (serialized, url, handler)
            })
            .collect();
        let ca = TestCa::new().map_err(|e| setup(format!("test CA: {e}")))?;
        Ok(Prepared {
            shared,
            origins: handlers,
            ca,
            log: RequestLog::default(),
            start_url,
            page_url,
            page_origin,
        })
    }

    /// Waits until the driver posted its results: an error when `exited` says the browser
    /// ended first or the timeout passes (`tail` describes the browser's last output).
    pub(crate) async fn wait_for_results(
        &self,
        browser: &str,
        timeout: Duration,
        mut exited: impl FnMut() -> bool,
        tail: impl Fn() -> String,
    ) -> Result<Bytes, OracleError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self
                .shared
                .results
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
            {
                return Ok(r);
            }
            if exited() {
                return Err(OracleError::NoResults(format!(
                    "{browser} exited before the page posted its results{}",
                    tail()
                )));
            }
            if Instant::now() >= deadline {
                return Err(OracleError::NoResults(format!(
                    "no results from {browser} within {} s{}",
                    timeout.as_secs(),
                    tail()
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The observations: the driver's `results`, the console split per fetch, and the
    /// wire split per fetch from the log.
    pub(crate) fn finish(
        &self,
        loaded: &LoadedScenario,
        results: &[u8],
        console: Vec<Vec<String>>,
    ) -> Result<Vec<FetchObservation>, OracleError> {
        let n = loaded.scenario.fetches.len();
        let recorded = std::mem::take(&mut *self.log.lock().unwrap_or_else(|p| p.into_inner()));
        let wire = wire_by_fetch(
            &recorded,
            &self.page_origin,
            n,
            fetched_favicon(loaded, &self.page_url),
        );
        let driver_results: Vec<DriverResult> =
            serde_json::from_slice(results).map_err(|e| OracleError::BadResults(e.to_string()))?;
        if driver_results.len() != n {
            return Err(OracleError::BadResults(format!(
                "{} results for {n} fetches",
                driver_results.len()
            )));
        }
        Ok(driver_results
            .into_iter()
            .zip(console)
            .zip(wire)
            .map(|((r, console), wire)| observation(r, console, wire))
            .collect())
    }
}

fn read_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(5)..];
    if tail.is_empty() {
        String::new()
    } else {
        format!("; stderr ends with:\n{}", tail.join("\n"))
    }
}

/// True when a fetch of the scenario targets `/favicon.ico` (then those requests count).
fn fetched_favicon(loaded: &LoadedScenario, page_url: &Url) -> bool {
    loaded.scenario.fetches.iter().any(|f| {
        page_url
            .join(&f.url)
            .is_ok_and(|u| u.path() == "/favicon.ico")
    })
}

/// Splits the recorded requests by the mark requests: element `i` holds those after mark
/// `i` and before the next mark, without the driver's own requests and `/favicon.ico`.
fn wire_by_fetch(
    recorded: &[RecordedRequest],
    page_origin: &str,
    fetches: usize,
    keep_favicon: bool,
) -> Vec<Vec<WireObservation>> {
    let mut out = vec![Vec::new(); fetches];
    let mut current: Option<usize> = None;
    for r in recorded {
        let own = Origin::from_url(&r.url).serialize() == page_origin;
        if own && r.url.path() == MARK_PATH {
            current = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "i")
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .filter(|i| *i < fetches);
            continue;
        }
        if own && r.url.path() == RESULTS_PATH {
            current = None;
            continue;
        }
        if r.url.path() == "/favicon.ico" && !keep_favicon {
            continue;
        }
        if let Some(i) = current {
            out[i].push(wire_observation(r));
        }
    }
    out
}

/// A recorded request as a [`WireObservation`]. Over HTTP/2 Chromium sends each cookie
/// as its own `cookie` field (RFC 9113 8.2.3 "cookie crumbs"); they are joined with `; `,
/// as on HTTP/1.1, instead of the `, ` that joins other repeated headers.
fn wire_observation(r: &RecordedRequest) -> WireObservation {
    let mut w = WireObservation::from(r);
    let crumbs: Vec<&str> = r
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    if !crumbs.is_empty() {
        w.headers.insert("cookie".into(), crumbs.join("; "));
    }
    w
}

fn observation(
    r: DriverResult,
    console: Vec<String>,
    wire: Vec<WireObservation>,
) -> FetchObservation {
    if r.outcome == "response" {
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (n, v) in r.headers.unwrap_or_default() {
            headers
                .entry(n.to_ascii_lowercase())
                .and_modify(|e| {
                    e.push_str(", ");
                    e.push_str(&v);
                })
                .or_insert(v);
        }
        FetchObservation {
            outcome: r.outcome,
            error: None,
            console,
            rtype: r.rtype,
            status: r.status,
            url: r.url,
            redirected: r.redirected,
            headers: Some(headers.into()),
            body: r.body,
            wire,
            reason: None,
        }
    } else {
        FetchObservation {
            outcome: r.outcome,
            error: r.error,
            console,
            wire,
            ..FetchObservation::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(method: &str, url: &str) -> RecordedRequest {
        RecordedRequest {
            method: method.into(),
            url: Url::parse(url).unwrap(),
            headers: vec![("Origin".into(), "https://app.example".into())],
            body: Bytes::new(),
        }
    }

    #[test]
    fn wire_is_split_by_marks() {
        let log = vec![
            rec("GET", "https://app.example/index.html"),
            rec("GET", "https://app.example/__fetchguard/mark?i=0"),
            rec("GET", "https://app.example/favicon.ico"),
            rec("OPTIONS", "https://api.example/x"),
            rec("PUT", "https://api.example/x"),
            rec("GET", "https://app.example/__fetchguard/mark?i=1"),
            rec("GET", "https://app.example/__fetchguard/mark?i=end"),
            rec("POST", "https://app.example/__fetchguard/results"),
        ];
        let w = wire_by_fetch(&log, "https://app.example", 2, false);
        assert_eq!(w[0].len(), 2);
        assert_eq!(w[0][0].method, "OPTIONS");
        assert_eq!(&w[0][1].headers["origin"], "https://app.example");
        assert!(w[1].is_empty());
        let mut crumbs = rec("GET", "https://api.example/c");
        crumbs.headers.push(("cookie".into(), "a=1".into()));
        crumbs.headers.push(("cookie".into(), "b=2".into()));
        assert_eq!(&wire_observation(&crumbs).headers["cookie"], "a=1; b=2");
        let w = wire_by_fetch(&log, "https://app.example", 2, true);
        assert_eq!(w[0].len(), 3);
    }
}
