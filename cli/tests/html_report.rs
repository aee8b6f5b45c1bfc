//! `fetchguard run --html FILE`: one self-contained page (no scripts, fonts or external
//! files) with a sequence diagram per fetch, loaded in headless Chromium without a single
//! console message, and rendered to a screenshot.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fetchguard"));
    c.env("NO_COLOR", "1");
    c
}

mod common;

const EXAMPLES: [&str; 3] = [
    "examples/json-post-preflighted.toml",
    "examples/no-cors-opaque.toml",
    "examples/credentials-with-wildcard.toml",
];

fn write_report(dir: &Path) -> (PathBuf, String) {
    let html = dir.join("report.html");
    let out = bin()
        .arg("run")
        .args(EXAMPLES)
        .arg("--html")
        .arg(&html)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    (html, text)
}

#[test]
fn the_report_is_self_contained_with_a_diagram_per_fetch() {
    let dir = common::Dir::new();
    let (_, html) = write_report(dir.path());
    // 2 + 3 + 2 fetches in the three files.
    assert_eq!(html.matches("<svg ").count(), 7, "one diagram per fetch");
    for forbidden in ["<script", "<link", "@import", "src=", "href=", "url(http"] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    assert!(html.contains("preflight OPTIONS /v1/comments"));
    assert!(html.contains("✗ CORS: the preflight answer did not send Access-Control-Allow-Origin"));
    assert!(html.contains("<th>the server sent</th><th>script sees</th>"));
    assert!(html.contains("so: the POST itself was never sent"));
    assert!(html.contains("warning: send this value only for origins you trust"));
    assert!(
        html.contains("status 200, 17 bytes"),
        "the opaque response's real answer"
    );
    assert!(html.contains("opaque response, status 0"));
    assert!(html.contains("console: Access to fetch at &#39;https://api.example/api/me&#39;"));
    assert!(html.contains("expectations held"));
}

#[test]
fn chromium_renders_the_report_without_console_messages() {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.is_file() {
        eprintln!("skipped: no Chromium at {}", chromium.display());
        return;
    }
    let dir = common::Dir::new();
    let (html, _) = write_report(dir.path());
    let shot = dir.path().join("shot.png");
    let out = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1300,2000",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 10_000,
        "a blank screenshot? {} bytes",
        png.len()
    );
}
