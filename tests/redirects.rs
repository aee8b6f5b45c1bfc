//! Redirects: modes, method rewriting, the limit, tainting, credentials in Location, and
//! the CORS check on every hop. Facts from docs/chromium-observations.md (cases 12-14, 18).

mod common;

use common::{World, respond};
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::{
    CorsError, FailureReason, Mode, RedirectError, RedirectMode, Request, ResponseType,
};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";
const OTHER: &str = "https://other.example";

fn route(req: &RecordedRequest) -> CannedResponse {
    let star = ("Access-Control-Allow-Origin", "*");
    let q = req.url.query().unwrap_or("");
    match (req.url.host_str().unwrap(), req.url.path()) {
        (_, "/to") => {
            // /to?status=302&url=...
            let mut status = 302;
            let mut loc = String::new();
            for (k, v) in req.url.query_pairs() {
                if k == "status" {
                    status = v.parse().unwrap();
                }
                if k == "url" {
                    loc = v.into_owned();
                }
            }
            respond(status, &[star, ("Location", &loc)], "")
        }
        (_, "/loop") => {
            let n: u32 = q.trim_start_matches("n=").parse().unwrap_or(0);
            respond(
                302,
                &[star, ("Location", &format!("/loop?n={}", n + 1))],
                "",
            )
        }
        (_, "/echo") => {
            let body = format!(
                "{} origin={} ct={} auth={} body={}",
                req.method,
                req.header("origin").unwrap_or("-"),
                req.header("content-type").unwrap_or("-"),
                req.header("authorization").unwrap_or("-"),
                String::from_utf8_lossy(&req.body)
            );
            respond(200, &[star, ("Access-Control-Expose-Headers", "*")], &body)
        }
        (_, "/noacao") => respond(200, &[], "hidden"),
        (_, "/acao-app") => respond(
            200,
            &[("Access-Control-Allow-Origin", "https://app.example")],
            "x",
        ),
        (_, "/pf-redirect") => {
            if req.method == "OPTIONS" {
                respond(
                    200,
                    &[
                        star,
                        ("Access-Control-Allow-Methods", "PUT"),
                        ("Access-Control-Allow-Headers", "x-custom"),
                    ],
                    "",
                )
            } else {
                respond(
                    307,
                    &[star, ("Location", "https://other.example/preflighted")],
                    "",
                )
            }
        }
        (_, "/preflighted") => {
            if req.method == "OPTIONS" {
                respond(
                    200,
                    &[
                        star,
                        ("Access-Control-Allow-Methods", "PUT"),
                        ("Access-Control-Allow-Headers", "x-custom"),
                    ],
                    "",
                )
            } else {
                respond(200, &[star], "put done")
            }
        }
        _ => respond(404, &[], ""),
    }
}

fn to(base: &str, status: u16, target: &str) -> String {
    let enc: String = url::form_urlencoded::byte_serialize(target.as_bytes()).collect();
    format!("{base}/to?status={status}&url={enc}")
}

async fn world() -> World {
    World::new(&[APP, API, OTHER], route).await
}

#[tokio::test]
async fn a_blocked_hop_after_a_redirect_names_both_urls() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let first = to(API, 302, "https://other.example/noacao");
    let e = page.fetch(Request::get(&first)).await.unwrap_err();
    assert_eq!(
        e.console(),
        [format!(
            "Access to fetch at 'https://other.example/noacao' (redirected from '{first}') from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        )]
    );
}

#[tokio::test]
async fn a_cross_origin_hop_from_a_cross_origin_url_taints_the_origin() {
    let w = world().await;
    let page = w.page("https://app.example/");
    // api -> other: the origin becomes "null"; other's ACAO naming the app no longer matches.
    let first = to(API, 302, "https://other.example/acao-app");
    let e = page.fetch(Request::get(&first)).await.unwrap_err();
    assert_eq!(
        e.cors_error(),
        Some(&CorsError::AllowOriginMismatch(
            "https://app.example".into()
        ))
    );
    assert!(e.console()[0].contains("from origin 'https://app.example' has been blocked"));
    let wire = w.take_wire();
    assert_eq!(wire[0].header("origin"), Some("https://app.example"));
    assert_eq!(wire[1].header("origin"), Some("null"));
    // app -> api: starting same-origin does not taint.
    let r = page
        .fetch(Request::get(to(APP, 302, "https://api.example/echo")))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert!(r.redirected());
    assert!(
        r.text().contains("origin=https://app.example"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn method_and_body_rewriting_by_status() {
    let w = world().await;
    let page = w.page("https://app.example/");
    for (status, expect) in [
        (301, "GET origin=- ct=- auth=- body="),
        (302, "GET origin=- ct=- auth=- body="),
        (303, "GET origin=- ct=- auth=- body="),
        (
            307,
            "POST origin=https://app.example ct=text/plain;charset=UTF-8 auth=- body=hello",
        ),
        (
            308,
            "POST origin=https://app.example ct=text/plain;charset=UTF-8 auth=- body=hello",
        ),
    ] {
        let r = page
            .fetch(Request::post(to(APP, status, "/echo")).body("hello"))
            .await
            .unwrap();
        assert_eq!(r.text(), expect, "status {status}");
        assert_eq!(r.response_type(), ResponseType::Basic);
    }
    // 303 turns PUT into GET too; 301 keeps PUT.
    let r = page
        .fetch(Request::put(to(APP, 303, "/echo")).body("x"))
        .await
        .unwrap();
    assert!(r.text().starts_with("GET "), "{}", r.text());
    let r = page
        .fetch(Request::put(to(APP, 301, "/echo")).body("x"))
        .await
        .unwrap();
    assert!(r.text().starts_with("PUT "), "{}", r.text());
}

#[tokio::test]
async fn twenty_redirects_are_followed_and_the_twenty_first_fails_silently() {
    let w = world().await;
    let page = w.page("https://app.example/");
    // /loop?n=0 redirects forever; count the hops the browser makes.
    let e = page.fetch(Request::get("/loop?n=0")).await.unwrap_err();
    assert_eq!(
        e.reason(),
        &FailureReason::Redirect(RedirectError::TooManyRedirects)
    );
    assert_eq!(e.message(), "Failed to fetch");
    assert!(e.console().is_empty());
    assert_eq!(
        w.take_wire().len(),
        21,
        "the first request and 20 redirects"
    );
}

#[tokio::test]
async fn redirect_modes_error_and_manual() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let e = page
        .fetch(Request::get(to(API, 302, "/echo")).redirect(RedirectMode::Error))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert!(e.console().is_empty());
    let url = to(API, 302, "/echo");
    let r = page
        .fetch(Request::get(&url).redirect(RedirectMode::Manual))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::OpaqueRedirect);
    assert_eq!(r.status(), 0);
    assert_eq!(r.url(), url);
    assert!(r.headers().is_empty());
    assert_eq!(w.take_wire().len(), 2, "manual does not follow");
}

#[tokio::test]
async fn credentials_in_a_location() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let first = to(API, 302, "https://user:pass@other.example/echo");
    let e = page.fetch(Request::get(&first)).await.unwrap_err();
    assert_eq!(
        e.console(),
        [format!(
            "Access to fetch at '{first}' from origin 'https://app.example' has been blocked by CORS policy: Redirect location '' contains a username and password, which is disallowed for cross-origin requests."
        )]
    );
    // Same-origin, and no-cors: a silent network error.
    let e = page
        .fetch(Request::get(to(
            APP,
            302,
            "https://user:pass@app.example/echo",
        )))
        .await
        .unwrap_err();
    assert!(e.console().is_empty());
    assert_eq!(e.message(), "Failed to fetch");
    let e = page
        .fetch(
            Request::get(to(API, 302, "https://user:pass@other.example/echo")).mode(Mode::NoCors),
        )
        .await
        .unwrap_err();
    assert!(e.console().is_empty());
}

#[tokio::test]
async fn same_origin_mode_redirected_away() {
    let w = world().await;
    let page = w.page("https://app.example/page");
    let e = page
        .fetch(Request::get(to(APP, 302, "https://api.example/echo")).mode(Mode::SameOrigin))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        [
            "Unsafe attempt to load URL https://api.example/echo from frame with URL https://app.example/page. Domains, protocols and ports must match.\n"
        ]
    );
}

#[tokio::test]
async fn redirects_to_data_urls_and_other_schemes_fail() {
    let w = world().await;
    let page = w.page("https://app.example/");
    // data:, about: and blob: fail silently in every mode (wpt-subset redirect-schemes,
    // redirect-to-dataurl).
    for target in ["data:text/plain,hi", "about:blank", "blob:nothing"] {
        for mode in [Mode::Cors, Mode::NoCors, Mode::SameOrigin] {
            let e = page
                .fetch(Request::get(to(APP, 302, target)).mode(mode))
                .await
                .unwrap_err();
            assert!(
                matches!(
                    e.reason(),
                    FailureReason::Redirect(RedirectError::NonHttpScheme(_))
                ),
                "{target}"
            );
            assert!(e.console().is_empty(), "{target}");
        }
    }
    // Other schemes: a CORS request logs Chromium's CORS-disabled-scheme line.
    let first = to(APP, 302, "mailto:a@b.example");
    let e = page.fetch(Request::get(&first)).await.unwrap_err();
    assert_eq!(e.cors_error(), Some(&CorsError::CorsDisabledScheme));
    assert_eq!(
        e.console(),
        [format!(
            "Access to fetch at 'mailto:a@b.example' (redirected from '{first}') from origin 'https://app.example' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app."
        )]
    );
    let e = page
        .fetch(Request::get(&first).mode(Mode::NoCors))
        .await
        .unwrap_err();
    assert!(e.console().is_empty());
}

#[tokio::test]
async fn authorization_is_dropped_on_a_cross_origin_redirect_only() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let r = page
        .fetch(Request::get(to(APP, 302, "/echo")).header("Authorization", "Basic eA=="))
        .await
        .unwrap();
    assert!(r.text().contains("auth=Basic eA=="));
    let r = page
        .fetch(
            Request::get(to(APP, 302, "https://api.example/echo"))
                .header("Authorization", "Basic eA=="),
        )
        .await
        .unwrap();
    assert!(r.text().contains("auth=-"), "{}", r.text());
    let wire = w.take_wire();
    assert!(
        wire.iter().all(|r| r.method != "OPTIONS"),
        "dropped before the new hop needed a preflight"
    );
}

#[tokio::test]
async fn a_preflighted_request_is_preflighted_again_after_a_cross_origin_redirect() {
    let w = world().await;
    let page = w.page("https://app.example/");
    let r = page
        .fetch(
            Request::put("https://api.example/pf-redirect")
                .header("X-Custom", "1")
                .body("b"),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "put done");
    let wire = w.take_wire();
    let seen: Vec<String> = wire
        .iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect();
    assert_eq!(
        seen,
        [
            "OPTIONS https://api.example/pf-redirect",
            "PUT https://api.example/pf-redirect",
            "OPTIONS https://other.example/preflighted",
            "PUT https://other.example/preflighted",
        ]
    );
    // api -> other is a cross-origin hop from a cross-origin URL: Origin is null from here.
    assert_eq!(wire[2].header("origin"), Some("null"));
    assert_eq!(wire[3].header("origin"), Some("null"));
    assert_eq!(wire[3].header("x-custom"), Some("1"));
}
