//! CORS preflights and the preflight cache over real loopback HTTPS. Expected lines are
//! Chromium 156's (docs/chromium-observations.md, cases 7-11, 7x, 8r, 23).

mod common;

use std::time::Duration;

use common::{World, respond};
use fetchguard::clock::Clock;
use fetchguard::loopback::RecordedRequest;
use fetchguard::{CorsError, Credentials, Request};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

fn line(url: &str, detail: &str) -> String {
    format!(
        "Access to fetch at '{url}' from origin 'https://app.example' has been blocked by CORS policy: {detail}"
    )
}

/// Preflight answers by path: `/p/<case>`; the request itself always carries ACAO.
fn route(req: &RecordedRequest) -> fetchguard::loopback::CannedResponse {
    let acao = ("Access-Control-Allow-Origin", "https://app.example");
    let acac = ("Access-Control-Allow-Credentials", "true");
    if req.method != "OPTIONS" {
        return respond(200, &[acao, acac], "done");
    }
    match req.url.path() {
        "/p/noacao" => respond(200, &[("Access-Control-Allow-Methods", "PUT")], ""),
        "/p/404" => respond(404, &[acao, ("Access-Control-Allow-Methods", "PUT")], ""),
        "/p/noacam" => respond(200, &[acao], ""),
        "/p/lower" => respond(200, &[acao, ("Access-Control-Allow-Methods", "put")], ""),
        "/p/patch" => respond(200, &[acao, ("Access-Control-Allow-Methods", "PATCH")], ""),
        "/p/badacam" => respond(
            200,
            &[acao, ("Access-Control-Allow-Methods", "PUT, (bad)")],
            "",
        ),
        "/p/acah-none" => respond(200, &[acao], ""),
        "/p/acah-star" => respond(
            200,
            &[acao, acac, ("Access-Control-Allow-Headers", "*")],
            "",
        ),
        "/p/acah-star-anon" => respond(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Headers", "*"),
            ],
            "",
        ),
        "/p/redirect" => respond(
            302,
            &[acao, ("Location", "https://api.example/elsewhere")],
            "",
        ),
        "/p/star-cred" => respond(
            200,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
            "",
        ),
        "/p/ok60" => respond(
            200,
            &[
                acao,
                acac,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "60"),
            ],
            "",
        ),
        "/p/ok" => respond(
            200,
            &[
                acao,
                acac,
                ("Access-Control-Allow-Methods", "PUT, DELETE"),
                ("Access-Control-Allow-Headers", "X-Custom"),
            ],
            "",
        ),
        "/p/ok0" => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "0"),
            ],
            "",
        ),
        "/p/anon60" => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "60"),
            ],
            "",
        ),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(&[APP, API], route).await
}

#[tokio::test]
async fn preflight_failures_in_chromium_order_and_words() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let prefix = "Response to preflight request doesn't pass access control check: ";
    let cases: Vec<(Request, CorsError, String)> = vec![
        (Request::put(format!("{API}/p/noacao")), CorsError::PreflightMissingAllowOriginHeader,
         format!("{prefix}No 'Access-Control-Allow-Origin' header is present on the requested resource.")),
        (Request::put(format!("{API}/p/404")), CorsError::PreflightInvalidStatus,
         format!("{prefix}It does not have HTTP ok status.")),
        (Request::put(format!("{API}/p/noacam")), CorsError::MethodDisallowedByPreflightResponse("PUT".into()),
         "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.".into()),
        (Request::put(format!("{API}/p/lower")), CorsError::MethodDisallowedByPreflightResponse("PUT".into()),
         "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.".into()),
        (Request::new("patch", format!("{API}/p/patch")), CorsError::MethodDisallowedByPreflightResponse("patch".into()),
         "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.".into()),
        (Request::put(format!("{API}/p/badacam")), CorsError::InvalidAllowMethodsPreflightResponse,
         "Cannot parse Access-Control-Allow-Methods response header field in preflight response.".into()),
        (Request::post(format!("{API}/p/acah-none")).header("X-Custom", "1"), CorsError::HeaderDisallowedByPreflightResponse("x-custom".into()),
         "Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response.".into()),
        (Request::post(format!("{API}/p/acah-star")).header("X-Custom", "1").credentials(Credentials::Include),
         CorsError::HeaderDisallowedByPreflightResponse("x-custom".into()),
         "Request header field x-custom is not allowed by Access-Control-Allow-Headers in preflight response.".into()),
        (Request::put(format!("{API}/p/redirect")), CorsError::PreflightDisallowedRedirect,
         format!("{prefix}Redirect is not allowed for a preflight request.")),
        (Request::put(format!("{API}/p/star-cred")).credentials(Credentials::Include), CorsError::PreflightWildcardOriginNotAllowed,
         format!("{prefix}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.")),
    ];
    for (req, err, detail) in cases {
        let url = req.url().to_string();
        let e = page.fetch(req).await.unwrap_err();
        assert_eq!(e.cors_error(), Some(&err), "{url}");
        assert_eq!(e.console(), [line(&url, &detail)], "{url}");
        assert_eq!(e.message(), "Failed to fetch");
        // Only the preflight went out: the request itself never reached the server.
        let wire = w.take_wire();
        assert_eq!(wire.len(), 1, "{url}: {wire:?}");
        assert_eq!(wire[0].method, "OPTIONS");
        assert!(!e.trace().reached_server());
    }
}

#[tokio::test]
async fn the_preflight_request_carries_exactly_chromiums_headers() {
    let w = world().await;
    let page = w.page("https://app.example/index.html?q=1");
    let r = page
        .fetch(
            Request::put(format!("{API}/p/ok"))
                .header("X-Custom", "1")
                .header("Content-Type", "application/json")
                .body("{}")
                .credentials(Credentials::Include),
        )
        .await;
    // ACAH allows X-Custom but not content-type: blocked on the header check.
    let e = r.unwrap_err();
    assert_eq!(
        e.cors_error(),
        Some(&CorsError::HeaderDisallowedByPreflightResponse(
            "content-type".into()
        ))
    );
    let wire = w.take_wire();
    let p = &wire[0];
    assert_eq!(p.method, "OPTIONS");
    assert_eq!(p.header("access-control-request-method"), Some("PUT"));
    assert_eq!(
        p.header("access-control-request-headers"),
        Some("content-type,x-custom")
    );
    assert_eq!(p.header("accept"), Some("*/*"));
    assert_eq!(p.header("origin"), Some("https://app.example"));
    assert_eq!(p.header("sec-fetch-mode"), Some("cors"));
    assert_eq!(p.header("sec-fetch-site"), Some("cross-site"));
    assert_eq!(p.header("referer"), Some("https://app.example/"));
    assert_eq!(p.header("cookie"), None);
    assert_eq!(
        p.header("x-custom"),
        None,
        "script's headers stay off the preflight"
    );
}

#[tokio::test]
async fn wildcard_allow_headers_covers_authorization_fresh_but_not_from_the_cache() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let req = || Request::get(format!("{API}/p/acah-star-anon")).header("Authorization", "x");
    // Chromium 156 (case 8): a fresh `*` covers authorization; the request goes through.
    page.fetch(req()).await.unwrap();
    let wire = w.take_wire();
    assert_eq!(
        wire.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["OPTIONS", "GET"]
    );
    assert_eq!(
        wire[0].header("access-control-request-headers"),
        Some("authorization")
    );
    assert_eq!(wire[1].header("authorization"), Some("x"));
    // The cached `*` entry does not cover it: preflighted again.
    page.fetch(req()).await.unwrap();
    assert_eq!(w.take_wire().len(), 2);
}

#[tokio::test]
async fn a_passing_preflight_lets_the_request_through() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let r = page
        .fetch(
            Request::delete(format!("{API}/p/ok"))
                .header("X-Custom", "7")
                .credentials(Credentials::Include),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "done");
    assert!(r.trace().preflighted());
    let wire = w.take_wire();
    assert_eq!(
        wire.iter().map(|r| r.method.as_str()).collect::<Vec<_>>(),
        ["OPTIONS", "DELETE"]
    );
    assert_eq!(wire[1].header("x-custom"), Some("7"));
    assert_eq!(wire[1].header("origin"), Some("https://app.example"));
}

#[tokio::test]
async fn preflight_cache_follows_max_age_on_the_browsers_clock() {
    let w = world().await;
    let clock = Clock::manual();
    let browser = w.builder().clock(clock.clone()).build();
    let page = browser.page("https://app.example/").unwrap();
    let put = || Request::put(format!("{API}/p/ok60")).credentials(Credentials::Include);
    let count_options = |w: &World| {
        w.take_wire()
            .iter()
            .filter(|r| r.method == "OPTIONS")
            .count()
    };

    page.fetch(put()).await.unwrap();
    assert_eq!(count_options(&w), 1);
    clock.advance(Duration::from_secs(59));
    let r = page.fetch(put()).await.unwrap();
    assert_eq!(count_options(&w), 0, "cached for 60 s");
    assert!(!r.trace().preflighted());
    clock.advance(Duration::from_secs(2));
    page.fetch(put()).await.unwrap();
    assert_eq!(count_options(&w), 1, "expired after 60 s");
}

#[tokio::test]
async fn default_max_age_is_five_seconds_and_zero_disables_caching() {
    let w = world().await;
    let clock = Clock::manual();
    let browser = w.builder().clock(clock.clone()).build();
    let page = browser.page("https://app.example/").unwrap();
    let count = |w: &World| {
        w.take_wire()
            .iter()
            .filter(|r| r.method == "OPTIONS")
            .count()
    };
    // /p/ok has no Max-Age: 5 s.
    let del = || Request::delete(format!("{API}/p/ok")).credentials(Credentials::Include);
    page.fetch(del()).await.unwrap();
    clock.advance(Duration::from_secs(4));
    page.fetch(del()).await.unwrap();
    assert_eq!(count(&w), 1);
    clock.advance(Duration::from_secs(2));
    page.fetch(del()).await.unwrap();
    assert_eq!(count(&w), 1);
    // Max-Age: 0 never caches.
    let zero = || Request::put(format!("{API}/p/ok0"));
    page.fetch(zero()).await.unwrap();
    page.fetch(zero()).await.unwrap();
    assert_eq!(count(&w), 2);
}

#[tokio::test]
async fn an_uncredentialed_entry_does_not_serve_a_credentialed_request() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let count = |w: &World| {
        w.take_wire()
            .iter()
            .filter(|r| r.method == "OPTIONS")
            .count()
    };
    page.fetch(Request::put(format!("{API}/p/anon60")))
        .await
        .unwrap();
    page.fetch(Request::put(format!("{API}/p/anon60")))
        .await
        .unwrap();
    assert_eq!(count(&w), 1);
    // The credentialed request needs its own preflight (and fails: no ACAC on it).
    let e = page
        .fetch(Request::put(format!("{API}/p/anon60")).credentials(Credentials::Include))
        .await
        .unwrap_err();
    assert_eq!(count(&w), 1);
    assert_eq!(
        e.cors_error(),
        Some(&CorsError::PreflightInvalidAllowCredentials(String::new()))
    );
}
