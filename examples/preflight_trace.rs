//! The library API directly: a real HTTPS origin on 127.0.0.1, a page at another origin,
//! a preflighted PUT, and the trace of what went on the wire.
//! Run: `cargo run --example preflight_trace`.

use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RecordedRequest, RequestLog, TestCa};
use fetchguard::{Browser, Request};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // An API that allows PUT from the app, but forgot the custom header.
    let ca = TestCa::new()?;
    let api = OriginServer::start(
        "https://api.example",
        Arc::new(|req: &RecordedRequest| {
            let origin = req.header("origin").unwrap_or("").to_string();
            CannedResponse::status(200)
                .header("Access-Control-Allow-Origin", &origin)
                .header("Access-Control-Allow-Methods", "PUT")
                .header("Access-Control-Max-Age", "60")
                .body(format!("{} done", req.method))
        }),
        Some(&ca),
        RequestLog::default(),
    )
    .await?;

    let browser = Browser::builder()
        .add_root_certificate_der(ca.root_der().to_vec())
        .resolve("api.example", 443, api.addr())
        .only_resolved_hosts()
        .build();
    let page = browser.page("https://app.example/editor")?;

    for req in [
        Request::put("https://api.example/doc/1").body("v2"),
        Request::put("https://api.example/doc/1").body("v3"),
        Request::put("https://api.example/doc/1")
            .header("X-Request-Id", "7")
            .body("v4"),
    ] {
        println!("== {} {}", req.method(), req.url());
        match page.fetch(req).await {
            Ok(r) => {
                print!("{}", r.trace());
                println!("script reads: {} {}\n", r.status(), r.text());
            }
            Err(e) => {
                print!("{}", e.trace());
                println!("script gets: TypeError: {}", e.message());
                for line in e.console() {
                    println!("console: {line}");
                }
                println!();
            }
        }
    }
    Ok(())
}
