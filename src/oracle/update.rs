//! `verify --update`: rewriting each `[fetch.expect]` of a scenario file with what Chromium
//! observed, editing the TOML in place so the rest of the file (comments, routes, layout)
//! stays as it was.

use std::collections::BTreeSet;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

use crate::Engine;
use crate::scenario::{Expect, FetchObservation, FetchSpec, check_expectations};

use super::compare::compared_wire_headers;

/// Why a file could not be updated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UpdateError(pub String);

/// The names `absent` always lists when they were not sent.
const ABSENT_ALWAYS: &[&str] = &["origin", "referer", "cookie"];

/// The file's `[[fetch]]` tables, one per fetch spec and observation.
fn fetch_tables(
    doc: &mut DocumentMut,
    specs: usize,
    observed: usize,
) -> Result<&mut toml_edit::ArrayOfTables, UpdateError> {
    let fetches = doc
        .get_mut("fetch")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| UpdateError("no [[fetch]] tables".into()))?;
    if fetches.len() != observed || specs != observed {
        return Err(UpdateError(format!(
            "{} [[fetch]] tables, {observed} observations",
            fetches.len()
        )));
    }
    Ok(fetches)
}

/// Rewrites the `[fetch.expect]` table of each `[[fetch]]` in `text` (a scenario file) with
/// the matching observation: outcome, error, console, and for a response type, status,
/// url, redirected, every visible header and body; `hidden_headers` keeps the names that
/// are still hidden; `wire` lists each request with method, URL and the compared headers
/// that were sent, and `absent` the compared ones (origin, referer, cookie and those the
/// old expectation listed) that were not. Everything else in the file is kept.
pub fn update_expectations(
    text: &str,
    specs: &[FetchSpec],
    observed: &[FetchObservation],
) -> Result<String, UpdateError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| UpdateError(e.to_string()))?;
    let fetches = fetch_tables(&mut doc, specs.len(), observed.len())?;
    for ((fetch, obs), spec) in fetches.iter_mut().zip(observed).zip(specs) {
        if !fetch.contains_key("expect") {
            let mut t = Table::new();
            t.set_implicit(false);
            fetch.insert("expect", Item::Table(t));
        }
        let expect = fetch
            .get_mut("expect")
            .and_then(Item::as_table_mut)
            .ok_or_else(|| UpdateError("fetch.expect is not a table".into()))?;
        fill(expect, obs, &compared_wire_headers(spec));
    }
    Ok(doc.to_string())
}

/// `verify --browser ENGINE --update`: for Chromium, [`update_expectations`]; for another
/// engine, each fetch's `[fetch.expect.ENGINE]` table is rewritten to hold exactly the
/// keys on which `ENGINE`'s observation does not meet `[fetch.expect]` (each with the
/// value [`update_expectations`] would write), and removed when it meets them all. The
/// `[fetch.expect]` keys and the other engines' tables are kept; a fetch without
/// `[fetch.expect]` gets nothing.
///
/// ```
/// use fetchguard::Engine;
/// use fetchguard::oracle::update_engine_expectations;
/// use fetchguard::scenario::{FetchObservation, parse_str};
/// let text = "[page]\nurl = \"https://app.example/\"\n[[fetch]]\nurl = \"https://api.example/x\"\n[fetch.expect]\noutcome = \"error\"\nerror = \"Failed to fetch\"\n";
/// let specs = parse_str("s.toml", text).unwrap().scenario.fetches;
/// let firefox = FetchObservation { outcome: "error".into(), error: Some("NetworkError when attempting to fetch resource.".into()), ..Default::default() };
/// let out = update_engine_expectations(text, &specs, &[firefox], Engine::Firefox).unwrap();
/// assert!(out.ends_with("[fetch.expect.firefox]\nerror = \"NetworkError when attempting to fetch resource.\"\n"));
/// ```
pub fn update_engine_expectations(
    text: &str,
    specs: &[FetchSpec],
    observed: &[FetchObservation],
    engine: Engine,
) -> Result<String, UpdateError> {
    if engine == Engine::Chromium {
        return update_expectations(text, specs, observed);
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| UpdateError(e.to_string()))?;
    let fetches = fetch_tables(&mut doc, specs.len(), observed.len())?;
    let name = engine.as_str();
    for ((fetch, obs), spec) in fetches.iter_mut().zip(observed).zip(specs) {
        let (Some(base), Some(expect)) = (
            spec.expect.as_ref(),
            fetch.get_mut("expect").and_then(Item::as_table_mut),
        ) else {
            continue;
        };
        // The keys of [fetch.expect] (without any engine's table) this engine misses.
        let base = Expect {
            chromium: None,
            firefox: None,
            webkit: None,
            ..base.clone()
        };
        let differing: BTreeSet<String> = check_expectations(&base, obs)
            .iter()
            .map(|m| top_key(&m.key))
            .collect();
        // A marker is about the engine against this browser, not about the browser
        // against [fetch.expect]: it stays (first in the table) until a person removes it.
        let marker = expect
            .get(name)
            .and_then(Item::as_table_like)
            .and_then(|t| t.get("known_difference"))
            .cloned();
        expect.remove(name);
        if differing.is_empty() && marker.is_none() {
            continue;
        }
        let mut scratch = expect.clone();
        for e in Engine::ALL {
            scratch.remove(e.as_str());
        }
        fill(&mut scratch, obs, &compared_wire_headers(spec));
        let mut t = Table::new();
        t.set_implicit(false);
        if let Some(m) = marker {
            t.insert("known_difference", m);
        }
        // In the order `fill` writes them (the order of [fetch.expect]).
        let keys: Vec<String> = scratch
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| differing.contains(k))
            .collect();
        for key in keys {
            if let Some(item) = scratch.remove(&key) {
                t.insert(&key, item);
            }
        }
        expect.insert(name, Item::Table(t));
    }
    let mut out = doc.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The `[fetch.expect]` key a mismatch is about: `headers.x` → `headers`, `wire[0].url`
/// → `wire`.
fn top_key(key: &str) -> String {
    key.split(['.', '[']).next().unwrap_or(key).to_string()
}

fn string_array<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    let mut a = Array::new();
    for s in items {
        a.push(s);
    }
    a
}

fn set_or_remove(t: &mut Table, key: &str, v: Option<Item>) {
    match v {
        Some(v) => {
            t[key] = v;
        }
        None => {
            t.remove(key);
        }
    }
}

fn fill(expect: &mut Table, obs: &FetchObservation, wire_headers: &[String]) {
    let response = obs.outcome == "response";
    expect["outcome"] = value(obs.outcome.as_str());
    set_or_remove(expect, "error", obs.error.as_deref().map(value));
    expect["console"] = value(string_array(obs.console.iter().map(String::as_str)));
    set_or_remove(expect, "type", obs.rtype.as_deref().map(value));
    set_or_remove(expect, "status", obs.status.map(|s| value(i64::from(s))));
    set_or_remove(expect, "url", obs.url.as_deref().map(value));
    set_or_remove(expect, "redirected", obs.redirected.map(value));
    let headers = obs.headers.as_ref().filter(|_| response).map(|h| {
        let mut t = InlineTable::new();
        for (n, v) in h {
            t.insert(n, v.into());
        }
        value(t)
    });
    set_or_remove(expect, "headers", headers);
    // hidden_headers: keep the names still hidden.
    let hidden: Option<Vec<String>> =
        expect
            .get("hidden_headers")
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter(|n| {
                        response
                            && !obs
                                .headers
                                .as_ref()
                                .is_some_and(|h| h.contains_key(&n.to_ascii_lowercase()))
                    })
                    .map(str::to_string)
                    .collect()
            });
    set_or_remove(
        expect,
        "hidden_headers",
        hidden
            .filter(|h| !h.is_empty())
            .map(|h| value(string_array(h.iter().map(String::as_str)))),
    );
    set_or_remove(expect, "body", obs.body.as_deref().map(value));

    // wire: the old `absent` lists (by index) are merged into the new ones.
    let old_absent: Vec<Vec<String>> = match expect.get("wire") {
        Some(Item::ArrayOfTables(a)) => a
            .iter()
            .map(|t| {
                t.get("absent")
                    .and_then(Item::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_ascii_lowercase))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect(),
        _ => Vec::new(),
    };
    expect.remove("wire");
    if obs.wire.is_empty() {
        expect["wire"] = value(Array::new());
        return;
    }
    let mut tables = ArrayOfTables::new();
    for (i, w) in obs.wire.iter().enumerate() {
        let mut t = Table::new();
        t["method"] = value(w.method.as_str());
        t["url"] = value(w.url.as_str());
        let mut hs = InlineTable::new();
        for name in wire_headers {
            if let Some(v) = w.headers.get(name) {
                hs.insert(name, v.into());
            }
        }
        t["headers"] = value(hs);
        let mut absent: BTreeSet<String> = ABSENT_ALWAYS.iter().map(|s| s.to_string()).collect();
        absent.extend(old_absent.get(i).cloned().unwrap_or_default());
        let absent: Vec<String> = absent
            .into_iter()
            .filter(|n| !w.headers.contains_key(n))
            .collect();
        if !absent.is_empty() {
            t["absent"] = value(string_array(absent.iter().map(String::as_str)));
        }
        tables.push(t);
    }
    expect.insert("wire", Item::ArrayOfTables(tables));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{WireObservation, parse_str};

    const FILE: &str = r#"name = "t"

[page]
url = "https://app.example/"

# The API.
[[server]]
origin = "https://api.example"

# Fetch 0: comment kept.
[[fetch]]
url = "https://api.example/a"

[fetch.expect]
outcome = "response"
status = 500
hidden_headers = ["x-secret", "content-type"]

[[fetch.expect.wire]]
method = "GET"
url = "https://api.example/a"
absent = ["authorization"]

# Fetch 1: no expect yet.
[[fetch]]
url = "https://api.example/b"
headers = [["X-Key", "k"]]
"#;

    #[test]
    fn expectations_are_rewritten_in_place() {
        let spec = parse_str("t.toml", FILE).unwrap();
        let obs0 = FetchObservation {
            outcome: "response".into(),
            rtype: Some("cors".into()),
            status: Some(200),
            url: Some("https://api.example/a".into()),
            redirected: Some(false),
            headers: Some(
                [("content-type".to_string(), "text/plain".to_string())]
                    .into_iter()
                    .collect(),
            ),
            body: Some("ok".into()),
            wire: vec![WireObservation {
                method: "GET".into(),
                url: "https://api.example/a".into(),
                headers: [
                    ("origin", "https://app.example"),
                    ("user-agent", "HeadlessChrome"),
                    ("sec-fetch-mode", "cors"),
                ]
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            }],
            ..Default::default()
        };
        let obs1 = FetchObservation {
            outcome: "error".into(),
            error: Some("Failed to fetch".into()),
            console: vec!["blocked 'x'".into()],
            wire: vec![WireObservation {
                method: "GET".into(),
                url: "https://api.example/b".into(),
                headers: [("x-key", "k")]
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            }],
            ..Default::default()
        };
        let out = update_expectations(FILE, &spec.scenario.fetches, &[obs0, obs1]).unwrap();
        assert!(out.contains("# The API.\n[[server]]"));
        assert!(out.contains("# Fetch 0: comment kept.\n[[fetch]]"));
        assert!(out.contains("# Fetch 1: no expect yet.\n[[fetch]]"));
        // The file still parses, each expectation sits under its own fetch, and the
        // observations hold against it.
        let again = parse_str("t.toml", &out).unwrap();
        let f = &again.scenario.fetches;
        let e0 = f[0].expect.as_ref().unwrap();
        assert_eq!(e0.status, Some(200));
        assert_eq!(e0.body.as_deref(), Some("ok"));
        assert_eq!(
            e0.hidden_headers.as_deref(),
            Some(&["x-secret".to_string()][..])
        );
        let w0 = e0.wire.as_ref().unwrap();
        assert_eq!(w0.len(), 1);
        assert_eq!(
            w0[0].headers.as_ref().unwrap().keys().collect::<Vec<_>>(),
            ["origin", "sec-fetch-mode"]
        );
        assert_eq!(
            w0[0].absent.as_deref().unwrap(),
            ["authorization", "cookie", "referer"]
        );
        let e1 = f[1].expect.as_ref().unwrap();
        assert_eq!(e1.error.as_deref(), Some("Failed to fetch"));
        assert_eq!(e1.console.as_ref().unwrap(), &["blocked 'x'".to_string()]);
        assert_eq!(e1.status, None);
        let w1 = e1.wire.as_ref().unwrap();
        assert_eq!(w1[0].headers.as_ref().unwrap()["x-key"], "k");
    }

    #[test]
    fn another_engine_gets_only_the_keys_it_differs_on() {
        let text = r#"[page]
url = "https://app.example/"

[[fetch]]
url = "https://api.example/a"

[fetch.expect]
outcome = "error"
error = "Failed to fetch"
console = []

[fetch.expect.webkit]
error = "Load failed"

[fetch.expect.firefox]
console = ["stale"]

[[fetch]]
url = "https://api.example/b"

[fetch.expect]
outcome = "response"
status = 200
"#;
        let specs = parse_str("t.toml", text).unwrap().scenario.fetches;
        let ff0 = FetchObservation {
            outcome: "error".into(),
            error: Some("NetworkError when attempting to fetch resource.".into()),
            ..Default::default()
        };
        let ff1 = FetchObservation {
            outcome: "response".into(),
            status: Some(200),
            ..Default::default()
        };
        let out =
            update_engine_expectations(text, &specs, &[ff0.clone(), ff1], Engine::Firefox).unwrap();
        let again = parse_str("t.toml", &out).unwrap().scenario.fetches;
        let e0 = again[0].expect.as_ref().unwrap();
        // The base keys and WebKit's table are kept.
        assert_eq!(e0.error.as_deref(), Some("Failed to fetch"));
        assert_eq!(
            e0.for_engine(Engine::Webkit).error.as_deref(),
            Some("Load failed")
        );
        // Firefox's table: its error only (the stale console override is gone: Firefox
        // meets the base's empty console).
        let ff = e0.override_for(Engine::Firefox).unwrap();
        assert_eq!(ff.error, ff0.error);
        assert!(ff.console.is_none() && ff.outcome.is_none());
        assert!(check_expectations(&e0.for_engine(Engine::Firefox), &ff0).is_empty());
        // Fetch 2 agrees: no table.
        assert!(again[1].expect.as_ref().unwrap().firefox.is_none());
        assert!(!out.contains("stale"));
    }

    #[test]
    fn an_engine_marker_survives_its_update() {
        let text = r#"[page]
url = "https://app.example/"

[[fetch]]
url = "https://api.example/a"

[fetch.expect]
outcome = "error"
error = "Failed to fetch"

[fetch.expect.firefox]
known_difference = "why"
error = "old"

[[fetch]]
url = "https://api.example/b"

[fetch.expect]
outcome = "response"

[fetch.expect.firefox]
known_difference = "other"
"#;
        let specs = parse_str("t.toml", text).unwrap().scenario.fetches;
        let ff0 = FetchObservation {
            outcome: "error".into(),
            error: Some("NetworkError when attempting to fetch resource.".into()),
            ..Default::default()
        };
        let ff1 = FetchObservation {
            outcome: "response".into(),
            ..Default::default()
        };
        let out = update_engine_expectations(text, &specs, &[ff0, ff1], Engine::Firefox).unwrap();
        let again = parse_str("t.toml", &out).unwrap().scenario.fetches;
        assert_eq!(again[0].known_difference_for(Engine::Firefox), Some("why"));
        let e0 = again[0].expect.as_ref().unwrap();
        assert_eq!(
            e0.for_engine(Engine::Firefox).error.as_deref(),
            Some("NetworkError when attempting to fetch resource.")
        );
        // Firefox meets fetch 2's expectations; the marker (engine against browser) stays.
        assert_eq!(
            again[1].known_difference_for(Engine::Firefox),
            Some("other")
        );
        assert!(
            again[1]
                .expect
                .as_ref()
                .unwrap()
                .override_for(Engine::Firefox)
                .unwrap()
                .outcome
                .is_none()
        );
        assert!(!out.contains("\"old\""));
    }

    #[test]
    fn an_engine_with_another_outcome_keeps_none_of_the_others_keys() {
        let text = r#"[page]
url = "https://app.example/"

[[fetch]]
url = "https://api.example/a"

[fetch.expect]
outcome = "error"
error = "Failed to fetch"

[[fetch]]
url = "https://api.example/b"

[fetch.expect]
outcome = "response"
status = 200
body = "b"
"#;
        let specs = parse_str("t.toml", text).unwrap().scenario.fetches;
        let webkit_reads = FetchObservation {
            outcome: "response".into(),
            status: Some(200),
            body: Some("a".into()),
            ..Default::default()
        };
        let webkit_fails = FetchObservation {
            outcome: "error".into(),
            error: Some("Load failed".into()),
            ..Default::default()
        };
        let out = update_engine_expectations(
            text,
            &specs,
            &[webkit_reads.clone(), webkit_fails.clone()],
            Engine::Webkit,
        )
        .unwrap();
        let again = parse_str("t.toml", &out).unwrap().scenario.fetches;
        for (f, obs) in again.iter().zip([webkit_reads, webkit_fails]) {
            let e = f.expect.as_ref().unwrap();
            assert!(
                check_expectations(&e.for_engine(Engine::Webkit), &obs).is_empty(),
                "{out}"
            );
            // Chromium's expectations are untouched.
            assert!(!check_expectations(&e.for_engine(Engine::Chromium), &obs).is_empty());
        }
    }
}
