//! The `fetchguard` command: exit codes, error messages, JSON, and `check` against a real
//! local server.

use std::io::Write;
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
    let dir = tempdir::Dir::new();
    let path = dir.path().join("s.toml");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    (dir, path)
}

/// A tiny self-cleaning temporary directory (no extra crate).
mod tempdir {
    use std::path::{Path, PathBuf};
    pub struct Dir(PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!(
                "fetchguard-cli-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos()
            ));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

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
        stdout.contains("1 scenarios: 1 passed, 0 failed (1 fetches, 0 with a mismatch)"),
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
    let recorded = log.lock().unwrap();
    assert_eq!(recorded.len(), 2);
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
        concat!(env!("CARGO_MANIFEST_DIR"), "/wpt-subset"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let table = String::from_utf8(out.stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
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
