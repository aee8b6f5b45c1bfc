//! `docs/scenario-format.md` documents every key the scenario parser accepts, and its
//! worked examples are valid scenarios whose expectations hold.
//!
//! The keys are read from the parser's own source (`src/scenario/model.rs`: every field of
//! its `serde` structs, under its `rename` when it has one, and every `token!` value), so
//! a key added there without documentation fails here.

const MODEL: &str = include_str!("../src/scenario/model.rs");
const DOC: &str = include_str!("../docs/scenario-format.md");

/// The TOML keys of every struct field in `model.rs`.
fn struct_keys(src: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut in_struct = false;
    let mut rename: Option<String> = None;
    for line in src.lines() {
        let t = line.trim();
        if t.starts_with("pub struct ") && t.ends_with('{') {
            in_struct = true;
            rename = None;
            continue;
        }
        if !in_struct {
            continue;
        }
        if t == "}" {
            in_struct = false;
            continue;
        }
        if t.starts_with("#[serde(") {
            if let Some(i) = t.find("rename = \"") {
                let rest = &t[i + "rename = \"".len()..];
                rename = rest.split('"').next().map(str::to_string);
            }
            continue;
        }
        // `pub name: T,`, `pub(crate) name: T,` or a private `name: T,`.
        if t.starts_with("//") || t.starts_with('#') {
            continue;
        }
        let field = if let Some(r) = t.strip_prefix("pub(") {
            r.split_once(')').map_or(r, |(_, f)| f)
        } else {
            t.strip_prefix("pub ").unwrap_or(t)
        }
        .trim_start();
        if let Some((name, _)) = field.split_once(':')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            keys.push(rename.take().unwrap_or_else(|| name.to_string()));
        }
    }
    keys
}

/// The string values of every `token!(..)` enum in `model.rs` (the values keys take).
fn token_values(src: &str) -> Vec<String> {
    let mut values = Vec::new();
    for chunk in src.split("token!(").skip(1) {
        let body = chunk.split(");").next().unwrap_or("");
        for part in body.split("= \"").skip(1) {
            if let Some(v) = part.split('"').next()
                && !v.is_empty()
            {
                values.push(v.to_string());
            }
        }
    }
    values
}

fn documented(key: &str) -> bool {
    [
        format!("`{key}`"),
        format!("[{key}]"),
        format!("[[{key}]]"),
        format!(".{key}]"),
        format!("`\"{key}\"`"),
        format!("\"{key}\""),
    ]
    .iter()
    .any(|form| DOC.contains(form.as_str()))
}

#[test]
fn the_key_reader_sees_the_model() {
    // Guards the two readers above: if model.rs changes shape, they must still find keys.
    let keys = struct_keys(MODEL);
    for k in [
        "name",
        "url",
        "sandbox",
        "route",
        "server",
        "type",
        "absent",
        "known_difference",
    ] {
        assert!(
            keys.iter().any(|x| x == k),
            "{k} not read from model.rs: {keys:?}"
        );
    }
    assert!(
        !keys.iter().any(|x| x == "routes" || x == "rtype"),
        "{keys:?}"
    );
    let private = "pub struct A {\n    /// doc: with a colon\n    pub(crate) one: u8,\n    #[serde(rename = \"t\")]\n    two: u8,\n    publish: u8,\n}\n";
    assert_eq!(struct_keys(private), ["one", "t", "publish"]);
    let values = token_values(MODEL);
    for v in [
        "no-cors",
        "include",
        "manual",
        "opaqueredirect",
        "unsafe-url",
    ] {
        assert!(values.iter().any(|x| x == v), "{v} not read: {values:?}");
    }
}

#[test]
fn every_parser_key_is_documented() {
    let missing: Vec<String> = struct_keys(MODEL)
        .into_iter()
        .filter(|k| !documented(k))
        .collect();
    assert!(
        missing.is_empty(),
        "keys accepted by src/scenario/model.rs but not in docs/scenario-format.md: {missing:?}"
    );
}

#[test]
fn every_token_value_is_documented() {
    let missing: Vec<String> = token_values(MODEL)
        .into_iter()
        .filter(|v| !documented(v))
        .collect();
    assert!(
        missing.is_empty(),
        "values accepted by src/scenario/model.rs but not in docs/scenario-format.md: {missing:?}"
    );
}

/// The ```toml blocks of the "Worked examples" section.
fn worked_examples() -> Vec<String> {
    let section = DOC
        .split("\n## Worked examples\n")
        .nth(1)
        .expect("a Worked examples section")
        .split("\n## ")
        .next()
        .unwrap();
    section
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn worked_examples_are_valid_and_hold() {
    let examples = worked_examples();
    assert!(examples.len() >= 5, "{} examples", examples.len());
    let model_keys = struct_keys(MODEL);
    for (i, text) in examples.iter().enumerate() {
        let name = format!("docs-example-{}.toml", i + 1);
        let loaded = match fetchguard::scenario::parse_str(&name, text) {
            Ok(l) => l,
            Err(e) => {
                // A key of the contract the parser of this build does not know yet (it is
                // documented ahead of its implementation): tolerated only while model.rs
                // has no such field.
                let msg = e.to_string();
                let pending = msg
                    .split("unknown field `")
                    .nth(1)
                    .and_then(|r| r.split('`').next())
                    .filter(|k| !model_keys.iter().any(|m| m == k));
                assert!(pending.is_some(), "{name} does not parse: {msg}\n{text}");
                continue;
            }
        };
        let report = fetchguard::scenario::run_scenario(&loaded).await;
        assert!(
            report.passed(),
            "{name}: {}\n{text}",
            fetchguard::scenario::report::render_scenario(
                &report,
                fetchguard::scenario::report::Style::plain()
            )
        );
    }
}

#[test]
fn the_readme_example_is_the_compiled_one() {
    let readme = include_str!("../README.md");
    let example = include_str!("readme.rs");
    assert!(
        readme.contains(&format!("```rust\n{example}```\n")),
        "README.md's Rust example differs from tests/readme.rs: copy the file into the README"
    );
}
