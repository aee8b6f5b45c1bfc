//! The driver document: the HTML page Chromium loads at the scenario's page URL, whose
//! script makes the scenario's fetches in order, separated by marks, and posts what it saw.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::scenario::{FetchSpec, Scenario};

/// The reserved path of the separator request made before each fetch (`?i=N`, `?i=end`).
pub const MARK_PATH: &str = "/__fetchguard/mark";
/// The reserved path the driver posts its results to.
pub const RESULTS_PATH: &str = "/__fetchguard/results";
/// The prefix of the console line logged after each mark (`FG-MARK 3`, `FG-MARK end`).
pub const MARK_CONSOLE: &str = "FG-MARK ";

/// What the driver reports for one fetch (the body it posts is a JSON array of these).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DriverResult {
    /// `response` or `error`.
    pub outcome: String,
    /// `err.message` for an error.
    pub error: Option<String>,
    /// `res.type`.
    #[serde(rename = "type")]
    pub rtype: Option<String>,
    /// `res.status`.
    pub status: Option<u16>,
    /// `res.url`.
    pub url: Option<String>,
    /// `res.redirected`.
    pub redirected: Option<bool>,
    /// `[...res.headers]`: lower-case names, repeated headers combined by the browser.
    pub headers: Option<Vec<(String, String)>>,
    /// `await res.text()`.
    pub body: Option<String>,
}

/// The `init` object of `fetch(url, init)` for a `[[fetch]]`: only the keys the file gives.
pub fn fetch_init(f: &FetchSpec) -> Value {
    fn token<T: Serialize>(t: &T) -> Value {
        serde_json::to_value(t).unwrap_or(Value::Null)
    }
    let mut init = Map::new();
    if let Some(m) = &f.method {
        init.insert("method".into(), json!(m));
    }
    if !f.headers.is_empty() {
        let pairs: Vec<[&str; 2]> = f
            .headers
            .iter()
            .map(|(n, v)| [n.as_str(), v.as_str()])
            .collect();
        init.insert("headers".into(), json!(pairs));
    }
    if let Some(b) = &f.body {
        init.insert("body".into(), json!(b));
    }
    if let Some(m) = &f.mode {
        init.insert("mode".into(), token(m));
    }
    if let Some(c) = &f.credentials {
        init.insert("credentials".into(), token(c));
    }
    if let Some(r) = &f.redirect {
        init.insert("redirect".into(), token(r));
    }
    if let Some(p) = &f.referrer_policy {
        init.insert("referrerPolicy".into(), token(p));
    }
    if let Some(c) = &f.cache {
        init.insert("cache".into(), token(c));
    }
    if let Some(t) = &f.target_address_space {
        init.insert("targetAddressSpace".into(), json!(t));
    }
    Value::Object(init)
}

/// How the driver writes its console marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConsoleMark {
    /// `console.log("FG-MARK i")` (Chromium's and WebKit's console output show it).
    Log,
    /// `console.log` and also `reportError("FG-MARK i")`, which Firefox records in its
    /// console service (where `console.log` messages do not go).
    LogAndReportError,
}

/// The driver document for a scenario. `mark_url` and `results_url` are absolute URLs on
/// the page's origin (absolute so that a sandboxed page reaches them too).
pub fn document(s: &Scenario, mark_url: &str, results_url: &str) -> String {
    document_with(s, mark_url, results_url, ConsoleMark::Log)
}

/// [`document`] with a choice of console marks.
pub fn document_with(s: &Scenario, mark_url: &str, results_url: &str, mark: ConsoleMark) -> String {
    let fetches: Vec<Value> = s
        .fetches
        .iter()
        .map(|f| {
            let wait_ms = f
                .wait
                .as_ref()
                .map_or(0.0, |w| (w.get_ref() * 1000.0).round());
            json!({"url": f.url, "init": fetch_init(f), "waitMs": wait_ms})
        })
        .collect();
    // serde_json escapes quotes and control characters; `<` is escaped too so that no
    // value can close the script element.
    let lit = |v: &Value| {
        serde_json::to_string(v)
            .unwrap_or_else(|_| "null".into())
            .replace('<', "\\u003c")
    };
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>fetchguard verify</title></head><body>
<script>
"use strict";
const FETCHES = {fetches};
const MARK_URL = {mark};
const RESULTS_URL = {results};
const MARK_CONSOLE = {mark_console};
const REPORT_MARKS = {report_marks};
const pause = (ms) => new Promise((r) => setTimeout(r, ms));
async function mark(i) {{
  try {{
    await fetch(MARK_URL + "?i=" + i, {{mode: "no-cors", credentials: "omit", cache: "no-store"}});
  }} catch (e) {{}}
  console.log(MARK_CONSOLE + i);
  if (REPORT_MARKS) reportError(MARK_CONSOLE + i);
}}
(async () => {{
  const out = [];
  for (let i = 0; i < FETCHES.length; i++) {{
    const f = FETCHES[i];
    if (f.waitMs > 0) await pause(f.waitMs);
    await mark(i);
    const r = {{}};
    try {{
      const res = await fetch(f.url, f.init);
      r.outcome = "response";
      r.type = res.type;
      r.status = res.status;
      r.url = res.url;
      r.redirected = res.redirected;
      r.headers = [...res.headers];
      r.body = await res.text();
    }} catch (e) {{
      r.outcome = "error";
      r.error = (e && e.message !== undefined) ? String(e.message) : String(e);
      delete r.type; delete r.status; delete r.url; delete r.redirected; delete r.headers; delete r.body;
    }}
    out.push(r);
    await pause(100);
  }}
  await mark("end");
  await fetch(RESULTS_URL, {{method: "POST", mode: "no-cors", credentials: "omit", body: JSON.stringify(out)}});
}})();
</script>
</body></html>
"#,
        fetches = lit(&Value::Array(fetches)),
        mark = lit(&json!(mark_url)),
        results = lit(&json!(results_url)),
        mark_console = lit(&json!(MARK_CONSOLE)),
        report_marks = mark == ConsoleMark::LogAndReportError,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_has_only_the_given_keys_and_values_are_escaped() {
        let s = crate::scenario::parse_str(
            "s.toml",
            r#"
[page]
url = "https://app.example/"
[[fetch]]
url = "https://api.example/</script>"
[[fetch]]
url = "/x"
method = "PUT"
headers = [["X-A", "1\"2"], ["X-A", "3"]]
body = "b"
mode = "no-cors"
credentials = "include"
redirect = "manual"
referrer_policy = ""
cache = "only-if-cached"
target_address_space = "nowhere"
wait = 1.5
"#,
        )
        .unwrap();
        let f = &s.scenario.fetches;
        assert_eq!(fetch_init(&f[0]), json!({}));
        assert_eq!(
            fetch_init(&f[1]),
            json!({"method": "PUT", "headers": [["X-A", "1\"2"], ["X-A", "3"]], "body": "b",
                   "mode": "no-cors", "credentials": "include", "redirect": "manual", "referrerPolicy": "",
                   "cache": "only-if-cached", "targetAddressSpace": "nowhere"})
        );
        let doc = document(
            &s.scenario,
            "https://app.example/m",
            "https://app.example/r",
        );
        assert!(!doc.contains("</script>\""));
        assert!(doc.contains(r#""https://api.example/\u003c/script>""#));
        assert!(doc.contains(r#"[["X-A","1\"2"],["X-A","3"]]"#));
        assert!(doc.contains(r#""waitMs":1500.0"#), "{doc}");
    }
}
