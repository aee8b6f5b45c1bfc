//! `run --browser`: one engine's profile and its own expectations
//! (`[fetch.expect.ENGINE]`), several engines side by side, their JSON; and a scenario
//! file with several mistakes reported in full.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fetchguard"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

mod common;
use common::file;

/// A readable CORS GET; Firefox's table expects a status no engine gives, so only a run
/// as Firefox can fail, and only on that key.
const OVERRIDDEN: &str = r#"
[page]
url = "https://app.example/"

[[server]]
origin = "https://api.example"
[[server.route]]
path = "/data"
headers = [["Access-Control-Allow-Origin", "*"]]
body = "hello"

[[fetch]]
url = "https://api.example/data"
[fetch.expect]
outcome = "response"
status = 200
body = "hello"
[fetch.expect.firefox]
status = 299
"#;

#[test]
fn each_engine_checks_its_own_expectations() {
    let (_dir, path) = file("overridden.toml", OVERRIDDEN);
    let p = path.to_str().unwrap();
    for engine in ["chromium", "webkit"] {
        let out = run(&["run", "--browser", engine, p]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{engine}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = run(&["run", "--browser", "firefox", p]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("status: expected 299, observed 200"),
        "{stdout}"
    );
    assert!(!stdout.contains("body: expected"), "{stdout}");

    // Several engines: each checks its own; Firefox fails, the run exits 1.
    let out = run(&["run", "--browser", "all", p]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("  chromium: expectations held\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  webkit: expectations held\n"), "{stdout}");
    assert!(
        stdout.contains(
            "  firefox: expectations FAILED\n      fetch #1: status: expected 299, observed 200\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("firefox: 1 scenario: 0 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn an_engine_known_difference_is_reported_for_that_engine_only() {
    let text = OVERRIDDEN.replace(
        "[fetch.expect.firefox]\nstatus = 299\n",
        "[fetch.expect.firefox]\nknown_difference = \"the profile does not model it\"\nstatus = 299\n",
    );
    let (_dir, path) = file("known.toml", &text);
    let p = path.to_str().unwrap();
    // Firefox: the mismatch is a known difference, not a failure.
    let out = run(&["run", "--browser", "firefox", p]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("known difference: the profile does not model it"),
        "{stdout}"
    );
    // Firefox's marker on a fetch Firefox's profile gets right: a stale marker fails.
    let stale = text.replace("status = 299\n", "");
    let (_dir2, path2) = file("stale.toml", &stale);
    let out = run(&["run", "--browser", "firefox", path2.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("UNEXPECTED PASS"), "{stdout}");
    // Chromium and WebKit do not see Firefox's marker.
    for engine in ["chromium", "webkit"] {
        let out = run(&["run", "--browser", engine, path2.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{engine}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn several_engines_show_their_differences_side_by_side() {
    let text = OVERRIDDEN.replace("[fetch.expect.firefox]\nstatus = 299\n", "");
    let (_dir, path) = file("side.toml", &text);
    let p = path.to_str().unwrap();
    let out = run(&["run", "--browser", "chromium,firefox,webkit", p]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // The profiles send different identity headers: one view names each engine's value.
    assert!(
        stdout.contains("  fetch #1 GET https://api.example/data: the engines differ on"),
        "{stdout}"
    );
    let ua = stdout
        .split("      wire[0].headers.user-agent:\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no user-agent difference: {stdout}"));
    let lines: Vec<&str> = ua.lines().take(3).collect();
    assert!(lines[0].starts_with("        chromium  \""), "{stdout}");
    assert!(lines[1].starts_with("        firefox   \""), "{stdout}");
    assert!(lines[2].starts_with("        webkit    \""), "{stdout}");
    assert_ne!(lines[0][18..], lines[1][18..]);

    // The same in JSON: every engine's reports, and the differences per fetch.
    let out = run(&["run", "--browser", "chromium,firefox,webkit", "--json", p]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for e in ["chromium", "firefox", "webkit"] {
        assert_eq!(v["runs"][e][0]["fetches"][0]["body"], "hello", "{e}");
    }
    let d = &v["differences"][0];
    assert_eq!(d["fetch"], 1);
    assert_eq!(d["url"], "https://api.example/data");
    let ua = d["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "wire[0].headers.user-agent")
        .expect("a user-agent field");
    for e in ["chromium", "firefox", "webkit"] {
        assert!(
            ua["values"][e].as_str().unwrap().contains("Mozilla/5.0"),
            "{e}"
        );
    }
    // One engine's JSON keeps the form it always had: an array of reports.
    let out = run(&["run", "--browser", "webkit", "--json", p]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["fetches"][0]["status"], 200);
}

#[test]
fn a_file_with_three_mistakes_reports_all_three() {
    let text = r#"[page]
url = "https://app.example/"
colour = "blue"

[[fetch]]
url = "https://api.example/a"
mode = "navigate"

[[fetch]]
url = "https://api.example/b"
[fetch.expect]
status = "ok"
"#;
    let (_dir, path) = file("three.toml", text);
    let p = path.to_str().unwrap();
    let out = run(&["run", p]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing runs");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("{p}:3:1: unknown field `colour`")),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!("{p}:7:8: unknown variant `navigate`")),
        "{stderr}"
    );
    assert!(
        lines[2].starts_with(&format!("{p}:12:10: invalid type: string \"ok\"")),
        "{stderr}"
    );
}

/// The WebKit oracle's programs are here (else the verify test says so and passes).
fn webkit_available() -> bool {
    let python = std::env::var("WEBKIT_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let gi = Command::new(&python)
        .args([
            "-c",
            "import gi; gi.require_version('WebKit2', '4.1'); from gi.repository import WebKit2",
        ])
        .output();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    gi.is_ok_and(|o| o.status.success())
        && std::path::Path::new("/usr/bin/xvfb-run").is_file()
        && std::path::Path::new(&chromium).is_file()
}

/// Chromium and WebKitGTK, for real: `--update` records WebKit's TypeError in
/// `[fetch.expect.webkit]` only, `--differences-md` writes the table of what the two
/// browsers did differently, and `--report-only` exits 0 although the engine's WebKit
/// profile may still differ from WebKit.
#[test]
fn verify_in_two_browsers_records_and_tabulates_their_differences() {
    if !webkit_available() {
        eprintln!("skipped: Chromium or WebKitGTK's bindings are not installed");
        return;
    }
    let text = r#"[page]
url = "https://app.example/"

[[server]]
origin = "https://api.example"
[[server.route]]
path = "/me"
body = "ada"

[[fetch]]
url = "https://api.example/me"
[fetch.expect]
outcome = "error"
"#;
    let (_dir, path) = file("two.toml", text);
    let md = path.with_file_name("differences.md");
    let out = run(&[
        "verify",
        "--browser",
        "chromium,webkit",
        "--update",
        "--report-only",
        "--differences-md",
        md.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("two (") && stdout.contains(") in Chromium: "),
        "{stdout}"
    );
    assert!(stdout.contains(") in WebKit: "), "{stdout}");
    assert!(
        stdout.contains("\nwebkit: 1 scenario, 1 fetch: "),
        "{stdout}"
    );

    let updated = std::fs::read_to_string(&path).unwrap();
    let loaded = fetchguard::scenario::parse_str("two.toml", &updated).unwrap();
    let expect = loaded.scenario.fetches[0].expect.clone().unwrap();
    // Chromium's observation is the base; WebKit's table holds what WebKit does
    // differently: its TypeError, not the outcome they share.
    assert_eq!(expect.error.as_deref(), Some("Failed to fetch"));
    let webkit = expect.override_for(fetchguard::Engine::Webkit).unwrap();
    assert_eq!(webkit.error.as_deref(), Some("Load failed"));
    assert!(webkit.outcome.is_none(), "{updated}");
    assert!(expect.firefox.is_none() && expect.chromium.is_none());

    let table = std::fs::read_to_string(&md).unwrap();
    assert!(
        table.starts_with("| Field | WebKit differs from Chromium |\n|---|---|\n"),
        "{table}"
    );
    assert!(
        table.contains("\n| `error` | 1 of 1 (two #1) |\n"),
        "{table}"
    );
    assert!(!table.contains("`outcome`"), "{table}");
}
