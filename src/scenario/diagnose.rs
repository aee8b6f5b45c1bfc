//! Every error of a scenario file, not only the first: when the file does not deserialize,
//! each key of each table is deserialized again on its own, so that every unknown key and
//! every bad value that can be judged independently is reported with its own position.
//!
//! The structs of `model.rs` stay the one definition of the format: a key is probed by
//! deserializing its table's struct from a table holding that key alone (a "missing
//! field" the lone key causes is not its error). Only the nesting is spelled out here
//! ([`Node`]): which keys hold tables or arrays of tables of another struct, so that
//! their keys are probed one by one too.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::model::{
    BrowserSpec, CookieSpec, Expect, FetchSpec, PageSpec, RouteSpec, Scenario, ServerSpec,
    WireExpect,
};

/// One error: where (a byte range of the file, when known) and what.
pub(crate) type Found = (Option<Range<usize>>, String);

/// A table's struct and the keys that hold nested structs.
struct Node {
    /// Deserializes the struct from a table.
    probe: fn(Spanned<DeValue<'_>>) -> Result<(), toml::de::Error>,
    /// `(key, holds an array of tables, the nested struct)`.
    children: &'static [(&'static str, bool, &'static Node)],
}

fn probe_as<T: DeserializeOwned>(v: Spanned<DeValue<'_>>) -> Result<(), toml::de::Error> {
    T::deserialize(ValueDeserializer::from(v)).map(|_| ())
}

static WIRE: Node = Node {
    probe: probe_as::<WireExpect>,
    children: &[],
};
static EXPECT_ENGINE: Node = Node {
    probe: probe_as::<Expect>,
    children: &[("wire", true, &WIRE)],
};
static EXPECT: Node = Node {
    probe: probe_as::<Expect>,
    children: &[
        ("wire", true, &WIRE),
        ("chromium", false, &EXPECT_ENGINE),
        ("firefox", false, &EXPECT_ENGINE),
        ("webkit", false, &EXPECT_ENGINE),
    ],
};
static FETCH: Node = Node {
    probe: probe_as::<FetchSpec>,
    children: &[("expect", false, &EXPECT)],
};
static ROUTE: Node = Node {
    probe: probe_as::<RouteSpec>,
    children: &[],
};
static SERVER: Node = Node {
    probe: probe_as::<ServerSpec>,
    children: &[("route", true, &ROUTE)],
};
static PAGE: Node = Node {
    probe: probe_as::<PageSpec>,
    children: &[],
};
static BROWSER: Node = Node {
    probe: probe_as::<BrowserSpec>,
    children: &[],
};
static COOKIE: Node = Node {
    probe: probe_as::<CookieSpec>,
    children: &[],
};
static SCENARIO: Node = Node {
    probe: probe_as::<Scenario>,
    children: &[
        ("page", false, &PAGE),
        ("browser", false, &BROWSER),
        ("cookie", true, &COOKIE),
        ("server", true, &SERVER),
        ("fetch", true, &FETCH),
    ],
};

/// Every deserialization error of the document `root` (already parsed as TOML), in file
/// order; empty when it deserializes.
pub(crate) fn all_errors(root: &Spanned<DeTable<'_>>) -> Vec<Found> {
    let mut out = Vec::new();
    table(&SCENARIO, root.get_ref(), root.span(), &mut out);
    out.sort_by_key(|(span, _)| span.as_ref().map_or(0, |s| s.start));
    out.dedup();
    out
}

fn found(e: toml::de::Error) -> Found {
    (e.span(), e.message().trim_end().to_string())
}

fn is_missing(e: &toml::de::Error) -> bool {
    e.message().starts_with("missing field")
}

fn table(node: &Node, t: &DeTable<'_>, span: Range<usize>, out: &mut Vec<Found>) {
    let mut clean = DeTable::new();
    for (k, v) in t.iter() {
        let child = node
            .children
            .iter()
            .find(|(name, _, _)| *name == k.get_ref());
        let nested = match (child, v.get_ref()) {
            (Some((_, false, n)), DeValue::Table(inner)) => {
                let before = out.len();
                table(n, inner, v.span(), out);
                Some(out.len() == before)
            }
            (Some((_, true, n)), DeValue::Array(items))
                if items
                    .iter()
                    .all(|i| matches!(i.get_ref(), DeValue::Table(_))) =>
            {
                let before = out.len();
                for item in items.iter() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        table(n, inner, item.span(), out);
                    }
                }
                Some(out.len() == before)
            }
            _ => None,
        };
        let ok = match nested {
            Some(ok) => ok,
            None => {
                let mut alone = DeTable::new();
                alone.insert(k.clone(), v.clone());
                match (node.probe)(Spanned::new(span.clone(), DeValue::Table(alone))) {
                    Err(e) if !is_missing(&e) => {
                        out.push(found(e));
                        false
                    }
                    _ => true,
                }
            }
        };
        if ok {
            clean.insert(k.clone(), v.clone());
        }
    }
    // A required key that is not there at all (the keys in error are left out of this
    // probe, so their absence is not reported again).
    if let Err(e) = (node.probe)(Spanned::new(span.clone(), DeValue::Table(clean)))
        && is_missing(&e)
    {
        let name = e.message().split('`').nth(1).unwrap_or_default();
        if !t.iter().any(|(k, _)| k.get_ref() == name) {
            out.push(found(e));
        }
    }
}
