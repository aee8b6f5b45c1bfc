//! `check --json` is a machine interface: its bytes are pinned for one sample (a
//! preflighted PUT with a script header and a cookie), so a change in how the trace stores
//! headers cannot change the output.

use std::process::Command;
use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RecordedRequest, RequestLog};

const EXPECTED: &str = include_str!("json_pin.expected.json");

#[tokio::test]
async fn check_json_output_is_byte_identical_for_a_sample() {
    let server = OriginServer::start(
        "http://127.0.0.1",
        Arc::new(|req: &RecordedRequest| {
            CannedResponse::status(200)
                .header("Access-Control-Allow-Origin", "http://localhost:3000")
                .header("Access-Control-Allow-Credentials", "true")
                .header("Access-Control-Allow-Methods", "PUT")
                .header("Access-Control-Allow-Headers", "x-key, content-type")
                .header("Access-Control-Expose-Headers", "x-out")
                .header("X-Out", "é-not-ascii")
                .body(if req.method == "OPTIONS" {
                    ""
                } else {
                    "{\"ok\":true}"
                })
        }),
        None,
        RequestLog::default(),
    )
    .await
    .unwrap();
    let port = server.addr().port();
    let url = format!("http://127.0.0.1:{port}/items?q=1");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_fetchguard"))
            .env("NO_COLOR", "1")
            .args([
                "check",
                &url,
                "--origin",
                "http://localhost:3000",
                "-X",
                "PUT",
                "-H",
                "X-Key: k1",
                "-H",
                "Content-Type: application/json",
                "--credentials",
                "include",
                "--third-party-cookies",
                "allow",
                "--cookie",
                "sid=abc",
                "--data",
                "{}",
                "--json",
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let normalized = stdout.replace(&port.to_string(), "PORT");
    assert_eq!(normalized, EXPECTED, "{normalized}");
}
