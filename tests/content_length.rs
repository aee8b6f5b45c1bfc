//! `Content-Length` as Chromium 156 sends it (POST and PUT without a body say `0`, no other
//! bodiless method does) and as the servers answer it (on every response but 1xx, 204
//! and 304), through an in-process service, a loopback-served one over HTTP/1.1 and over
//! HTTP/2.

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::any;
use fetchguard::{Browser, FetchAssertions, Request, Serving};

/// Echoes the request's Content-Length (or `none`); `/nc` answers 204.
fn app() -> Router {
    Router::new()
        .route(
            "/echo",
            any(|h: HeaderMap| async move {
                (
                    [("access-control-allow-origin", "*")],
                    h.get("content-length")
                        .map(|v| v.to_str().unwrap_or("?").to_string())
                        .unwrap_or_else(|| "none".into()),
                )
            }),
        )
        .route("/nc", any(|| async { StatusCode::NO_CONTENT }))
}

async fn check(origin: &str, serving: Serving) {
    let b = Browser::builder()
        .serve_with(origin, app(), serving)
        .build();
    let page = b.page(&format!("{origin}/")).unwrap();
    for (method, want) in [
        ("POST", "0"),
        ("PUT", "0"),
        ("PATCH", "none"),
        ("DELETE", "none"),
        ("OPTIONS", "none"),
        ("FOO", "none"),
        ("GET", "none"),
    ] {
        let r = page
            .fetch(Request::new(method, format!("{origin}/echo")))
            .await
            .assert_readable();
        assert_eq!(r.text(), want, "{method} {origin} {serving:?}");
    }
    // With a Content-Type but no body: still no Content-Length on a PATCH.
    let r = page
        .fetch(Request::new("PATCH", format!("{origin}/echo")).header("content-type", "text/plain"))
        .await
        .assert_readable();
    assert_eq!(r.text(), "none", "{origin} {serving:?}");
    let r = page
        .fetch(Request::new("POST", format!("{origin}/echo")).body("abc"))
        .await
        .assert_readable();
    assert_eq!(r.text(), "3");
    let r = page
        .fetch(Request::get(format!("{origin}/echo")))
        .await
        .assert_readable();
    assert_eq!(
        r.header("content-length"),
        Some("4"),
        "{origin} {serving:?}"
    );
    let r = page
        .fetch(Request::get(format!("{origin}/nc")))
        .await
        .assert_readable();
    assert_eq!(r.status(), 204);
    // axum writes `Content-Length: 0` on its 204; an HTTP/1.1 server (hyper's) drops it,
    // and so does the in-process path. hyper's HTTP/2 server sends it as the service gave
    // it (the scenario test servers never add one: examples/test-server-content-length.toml).
    let h2 = serving == Serving::Loopback && origin.starts_with("https:");
    let want = if h2 { Some("0") } else { None };
    assert_eq!(r.header("content-length"), want, "{origin} {serving:?}");
}

#[tokio::test]
async fn in_process() {
    check("https://api.example", Serving::InProcess).await;
}

#[tokio::test]
async fn loopback_http1() {
    check("http://api.example", Serving::Loopback).await;
}

#[tokio::test]
async fn loopback_http2() {
    check("https://api.example", Serving::Loopback).await;
}
