//! Running a scenario: start its virtual origins, make a fresh Browser, run the fetches in
//! order, and observe each one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::browser::Browser;
use crate::clock::Clock;
use crate::cookies::ThirdPartyCookies;
use crate::loopback::{OriginServer, RequestLog, TestCa};
use crate::origin::Origin;
use crate::policy::AddressSpace;
use crate::request::{Credentials, Mode, RedirectMode, ReferrerPolicy, Request};
use crate::trace::Trace;

use super::expect::{Mismatch, check_expectations};
use super::model::{
    CredentialsToken, FetchSpec, ModeToken, PolicyToken, RedirectToken, RouteSpec, ThirdPartyToken,
};
use super::observe::FetchObservation;
use super::parse::LoadedScenario;
use super::servers::answer;

/// The outcome of one fetch of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct FetchReport {
    /// The method as the file gives it.
    #[serde(skip)]
    pub method: String,
    /// The URL as the file gives it.
    #[serde(skip)]
    pub url: String,
    /// What was observed (in JSON, its keys are the fetch object's own).
    #[serde(flatten)]
    pub observed: FetchObservation,
    /// Expectations that did not hold.
    pub mismatches: Vec<Mismatch>,
    /// The file's `known_difference`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_difference: Option<String>,
    /// What the engine did, hop by hop.
    #[serde(skip)]
    pub trace: Trace,
}

/// The outcome of one scenario.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioReport {
    /// Its name.
    pub name: String,
    /// Its file.
    pub file: String,
    /// Its description.
    #[serde(skip)]
    pub description: Option<String>,
    /// Where its facts come from (e.g. a WPT path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Each fetch, in order.
    pub fetches: Vec<FetchReport>,
    /// A setup failure (a server that could not start, a cookie the jar refused).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_error: Option<String>,
    /// The engine whose profile ran it (its expectations are those for this engine:
    /// `[fetch.expect]` with `[fetch.expect.ENGINE]`'s keys replacing its own).
    #[serde(skip)]
    pub engine: crate::Engine,
}

/// How a fetch's expectations came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchStatus {
    /// Every expectation held.
    Passed,
    /// An expectation did not hold.
    Failed,
    /// Marked `known_difference`, and it still differs.
    Known,
    /// Marked `known_difference`, but every expectation held: the marker is stale.
    UnexpectedPass,
}

impl FetchReport {
    /// The outcome of this fetch's checks.
    pub fn status(&self) -> FetchStatus {
        match (self.known_difference.is_some(), self.mismatches.is_empty()) {
            (false, true) => FetchStatus::Passed,
            (false, false) => FetchStatus::Failed,
            (true, false) => FetchStatus::Known,
            (true, true) => FetchStatus::UnexpectedPass,
        }
    }
}

impl ScenarioReport {
    /// True when setup succeeded and no fetch failed (known differences allowed).
    pub fn passed(&self) -> bool {
        self.setup_error.is_none()
            && self
                .fetches
                .iter()
                .all(|f| matches!(f.status(), FetchStatus::Passed | FetchStatus::Known))
    }

    /// Number of fetches whose expectations all held.
    pub fn passed_fetches(&self) -> usize {
        self.count(FetchStatus::Passed)
    }

    /// Number of fetches with the given status.
    pub fn count(&self, status: FetchStatus) -> usize {
        self.fetches.iter().filter(|f| f.status() == status).count()
    }
}

/// Runs one scenario in a fresh Browser (the default, Chromium profile) against fresh
/// loopback servers.
pub async fn run_scenario(loaded: &LoadedScenario) -> ScenarioReport {
    run_scenario_as(loaded, crate::Profile::default()).await
}

/// Runs one scenario as `profile`'s browser, in a fresh Browser against fresh loopback
/// servers, and checks each fetch against the expectations for `profile`'s engine
/// ([`Expect::for_engine`](super::Expect::for_engine)).
pub async fn run_scenario_as(loaded: &LoadedScenario, profile: crate::Profile) -> ScenarioReport {
    let mut report = ScenarioReport {
        name: loaded.name.clone(),
        file: loaded.file.display().to_string(),
        description: loaded.scenario.description.clone(),
        source: loaded.scenario.source.clone(),
        fetches: Vec::with_capacity(loaded.scenario.fetches.len()),
        setup_error: None,
        engine: profile.engine,
    };
    match setup_and_run(loaded, profile, &mut report).await {
        Ok(()) => {}
        Err(e) => report.setup_error = Some(e),
    }
    report
}

async fn setup_and_run(
    loaded: &LoadedScenario,
    profile: crate::Profile,
    report: &mut ScenarioReport,
) -> Result<(), String> {
    let s = &loaded.scenario;
    let engine = profile.engine;
    // One CA per process: a batch of scenarios pays for its key and signature once.
    let ca = TestCa::shared().map_err(|e| format!("test CA: {e}"))?;
    let log = RequestLog::default();

    // Every [[server]] origin, plus the page's own origin (404 for everything) if unlisted.
    let page_url = Url::parse(s.page.url.get_ref()).map_err(|e| e.to_string())?;
    let mut origins: BTreeMap<String, (Url, Vec<RouteSpec>)> = BTreeMap::new();
    for server in &s.servers {
        let u = Url::parse(server.origin.get_ref()).map_err(|e| e.to_string())?;
        origins.insert(Origin::from_url(&u).serialize(), (u, server.routes.clone()));
    }
    let page_origin = Origin::from_url(&page_url).serialize();
    origins
        .entry(page_origin)
        .or_insert_with(|| (page_url.clone(), Vec::new()));

    // The injected clock: `wait` moves it instead of sleeping.
    let default_third_party = profile.third_party_cookies;
    let mut builder = Browser::builder()
        .profile(profile)
        .add_root_certificate_der(ca.root_der().to_vec())
        .only_resolved_hosts()
        .clock(Clock::manual());
    let mut servers = Vec::new();
    for (serialized, (url, routes)) in origins {
        let routes = Arc::new(routes);
        let handler: crate::loopback::Handler = Arc::new(move |req| answer(&routes, req));
        let server = OriginServer::start(&serialized, handler, Some(ca), log.clone())
            .await
            .map_err(|e| format!("serving {serialized}: {e}"))?;
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(|c| c == '[' || c == ']');
        builder = builder
            .resolve(
                host,
                url.port_or_known_default().unwrap_or(0),
                server.addr(),
            )
            .address_space(&serialized, s.address_space_of(&url));
        servers.push(server);
    }
    if let Some(t) = s.browser.third_party_cookies {
        builder = builder.third_party_cookies(match t {
            ThirdPartyToken::Allow => ThirdPartyCookies::Allow,
            // An engine whose default already blocks in its own way ("no third party")
            // keeps that way: the oracle sets the same policy for `block`.
            ThirdPartyToken::Block if default_third_party == ThirdPartyCookies::BlockNew => {
                ThirdPartyCookies::BlockNew
            }
            ThirdPartyToken::Block => ThirdPartyCookies::Block,
        });
    }
    let page_origin = Origin::from_url(&page_url).serialize();
    for (space, permission) in [
        (AddressSpace::Local, s.browser.local_network),
        (AddressSpace::Loopback, s.browser.loopback_network),
    ] {
        if let Some(p) = permission {
            builder = builder.network_permission(&page_origin, space, p.into());
        }
    }
    let browser = builder.build();
    for (i, c) in s.cookies.iter().enumerate() {
        let url = Url::parse(c.url.get_ref()).map_err(|e| e.to_string())?;
        browser
            .set_cookie(&url, c.set.get_ref())
            .map_err(|why| format!("cookie #{} ({}) was refused: {why}", i + 1, c.set.get_ref()))?;
    }
    let page = if s.page.sandbox {
        browser.sandboxed_page(page_url.as_str())
    } else {
        browser.page(page_url.as_str())
    }
    .map_err(|e| e.to_string())?;
    let page = match s.page.referrer_policy.and_then(policy) {
        Some(p) => page.with_referrer_policy(p),
        None => page,
    };
    let page = page.with_document_headers(s.page.headers.iter().cloned());

    for f in &s.fetches {
        if let Some(w) = &f.wait {
            browser.advance(Duration::try_from_secs_f64(*w.get_ref()).unwrap_or_default());
        }
        let result = page.fetch(request(f)).await;
        let wire = std::mem::take(&mut *log.lock().unwrap_or_else(|p| p.into_inner()));
        let observed = FetchObservation::new(&result, &wire);
        let mismatches = match &f.expect {
            Some(e) => check_expectations(&e.for_engine(engine), &observed),
            None => Vec::new(),
        };
        let trace = match &result {
            Ok(r) => r.trace().clone(),
            Err(e) => e.trace().clone(),
        };
        report.fetches.push(FetchReport {
            method: f.method.clone().unwrap_or_else(|| "GET".into()),
            url: f.url.clone(),
            observed,
            mismatches,
            known_difference: f.known_difference_for(engine).map(str::to_string),
            trace,
        });
    }
    drop(servers);
    Ok(())
}

/// The script-side request a `[[fetch]]` describes.
fn request(f: &FetchSpec) -> Request {
    let mut r = Request::new(
        f.method.clone().unwrap_or_else(|| "GET".into()),
        f.url.clone(),
    );
    for (n, v) in &f.headers {
        r = r.header(n.clone(), v.clone());
    }
    if let Some(b) = &f.body {
        r = r.body(b.clone());
    }
    if let Some(m) = f.mode {
        r = r.mode(match m {
            ModeToken::SameOrigin => Mode::SameOrigin,
            ModeToken::NoCors => Mode::NoCors,
            ModeToken::Cors => Mode::Cors,
        });
    }
    if let Some(c) = f.credentials {
        r = r.credentials(match c {
            CredentialsToken::Omit => Credentials::Omit,
            CredentialsToken::SameOrigin => Credentials::SameOrigin,
            CredentialsToken::Include => Credentials::Include,
        });
    }
    if let Some(m) = f.redirect {
        r = r.redirect(match m {
            RedirectToken::Follow => RedirectMode::Follow,
            RedirectToken::Error => RedirectMode::Error,
            RedirectToken::Manual => RedirectMode::Manual,
        });
    }
    if let Some(p) = f.referrer_policy.and_then(policy) {
        r = r.referrer_policy(p);
    }
    if let Some(c) = f.cache {
        r = r.cache(c.into());
    }
    if let Some(t) = &f.target_address_space {
        r = r.target_address_space(t.clone());
    }
    r
}

fn policy(t: PolicyToken) -> Option<ReferrerPolicy> {
    Some(match t {
        PolicyToken::Unset => return None,
        PolicyToken::NoReferrer => ReferrerPolicy::NoReferrer,
        PolicyToken::NoReferrerWhenDowngrade => ReferrerPolicy::NoReferrerWhenDowngrade,
        PolicyToken::SameOrigin => ReferrerPolicy::SameOrigin,
        PolicyToken::Origin => ReferrerPolicy::Origin,
        PolicyToken::StrictOrigin => ReferrerPolicy::StrictOrigin,
        PolicyToken::OriginWhenCrossOrigin => ReferrerPolicy::OriginWhenCrossOrigin,
        PolicyToken::StrictOriginWhenCrossOrigin => ReferrerPolicy::StrictOriginWhenCrossOrigin,
        PolicyToken::UnsafeUrl => ReferrerPolicy::UnsafeUrl,
    })
}
