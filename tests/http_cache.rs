//! The HTTP cache seen from the library: one Browser, pages of two top-level sites. Chromium
//! splits its cache by the top-level site of the page (issue 12), so a response one site's
//! page stored is not served to another site's page, while each site's page keeps getting
//! its own entry; both entries are visible in `Browser::http_cache_entries`.

use axum::routing::get;
use fetchguard::{Browser, FetchAssertions, Request};

fn api() -> axum::Router {
    axum::Router::new().route(
        "/r",
        get(|| async {
            (
                [
                    ("cache-control", "max-age=60"),
                    ("access-control-allow-origin", "*"),
                ],
                "stored",
            )
        }),
    )
}

#[tokio::test]
async fn the_http_cache_is_partitioned_by_the_pages_top_level_site() {
    let b = Browser::builder()
        .serve("https://api.example", api())
        .build();
    let app = b.page("https://app.example/").unwrap();
    let other = b.page("https://www.other.test/").unwrap();
    let same_site = b.page("https://static.app.example/").unwrap();

    let first = app
        .fetch(Request::get("https://api.example/r"))
        .await
        .assert_readable();
    assert!(first.trace().reached_server(), "{}", first.trace());
    // The same site (another origin of it) shares the partition: from the cache.
    let again = same_site
        .fetch(Request::get("https://api.example/r"))
        .await
        .assert_readable();
    assert!(!again.trace().reached_server(), "{}", again.trace());
    assert_eq!(again.text(), "stored");
    // Another site: its own partition, so the network, and a second entry.
    let theirs = other
        .fetch(Request::get("https://api.example/r"))
        .await
        .assert_readable();
    assert!(theirs.trace().reached_server(), "{}", theirs.trace());
    let sites: Vec<String> = b
        .http_cache_entries()
        .into_iter()
        .map(|(k, _)| k.top_level_site)
        .collect();
    assert_eq!(sites, ["https://app.example", "https://other.test"]);
    // And the first site's entry is still served to it.
    let mine = app
        .fetch(Request::get("https://api.example/r"))
        .await
        .assert_readable();
    assert!(!mine.trace().reached_server(), "{}", mine.trace());
}
