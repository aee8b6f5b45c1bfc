//! Scenario files (`shared/specs/scenario-format.md`): parse, serve the virtual origins,
//! run the fetches in a fresh Browser, check the expectations, and report.

mod across;
mod diagnose;
mod expect;
mod model;
mod observe;
mod parse;
pub mod report;
mod run;
mod servers;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use across::{
    FieldDifference, ObservedFetch, TRANSPORT_HEADERS, difference_category, differences_across,
    differences_markdown,
};
pub use expect::{Mismatch, check_expectations};
pub use model::*;
pub use observe::{FetchObservation, WireObservation};
pub use parse::{
    LoadedScenario, ScenarioError, load_file, load_file_all, parse_str, parse_str_all,
};
pub use run::{FetchReport, FetchStatus, ScenarioReport, run_scenario, run_scenario_as};
pub use servers::{answer, expand};

/// Every scenario file named by `paths`: files as given, and every `*.toml` below each
/// directory, sorted by path.
///
/// ```
/// let files = fetchguard::scenario::discover(&["examples".into()]).unwrap();
/// assert!(files.iter().all(|f| f.extension().unwrap() == "toml"));
/// ```
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| ScenarioError {
                file: p.clone(),
                line: None,
                column: None,
                message: format!("cannot list the directory: {e}"),
            })?;
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(ScenarioError {
                file: p.clone(),
                line: None,
                column: None,
                message: "no such file or directory".into(),
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Parses every file; all errors of every file are returned (nothing runs if any file is
/// invalid).
pub fn load_all(files: &[PathBuf]) -> Result<Vec<LoadedScenario>, Vec<ScenarioError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        match load_file_all(f) {
            Ok(s) => ok.push(s),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// Runs scenarios concurrently, at most `parallel` at a time; reports come back in the
/// order given. `on_done` is called as each finishes (for progress display).
pub async fn run_all(
    scenarios: Vec<LoadedScenario>,
    parallel: usize,
    on_done: impl Fn(&ScenarioReport) + Send + Sync + 'static,
) -> Vec<ScenarioReport> {
    run_all_as(scenarios, crate::Profile::default(), parallel, on_done).await
}

/// [`run_all`] as `profile`'s browser ([`run_scenario_as`]).
pub async fn run_all_as(
    scenarios: Vec<LoadedScenario>,
    profile: crate::Profile,
    parallel: usize,
    on_done: impl Fn(&ScenarioReport) + Send + Sync + 'static,
) -> Vec<ScenarioReport> {
    let engine = profile.engine;
    let sem = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let on_done = Arc::new(on_done);
    let mut tasks = Vec::new();
    for s in scenarios {
        let sem = sem.clone();
        let on_done = on_done.clone();
        let profile = profile.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await;
            let r = run_scenario_as(&s, profile).await;
            on_done(&r);
            r
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        match t.await {
            Ok(r) => out.push(r),
            Err(e) => out.push(ScenarioReport {
                name: "?".into(),
                file: "?".into(),
                description: None,
                source: None,
                fetches: Vec::new(),
                setup_error: Some(format!("the scenario task failed: {e}")),
                engine,
            }),
        }
    }
    out
}
