//! Human output: for each fetch, what went on the wire and why, what script got, the
//! console line, and any expectation that did not hold.

use std::fmt::Write as _;

use crate::trace::Detail;
pub use crate::trace::Style;

use super::run::{FetchReport, FetchStatus, ScenarioReport};

/// The report of one scenario, as text, showing the request and response headers that
/// matter for CORS and cookies.
pub fn render_scenario(r: &ScenarioReport, style: Style) -> String {
    render_scenario_with(r, style, Detail::Cors)
}

/// The report of one scenario, as text, with the headers `detail` asks for.
pub fn render_scenario_with(r: &ScenarioReport, style: Style, detail: Detail) -> String {
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
        out.push_str(&render_fetch(i + 1, f, &r.name, style, detail));
    }
    out
}

fn render_fetch(n: usize, f: &FetchReport, scenario: &str, style: Style, detail: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n  {} {} {}",
        style.bold(&format!("fetch #{n}")),
        f.method,
        f.url
    );
    out.push_str(&f.trace.render(style, "    ", detail));
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
        if matches!(o.rtype.as_deref(), Some("opaque" | "opaqueredirect"))
            && let Some(note) = f.trace.opaque_note()
        {
            let _ = writeln!(out, "    {}", style.yellow(&format!("note: {note}")));
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

pub use super::expect::count;

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
        "{}: {passed} passed, {} failed ({}, {failing} with a mismatch",
        count(reports.len(), "scenario", "scenarios"),
        reports.len() - passed,
        count(fetches, "fetch", "fetches"),
    );
    if known > 0 {
        s.push_str(&format!(
            ", {}",
            count(known, "known difference", "known differences")
        ));
    }
    s.push(')');
    s
}

/// One test case of a JUnit XML report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JunitCase {
    /// The scenario's name (`classname`).
    pub classname: String,
    /// The fetch, e.g. `fetch #1 GET https://api.example/x`.
    pub name: String,
    /// The failure text (the mismatches), when it failed.
    pub failure: Option<String>,
    /// Why it was skipped (a known difference), when it was.
    pub skipped: Option<String>,
}

/// Text made safe for XML 1.0 content and attribute values: the five special characters
/// escaped, and characters XML cannot carry at all (control characters other than tab
/// and line breaks) written as `\u{..}`.
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML document: one `testsuite` named `suite` holding `cases`.
///
/// ```
/// use fetchguard::scenario::report::{junit_xml, JunitCase};
/// let xml = junit_xml("fetchguard", &[JunitCase {
///     classname: "a&b".into(),
///     name: "fetch #1 GET https://x.example/".into(),
///     failure: Some("status: expected 200, observed 404".into()),
///     skipped: None,
/// }]);
/// assert!(xml.contains(r#"classname="a&amp;b""#));
/// assert!(xml.contains(r#"failures="1""#));
/// ```
pub fn junit_xml(suite: &str, cases: &[JunitCase]) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let skipped = cases
        .iter()
        .filter(|c| c.failure.is_none() && c.skipped.is_some())
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        cases.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        xml_escape(suite),
        cases.len()
    );
    for c in cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            xml_escape(&c.classname),
            xml_escape(&c.name)
        );
        if let Some(f) = &c.failure {
            let first = f.lines().next().unwrap_or("");
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                xml_escape(first),
                xml_escape(f)
            );
        } else if let Some(k) = &c.skipped {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                xml_escape(k)
            );
        } else {
            out.push_str("/>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The JUnit test cases of `run`: one per fetch (a scenario whose setup failed is one
/// failing case).
pub fn junit_cases(reports: &[ScenarioReport]) -> Vec<JunitCase> {
    let mut cases = Vec::new();
    for r in reports {
        if let Some(e) = &r.setup_error {
            cases.push(JunitCase {
                classname: r.name.clone(),
                name: "setup".into(),
                failure: Some(format!("setup failed: {e}")),
                skipped: None,
            });
            continue;
        }
        for (i, f) in r.fetches.iter().enumerate() {
            let mismatches: Vec<String> = f.mismatches.iter().map(|m| m.to_string()).collect();
            let status = f.status();
            cases.push(JunitCase {
                classname: r.name.clone(),
                name: format!("fetch #{} {} {}", i + 1, f.method, f.url),
                failure: match status {
                    FetchStatus::Failed => Some(mismatches.join("\n")),
                    FetchStatus::UnexpectedPass => Some(format!(
                        "marked known_difference ({}) but every expectation held: remove the marker",
                        f.known_difference.as_deref().unwrap_or("")
                    )),
                    _ => None,
                },
                skipped: match status {
                    FetchStatus::Known => Some(format!(
                        "known difference: {}",
                        f.known_difference.as_deref().unwrap_or("")
                    )),
                    _ => None,
                },
            });
        }
    }
    cases
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

const HTML_STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\
h3{font-size:1em;margin:1.5em 0 .3em}.pass{color:#17702a}.fail{color:#b00020}.known{color:#8a6d00}\
.desc{color:#555}table.cmp{border-collapse:collapse;margin:.5em 0}\
table.cmp td,table.cmp th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}\
pre{margin:0;white-space:pre-wrap;word-break:break-all;font:12px ui-monospace,monospace}\
.console{font:12px ui-monospace,monospace;background:#fff4f4;border-left:3px solid #b00020;padding:4px 8px}\
.seq{display:block;margin:.5em 0;background:#fafafa;border:1px solid #eee}\
.seq text{font:12px sans-serif}.seq .lane{font-weight:bold}.seq .life{stroke:#bbb;stroke-dasharray:4 3}\
.seq line.call,.seq line.request,.seq line.answer,.seq line.readable{stroke:#555}\
.seq line.preflight{stroke:#1a5fb4;stroke-dasharray:6 3}.seq text.preflight{fill:#1a5fb4}\
.seq line.refused{stroke:#b00020}.seq text.refused,.seq text.blocked{fill:#b00020}\
.seq text.passed,.seq text.readable{fill:#17702a}.seq text.note{fill:#666}";

/// One self-contained HTML page (no scripts, fonts or external files) with, per scenario
/// and fetch, a sequence diagram of what went over the wire, what the server sent beside
/// what script sees, the console lines, and whether the expectations held.
pub fn html_report(reports: &[ScenarioReport]) -> String {
    use crate::trace::{Ending, escape_html as e, sequence_svg};
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fetchguard report</title><style>",
    );
    out.push_str(HTML_STYLE);
    let _ = write!(
        out,
        "</style></head><body><h1>fetchguard report</h1><p>{}</p>",
        e(&summary(reports))
    );
    for r in reports {
        let (class, mark) = if r.passed() {
            ("pass", "✓")
        } else {
            ("fail", "✗")
        };
        let _ = write!(
            out,
            "<h2><span class=\"{class}\">{mark}</span> {} <small class=\"desc\">{}</small></h2>",
            e(&r.name),
            e(&r.file)
        );
        if let Some(d) = &r.description {
            let _ = write!(out, "<p class=\"desc\">{}</p>", e(d));
        }
        if let Some(err) = &r.setup_error {
            let _ = write!(out, "<p class=\"fail\">setup failed: {}</p>", e(err));
        }
        for (i, f) in r.fetches.iter().enumerate() {
            let o = &f.observed;
            let (class, verdict) = match f.status() {
                FetchStatus::Passed => ("pass", "expectations held"),
                FetchStatus::Known => ("known", "known difference"),
                FetchStatus::Failed => ("fail", "MISMATCH"),
                FetchStatus::UnexpectedPass => ("fail", "UNEXPECTED PASS"),
            };
            let _ = write!(
                out,
                "<h3>fetch #{} {} {} — <span class=\"{class}\">{verdict}</span></h3>",
                i + 1,
                e(&f.method),
                e(&f.url)
            );
            let readable = matches!(o.rtype.as_deref(), Some("basic" | "cors"));
            let sees = if o.outcome == "response" {
                format!(
                    "{} response, status {}",
                    o.rtype.as_deref().unwrap_or("?"),
                    o.status.unwrap_or(0)
                )
            } else {
                format!("TypeError: {}", o.error.as_deref().unwrap_or(""))
            };
            let ending = Ending {
                label: &sees,
                readable,
            };
            out.push_str(&sequence_svg(
                &f.trace,
                &format!("fetch({} {})", f.method, f.url),
                &ending,
            ));
            // What the server sent (unfiltered), beside what script sees.
            let sent = f.trace.events().iter().rev().find_map(|ev| match ev {
                crate::trace::TraceEvent::Received {
                    status,
                    headers,
                    body_len,
                } => Some((status, headers, body_len)),
                _ => None,
            });
            let server_cell = match sent {
                Some((status, headers, len)) => {
                    let mut s = format!("status {status}, {}\n", crate::trace::human_size(*len));
                    for (n, v) in headers.pairs() {
                        let _ = writeln!(s, "{n}: {v}");
                    }
                    s
                }
                None => "nothing (no answer reached the browser)".to_string(),
            };
            let mut script_cell = format!("{sees}\n");
            for (n, v) in o.headers.iter().flatten() {
                let _ = writeln!(script_cell, "{n}: {v}");
            }
            if let Some(b) = &o.body {
                let preview: String = b.chars().take(300).collect();
                let _ = writeln!(script_cell, "body: {preview:?}");
            }
            let _ = write!(
                out,
                "<table class=\"cmp\"><tr><th>the server sent</th><th>script sees</th></tr><tr><td><pre>{}</pre></td><td><pre>{}</pre></td></tr></table>",
                e(&server_cell),
                e(&script_cell)
            );
            for c in &o.console {
                let _ = write!(
                    out,
                    "<div class=\"console\">console: {}</div>",
                    e(c.trim_end())
                );
            }
            // The teaching lines of the trace: what was never sent, the fixes, the warnings.
            let advice: Vec<String> = f
                .trace
                .render(Style::plain(), "", Detail::Cors)
                .lines()
                .filter(|l| {
                    l.starts_with("fix: ") || l.starts_with("warning: ") || l.starts_with("so: ")
                })
                .map(|l| {
                    let class = if l.starts_with("warning") {
                        "known"
                    } else {
                        "desc"
                    };
                    format!("<li class=\"{class}\">{}</li>", e(l))
                })
                .collect();
            if !advice.is_empty() {
                let _ = write!(out, "<ul>{}</ul>", advice.concat());
            }
            if !f.mismatches.is_empty() {
                out.push_str("<ul>");
                for m in &f.mismatches {
                    let _ = write!(out, "<li class=\"{class}\">{}</li>", e(&m.to_string()));
                }
                out.push_str("</ul>");
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}
