//! A small axum API guarded by tower-http's `CorsLayer`: the application the
//! `axum_cors` example and `tests/axum_app.rs` check with fetchguard.

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The API: `GET /me` answers with the session cookie's user, `PUT /posts/{id}` updates.
pub fn app(cors: CorsLayer) -> Router {
    Router::new()
        .route("/me", get(me))
        .route("/posts/{id}", get(|| async { "post" }).put(update_post))
        .layer(cors)
}

async fn me(headers: HeaderMap) -> impl IntoResponse {
    let user = headers
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split("; ").find_map(|kv| kv.strip_prefix("session=")))
        .map(str::to_string);
    match user {
        Some(u) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            format!("{{\"user\":\"{u}\"}}"),
        ),
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"user\":null}".to_string(),
        ),
    }
}

async fn update_post(headers: HeaderMap) -> impl IntoResponse {
    let token = headers.get("x-csrf-token").is_some();
    (StatusCode::OK, format!("updated (csrf token: {token})"))
}

/// The intended configuration: one trusted origin, credentials, GET and PUT, and the two
/// request headers the front end sends.
pub fn strict_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(HeaderValue::from_static("https://app.shop.test"))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-csrf-token"),
        ])
        .max_age(Duration::from_secs(600))
}

/// The same, without the custom header: a PUT carrying `X-CSRF-Token` is refused.
pub fn strict_cors_without_custom_header() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(HeaderValue::from_static("https://app.shop.test"))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers([header::CONTENT_TYPE])
}

/// A common misconfiguration: reflect whatever Origin arrives, with credentials. Every
/// site on the web can then read the user's data.
pub fn reflecting_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
}
