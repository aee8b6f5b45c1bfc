//! The `fetchguard` command: exit codes, error messages, JSON, and `check` against a real
//! local server.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RequestLog};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fetchguard"));
    c.env("NO_COLOR", "1");
    c
}

fn scenario(text: &str) -> (tempdir::Dir, PathBuf) {
    common::file("s.toml", text)
}

mod common;
use common as tempdir;

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

const PASSING: &str = r#"
[page]
url = "https://app.example/"

[[server]]
origin = "https://api.example"
[[server.route]]
path = "/data"
headers = [["Access-Control-Allow-Origin", "{{origin}}"], ["X-Secret", "1"]]
body = "hello"

[[fetch]]
url = "https://api.example/data"
[fetch.expect]
outcome = "response"
type = "cors"
status = 200
body = "hello"
hidden_headers = ["x-secret"]
console = []
[[fetch.expect.wire]]
method = "GET"
url = "https://api.example/data"
headers = { origin = "https://app.example" }
absent = ["cookie"]
"#;

#[test]
fn a_passing_scenario_exits_0_and_prints_the_trace() {
    let (_d, path) = scenario(PASSING);
    let out = run(&["run", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("→ GET https://api.example/data"),
        "{stdout}"
    );
    assert!(stdout.contains("origin: https://app.example"), "{stdout}");
    assert!(
        stdout.contains("script reads: cors response, status 200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 scenario: 1 passed, 0 failed (1 fetch, 0 with a mismatch)"),
        "{stdout}"
    );
    assert!(!stdout.contains("\x1b["), "NO_COLOR means no colour");
}

#[test]
fn a_failing_expectation_exits_1_and_names_scenario_fetch_key() {
    let (_d, path) = scenario(&PASSING.replace("status = 200", "status = 201"));
    let out = run(&["run", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("MISMATCH s / fetch #1 / status: expected 201, observed 200"),
        "{stdout}"
    );
}

#[test]
fn an_invalid_file_exits_2_with_file_line_column_and_runs_nothing() {
    let (_d, path) = scenario(&PASSING.replace("type = \"cors\"", "type = \"cros\""));
    let out = run(&["run", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr.trim(),
        format!(
            "{}:16:8: unknown variant `cros`, expected one of `basic`, `cors`, `opaque`, `opaqueredirect`",
            path.display()
        )
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_paths_and_unknown_flags_exit_2() {
    let out = run(&["run", "/nonexistent/x.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "/nonexistent/x.toml: no such file or directory"
    );
    assert_eq!(run(&["run"]).status.code(), Some(2));
    assert_eq!(run(&["run", "--bogus", "x"]).status.code(), Some(2));
}

#[test]
fn json_output_fills_every_observed_field() {
    let (_d, path) = scenario(PASSING);
    let out = run(&["run", "--json", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v[0]["fetches"][0];
    assert_eq!(v[0]["name"], "s");
    assert_eq!(f["outcome"], "response");
    assert_eq!(f["type"], "cors");
    assert_eq!(f["status"], 200);
    assert_eq!(f["url"], "https://api.example/data");
    assert_eq!(f["redirected"], false);
    assert_eq!(f["body"], "hello");
    assert_eq!(f["console"], serde_json::json!([]));
    assert_eq!(f["headers"]["content-length"], "5");
    assert!(f["headers"].get("x-secret").is_none());
    assert_eq!(f["wire"][0]["method"], "GET");
    assert_eq!(f["wire"][0]["headers"]["origin"], "https://app.example");
    assert_eq!(f["wire"][0]["headers"]["sec-fetch-mode"], "cors");
}

#[test]
fn hosts_no_server_names_are_unreachable() {
    let (_d, path) = scenario(
        r#"
[page]
url = "https://app.example/"
[[fetch]]
url = "https://nowhere.example/x"
[fetch.expect]
outcome = "error"
error = "Failed to fetch"
console = []
wire = []
"#,
    );
    let out = run(&["run", path.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn check_reports_a_blocked_response_and_exits_1() {
    let log = RequestLog::default();
    let server = OriginServer::start(
        "http://127.0.0.1",
        Arc::new(
            |req: &fetchguard::loopback::RecordedRequest| match req.url.path() {
                "/open" => CannedResponse::status(200)
                    .header("Access-Control-Allow-Origin", "*")
                    .body("ok"),
                _ => CannedResponse::status(200).body("secret"),
            },
        ),
        None,
        log.clone(),
    )
    .await
    .unwrap();
    let base = format!("http://127.0.0.1:{}", server.addr().port());
    let blocked = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            run(&[
                "check",
                &format!("{base}/closed"),
                "--origin",
                "http://localhost:3000",
            ])
        }
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&blocked.stdout);
    assert_eq!(blocked.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("Access to fetch at '{base}/closed' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")), "{stdout}");
    assert!(
        stdout.contains("the request reached the server"),
        "{stdout}"
    );
    let open = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            run(&[
                "check",
                &format!("{base}/open"),
                "--origin",
                "http://localhost:3000",
                "--json",
            ])
        }
    })
    .await
    .unwrap();
    assert_eq!(open.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&open.stdout).unwrap();
    assert_eq!(v["type"], "cors");
    assert_eq!(v["body"], "ok");
    assert_eq!(v["wire"][0]["headers"]["origin"], "http://localhost:3000");
    assert!(
        stdout.contains("fix: for http://localhost:3000 to read this, the server must send `Access-Control-Allow-Origin: http://localhost:3000`"),
        "{stdout}"
    );
    // The human form of the readable response shows the body with its size, and
    // --verbose shows every header sent (user-agent is never among the CORS ones).
    let human = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            run(&[
                "check",
                &format!("{base}/open"),
                "--origin",
                "http://localhost:3000",
                "--verbose",
            ])
        }
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), Some(0), "{text}");
    assert!(text.contains("  body: 2 bytes: \"ok\""), "{text}");
    assert!(text.contains("user-agent: "), "{text}");
    assert!(!text.contains("--verbose shows"), "{text}");
    assert!(stdout.contains("--verbose shows the "), "{stdout}");
    let recorded = log.lock().unwrap();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0].header("origin"), Some("http://localhost:3000"));
}

#[test]
fn check_does_not_claim_a_refused_request_reached_the_server() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/x");
    let out = run(&["check", &url, "--origin", "http://localhost:3000"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Failed to fetch"), "{stdout}");
    assert!(!stdout.contains("reached the server"), "{stdout}");
    let out = run(&["check", &url, "--origin", "http://localhost:3000", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "error");
    assert_eq!(v["wire"], serde_json::json!([]), "nothing arrived anywhere");
}

#[test]
fn check_rejects_bad_arguments_with_exit_2() {
    let out = run(&["check", "ftp://x/", "--origin", "https://a.example"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "fetchguard check: URL: scheme 'ftp' is not http or https"
    );
    let out = run(&[
        "check",
        "https://a.example/",
        "--origin",
        "https://a.example",
        "-H",
        "nocolon",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "fetchguard check: -H 'nocolon': expected 'Name: value'"
    );
}

#[test]
fn the_readme_conformance_table_is_current() {
    let out = run(&[
        "run",
        "--report",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../wpt-subset"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("<!-- conformance-table:start -->\n")
        .expect("start marker")
        + "<!-- conformance-table:start -->\n".len();
    let end = readme
        .find("<!-- conformance-table:end -->")
        .expect("end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README.md is stale: paste the output of `cargo run -- run wpt-subset/ --report`"
    );
}

/// A minimal, strict XML reader for the JUnit test: elements, attributes, text and the
/// five predefined entities; anything malformed panics.
mod xml {
    #[derive(Debug)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Element>,
        pub text: String,
    }

    impl Element {
        pub fn attr(&self, n: &str) -> &str {
            self.attrs
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("<{}> has no {n}", self.name))
        }
        pub fn all(&self, n: &str) -> Vec<&Element> {
            let mut out = Vec::new();
            for c in &self.children {
                if c.name == n {
                    out.push(c);
                }
                out.extend(c.all(n));
            }
            out
        }
    }

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..].find(';').expect("unterminated entity") + i;
            out.push(match &rest[i + 1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                e => panic!("unknown entity &{e};"),
            });
            rest = &rest[end + 1..];
        }
        assert!(!rest.contains('<'), "raw < in text");
        out.push_str(rest);
        out
    }

    pub fn parse(doc: &str) -> Element {
        let doc = doc.trim_start();
        let doc = match doc.strip_prefix("<?xml") {
            Some(r) => &r[r.find("?>").expect("unterminated declaration") + 2..],
            None => doc,
        };
        let (e, rest) = element(doc.trim_start());
        assert!(rest.trim().is_empty(), "content after the root: {rest:?}");
        e
    }

    fn element(s: &str) -> (Element, &str) {
        let s = s.strip_prefix('<').expect("expected <");
        let name_end = s
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap();
        let name = s[..name_end].to_string();
        let mut s = &s[name_end..];
        let mut attrs = Vec::new();
        loop {
            s = s.trim_start();
            if let Some(r) = s.strip_prefix("/>") {
                let e = Element {
                    name,
                    attrs,
                    children: vec![],
                    text: String::new(),
                };
                return (e, r);
            }
            if let Some(r) = s.strip_prefix('>') {
                s = r;
                break;
            }
            let eq = s.find('=').expect("attribute without =");
            let key = s[..eq].trim().to_string();
            let r = s[eq + 1..].strip_prefix('"').expect("unquoted attribute");
            let close = r.find('"').expect("unterminated attribute");
            assert!(!r[..close].contains('<'), "raw < in an attribute");
            attrs.push((key, unescape(&r[..close])));
            s = &r[close + 1..];
        }
        let mut children = Vec::new();
        let mut text = String::new();
        loop {
            let lt = s.find('<').expect("unclosed element");
            text.push_str(&unescape(&s[..lt]));
            s = &s[lt..];
            if let Some(r) = s.strip_prefix("</") {
                let gt = r.find('>').unwrap();
                assert_eq!(&r[..gt], name, "mismatched closing tag");
                let e = Element {
                    name,
                    attrs,
                    children,
                    text,
                };
                return (e, &r[gt + 1..]);
            }
            let (c, r) = element(s);
            children.push(c);
            s = r;
        }
    }
}

#[test]
fn junit_has_one_testcase_per_fetch_with_escaped_mismatches() {
    // Two fetches: the first passes, the second fails on a body holding XML's specials.
    let text = "name = \"a <b> & 'c'\"\n".to_string()
        + PASSING
        + r#"
[[fetch]]
url = "https://api.example/data"
[fetch.expect]
body = "<x a=\"1\"> & \u0001"
"#;
    let (d, path) = scenario(&text);
    let report = d.path().join("junit.xml");
    let out = run(&[
        "run",
        path.to_str().unwrap(),
        "--junit",
        report.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = std::fs::read_to_string(&report).unwrap();
    let root = xml::parse(&doc);
    assert_eq!(root.name, "testsuites");
    assert_eq!(root.attr("tests"), "2");
    assert_eq!(root.attr("failures"), "1");
    let cases = root.all("testcase");
    assert_eq!(cases.len(), 2, "{doc}");
    assert_eq!(cases[0].attr("classname"), "a <b> & 'c'");
    assert_eq!(
        cases[0].attr("name"),
        "fetch #1 GET https://api.example/data"
    );
    assert!(cases[0].children.is_empty(), "{doc}");
    assert_eq!(
        cases[1].attr("name"),
        "fetch #2 GET https://api.example/data"
    );
    let failure = &cases[1].children[0];
    assert_eq!(failure.name, "failure");
    assert!(
        failure
            .text
            .contains(r#"body: expected "<x a=\"1\"> & \u{1}", observed "hello""#),
        "{}",
        failure.text
    );
}

#[test]
fn a_directory_without_scenarios_is_exit_2_not_an_empty_pass() {
    let d = tempdir::Dir::new();
    for cmd in ["run", "verify"] {
        let out = run(&[cmd, d.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {stderr}");
        assert!(
            stderr.contains("no scenario file (*.toml) in"),
            "{cmd}: {stderr}"
        );
        assert!(String::from_utf8_lossy(&out.stdout).is_empty());
    }
}

#[test]
fn every_command_help_lists_its_exit_codes() {
    for cmd in ["run", "verify", "check"] {
        let out = run(&[cmd, "--help"]);
        let help = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0));
        for code in ["Exit status:", "  0  ", "  1  ", "  2  "] {
            assert!(help.contains(code), "{cmd} --help lacks {code:?}:\n{help}");
        }
    }
    let check = run(&["check", "--help"]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("real DNS and TLS"));
}

#[test]
fn check_origin_must_be_an_origin() {
    for bad in [
        "https://app.example/index.html",
        "https://app.example/?x=1",
        "https://app.example#top",
    ] {
        let out = run(&["check", "https://a.example/", "--origin", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(
            stderr.contains(
                "is a URL, not an origin: give scheme://host[:port] only, e.g. https://app.example"
            ),
            "{bad}: {stderr}"
        );
    }
}

#[test]
fn run_verbose_shows_every_header_and_the_default_says_how() {
    let (_d, path) = scenario(PASSING);
    let short = run(&["run", path.to_str().unwrap()]);
    let short = String::from_utf8_lossy(&short.stdout);
    assert!(!short.contains("user-agent:"), "{short}");
    assert!(
        short.contains(
            "(headers shown: those that matter for CORS and cookies; --verbose shows the "
        ),
        "{short}"
    );
    let long = run(&["run", "--verbose", path.to_str().unwrap()]);
    let long = String::from_utf8_lossy(&long.stdout);
    assert_eq!(long.matches("user-agent: ").count(), 1, "{long}");
    assert!(!long.contains("--verbose shows"), "{long}");
}
