//! `fetchguard verify`: run each scenario in the engine and in a real browser (headless
//! Chromium, Firefox ESR or WebKitGTK), and compare the two observations of every fetch
//! field by field.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use fetchguard::Engine;
use fetchguard::oracle::{self, Difference};
use fetchguard::scenario::report::{JunitCase, count};
use fetchguard::scenario::{self, FetchObservation, LoadedScenario, ObservedFetch};
use serde::Serialize;
use serde::ser::SerializeMap;

/// The arguments of `fetchguard verify`.
pub(crate) struct VerifyArgs {
    pub paths: Vec<PathBuf>,
    pub chromium: Option<PathBuf>,
    pub json: bool,
    pub update: bool,
    pub jobs: usize,
    pub junit: Option<PathBuf>,
    /// The browsers that observe (`--browser`), each in turn.
    pub browsers: Vec<Engine>,
    /// Differences do not fail the run (`--report-only`).
    pub report_only: bool,
    /// Where the browsers' differences table goes (`--differences-md`).
    pub differences_md: Option<PathBuf>,
}

/// One fetch, observed twice: by the engine (as the browser's profile) and by the browser.
pub(crate) struct FetchVerdict {
    pub index: usize,
    method: String,
    url: String,
    /// The browser that observed it.
    pub browser: Engine,
    engine: FetchObservation,
    /// The browser's observation.
    pub observed: FetchObservation,
    pub differences: Vec<Difference>,
    /// The file's `known_difference`: its differences are reported, not failed.
    pub known_difference: Option<String>,
}

/// In JSON the browser's observation sits under the browser's own name (`chromium`,
/// `firefox` or `webkit`), and each difference's value under `browser`.
impl Serialize for FetchVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("index", &self.index)?;
        m.serialize_entry("method", &self.method)?;
        m.serialize_entry("url", &self.url)?;
        m.serialize_entry("browser", &self.browser)?;
        m.serialize_entry("engine", &self.engine)?;
        m.serialize_entry(self.browser.as_str(), &self.observed)?;
        m.serialize_entry("differences", &self.differences)?;
        if let Some(k) = &self.known_difference {
            m.serialize_entry("known_difference", k)?;
        }
        m.end()
    }
}

impl FetchVerdict {
    /// Differences that count against the engine (none for a known difference).
    pub(crate) fn failing(&self) -> bool {
        !self.differences.is_empty() && self.known_difference.is_none()
    }
}

/// One scenario, observed twice.
#[derive(Serialize)]
pub(crate) struct ScenarioVerdict {
    pub name: String,
    pub file: String,
    /// The browser that observed it.
    pub browser: Engine,
    pub fetches: Vec<FetchVerdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The browser's observations (for `--update`, the differences table, shrinking).
    #[serde(skip)]
    pub observed: Option<Vec<FetchObservation>>,
}

/// The Chromium binary: `--chromium`, else `$CHROMIUM`, else `/usr/bin/chromium`.
pub(crate) fn chromium_path(arg: Option<PathBuf>) -> PathBuf {
    arg.or_else(|| std::env::var_os("CHROMIUM").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// The oracle for `browser`: Chromium from `--chromium`/`$CHROMIUM` (exit 2 when it is
/// not there), the others from their default programs.
fn oracle_for(browser: Engine, chromium: &Option<PathBuf>) -> Result<oracle::Oracle, ExitCode> {
    if browser != Engine::Chromium {
        return Ok(oracle::Oracle::new(browser, None));
    }
    let chromium = chromium_path(chromium.clone());
    if !chromium.is_file() {
        eprintln!(
            "fetchguard verify: Chromium not found at {} (set --chromium or $CHROMIUM)",
            chromium.display()
        );
        return Err(ExitCode::from(2));
    }
    Ok(oracle::Oracle::new(Engine::Chromium, Some(chromium)))
}

pub(crate) async fn verify(args: VerifyArgs) -> ExitCode {
    let loaded = match super::load_scenarios(&args.paths) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if args.differences_md.is_some() && args.browsers.len() < 2 {
        eprintln!(
            "fetchguard verify: --differences-md compares browsers: give two or more, e.g. --browser chromium,firefox,webkit"
        );
        return ExitCode::from(2);
    }
    let several = args.browsers.len() > 1;
    let mut runs: Vec<(Engine, Vec<ScenarioVerdict>)> = Vec::new();
    let mut update_failed = false;
    for &browser in &args.browsers {
        let oracle = match oracle_for(browser, &args.chromium) {
            Ok(o) => o,
            Err(code) => return code,
        };
        if several && !args.json {
            eprintln!("== verify in {}", browser.title());
        }
        let verdicts = verify_all(loaded.clone(), Arc::new(oracle), args.jobs.max(1)).await;
        if args.update {
            for (v, l) in verdicts.iter().zip(&loaded) {
                if let Some(obs) = &v.observed {
                    match update_file(l, obs, browser) {
                        Ok(true) => eprintln!("updated {} ({browser})", l.file.display()),
                        Ok(false) => {}
                        Err(e) => {
                            eprintln!("fetchguard verify: cannot update {}: {e}", l.file.display());
                            update_failed = true;
                        }
                    }
                }
            }
        }
        if !args.json {
            for v in &verdicts {
                print!("{}", render(v));
            }
            if several {
                println!("{}: {}", browser, summary(&verdicts));
            } else {
                println!("{}", summary(&verdicts));
            }
        }
        runs.push((browser, verdicts));
    }

    if args.json {
        let text = if several {
            let map: serde_json::Map<String, serde_json::Value> = runs
                .iter()
                .map(|(b, v)| Ok((b.as_str().to_string(), serde_json::to_value(v)?)))
                .collect::<Result<_, serde_json::Error>>()
                .unwrap_or_default();
            serde_json::to_string_pretty(&map)
        } else {
            serde_json::to_string_pretty(&runs[0].1)
        };
        match text {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fetchguard verify: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    }

    let all: Vec<&ScenarioVerdict> = runs.iter().flat_map(|(_, v)| v).collect();
    let junit_failed = args.junit.as_ref().is_some_and(|p| {
        let cases: Vec<JunitCase> = runs
            .iter()
            .flat_map(|(_, v)| junit_cases(v, several))
            .collect();
        !super::write_junit(p, &cases)
    });
    let md_failed = match &args.differences_md {
        Some(path) => {
            let md = scenario::differences_markdown(args.browsers[0], &observed_fetches(&runs));
            match std::fs::write(path, md) {
                Ok(()) => false,
                Err(e) => {
                    eprintln!("fetchguard verify: cannot write {}: {e}", path.display());
                    true
                }
            }
        }
        None => false,
    };
    let failed =
        all.iter().any(|v| v.error.is_some()) || update_failed || junit_failed || md_failed;
    let differ = all
        .iter()
        .any(|v| v.fetches.iter().any(FetchVerdict::failing));
    if failed {
        ExitCode::from(2)
    } else if differ && !args.report_only {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Every fetch as each browser observed it (scenarios a browser could not run are left
/// out of that browser).
pub(crate) fn observed_fetches(runs: &[(Engine, Vec<ScenarioVerdict>)]) -> Vec<ObservedFetch> {
    let Some((_, first)) = runs.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (s, v) in first.iter().enumerate() {
        let n = runs
            .iter()
            .filter_map(|(_, r)| r.get(s)?.observed.as_ref().map(Vec::len))
            .max()
            .unwrap_or(0);
        for i in 0..n {
            let observed = runs
                .iter()
                .filter_map(|(b, r)| Some((*b, r.get(s)?.observed.as_ref()?.get(i)?.clone())))
                .collect();
            out.push(ObservedFetch {
                scenario: v.name.clone(),
                fetch: i + 1,
                observed,
            });
        }
    }
    out
}

async fn verify_all(
    loaded: Vec<LoadedScenario>,
    oracle: Arc<oracle::Oracle>,
    jobs: usize,
) -> Vec<ScenarioVerdict> {
    let sem = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = Vec::new();
    for s in loaded {
        let sem = sem.clone();
        let oracle = oracle.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            verify_one(&s, &oracle).await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or_else(|e| ScenarioVerdict {
            name: "?".into(),
            file: "?".into(),
            browser: oracle.browser,
            fetches: Vec::new(),
            error: Some(format!("the scenario task failed: {e}")),
            observed: None,
        }));
    }
    out
}

pub(crate) async fn verify_one(s: &LoadedScenario, oracle: &oracle::Oracle) -> ScenarioVerdict {
    let mut v = ScenarioVerdict {
        name: s.name.clone(),
        file: s.file.display().to_string(),
        browser: oracle.browser,
        fetches: Vec::new(),
        error: None,
        observed: None,
    };
    // The engine runs as the observed browser's profile.
    let engine =
        scenario::run_scenario_as(s, fetchguard::Profile::for_engine(oracle.browser)).await;
    if let Some(e) = engine.setup_error {
        v.error = Some(format!("engine: {e}"));
        return v;
    }
    let browser = match oracle.observe(s).await {
        Ok(o) => o,
        Err(e) => {
            v.error = Some(format!("{}: {e}", oracle.browser.title()));
            return v;
        }
    };
    for (i, ((e, c), spec)) in engine
        .fetches
        .iter()
        .zip(&browser)
        .zip(&s.scenario.fetches)
        .enumerate()
    {
        v.fetches.push(FetchVerdict {
            index: i,
            method: e.method.clone(),
            url: e.url.clone(),
            browser: oracle.browser,
            engine: e.observed.clone(),
            observed: c.clone(),
            differences: oracle::compare(&e.observed, c),
            // Each browser has its own marker (`[fetch.expect.firefox] known_difference`).
            known_difference: spec
                .known_difference_for(oracle.browser)
                .map(str::to_string),
        });
    }
    v.observed = Some(browser);
    v
}

/// Rewrites the file's expectations for `browser` (the file as it is now: an earlier
/// browser's update may have changed it); true when its text changed.
fn update_file(
    s: &LoadedScenario,
    observed: &[FetchObservation],
    browser: Engine,
) -> Result<bool, String> {
    let text = std::fs::read_to_string(&s.file).map_err(|e| e.to_string())?;
    let now = scenario::parse_str(&s.file, &text).map_err(|e| e.to_string())?;
    let new = oracle::update_engine_expectations(&text, &now.scenario.fetches, observed, browser)
        .map_err(|e| e.to_string())?;
    if new == text {
        return Ok(false);
    }
    std::fs::write(&s.file, new).map_err(|e| e.to_string())?;
    Ok(true)
}

pub(crate) fn render(v: &ScenarioVerdict) -> String {
    let mut out = String::new();
    if let Some(e) = &v.error {
        out.push_str(&format!(
            "ERROR  {} ({}): not verified: {e}\n",
            v.name, v.file
        ));
        return out;
    }
    let agree = v
        .fetches
        .iter()
        .filter(|f| f.differences.is_empty())
        .count();
    let total = v.fetches.len();
    let tag = if agree == total {
        "agree "
    } else if v.fetches.iter().any(FetchVerdict::failing) {
        "DIFFER"
    } else {
        "known "
    };
    out.push_str(&format!(
        "{tag} {} ({}) in {}: {agree} of {} agree{}\n",
        v.name,
        v.file,
        v.browser.title(),
        count(total, "fetch", "fetches"),
        if total == 1 { "s" } else { "" }
    ));
    for f in &v.fetches {
        // People count fetches from 1, as `run` does (the JSON `index` stays 0-based).
        let n = f.index + 1;
        if let Some(k) = &f.known_difference
            && !f.differences.is_empty()
        {
            out.push_str(&format!("    fetch #{n} known difference: {k}\n"));
        }
        let label = f.browser.as_str();
        let width = label.len().max("engine".len()) + 1;
        for d in &f.differences {
            out.push_str(&format!(
                "    fetch #{n} ({} {}) {}\n        {:width$} {}\n        {:width$} {}\n",
                f.method,
                f.url,
                d.key,
                "engine:",
                d.engine,
                format!("{label}:"),
                d.browser
            ));
        }
    }
    out
}

pub(crate) fn summary(verdicts: &[ScenarioVerdict]) -> String {
    let fetches: usize = verdicts.iter().map(|v| v.fetches.len()).sum();
    let agree: usize = verdicts
        .iter()
        .map(|v| {
            v.fetches
                .iter()
                .filter(|f| f.differences.is_empty())
                .count()
        })
        .sum();
    let errors = verdicts.iter().filter(|v| v.error.is_some()).count();
    let known: usize = verdicts
        .iter()
        .map(|v| {
            v.fetches
                .iter()
                .filter(|f| !f.differences.is_empty() && f.known_difference.is_some())
                .count()
        })
        .sum();
    let differ = fetches - agree - known;
    let mut s = format!(
        "{}, {}: {agree} agree{}, {differ} differ{}",
        count(verdicts.len(), "scenario", "scenarios"),
        count(fetches, "fetch", "fetches"),
        if agree == 1 { "s" } else { "" },
        if differ == 1 { "s" } else { "" },
    );
    if known > 0 {
        s.push_str(&format!(
            ", {}",
            count(known, "known difference", "known differences")
        ));
    }
    if errors > 0 {
        s.push_str(&format!(
            "; {} could not be verified",
            count(errors, "scenario", "scenarios")
        ));
    }
    s
}

/// The JUnit test cases of `verify`: one per fetch, failing with its differences from
/// the browser (a scenario that could not be verified is one failing case); with
/// `several` browsers, each class name ends with the browser's, e.g. `name (firefox)`.
fn junit_cases(verdicts: &[ScenarioVerdict], several: bool) -> Vec<JunitCase> {
    let mut cases = Vec::new();
    for v in verdicts {
        let classname = if several {
            format!("{} ({})", v.name, v.browser)
        } else {
            v.name.clone()
        };
        if let Some(e) = &v.error {
            cases.push(JunitCase {
                classname: classname.clone(),
                name: "verify".into(),
                failure: Some(format!("not verified: {e}")),
                skipped: None,
            });
            continue;
        }
        for f in &v.fetches {
            let text: Vec<String> = f
                .differences
                .iter()
                .map(|d| d.labelled(v.browser))
                .collect();
            let known = f.known_difference.is_some() && !f.differences.is_empty();
            cases.push(JunitCase {
                classname: classname.clone(),
                name: format!("fetch #{} {} {}", f.index + 1, f.method, f.url),
                failure: f.failing().then(|| text.join("\n")),
                skipped: known.then(|| {
                    format!(
                        "known difference: {}",
                        f.known_difference.as_deref().unwrap_or("")
                    )
                }),
            });
        }
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict_in(browser: Engine, differences: Vec<Difference>) -> ScenarioVerdict {
        ScenarioVerdict {
            name: "s".into(),
            file: "s.toml".into(),
            browser,
            fetches: vec![FetchVerdict {
                index: 0,
                method: "GET".into(),
                url: "https://api.example/x".into(),
                browser,
                engine: FetchObservation::default(),
                observed: FetchObservation::default(),
                differences,
                known_difference: None,
            }],
            error: None,
            observed: None,
        }
    }

    fn verdict(differences: Vec<Difference>) -> ScenarioVerdict {
        verdict_in(Engine::Chromium, differences)
    }

    #[test]
    fn the_observed_browser_is_named_by_its_own_name() {
        let d = Difference {
            key: "error".into(),
            engine: "\"Failed to fetch\"".into(),
            browser: "\"Load failed\"".into(),
        };
        let v = verdict_in(Engine::Webkit, vec![d]);
        let text = render(&v);
        assert!(text.starts_with("DIFFER s (s.toml) in WebKit: "), "{text}");
        assert!(
            text.contains("        engine: \"Failed to fetch\"\n        webkit: \"Load failed\"\n"),
            "{text}"
        );
        assert!(!text.contains("chromium"), "{text}");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["browser"], "webkit");
        assert!(json["fetches"][0].get("webkit").is_some());
        assert!(json["fetches"][0].get("chromium").is_none());
        assert_eq!(
            json["fetches"][0]["differences"][0]["browser"],
            "\"Load failed\""
        );
        let cases = junit_cases(&[v], true);
        assert_eq!(cases[0].classname, "s (webkit)");
        assert_eq!(
            cases[0].failure.as_deref(),
            Some("error: engine \"Failed to fetch\", webkit \"Load failed\"")
        );
    }

    #[test]
    fn fetches_are_numbered_from_1_and_counts_agree_in_number() {
        let d = Difference {
            key: "status".into(),
            engine: "200".into(),
            browser: "404".into(),
        };
        let v = verdict(vec![d]);
        let text = render(&v);
        assert!(
            text.starts_with("DIFFER s (s.toml) in Chromium: 0 of 1 fetch agrees\n"),
            "{text}"
        );
        assert!(
            text.contains("    fetch #1 (GET https://api.example/x) status\n"),
            "{text}"
        );
        assert_eq!(summary(&[v]), "1 scenario, 1 fetch: 0 agree, 1 differs");
        let ok = verdict(Vec::new());
        assert_eq!(summary(&[ok]), "1 scenario, 1 fetch: 1 agrees, 0 differ");
    }
}
