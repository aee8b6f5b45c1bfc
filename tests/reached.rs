//! "Reached the server" means a server received the request: an attempt that failed before
//! (name not resolved, connection refused) is neither in the trace's wire nor counted by
//! `reached_server()` / `assert_reached_server()`; the trace's wire and the servers' log
//! list the same requests.

use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RequestLog};
use fetchguard::{Browser, FailureReason, FetchAssertions, NetError, Request};

/// A 127.0.0.1 port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn an_unresolved_host_was_not_reached() {
    let b = Browser::builder().only_resolved_hosts().build();
    let page = b.page("https://app.example/").unwrap();
    let e = page
        .fetch(Request::get("https://nowhere.example/x"))
        .await
        .assert_failed();
    assert_eq!(
        e.reason(),
        &FailureReason::Network(NetError::NameNotResolved)
    );
    assert!(!e.trace().reached_server(), "{}", e.trace());
    assert!(e.trace().wire().is_empty(), "{}", e.trace());
    assert!(
        e.trace()
            .to_string()
            .contains("GET https://nowhere.example/x (attempted; no server received it)"),
        "{}",
        e.trace()
    );
}

#[tokio::test]
async fn assert_reached_server_fails_when_the_connection_is_refused() {
    let port = closed_port();
    let b = Browser::builder()
        .resolve("api.example", 80, ([127, 0, 0, 1], port).into())
        .only_resolved_hosts()
        .build();
    let page = b.page("http://app.example/").unwrap();
    let result = page.fetch(Request::post("http://api.example/x")).await;
    let e = result.as_ref().expect_err("refused");
    assert!(matches!(
        e.reason(),
        FailureReason::Network(NetError::ConnectionFailed(_))
    ));
    assert!(!e.trace().reached_server());
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = result.assert_reached_server();
    }));
    assert!(
        panicked.is_err(),
        "assert_reached_server passed for a refused connection"
    );
}

#[tokio::test]
async fn the_trace_wire_lists_what_the_server_received() {
    let log = RequestLog::default();
    let server = OriginServer::start(
        "http://api.example",
        Arc::new(|_| CannedResponse::status(200).body("hi")),
        None,
        log.clone(),
    )
    .await
    .unwrap();
    let b = Browser::builder()
        .resolve("api.example", 80, server.addr())
        .only_resolved_hosts()
        .build();
    let page = b.page("http://app.example/").unwrap();
    let e = page
        .fetch(Request::get("http://api.example/x"))
        .await
        .assert_reached_server()
        .assert_failed();
    let wire: Vec<String> = e.trace().wire().iter().map(|w| w.url.to_string()).collect();
    let received: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.url.to_string())
        .collect();
    assert_eq!(wire, received);
    assert_eq!(wire, ["http://api.example/x"]);
}
