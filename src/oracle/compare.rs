//! Field-by-field comparison of what the engine observed with what Chromium observed for
//! the same fetch.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use crate::headers::HeaderBlock;
use crate::scenario::{FetchObservation, FetchSpec, WireObservation};

/// The request headers written into `wire` expectations by `verify --update` (besides any
/// header the fetch itself sets): the ones a scenario's author reads. [`compare`] checks
/// more: every header on the wire but [`UNCOMPARED_WIRE_HEADERS`].
pub const WIRE_HEADERS: &[&str] = &[
    "origin",
    "referer",
    "cookie",
    "access-control-request-method",
    "access-control-request-headers",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-dest",
    "sec-fetch-storage-access",
    "content-type",
    "accept",
    "authorization",
    "range",
    "content-length",
    "accept-encoding",
    "cache-control",
    "pragma",
    "if-none-match",
    "if-modified-since",
];

/// The request headers [`compare`] does not compare, each a deliberate, documented
/// difference (README, "How fidelity is proven"):
///
/// - `host`: written by the transport from the URL (over HTTP/2 it travels as
///   `:authority`), not by the fetch algorithms.
/// - `connection`: connection management is the transport's (`keep-alive` over HTTP/1.1,
///   nothing over HTTP/2), not the fetch engine's.
/// - `user-agent`: fetchguard sends the headful `Chrome/156.0.0.0` string; the oracle runs
///   headless Chromium, whose string says `HeadlessChrome`.
pub const UNCOMPARED_WIRE_HEADERS: &[&str] = &["host", "connection", "user-agent"];

/// The wire headers written into one fetch's expectations: [`WIRE_HEADERS`] plus every
/// header name the fetch sets, lower-case, sorted, without duplicates.
///
/// ```
/// use fetchguard::oracle::compared_wire_headers;
/// let s = fetchguard::scenario::parse_str("s.toml",
///     "[page]\nurl = \"https://a.example/\"\n[[fetch]]\nurl = \"/x\"\nheaders = [[\"X-Key\", \"1\"]]\n").unwrap();
/// assert!(compared_wire_headers(&s.scenario.fetches[0]).contains(&"x-key".to_string()));
/// ```
pub fn compared_wire_headers(spec: &FetchSpec) -> Vec<String> {
    let mut set: BTreeSet<String> = WIRE_HEADERS.iter().map(|h| h.to_string()).collect();
    for (n, _) in &spec.headers {
        set.insert(n.to_ascii_lowercase());
    }
    set.into_iter().collect()
}

/// One field on which two observations of a fetch disagree: the engine's and a real
/// browser's (or, in a cross-browser comparison, two browsers').
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The key, as in `[fetch.expect]`: `status`, `headers.content-type`,
    /// `wire[1].headers.origin`, ...
    pub key: String,
    /// The engine's value (JSON-like; `nothing` when absent).
    pub engine: String,
    /// The observed browser's value (JSON-like; `nothing` when absent).
    pub browser: String,
}

impl Difference {
    /// The difference with the observed browser named.
    ///
    /// ```
    /// use fetchguard::oracle::Difference;
    /// let d = Difference { key: "status".into(), engine: "200".into(), browser: "204".into() };
    /// assert_eq!(d.labelled(fetchguard::Engine::Firefox), "status: engine 200, firefox 204");
    /// ```
    pub fn labelled(&self, browser: crate::Engine) -> String {
        format!(
            "{}: engine {}, {browser} {}",
            self.key, self.engine, self.browser
        )
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: engine {}, browser {}",
            self.key, self.engine, self.browser
        )
    }
}

fn show<T: Serialize>(v: &Option<T>) -> String {
    match v {
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "?".into()),
        None => "nothing".into(),
    }
}

/// Every difference between the engine's and Chromium's observation of one fetch:
/// outcome, error, console, type, status, url, redirected, every script-visible header,
/// body, and the wire (count, order, method, URL, and every header of each request but
/// [`UNCOMPARED_WIRE_HEADERS`], names lower-case).
///
/// ```
/// use fetchguard::oracle::compare;
/// use fetchguard::scenario::FetchObservation;
/// let engine = FetchObservation { outcome: "response".into(), status: Some(200), ..Default::default() };
/// let chromium = FetchObservation { outcome: "response".into(), status: Some(204), ..Default::default() };
/// let d = compare(&engine, &chromium);
/// assert_eq!(d[0].to_string(), "status: engine 200, browser 204");
/// ```
pub fn compare(engine: &FetchObservation, chromium: &FetchObservation) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut field = |key: &str, e: String, c: String| {
        if e != c {
            out.push(Difference {
                key: key.to_string(),
                engine: e,
                browser: c,
            });
        }
    };
    field(
        "outcome",
        show(&Some(&engine.outcome)),
        show(&Some(&chromium.outcome)),
    );
    field("error", show(&engine.error), show(&chromium.error));
    field(
        "console",
        show(&Some(&engine.console)),
        show(&Some(&chromium.console)),
    );
    field("type", show(&engine.rtype), show(&chromium.rtype));
    field("status", show(&engine.status), show(&chromium.status));
    field("url", show(&engine.url), show(&chromium.url));
    field(
        "redirected",
        show(&engine.redirected),
        show(&chromium.redirected),
    );
    let empty = HeaderBlock::new();
    let eh = engine.headers.as_ref().unwrap_or(&empty);
    let ch = chromium.headers.as_ref().unwrap_or(&empty);
    let names: BTreeSet<&str> = eh.keys().chain(ch.keys()).collect();
    for n in names {
        field(&format!("headers.{n}"), show(&eh.get(n)), show(&ch.get(n)));
    }
    field("body", show(&engine.body), show(&chromium.body));
    out.extend(compare_wire(&engine.wire, &chromium.wire));
    out
}

fn summary(wire: &[WireObservation]) -> String {
    let items: Vec<String> = wire
        .iter()
        .map(|w| format!("{} {}", w.method, w.url))
        .collect();
    show(&Some(items))
}

fn compare_wire(engine: &[WireObservation], chromium: &[WireObservation]) -> Vec<Difference> {
    let mut out = Vec::new();
    let same_shape = engine.len() == chromium.len()
        && engine
            .iter()
            .zip(chromium)
            .all(|(e, c)| e.method == c.method && e.url == c.url);
    if !same_shape {
        out.push(Difference {
            key: "wire".into(),
            engine: summary(engine),
            browser: summary(chromium),
        });
        return out;
    }
    for (i, (e, c)) in engine.iter().zip(chromium).enumerate() {
        let names: BTreeSet<&str> = e
            .headers
            .keys()
            .chain(c.headers.keys())
            .filter(|n| !UNCOMPARED_WIRE_HEADERS.contains(n))
            .collect();
        for name in names {
            let ev = e.headers.get(name);
            let cv = c.headers.get(name);
            if ev != cv {
                out.push(Difference {
                    key: format!("wire[{i}].headers.{name}"),
                    engine: show(&ev),
                    browser: show(&cv),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(method: &str, url: &str, headers: &[(&str, &str)]) -> WireObservation {
        WireObservation {
            method: method.into(),
            url: url.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    fn blocked() -> FetchObservation {
        FetchObservation {
            outcome: "error".into(),
            error: Some("Failed to fetch".into()),
            console: vec!["Access to fetch at 'https://api.example/x' ...".into()],
            wire: vec![wire(
                "GET",
                "https://api.example/x",
                &[
                    ("origin", "https://app.example"),
                    ("user-agent", "Mozilla/5.0 HeadlessChrome/156"),
                ],
            )],
            ..Default::default()
        }
    }

    fn readable() -> FetchObservation {
        FetchObservation {
            outcome: "response".into(),
            rtype: Some("cors".into()),
            status: Some(200),
            url: Some("https://api.example/x".into()),
            redirected: Some(false),
            headers: Some(
                [("content-type".to_string(), "text/plain".to_string())]
                    .into_iter()
                    .collect(),
            ),
            body: Some("hi".into()),
            ..Default::default()
        }
    }

    #[test]
    fn agreeing_observations_have_no_differences() {
        let mut c = blocked();
        // Browser-identifying headers are not compared, and `reason` is engine-only.
        c.wire[0]
            .headers
            .insert("user-agent".into(), "HeadlessChrome".into());
        c.reason = Some("x".into());
        assert_eq!(compare(&blocked(), &c), vec![]);
        assert_eq!(compare(&readable(), &readable()), vec![]);
    }

    #[test]
    fn every_disagreeing_field_is_reported() {
        let e = readable();
        let mut c = readable();
        c.status = Some(204);
        c.headers
            .as_mut()
            .unwrap()
            .insert("x-extra".into(), "1".into());
        c.body = None;
        let d = compare(&e, &c);
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["status", "headers.x-extra", "body"]);
        assert_eq!(d[1].engine, "nothing");
        assert_eq!(d[1].browser, "\"1\"");
        assert_eq!(d[2].to_string(), "body: engine \"hi\", browser nothing");

        let d = compare(&readable(), &blocked());
        assert_eq!(d[0].key, "outcome");
        assert!(d.iter().any(|d| d.key == "console"));
        assert!(d.iter().any(|d| d.key == "wire"));
    }

    #[test]
    fn wire_compares_shape_then_every_header_but_host_connection_user_agent() {
        let e = blocked();
        let mut c = blocked();
        c.wire[0].headers.insert("cookie".into(), "a=1".into());
        c.wire[0].headers.insert("x-key".into(), "k".into());
        c.wire[0]
            .headers
            .insert("host".into(), "api.example".into());
        c.wire[0]
            .headers
            .insert("connection".into(), "keep-alive".into());
        let d = compare(&e, &c);
        assert_eq!(
            d,
            vec![
                Difference {
                    key: "wire[0].headers.cookie".into(),
                    engine: "nothing".into(),
                    browser: "\"a=1\"".into(),
                },
                Difference {
                    key: "wire[0].headers.x-key".into(),
                    engine: "nothing".into(),
                    browser: "\"k\"".into(),
                }
            ]
        );

        let mut c = blocked();
        c.wire
            .insert(0, wire("OPTIONS", "https://api.example/x", &[]));
        let d = compare(&e, &c);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].key, "wire");
        assert_eq!(d[0].engine, r#"["GET https://api.example/x"]"#);
        assert_eq!(
            d[0].browser,
            r#"["OPTIONS https://api.example/x","GET https://api.example/x"]"#
        );
    }
}
