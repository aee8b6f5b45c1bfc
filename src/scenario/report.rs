//! Human output: for each fetch, what went on the wire and why, what script got, the
//! console line, and any expectation that did not hold.

use std::fmt::Write as _;

use crate::trace::Detail;
pub use crate::trace::Style;

use super::run::{FetchReport, FetchStatus, ScenarioReport};

/// The report of one scenario, as text.
pub fn render_scenario(r: &ScenarioReport, style: Style) -> String {
    let mut out = String::new();
    let mark = if r.passed() {
        style.green("✓")
    } else {
        style.red("✗")
    };
    let _ = writeln!(
        out,
        "{mark} {}  {}",
        style.bold(&r.name),
        style.dim(&r.file)
    );
    if let Some(d) = &r.description {
        for line in d.lines() {
            let _ = writeln!(out, "  {}", style.dim(line.trim()));
        }
    }
    if let Some(e) = &r.setup_error {
        let _ = writeln!(out, "  {} {e}", style.red("setup failed:"));
    }
    for (i, f) in r.fetches.iter().enumerate() {
        out.push_str(&render_fetch(i + 1, f, &r.name, style));
    }
    out
}

fn render_fetch(n: usize, f: &FetchReport, scenario: &str, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n  {} {} {}",
        style.bold(&format!("fetch #{n}")),
        f.method,
        f.url
    );
    out.push_str(&f.trace.render(style, "    ", Detail::Cors));
    let o = &f.observed;
    if o.outcome == "response" {
        let _ = writeln!(
            out,
            "    {} {} response, status {}, url {:?}{}",
            style.green("script reads:"),
            o.rtype.as_deref().unwrap_or("?"),
            o.status.unwrap_or(0),
            o.url.as_deref().unwrap_or(""),
            if o.redirected == Some(true) {
                ", redirected"
            } else {
                ""
            }
        );
        if let Some(h) = &o.headers
            && !h.is_empty()
        {
            let names: Vec<String> = h.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let _ = writeln!(out, "      visible headers: {}", names.join("; "));
        }
        if let Some(b) = &o.body
            && !b.is_empty()
        {
            let preview: String = b.chars().take(80).collect();
            let more = if b.chars().count() > 80 { "…" } else { "" };
            let _ = writeln!(out, "      body: {preview:?}{more}");
        }
    } else {
        let _ = writeln!(
            out,
            "    {} TypeError: {}",
            style.red("script gets:"),
            o.error.as_deref().unwrap_or("")
        );
        for c in &o.console {
            let _ = writeln!(out, "    {} {}", style.yellow("console:"), c.trim_end());
        }
        if f.trace.reached_server() {
            let _ = writeln!(
                out,
                "    {}",
                style.yellow("note: the request reached the server and the server ran it; only script was kept from the response")
            );
        }
    }
    let known = f.known_difference.as_deref().unwrap_or("");
    match f.status() {
        FetchStatus::Passed => {
            let _ = writeln!(out, "    {}", style.green("expectations held"));
        }
        FetchStatus::UnexpectedPass => {
            let _ = writeln!(
                out,
                "    {} {scenario} / fetch #{n}: marked known_difference ({known}) but every expectation held: remove the marker",
                style.red("UNEXPECTED PASS")
            );
        }
        FetchStatus::Known => {
            let _ = writeln!(out, "    {} {known}", style.yellow("known difference:"));
            for m in &f.mismatches {
                let _ = writeln!(out, "      {}", style.dim(&m.to_string()));
            }
        }
        FetchStatus::Failed => {}
    }
    if f.status() == FetchStatus::Failed {
        for m in &f.mismatches {
            let _ = writeln!(
                out,
                "    {} {scenario} / fetch #{n} / {}: expected {}, observed {}",
                style.red("MISMATCH"),
                m.key,
                m.expected,
                m.observed
            );
        }
    }
    out
}

/// A one-line summary of many scenarios.
pub fn summary(reports: &[ScenarioReport]) -> String {
    let passed = reports.iter().filter(|r| r.passed()).count();
    let fetches: usize = reports.iter().map(|r| r.fetches.len()).sum();
    let known: usize = reports.iter().map(|r| r.count(FetchStatus::Known)).sum();
    let failing: usize = reports
        .iter()
        .map(|r| r.count(FetchStatus::Failed) + r.count(FetchStatus::UnexpectedPass))
        .sum();
    let mut s = format!(
        "{} scenarios: {passed} passed, {} failed ({fetches} fetches, {failing} with a mismatch",
        reports.len(),
        reports.len() - passed,
    );
    if known > 0 {
        s.push_str(&format!(", {known} known differences"));
    }
    s.push(')');
    s
}

/// One row of the conformance table: a WPT directory (from each scenario's `source`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConformanceRow {
    /// The directory, e.g. `fetch/api/cors`.
    pub directory: String,
    /// Scenario files.
    pub files: usize,
    /// Fetches in them.
    pub fetches: usize,
    /// Fetches whose expectations all held.
    pub passed: usize,
    /// Fetches with a mismatch (or in a file whose setup failed).
    pub failed: usize,
    /// Fetches marked as known differences from Chromium (still differing).
    pub known: usize,
}

/// The conformance table: one row per source directory, sorted, plus a total row.
pub fn conformance(reports: &[ScenarioReport]) -> Vec<ConformanceRow> {
    let mut rows: std::collections::BTreeMap<String, ConformanceRow> = Default::default();
    for r in reports {
        let dir = r
            .source
            .as_deref()
            .and_then(|s| s.rsplit_once('/').map(|(d, _)| d.to_string()))
            .unwrap_or_else(|| "(no source)".to_string());
        let row = rows.entry(dir.clone()).or_insert_with(|| ConformanceRow {
            directory: dir,
            ..Default::default()
        });
        row.files += 1;
        row.fetches += r.fetches.len();
        if r.setup_error.is_some() {
            row.failed += r.fetches.len().max(1);
        } else {
            row.passed += r.passed_fetches();
            row.known += r.count(FetchStatus::Known);
            row.failed += r.count(FetchStatus::Failed) + r.count(FetchStatus::UnexpectedPass);
        }
    }
    let mut out: Vec<ConformanceRow> = rows.into_values().collect();
    let total = out.iter().fold(
        ConformanceRow {
            directory: "total".into(),
            ..Default::default()
        },
        |mut t, r| {
            t.files += r.files;
            t.fetches += r.fetches;
            t.passed += r.passed;
            t.failed += r.failed;
            t.known += r.known;
            t
        },
    );
    out.push(total);
    out
}

/// The conformance table as Markdown.
pub fn conformance_markdown(rows: &[ConformanceRow]) -> String {
    let mut out = String::from(
        "| WPT directory | files | fetches | passed | failed | known differences |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let name = if r.directory == "total" {
            "**total**".to_string()
        } else {
            format!("`{}`", r.directory)
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} |",
            r.files, r.fetches, r.passed, r.failed, r.known
        );
    }
    out
}
