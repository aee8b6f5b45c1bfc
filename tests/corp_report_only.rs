//! `Enforcement::ReportOnly` and the cross-origin resource policy: a no-cors response that
//! CORP (or the page's `require-corp` COEP) would block is handed to script as an opaque
//! response, and each block is recorded as a violation with DevTools' reason name and no
//! console line (CORP blocks print none). Under `Enforce` the same fetches fail.

use axum::Router;
use axum::routing::get;
use fetchguard::policy::corp::CorpBlock;
use fetchguard::trace::ViolationError;
use fetchguard::{Browser, Enforcement, Mode, Request, ResponseType};

fn cdn() -> Router {
    Router::new()
        .route(
            "/same-origin.png",
            get(|| async { ([("cross-origin-resource-policy", "same-origin")], "png") }),
        )
        .route(
            "/same-site.png",
            get(|| async { ([("cross-origin-resource-policy", "same-site")], "png") }),
        )
        .route("/plain.png", get(|| async { "png" }))
}

fn browser(enforcement: Enforcement) -> Browser {
    Browser::builder()
        .serve("https://cdn.example", cdn())
        .enforcement(enforcement)
        .build()
}

fn no_cors(path: &str) -> Request {
    Request::get(format!("https://cdn.example{path}")).mode(Mode::NoCors)
}

#[tokio::test]
async fn report_only_records_corp_blocks_and_lets_the_opaque_response_through() {
    let b = browser(Enforcement::ReportOnly);
    let page = b
        .page("https://app.example/")
        .unwrap()
        .with_document_headers([("Cross-Origin-Embedder-Policy", "require-corp")]);
    for path in ["/same-origin.png", "/same-site.png", "/plain.png"] {
        let r = page.fetch(no_cors(path)).await.unwrap_or_else(|e| {
            panic!("{path}: report-only must not block: {e}");
        });
        assert_eq!(r.response_type(), ResponseType::Opaque, "{path}");
    }
    let v = b.take_violations();
    let seen: Vec<(&str, &str, &str)> = v
        .iter()
        .map(|v| (v.url.as_str(), v.error.name(), v.console.as_str()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "https://cdn.example/same-origin.png",
                "corp-not-same-origin",
                ""
            ),
            (
                "https://cdn.example/same-site.png",
                "corp-not-same-site",
                ""
            ),
            (
                "https://cdn.example/plain.png",
                "corp-not-same-origin-after-defaulted-to-same-origin-by-coep",
                ""
            ),
        ]
    );
    assert!(matches!(
        v[0].error,
        ViolationError::Corp(CorpBlock::NotSameOrigin)
    ));
}

#[tokio::test]
async fn enforce_blocks_the_same_fetches_and_records_nothing() {
    let b = browser(Enforcement::Enforce);
    let page = b
        .page("https://app.example/")
        .unwrap()
        .with_document_headers([("Cross-Origin-Embedder-Policy", "require-corp")]);
    for path in ["/same-origin.png", "/same-site.png", "/plain.png"] {
        let e = page
            .fetch(no_cors(path))
            .await
            .expect_err("CORP blocks under Enforce");
        assert_eq!(e.message(), "Failed to fetch", "{path}");
    }
    assert!(b.violations().is_empty());
    // Without the page's COEP, a resource with no CORP header passes.
    let plain = b.page("https://app.example/").unwrap();
    let r = plain.fetch(no_cors("/plain.png")).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Opaque);
}
