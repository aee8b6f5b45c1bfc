//! Checking `[fetch.expect]` against an observation: each key given must hold; header
//! names compare case-insensitively, values exactly; `wire` is exact in count and order.

use std::fmt;

use serde::Serialize;

use super::model::{Expect, OutcomeToken, TypeToken, WireExpect};
use super::observe::{FetchObservation, WireObservation};

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// The key, e.g. `status`, `headers.content-type`, `wire[1].headers.origin`.
    pub key: String,
    /// What the file expects.
    pub expected: String,
    /// What happened.
    pub observed: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, observed {}",
            self.key, self.expected, self.observed
        )
    }
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

fn opt<T: fmt::Debug>(v: &Option<T>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "nothing".to_string(),
    }
}

/// Every expectation of `expect` that `obs` does not meet.
///
/// ```
/// use fetchguard::scenario::{check_expectations, Expect, FetchObservation};
/// let obs = FetchObservation { outcome: "response".into(), status: Some(200), ..Default::default() };
/// let expect = Expect { status: Some(404), ..Default::default() };
/// let m = check_expectations(&expect, &obs);
/// assert_eq!(m[0].to_string(), "status: expected 404, observed 200");
/// ```
pub fn check_expectations(expect: &Expect, obs: &FetchObservation) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut push = |key: String, expected: String, observed: String| {
        out.push(Mismatch {
            key,
            expected,
            observed,
        })
    };
    if let Some(o) = expect.outcome {
        let want = match o {
            OutcomeToken::Response => "response",
            OutcomeToken::Error => "error",
        };
        if obs.outcome != want {
            push("outcome".into(), q(want), q(&obs.outcome));
        }
    }
    if let Some(e) = &expect.error
        && obs.error.as_deref() != Some(e.as_str())
    {
        push("error".into(), q(e), opt(&obs.error));
    }
    if let Some(c) = &expect.console
        && *c != obs.console
    {
        push(
            "console".into(),
            format!("{c:?}"),
            format!("{:?}", obs.console),
        );
    }
    if let Some(t) = expect.rtype {
        let want = match t {
            TypeToken::Basic => "basic",
            TypeToken::Cors => "cors",
            TypeToken::Opaque => "opaque",
            TypeToken::OpaqueRedirect => "opaqueredirect",
        };
        if obs.rtype.as_deref() != Some(want) {
            push("type".into(), q(want), opt(&obs.rtype));
        }
    }
    if let Some(s) = expect.status
        && obs.status != Some(s)
    {
        push("status".into(), s.to_string(), opt(&obs.status));
    }
    if let Some(u) = &expect.url
        && obs.url.as_deref() != Some(u.as_str())
    {
        push("url".into(), q(u), opt(&obs.url));
    }
    if let Some(r) = expect.redirected
        && obs.redirected != Some(r)
    {
        push("redirected".into(), r.to_string(), opt(&obs.redirected));
    }
    if let Some(hs) = &expect.headers {
        for (name, value) in hs {
            let got = obs
                .headers
                .as_ref()
                .and_then(|h| h.get(&name.to_ascii_lowercase()));
            if got != Some(value.as_str()) {
                push(
                    format!("headers.{}", name.to_ascii_lowercase()),
                    q(value),
                    opt(&got),
                );
            }
        }
    }
    if let Some(hidden) = &expect.hidden_headers {
        for name in hidden {
            if let Some(v) = obs
                .headers
                .as_ref()
                .and_then(|h| h.get(&name.to_ascii_lowercase()))
            {
                push(
                    format!("hidden_headers.{}", name.to_ascii_lowercase()),
                    "hidden".into(),
                    format!("visible: {v:?}"),
                );
            }
        }
    }
    if let Some(b) = &expect.body
        && obs.body.as_deref() != Some(b.as_str())
    {
        push("body".into(), q(b), opt(&obs.body));
    }
    if let Some(w) = &expect.wire {
        check_wire(w, &obs.wire, &mut out);
    }
    out
}

fn check_wire(expect: &[WireExpect], wire: &[WireObservation], out: &mut Vec<Mismatch>) {
    let summary = |w: &[WireObservation]| {
        w.iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if expect.len() != wire.len() {
        out.push(Mismatch {
            key: "wire".into(),
            expected: count(expect.len(), "request", "requests"),
            observed: format!(
                "{} [{}]",
                count(wire.len(), "request", "requests"),
                summary(wire)
            ),
        });
        return;
    }
    for (i, (e, o)) in expect.iter().zip(wire).enumerate() {
        if let Some(m) = &e.method
            && *m != o.method
        {
            out.push(Mismatch {
                key: format!("wire[{i}].method"),
                expected: q(m),
                observed: q(&o.method),
            });
        }
        if let Some(u) = &e.url
            && *u != o.url
        {
            out.push(Mismatch {
                key: format!("wire[{i}].url"),
                expected: q(u),
                observed: q(&o.url),
            });
        }
        if let Some(hs) = &e.headers {
            for (name, value) in hs {
                let got = o.headers.get(&name.to_ascii_lowercase());
                if got != Some(value.as_str()) {
                    out.push(Mismatch {
                        key: format!("wire[{i}].headers.{}", name.to_ascii_lowercase()),
                        expected: q(value),
                        observed: opt(&got),
                    });
                }
            }
        }
        if let Some(absent) = &e.absent {
            for name in absent {
                if let Some(v) = o.headers.get(&name.to_ascii_lowercase()) {
                    out.push(Mismatch {
                        key: format!("wire[{i}].absent.{}", name.to_ascii_lowercase()),
                        expected: "not sent".into(),
                        observed: format!("sent: {v:?}"),
                    });
                }
            }
        }
    }
}

/// `n` and the noun, singular or plural: `count(1, "fetch", "fetches")` is `"1 fetch"`.
///
/// ```
/// use fetchguard::scenario::report::count;
/// assert_eq!(count(1, "scenario", "scenarios"), "1 scenario");
/// assert_eq!(count(0, "fetch", "fetches"), "0 fetches");
/// ```
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obs() -> FetchObservation {
        FetchObservation {
            outcome: "error".into(),
            error: Some("Failed to fetch".into()),
            console: vec!["line".into()],
            wire: vec![WireObservation {
                method: "OPTIONS".into(),
                url: "https://api.example/x".into(),
                headers: BTreeMap::from([(
                    "origin".to_string(),
                    "https://app.example".to_string(),
                )])
                .into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn passing_expectations_give_nothing() {
        let e = Expect {
            outcome: Some(OutcomeToken::Error),
            error: Some("Failed to fetch".into()),
            console: Some(vec!["line".into()]),
            wire: Some(vec![WireExpect {
                method: Some("OPTIONS".into()),
                headers: Some(BTreeMap::from([(
                    "Origin".to_string(),
                    "https://app.example".to_string(),
                )])),
                absent: Some(vec!["cookie".into()]),
                ..Default::default()
            }]),
            ..Default::default()
        };
        assert!(check_expectations(&e, &obs()).is_empty());
    }

    #[test]
    fn each_failing_key_is_named() {
        let e = Expect {
            outcome: Some(OutcomeToken::Response),
            status: Some(200),
            console: Some(vec![]),
            wire: Some(vec![WireExpect {
                method: Some("PUT".into()),
                absent: Some(vec!["origin".into()]),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let m: Vec<String> = check_expectations(&e, &obs())
            .iter()
            .map(|m| m.to_string())
            .collect();
        assert_eq!(
            m,
            [
                "outcome: expected \"response\", observed \"error\"",
                "console: expected [], observed [\"line\"]",
                "status: expected 200, observed nothing",
                "wire[0].method: expected \"PUT\", observed \"OPTIONS\"",
                "wire[0].absent.origin: expected not sent, observed sent: \"https://app.example\"",
            ]
        );
        let count = Expect {
            wire: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            check_expectations(&count, &obs())[0].to_string(),
            "wire: expected 0 requests, observed 1 request [OPTIONS https://api.example/x]"
        );
    }
}
