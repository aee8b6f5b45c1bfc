//! Checks an axum API guarded by tower-http's `CorsLayer` the way a browser would, with
//! no browser and no socket: `cargo run --example axum_cors`.

mod app;

use fetchguard::{Browser, Credentials, Request, ThirdPartyCookies};
use url::Url;

#[tokio::main]
async fn main() {
    let configs = [
        ("strict", app::strict_cors()),
        (
            "strict, without X-CSRF-Token",
            app::strict_cors_without_custom_header(),
        ),
        ("reflecting", app::reflecting_cors()),
    ];
    for (name, cors) in configs {
        println!("== CorsLayer: {name}");
        let browser = Browser::builder()
            .serve("https://api.shop.test", app::app(cors))
            .third_party_cookies(ThirdPartyCookies::Allow)
            .build();
        let api = Url::parse("https://api.shop.test/").expect("valid URL");
        let _ = browser.set_cookie(&api, "session=alice; SameSite=None; Secure; Path=/");
        for origin in ["https://app.shop.test", "https://evil.test"] {
            let Ok(page) = browser.page(origin) else {
                continue;
            };
            let req = Request::get("https://api.shop.test/me").credentials(Credentials::Include);
            match page.fetch(req).await {
                Ok(r) => println!("  GET /me from {origin}: reads {}", r.text()),
                Err(e) => println!(
                    "  GET /me from {origin}: blocked ({}), console: {}",
                    e.cors_error().map(|c| c.name()).unwrap_or("not CORS"),
                    e.console().join(" ")
                ),
            }
            let put = Request::put("https://api.shop.test/posts/7")
                .header("X-CSRF-Token", "t")
                .credentials(Credentials::Include);
            match page.fetch(put).await {
                Ok(r) => println!(
                    "  PUT /posts/7 from {origin}: {} (preflighted: {})",
                    r.text(),
                    r.trace().preflighted()
                ),
                Err(e) => println!(
                    "  PUT /posts/7 from {origin}: blocked, console: {}",
                    e.console().join(" ")
                ),
            }
        }
    }
}
