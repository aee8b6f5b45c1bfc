//! The same fetch in several engines: where their observations differ, field by field
//! (`run --browser chromium,firefox,webkit`), and the Markdown table of differences per
//! field category that `verify --differences-md` writes from real browsers' observations.
//! Pure functions: no I/O.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::observe::{FetchObservation, WireObservation};
use crate::Engine;

/// Request headers left out of a cross-engine comparison: written by the transport, not
/// by the fetch algorithms (`host` travels as `:authority` over HTTP/2, `connection` is
/// connection management).
pub const TRANSPORT_HEADERS: &[&str] = &["host", "connection"];

/// One field on which engines disagree, with every engine's value (JSON-like; `nothing`
/// when absent), in the order the engines were given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldDifference {
    /// The key, as in `[fetch.expect]`: `error`, `headers.content-length`,
    /// `wire[0].headers.user-agent`, or `wire` when the requests themselves differ (count,
    /// method or URL).
    pub key: String,
    /// Each engine's value.
    pub values: Vec<(Engine, String)>,
}

fn show<T: Serialize>(v: Option<T>) -> String {
    match v {
        Some(v) => serde_json::to_string(&v).unwrap_or_else(|_| "?".into()),
        None => "nothing".into(),
    }
}

fn wire_shape(w: &[WireObservation]) -> Vec<String> {
    w.iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect()
}

/// Every field of an observation as `key → value`, the keys of [`FieldDifference`]; wire
/// headers are listed per request only when `per_request` (the requests have one shape
/// in every engine).
fn fields(o: &FetchObservation, per_request: bool) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    m.insert("outcome".to_string(), show(Some(&o.outcome)));
    m.insert("error".into(), show(o.error.as_ref()));
    m.insert("console".into(), show(Some(&o.console)));
    m.insert("type".into(), show(o.rtype.as_ref()));
    m.insert("status".into(), show(o.status));
    m.insert("url".into(), show(o.url.as_ref()));
    m.insert("redirected".into(), show(o.redirected));
    for (n, v) in o.headers.iter().flatten() {
        m.insert(format!("headers.{n}"), show(Some(v)));
    }
    m.insert("body".into(), show(o.body.as_ref()));
    m.insert("wire".into(), show(Some(wire_shape(&o.wire))));
    if per_request {
        for (i, w) in o.wire.iter().enumerate() {
            for (n, v) in &w.headers {
                if !TRANSPORT_HEADERS.contains(&n) {
                    m.insert(format!("wire[{i}].headers.{n}"), show(Some(v)));
                }
            }
        }
    }
    m
}

/// The order keys are reported in: the `[fetch.expect]` order, then headers, then wire.
fn rank(key: &str) -> (usize, &str) {
    let order = [
        "outcome",
        "error",
        "console",
        "type",
        "status",
        "url",
        "redirected",
    ];
    if let Some(i) = order.iter().position(|k| *k == key) {
        return (i, key);
    }
    let group = if key.starts_with("headers.") {
        10
    } else if key == "body" {
        11
    } else if key == "wire" {
        12
    } else {
        13
    };
    (group, key)
}

/// Every field on which the observations differ. A field absent from one observation
/// counts as `nothing` there. When the requests on the wire differ in count, method or URL
/// only `wire` is reported for them; otherwise each request header (but
/// [`TRANSPORT_HEADERS`]) is compared request by request.
///
/// ```
/// use fetchguard::Engine;
/// use fetchguard::scenario::{FetchObservation, differences_across};
/// let chromium = FetchObservation { outcome: "error".into(), error: Some("Failed to fetch".into()), ..Default::default() };
/// let firefox = FetchObservation { error: Some("NetworkError when attempting to fetch resource.".into()), ..chromium.clone() };
/// let d = differences_across(&[(Engine::Chromium, &chromium), (Engine::Firefox, &firefox)]);
/// assert_eq!(d.len(), 1);
/// assert_eq!(d[0].key, "error");
/// assert_eq!(d[0].values[1], (Engine::Firefox, "\"NetworkError when attempting to fetch resource.\"".to_string()));
/// ```
pub fn differences_across(observed: &[(Engine, &FetchObservation)]) -> Vec<FieldDifference> {
    let Some((_, first)) = observed.first() else {
        return Vec::new();
    };
    let shape = wire_shape(&first.wire);
    let per_request = observed.iter().all(|(_, o)| wire_shape(&o.wire) == shape);
    let maps: Vec<(Engine, BTreeMap<String, String>)> = observed
        .iter()
        .map(|(e, o)| (*e, fields(o, per_request)))
        .collect();
    let keys: BTreeSet<&String> = maps.iter().flat_map(|(_, m)| m.keys()).collect();
    let mut out: Vec<FieldDifference> = keys
        .into_iter()
        .filter_map(|k| {
            let values: Vec<(Engine, String)> = maps
                .iter()
                .map(|(e, m)| (*e, m.get(k).cloned().unwrap_or_else(|| "nothing".into())))
                .collect();
            let all_same = values.iter().all(|(_, v)| *v == values[0].1);
            (!all_same).then(|| FieldDifference {
                key: k.clone(),
                values,
            })
        })
        .collect();
    out.sort_by(|a, b| rank(&a.key).cmp(&rank(&b.key)));
    out
}

/// The category a difference key belongs to in the differences table: `error`,
/// `console`, `response header content-length`, `request header user-agent`,
/// `requests sent` (count, method or URL), ...
///
/// ```
/// use fetchguard::scenario::difference_category;
/// assert_eq!(difference_category("wire[1].headers.origin"), "request header `origin`");
/// assert_eq!(difference_category("headers.content-length"), "response header `content-length`");
/// assert_eq!(difference_category("wire"), "requests sent (count, method, URL)");
/// assert_eq!(difference_category("status"), "`status`");
/// ```
pub fn difference_category(key: &str) -> String {
    if let Some(h) = key.strip_prefix("headers.") {
        return format!("response header `{h}`");
    }
    if key == "wire" {
        return "requests sent (count, method, URL)".into();
    }
    if let Some(rest) = key.strip_prefix("wire[")
        && let Some((_, h)) = rest.split_once("].headers.")
    {
        return format!("request header `{h}`");
    }
    format!("`{key}`")
}

/// A row of the differences table: per browser, the fetches that differ and the first.
type Cells = BTreeMap<Engine, (usize, String)>;

/// One fetch as several real browsers observed it: the input of
/// [`differences_markdown`].
#[derive(Clone, Debug)]
pub struct ObservedFetch {
    /// The scenario's name.
    pub scenario: String,
    /// The fetch's number in the scenario, from 1.
    pub fetch: usize,
    /// Each browser's observation.
    pub observed: Vec<(Engine, FetchObservation)>,
}

/// A Markdown table of observed differences per field category: one row per category on
/// which some browser differs from `baseline`, one column per other browser with the
/// number of fetches (of those every browser observed) where it differs, and the first
/// such fetch as an example. Rows are sorted by the most differences first, then by
/// category. A fetch a browser did not observe is left out of that browser's count.
///
/// ```
/// use fetchguard::Engine;
/// use fetchguard::scenario::{FetchObservation, ObservedFetch, differences_markdown};
/// let c = FetchObservation { outcome: "error".into(), error: Some("Failed to fetch".into()), ..Default::default() };
/// let f = FetchObservation { error: Some("NetworkError when attempting to fetch resource.".into()), ..c.clone() };
/// let rows = [ObservedFetch { scenario: "s".into(), fetch: 1, observed: vec![(Engine::Chromium, c), (Engine::Firefox, f)] }];
/// let md = differences_markdown(Engine::Chromium, &rows);
/// assert!(md.contains("| `error` | 1 of 1 (s #1) |"));
/// ```
pub fn differences_markdown(baseline: Engine, fetches: &[ObservedFetch]) -> String {
    let others: Vec<Engine> = {
        let mut seen = Vec::new();
        for f in fetches {
            for (e, _) in &f.observed {
                if *e != baseline && !seen.contains(e) {
                    seen.push(*e);
                }
            }
        }
        seen.sort();
        seen
    };
    // category → engine → (count, first example)
    let mut table: BTreeMap<String, Cells> = BTreeMap::new();
    let mut compared: BTreeMap<Engine, usize> = BTreeMap::new();
    for f in fetches {
        let Some((_, base)) = f.observed.iter().find(|(e, _)| *e == baseline) else {
            continue;
        };
        for (e, o) in f.observed.iter().filter(|(e, _)| *e != baseline) {
            *compared.entry(*e).or_default() += 1;
            let cats: BTreeSet<String> = differences_across(&[(baseline, base), (*e, o)])
                .iter()
                .map(|d| difference_category(&d.key))
                .collect();
            for c in cats {
                let cell = table.entry(c).or_default().entry(*e).or_insert_with(|| {
                    (
                        0,
                        format!("{} #{}", f.scenario.replace('|', "\\|"), f.fetch),
                    )
                });
                cell.0 += 1;
            }
        }
    }
    let mut rows: Vec<(String, Cells)> = table.into_iter().collect();
    rows.sort_by(|(ca, a), (cb, b)| {
        let total = |m: &Cells| m.values().map(|v| v.0).sum::<usize>();
        total(b).cmp(&total(a)).then(ca.cmp(cb))
    });
    let mut out = String::new();
    out.push_str("| Field |");
    for e in &others {
        out.push_str(&format!(
            " {} differs from {} |",
            e.title(),
            baseline.title()
        ));
    }
    out.push_str("\n|---|");
    for _ in &others {
        out.push_str("---|");
    }
    out.push('\n');
    for (category, cells) in rows {
        out.push_str(&format!("| {category} |"));
        for e in &others {
            let n = compared.get(e).copied().unwrap_or(0);
            match cells.get(e) {
                Some((k, example)) => out.push_str(&format!(" {k} of {n} ({example}) |")),
                None => out.push_str(&format!(" 0 of {n} |")),
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(method: &str, headers: &[(&str, &str)]) -> WireObservation {
        WireObservation {
            method: method.into(),
            url: "https://api.example/x".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn obs(ua: &str, error: &str, wire_methods: &[&str]) -> FetchObservation {
        FetchObservation {
            outcome: "error".into(),
            error: Some(error.into()),
            console: vec![],
            wire: wire_methods
                .iter()
                .map(|m| wire(m, &[("user-agent", ua), ("host", ua)]))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn differences_name_each_engine_and_skip_transport_headers() {
        let c = obs("Chrome", "Failed to fetch", &["OPTIONS"]);
        let f = obs("Firefox", "NetworkError", &["OPTIONS"]);
        let w = obs("Chrome", "Load failed", &["OPTIONS"]);
        let d = differences_across(&[
            (Engine::Chromium, &c),
            (Engine::Firefox, &f),
            (Engine::Webkit, &w),
        ]);
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["error", "wire[0].headers.user-agent"]);
        assert_eq!(d[1].values[2], (Engine::Webkit, "\"Chrome\"".into()));
        // Identical observations: nothing.
        assert!(differences_across(&[(Engine::Chromium, &c), (Engine::Webkit, &c)]).is_empty());
    }

    #[test]
    fn different_requests_are_one_wire_difference() {
        let c = obs("UA", "x", &["OPTIONS", "PUT"]);
        let f = obs("other", "x", &["OPTIONS"]);
        let d = differences_across(&[(Engine::Chromium, &c), (Engine::Firefox, &f)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key, "wire");
        assert_eq!(
            d[0].values[1].1,
            r#"["OPTIONS https://api.example/x"]"#.to_string()
        );
    }

    #[test]
    fn the_table_counts_fetches_per_category_and_browser() {
        let c = obs("Chrome", "Failed to fetch", &["GET"]);
        let f = obs("Firefox", "NetworkError", &["GET"]);
        let w = obs("WebKit", "Failed to fetch", &["GET"]);
        let same = obs("Chrome", "Failed to fetch", &["GET"]);
        let rows = vec![
            ObservedFetch {
                scenario: "a|b".into(),
                fetch: 2,
                observed: vec![
                    (Engine::Chromium, c.clone()),
                    (Engine::Firefox, f),
                    (Engine::Webkit, w),
                ],
            },
            ObservedFetch {
                scenario: "c".into(),
                fetch: 1,
                observed: vec![
                    (Engine::Chromium, c),
                    (Engine::Firefox, same.clone()),
                    (Engine::Webkit, same),
                ],
            },
        ];
        let md = differences_markdown(Engine::Chromium, &rows);
        assert_eq!(
            md,
            "| Field | Firefox differs from Chromium | WebKit differs from Chromium |\n\
             |---|---|---|\n\
             | request header `user-agent` | 1 of 2 (a\\|b #2) | 1 of 2 (a\\|b #2) |\n\
             | `error` | 1 of 2 (a\\|b #2) | 0 of 2 |\n"
        );
        // Nothing observed: the header alone.
        assert_eq!(
            differences_markdown(Engine::Chromium, &[]),
            "| Field |\n|---|\n"
        );
    }
}
