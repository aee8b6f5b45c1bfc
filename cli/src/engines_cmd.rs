//! `fetchguard run --browser chromium,firefox,webkit`: each scenario once per engine
//! profile, and per fetch where the engines differ, side by side in one view.

use std::process::ExitCode;

use fetchguard::Engine;
use fetchguard::scenario::report::count;
use fetchguard::scenario::{
    self, FieldDifference, LoadedScenario, ScenarioReport, differences_across,
};
use serde_json::{Map, Value, json};

/// `--browser`: one engine or a comma-separated list, or `all`.
#[derive(Clone, Debug)]
pub(crate) struct Browsers(pub Vec<Engine>);

/// The value parser of `--browser`.
pub(crate) fn parse_browsers(s: &str) -> Result<Browsers, String> {
    Engine::parse_list(s)
        .map(Browsers)
        .map_err(|e| e.to_string())
}

/// Every scenario's report per engine, in the order of `engines`.
pub(crate) async fn run_per_engine(
    loaded: &[LoadedScenario],
    engines: &[Engine],
    parallel: usize,
) -> Vec<(Engine, Vec<ScenarioReport>)> {
    let mut out = Vec::new();
    for e in engines {
        let reports = scenario::run_all_as(
            loaded.to_vec(),
            fetchguard::Profile::for_engine(*e),
            parallel,
            |_| {},
        )
        .await;
        out.push((*e, reports));
    }
    out
}

/// One fetch's differences across engines (empty when they agree, or when a scenario
/// could not be set up in some engine).
fn fetch_differences(
    runs: &[(Engine, Vec<ScenarioReport>)],
    s: usize,
    f: usize,
) -> Vec<FieldDifference> {
    let observed: Option<Vec<(Engine, &scenario::FetchObservation)>> = runs
        .iter()
        .map(|(e, r)| r.get(s)?.fetches.get(f).map(|x| (*e, &x.observed)))
        .collect();
    observed.map(|o| differences_across(&o)).unwrap_or_default()
}

/// A difference's line(s): one line when every value is short, else one line per engine.
fn render_difference(d: &FieldDifference) -> String {
    let width = d
        .values
        .iter()
        .map(|(e, _)| e.as_str().len())
        .max()
        .unwrap_or(0);
    let short = d.values.iter().map(|(_, v)| v.len() + 12).sum::<usize>() <= 90;
    if short {
        let parts: Vec<String> = d.values.iter().map(|(e, v)| format!("{e} {v}")).collect();
        format!("      {}: {}\n", d.key, parts.join(" | "))
    } else {
        let mut s = format!("      {}:\n", d.key);
        for (e, v) in &d.values {
            s.push_str(&format!("        {:width$}  {v}\n", e.as_str()));
        }
        s
    }
}

/// The side-by-side view of one scenario in every engine.
pub(crate) fn render(runs: &[(Engine, Vec<ScenarioReport>)], s: usize, quiet: bool) -> String {
    let Some(first) = runs.first().and_then(|(_, r)| r.get(s)) else {
        return String::new();
    };
    let mut out = format!("{} ({})\n", first.name, first.file);
    for (e, reports) in runs {
        if let Some(err) = reports.get(s).and_then(|r| r.setup_error.as_ref()) {
            out.push_str(&format!("  {e}: setup failed: {err}\n"));
        }
    }
    for (i, f) in first.fetches.iter().enumerate() {
        let diffs = fetch_differences(runs, s, i);
        let head = format!("  fetch #{} {} {}", i + 1, f.method, f.url);
        if diffs.is_empty() {
            if !quiet {
                out.push_str(&format!("{head}: the engines agree\n"));
            }
            continue;
        }
        out.push_str(&format!(
            "{head}: the engines differ on {}\n",
            count(diffs.len(), "field", "fields")
        ));
        for d in &diffs {
            out.push_str(&render_difference(d));
        }
    }
    for (e, reports) in runs {
        let Some(r) = reports.get(s) else { continue };
        if r.setup_error.is_some() {
            continue;
        }
        let failing: Vec<String> = r
            .fetches
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                matches!(
                    f.status(),
                    scenario::FetchStatus::Failed | scenario::FetchStatus::UnexpectedPass
                )
            })
            .flat_map(|(i, f)| {
                let mut lines: Vec<String> = f
                    .mismatches
                    .iter()
                    .map(|m| format!("    fetch #{}: {m}", i + 1))
                    .collect();
                if lines.is_empty() {
                    lines.push(format!(
                        "    fetch #{}: marked known_difference but every expectation held",
                        i + 1
                    ));
                }
                lines
            })
            .collect();
        if failing.is_empty() {
            if !quiet {
                out.push_str(&format!("  {e}: expectations held\n"));
            }
        } else {
            out.push_str(&format!("  {e}: expectations FAILED\n"));
            for l in failing {
                out.push_str(&format!("  {l}\n"));
            }
        }
    }
    out
}

/// The JSON of a run in several engines: each engine's reports (as `run --json` prints
/// them for one), and per fetch that differs, every differing field with each engine's
/// value.
pub(crate) fn json(runs: &[(Engine, Vec<ScenarioReport>)]) -> Result<Value, serde_json::Error> {
    let mut per_engine = Map::new();
    for (e, reports) in runs {
        per_engine.insert(e.as_str().into(), serde_json::to_value(reports)?);
    }
    let mut differences = Vec::new();
    if let Some((_, first)) = runs.first() {
        for (s, r) in first.iter().enumerate() {
            for (i, f) in r.fetches.iter().enumerate() {
                let diffs = fetch_differences(runs, s, i);
                if diffs.is_empty() {
                    continue;
                }
                let fields: Vec<Value> = diffs
                    .iter()
                    .map(|d| {
                        let values: Map<String, Value> = d
                            .values
                            .iter()
                            .map(|(e, v)| (e.as_str().to_string(), Value::String(v.clone())))
                            .collect();
                        json!({ "key": d.key, "values": values })
                    })
                    .collect();
                differences.push(json!({
                    "scenario": r.name,
                    "file": r.file,
                    "fetch": i + 1,
                    "method": f.method,
                    "url": f.url,
                    "fields": fields,
                }));
            }
        }
    }
    Ok(json!({ "runs": per_engine, "differences": differences }))
}

/// `run` in several engines: the side-by-side view (or JSON) and each engine's summary.
/// Exit 2 when a scenario could not be set up, 1 when an engine's expectations failed.
pub(crate) async fn run(
    loaded: Vec<LoadedScenario>,
    engines: &[Engine],
    json_out: bool,
    quiet: bool,
    parallel: usize,
) -> ExitCode {
    let runs = run_per_engine(&loaded, engines, parallel).await;
    if json_out {
        match json(&runs).and_then(|v| serde_json::to_string_pretty(&v)) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("fetchguard: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        for s in 0..loaded.len() {
            print!("{}", render(&runs, s, quiet));
        }
        for (e, reports) in &runs {
            println!("{e}: {}", scenario::report::summary(reports));
        }
    }
    let setup_failed = runs
        .iter()
        .any(|(_, r)| r.iter().any(|r| r.setup_error.is_some()));
    let all_passed = runs.iter().all(|(_, r)| r.iter().all(|r| r.passed()));
    if setup_failed {
        ExitCode::from(2)
    } else if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
