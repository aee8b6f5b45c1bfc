// The README's "Use it in your tests" example, exactly as it appears there
// (`the_readme_example_is_the_compiled_one` in tests/scenario_docs.rs keeps them equal).
use axum::{Router, http::HeaderValue, http::Method, routing::get};
use fetchguard::{Browser, CorsError, Credentials, FetchAssertions, Request};
use tower_http::cors::CorsLayer;

/// Your application: an axum Router whose CORS policy is tower-http's `CorsLayer`.
fn router() -> Router {
    let cors = CorsLayer::new()
        .allow_origin(HeaderValue::from_static("https://app.shop.test"))
        .allow_methods([Method::GET])
        .allow_credentials(true);
    Router::new()
        .route("/me", get(|| async { r#"{"user":"alice"}"# }))
        .layer(cors)
}

#[tokio::test]
async fn only_the_front_end_can_read_the_profile() {
    let browser = Browser::builder()
        .serve("https://api.shop.test", router())
        .build();
    let api = url::Url::parse("https://api.shop.test/").unwrap();
    browser
        .set_cookie(&api, "session=alice; SameSite=Lax; Secure; Path=/")
        .unwrap();

    // The front end reads the profile with its cookie.
    let front = browser.page("https://app.shop.test/").unwrap();
    let me = front
        .fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
        .await
        .assert_not_preflighted()
        .assert_readable();
    assert_eq!(me.text(), r#"{"user":"alice"}"#);

    // Another site is blocked, with Chromium's console line; the request still ran.
    let evil = browser.page("https://evil.test/").unwrap();
    let blocked = evil
        .fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
        .await
        .assert_reached_server()
        .assert_blocked(CorsError::AllowOriginMismatch(String::new()));
    println!("{}", blocked.console()[0]);
}
