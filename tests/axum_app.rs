//! An axum API guarded by a real tower-http `CorsLayer`, checked through fetchguard
//! in-process and over a loopback socket: the same verdicts both ways.

#[path = "../examples/axum_cors/app.rs"]
mod app;

use fetchguard::{
    Browser, CorsError, Credentials, FetchAssertions, Request, Serving, ThirdPartyCookies,
};
use tower_http::cors::CorsLayer;
use url::Url;

const BOTH: [Serving; 2] = [Serving::InProcess, Serving::Loopback];

fn browser(cors: CorsLayer, serving: Serving) -> Browser {
    let b = Browser::builder()
        .serve_with("https://api.shop.test", app::app(cors), serving)
        .third_party_cookies(ThirdPartyCookies::Allow)
        .build();
    let api = Url::parse("https://api.shop.test/").unwrap();
    b.set_cookie(&api, "session=alice; SameSite=None; Secure; Path=/")
        .unwrap();
    b
}

#[tokio::test]
async fn the_allowed_origin_reads_with_credentials() {
    for serving in BOTH {
        let page = browser(app::strict_cors(), serving)
            .page("https://app.shop.test/")
            .unwrap();
        let r = page
            .fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
            .await
            .assert_not_preflighted()
            .assert_readable();
        assert_eq!(r.text(), r#"{"user":"alice"}"#, "{serving:?}");
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
}

#[tokio::test]
async fn another_origin_is_blocked_with_chromiums_message() {
    for serving in BOTH {
        let page = browser(app::strict_cors(), serving)
            .page("https://evil.test/")
            .unwrap();
        let e = page
            .fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
            .await
            .assert_reached_server()
            .assert_blocked(CorsError::AllowOriginMismatch(String::new()));
        // tower-http sends its configured origin to everyone; the browser compares it.
        assert_eq!(
            e.console(),
            [
                "Access to fetch at 'https://api.shop.test/me' from origin 'https://evil.test' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.shop.test' that is not equal to the supplied origin. Have the server send the header with a valid value."
            ],
            "{serving:?}"
        );
    }
}

#[tokio::test]
async fn a_preflighted_put_with_a_custom_header_passes_only_when_allowed() {
    for serving in BOTH {
        let put = || {
            Request::put("https://api.shop.test/posts/7")
                .header("X-CSRF-Token", "t")
                .header("Content-Type", "application/json")
                .body("{}")
                .credentials(Credentials::Include)
        };
        let ok = browser(app::strict_cors(), serving)
            .page("https://app.shop.test/")
            .unwrap();
        let r = ok.fetch(put()).await.assert_preflighted().assert_readable();
        assert_eq!(r.text(), "updated (csrf token: true)");

        let strict = browser(app::strict_cors_without_custom_header(), serving);
        let e = strict
            .page("https://app.shop.test/")
            .unwrap()
            .fetch(put())
            .await
            .assert_preflighted()
            .assert_blocked(CorsError::HeaderDisallowedByPreflightResponse(String::new()));
        assert_eq!(
            e.cors_error(),
            Some(&CorsError::HeaderDisallowedByPreflightResponse(
                "x-csrf-token".into()
            ))
        );
        assert!(!e.trace().reached_server(), "the PUT itself never went out");
    }
}

#[tokio::test]
async fn a_layer_reflecting_any_origin_with_credentials_lets_any_site_read_the_user() {
    for serving in BOTH {
        let page = browser(app::reflecting_cors(), serving)
            .page("https://evil.test/")
            .unwrap();
        // This is the misconfiguration: a security test asserting `assert_blocked` here
        // fails, and fetchguard shows why (the trace holds the reflected headers).
        let r = page
            .fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
            .await
            .assert_readable();
        assert_eq!(r.text(), r#"{"user":"alice"}"#);
        let received = r
            .trace()
            .events()
            .iter()
            .find_map(|e| match e {
                fetchguard::trace::TraceEvent::Received { headers, .. } => Some(
                    headers
                        .pairs()
                        .map(|(n, v)| (n.to_string(), v.into_owned()))
                        .collect::<Vec<(String, String)>>(),
                ),
                _ => None,
            })
            .unwrap();
        assert!(received.contains(&(
            "access-control-allow-origin".into(),
            "https://evil.test".into()
        )));
        assert!(received.contains(&("access-control-allow-credentials".into(), "true".into())));
    }
}

#[tokio::test]
async fn wildcard_with_credentials_is_caught() {
    // tower-http refuses to build `*` with credentials; a hand-written middleware can.
    use axum::http::HeaderValue;
    use axum::response::Response;
    async fn star(mut r: Response) -> Response {
        r.headers_mut()
            .insert("access-control-allow-origin", HeaderValue::from_static("*"));
        r.headers_mut().insert(
            "access-control-allow-credentials",
            HeaderValue::from_static("true"),
        );
        r
    }
    for serving in BOTH {
        let router = axum::Router::new()
            .route("/me", axum::routing::get(|| async { "secret" }))
            .layer(axum::middleware::map_response(star));
        let b = Browser::builder()
            .serve_with("https://api.shop.test", router, serving)
            .build();
        let page = b.page("https://app.shop.test/").unwrap();
        page.fetch(Request::get("https://api.shop.test/me").credentials(Credentials::Include))
            .await
            .assert_blocked(CorsError::WildcardOriginNotAllowed);
        // Without credentials the same answer is readable.
        page.fetch(Request::get("https://api.shop.test/me"))
            .await
            .assert_readable();
    }
}
