//! `fetchguard verify`: run each scenario in the engine and in headless Chromium, and
//! compare the two observations of every fetch field by field.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use fetchguard::oracle::{self, Difference};
use fetchguard::scenario::report::{JunitCase, count};
use fetchguard::scenario::{self, FetchObservation, LoadedScenario};
use serde::Serialize;

/// The arguments of `fetchguard verify`.
pub(crate) struct VerifyArgs {
    pub paths: Vec<PathBuf>,
    pub chromium: Option<PathBuf>,
    pub json: bool,
    pub update: bool,
    pub jobs: usize,
    pub junit: Option<PathBuf>,
    /// The browser that observes (`--browser`).
    pub browser: oracle::BrowserKind,
}

/// One fetch, observed twice.
#[derive(Serialize)]
pub(crate) struct FetchVerdict {
    pub index: usize,
    method: String,
    url: String,
    engine: FetchObservation,
    chromium: FetchObservation,
    pub differences: Vec<Difference>,
    /// The file's `known_difference`: its differences are reported, not failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_difference: Option<String>,
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
    pub fetches: Vec<FetchVerdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip)]
    pub chromium: Option<Vec<FetchObservation>>,
}

/// The Chromium binary: `--chromium`, else `$CHROMIUM`, else `/usr/bin/chromium`.
pub(crate) fn chromium_path(arg: Option<PathBuf>) -> PathBuf {
    arg.or_else(|| std::env::var_os("CHROMIUM").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

pub(crate) async fn verify(args: VerifyArgs) -> ExitCode {
    let loaded = match super::load_scenarios(&args.paths) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let browser = match args.browser {
        oracle::BrowserKind::Chromium => {
            let chromium = chromium_path(args.chromium);
            if !chromium.is_file() {
                eprintln!(
                    "fetchguard verify: Chromium not found at {} (set --chromium or $CHROMIUM)",
                    chromium.display()
                );
                return ExitCode::from(2);
            }
            oracle::Oracle::new(oracle::BrowserKind::Chromium, Some(chromium))
        }
        other if args.update => {
            eprintln!(
                "fetchguard verify: --update writes Chromium's observations; not with --browser {other}"
            );
            return ExitCode::from(2);
        }
        other => oracle::Oracle::new(other, None),
    };

    let verdicts = verify_all(loaded.clone(), Arc::new(browser), args.jobs.max(1)).await;

    let mut update_failed = false;
    if args.update {
        for (v, l) in verdicts.iter().zip(&loaded) {
            if let Some(obs) = &v.chromium {
                match update_file(l, obs) {
                    Ok(true) => eprintln!("updated {}", l.file.display()),
                    Ok(false) => {}
                    Err(e) => {
                        eprintln!("fetchguard verify: cannot update {}: {e}", l.file.display());
                        update_failed = true;
                    }
                }
            }
        }
    }

    if args.json {
        match serde_json::to_string_pretty(&verdicts) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fetchguard verify: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for v in &verdicts {
            print!("{}", render(v));
        }
        println!("{}", summary(&verdicts));
    }

    let junit_failed = args
        .junit
        .as_ref()
        .is_some_and(|p| !super::write_junit(p, &junit_cases(&verdicts)));
    let failed = verdicts.iter().any(|v| v.error.is_some()) || update_failed || junit_failed;
    let differ = verdicts
        .iter()
        .any(|v| v.fetches.iter().any(FetchVerdict::failing));
    if failed {
        ExitCode::from(2)
    } else if differ {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

async fn verify_all(
    loaded: Vec<LoadedScenario>,
    chromium: Arc<oracle::Oracle>,
    jobs: usize,
) -> Vec<ScenarioVerdict> {
    let sem = Arc::new(tokio::sync::Semaphore::new(jobs));
    let mut tasks = Vec::new();
    for s in loaded {
        let sem = sem.clone();
        let chromium = chromium.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            verify_one(&s, &chromium).await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or_else(|e| ScenarioVerdict {
            name: "?".into(),
            file: "?".into(),
            fetches: Vec::new(),
            error: Some(format!("the scenario task failed: {e}")),
            chromium: None,
        }));
    }
    out
}

pub(crate) async fn verify_one(s: &LoadedScenario, chromium: &oracle::Oracle) -> ScenarioVerdict {
    let mut v = ScenarioVerdict {
        name: s.name.clone(),
        file: s.file.display().to_string(),
        fetches: Vec::new(),
        error: None,
        chromium: None,
    };
    // The engine runs as the observed browser's profile.
    let engine_kind: fetchguard::Engine = match chromium.browser {
        oracle::BrowserKind::Firefox => fetchguard::Engine::Firefox,
        oracle::BrowserKind::Webkit => fetchguard::Engine::Webkit,
        _ => fetchguard::Engine::Chromium,
    };
    let engine = scenario::run_scenario_as(s, fetchguard::Profile::for_engine(engine_kind)).await;
    if let Some(e) = engine.setup_error {
        v.error = Some(format!("engine: {e}"));
        return v;
    }
    let browser = match chromium.observe(s).await {
        Ok(o) => o,
        Err(e) => {
            v.error = Some(format!("{}: {e}", chromium.browser));
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
            engine: e.observed.clone(),
            chromium: c.clone(),
            differences: oracle::compare(&e.observed, c),
            known_difference: spec.known_difference.clone(),
        });
    }
    v.chromium = Some(browser);
    v
}

/// Rewrites the file's expectations; true when its text changed.
fn update_file(s: &LoadedScenario, observed: &[FetchObservation]) -> Result<bool, String> {
    let text = std::fs::read_to_string(&s.file).map_err(|e| e.to_string())?;
    let new = oracle::update_expectations(&text, &s.scenario.fetches, observed)
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
        "{tag} {} ({}): {agree} of {} agree{}\n",
        v.name,
        v.file,
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
        for d in &f.differences {
            out.push_str(&format!(
                "    fetch #{n} ({} {}) {}\n        engine:   {}\n        chromium: {}\n",
                f.method, f.url, d.key, d.engine, d.chromium
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
/// Chromium (a scenario that could not be verified is one failing case).
fn junit_cases(verdicts: &[ScenarioVerdict]) -> Vec<JunitCase> {
    let mut cases = Vec::new();
    for v in verdicts {
        if let Some(e) = &v.error {
            cases.push(JunitCase {
                classname: v.name.clone(),
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
                .map(|d| format!("{}: engine {}, chromium {}", d.key, d.engine, d.chromium))
                .collect();
            let known = f.known_difference.is_some() && !f.differences.is_empty();
            cases.push(JunitCase {
                classname: v.name.clone(),
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

    fn verdict(differences: Vec<Difference>) -> ScenarioVerdict {
        ScenarioVerdict {
            name: "s".into(),
            file: "s.toml".into(),
            fetches: vec![FetchVerdict {
                index: 0,
                method: "GET".into(),
                url: "https://api.example/x".into(),
                engine: FetchObservation::default(),
                chromium: FetchObservation::default(),
                differences,
                known_difference: None,
            }],
            error: None,
            chromium: None,
        }
    }

    #[test]
    fn fetches_are_numbered_from_1_and_counts_agree_in_number() {
        let d = Difference {
            key: "status".into(),
            engine: "200".into(),
            chromium: "404".into(),
        };
        let v = verdict(vec![d]);
        let text = render(&v);
        assert!(
            text.starts_with("DIFFER s (s.toml): 0 of 1 fetch agrees\n"),
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
