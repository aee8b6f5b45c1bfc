//! `fetchguard check` and Local Network Access: a public page reaching a server on this
//! machine (127.0.0.1, the loopback space) is denied unless `--allow-loopback-network`
//! grants the permission; the two permissions are independent, a non-secure page is denied
//! whatever is granted, and `--target-address-space` must name the space reached.

use std::process::{Command, Output};
use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RecordedRequest, RequestLog};

fn run(args: Vec<String>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fetchguard"))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// Runs `check URL --origin ORIGIN EXTRA...` off the runtime (the server stays served).
async fn check(url: &str, origin: &str, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "check".to_string(),
        url.to_string(),
        "--origin".to_string(),
        origin.to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = tokio::task::spawn_blocking(move || run(args))
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[tokio::test]
async fn check_gates_a_public_page_reaching_loopback_by_the_permission_flags() {
    let log = RequestLog::default();
    let server = OriginServer::start(
        "http://127.0.0.1",
        Arc::new(|_: &RecordedRequest| {
            CannedResponse::status(200)
                .header("Access-Control-Allow-Origin", "*")
                .body("ok")
        }),
        None,
        log.clone(),
    )
    .await
    .unwrap();
    let url = format!("http://127.0.0.1:{}/api", server.addr().port());
    let sent = || log.lock().unwrap().len();
    let denied = format!(
        "Access to fetch at '{url}' from origin 'https://chat.example' has been blocked by CORS policy: Permission was denied for this request to access the `loopback` address space."
    );

    // No permission: denied, nothing sent.
    let (code, text) = check(&url, "https://chat.example", &[]).await;
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&denied), "{text}");
    assert_eq!(sent(), 0, "a denied request never leaves the browser");

    // The local-network permission says nothing about loopback.
    let (code, text) = check(&url, "https://chat.example", &["--allow-local-network"]).await;
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&denied), "{text}");
    assert_eq!(sent(), 0);

    // Granted: the request goes out as any CORS request and is readable.
    let (code, text) = check(&url, "https://chat.example", &["--allow-loopback-network"]).await;
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("Permission was denied"), "{text}");
    assert_eq!(sent(), 1);

    // Granted, but targetAddressSpace names another space: refused, nothing sent.
    let (code, text) = check(
        &url,
        "https://chat.example",
        &[
            "--allow-loopback-network",
            "--target-address-space",
            "local",
        ],
    )
    .await;
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("Request had a target IP address space of `local` yet the resource is in address space `loopback`."),
        "{text}"
    );
    assert_eq!(sent(), 1);

    // A non-secure public page is denied whatever is granted.
    let (code, text) = check(&url, "http://shop.example", &["--allow-loopback-network"]).await;
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("The request client is not a secure context and the resource is in more-private address space `loopback`."),
        "{text}"
    );
    assert_eq!(sent(), 1);

    // A page on this machine needs no permission at all.
    let (code, text) = check(&url, "http://localhost:3000", &[]).await;
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(sent(), 2);
}
