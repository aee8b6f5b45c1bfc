//! Harness features: enforcement modes, in-process and loopback serving, the blocking
//! facade, and HTTP semantics of in-process origins.

use axum::Router;
use axum::routing::get;
use fetchguard::blocking::BlockingBrowser;
use fetchguard::{
    Browser, CorsError, Credentials, Enforcement, FetchAssertions, Request, ResponseType, Serving,
};

/// An API with no CORS headers at all, plus a header a CORS response would hide.
fn api() -> Router {
    Router::new().route(
        "/data",
        get(|| async {
            (
                [("x-internal", "1"), ("content-type", "text/plain")],
                "payload",
            )
        })
        .put(|| async { "put" }),
    )
}

fn browser(enforcement: Enforcement, serving: Serving) -> Browser {
    Browser::builder()
        .serve_with("https://api.example", api(), serving)
        .enforcement(enforcement)
        .build()
}

const BOTH: [Serving; 2] = [Serving::InProcess, Serving::Loopback];

#[tokio::test]
async fn enforce_blocks() {
    for s in BOTH {
        let b = browser(Enforcement::Enforce, s);
        let page = b.page("https://app.example/").unwrap();
        page.fetch(Request::get("https://api.example/data"))
            .await
            .assert_blocked(CorsError::MissingAllowOriginHeader);
        assert!(b.violations().is_empty());
    }
}

#[tokio::test]
async fn report_only_reads_and_records_each_violation_with_its_console_line() {
    for s in BOTH {
        let b = browser(Enforcement::ReportOnly, s);
        let page = b.page("https://app.example/").unwrap();
        let r = page
            .fetch(Request::get("https://api.example/data"))
            .await
            .assert_readable();
        assert_eq!(r.text(), "payload");
        assert_eq!(r.response_type(), ResponseType::Cors);
        assert_eq!(
            r.header("x-internal"),
            None,
            "still filtered as a cors response"
        );
        assert_eq!(r.violations().len(), 1);
        // Recorded once, as a violation: the trace does not also say CORS blocked it.
        assert!(
            !r.trace()
                .events()
                .iter()
                .any(|e| matches!(e, fetchguard::trace::TraceEvent::CorsBlocked(_))),
            "{}",
            r.trace()
        );
        // A PUT: the failing preflight is a violation too, and the PUT goes out.
        let put = page
            .fetch(Request::put("https://api.example/data").credentials(Credentials::Include))
            .await
            .assert_preflighted()
            .assert_readable();
        assert_eq!(put.text(), "put");
        let v = b.take_violations();
        let kinds: Vec<&str> = v.iter().map(|v| v.error.name()).collect();
        assert_eq!(
            kinds,
            [
                "MissingAllowOriginHeader",
                "PreflightMissingAllowOriginHeader",
                "MissingAllowOriginHeader"
            ],
            "{s:?}"
        );
        assert_eq!(
            v[0].console,
            "Access to fetch at 'https://api.example/data' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        );
        assert!(b.violations().is_empty(), "taken");
    }
}

#[tokio::test]
async fn off_sends_no_preflight_and_filters_nothing() {
    for s in BOTH {
        let b = browser(Enforcement::Off, s);
        let page = b.page("https://app.example/").unwrap();
        let r = page
            .fetch(Request::put("https://api.example/data").header("X-Custom", "1"))
            .await
            .assert_not_preflighted()
            .assert_readable();
        assert_eq!(r.text(), "put");
        let r = page
            .fetch(Request::get("https://api.example/data"))
            .await
            .assert_readable();
        assert_eq!(r.response_type(), ResponseType::Basic);
        assert_eq!(r.header("x-internal"), Some("1"));
        let sent = r.trace().wire()[0].header("origin").map(str::to_string);
        assert_eq!(
            sent.as_deref(),
            Some("https://app.example"),
            "a browser's headers still go"
        );
        assert!(b.violations().is_empty());
    }
}

#[tokio::test]
async fn in_process_origins_keep_http_semantics() {
    let b = Browser::builder()
        .serve("https://api.example", api())
        .enforcement(Enforcement::Off)
        .build();
    let page = b.page("https://app.example/").unwrap();
    let r = page
        .fetch(Request::get("https://api.example/data"))
        .await
        .assert_readable();
    assert_eq!(r.header("content-length"), Some("7"));
    let head = page
        .fetch(Request::new("HEAD", "https://api.example/data"))
        .await
        .assert_readable();
    assert_eq!(head.text(), "");
    assert_eq!(head.status(), 200);
    let missing = page
        .fetch(Request::get("https://api.example/nope"))
        .await
        .assert_readable();
    assert_eq!(missing.status(), 404);
    // Origins nobody serves are still reached over the network (here: unresolvable).
    let b = Browser::builder()
        .serve("https://api.example", api())
        .only_resolved_hosts()
        .build();
    let e = b
        .page("https://app.example/")
        .unwrap()
        .fetch(Request::get("https://other.example/"))
        .await
        .assert_failed();
    assert_eq!(e.message(), "Failed to fetch");
}

#[test]
fn the_blocking_facade_needs_no_runtime() {
    let b = BlockingBrowser::new(
        Browser::builder()
            .serve("https://api.example", api())
            .enforcement(Enforcement::ReportOnly),
    )
    .unwrap();
    let page = b.page("https://app.example/").unwrap();
    let r = page
        .fetch(Request::get("https://api.example/data"))
        .unwrap();
    assert_eq!(r.text(), "payload");
    assert_eq!(b.browser().violations().len(), 1);
}

#[tokio::test]
async fn the_blocking_facade_also_works_inside_a_runtime() {
    let b = BlockingBrowser::new(Browser::builder().serve("https://api.example", api())).unwrap();
    let page = b.page("https://app.example/").unwrap();
    let r =
        tokio::task::spawn_blocking(move || page.fetch(Request::get("https://api.example/data")))
            .await
            .unwrap();
    assert_eq!(
        r.unwrap_err().cors_error(),
        Some(&CorsError::MissingAllowOriginHeader)
    );
    drop(b); // dropping inside a runtime must not panic
}

#[test]
fn an_invalid_origin_is_reported_by_try_serve_with() {
    let Err((_, why)) =
        Browser::builder().try_serve_with("https://api.example/path", api(), Serving::InProcess)
    else {
        panic!("a path is not an origin");
    };
    assert_eq!(why, "not an http(s) origin: 'https://api.example/path'");
}
