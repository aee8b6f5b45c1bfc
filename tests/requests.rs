//! What `fetch()` does with script's request before and on the wire: TypeErrors for bad
//! arguments, forbidden headers, method normalization, the headers the browser adds (https
//! and plain http), Referer, bodies, data: URLs, unsupported schemes and unreachable hosts.
//!
//! Expectations are Chromium 156's (docs/chromium-observations.md, cases 16, 17, 19x, 20,
//! 20h, 24, 25, 26). The observed wire came from headless Chromium, whose User-Agent says
//! `HeadlessChrome/156`; these tests compare with the profile's own User-Agent instead.

mod common;

use common::{World, respond};
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::net::{BoxFuture, Transport, WireRequest, WireResponse};
use fetchguard::{
    Browser, FailureReason, FetchError, Mode, NetError, Profile, RedirectMode, ReferrerPolicy,
    Request, RequestError, ResponseType,
};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

/// Every path answers with its last segment as the body, `Content-Type: text/plain`, and
/// CORS approval for whatever the request asks (origin echoed, credentials, the requested
/// method and headers); `/noacao` and `/nope` do not approve, `/nope` is a 404, `/r` a
/// redirect.
fn route(req: &RecordedRequest) -> CannedResponse {
    let origin = req.header("origin").unwrap_or("*").to_string();
    let text = ("Content-Type", "text/plain");
    let path = req.url.path();
    if path == "/nope" {
        return respond(404, &[text], "no route");
    }
    if path == "/noacao" {
        return respond(200, &[text], "hidden");
    }
    if path == "/r" {
        return respond(
            302,
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("Location", "https://app.example/so"),
            ],
            "",
        );
    }
    let mut r = CannedResponse::status(200)
        .header("Access-Control-Allow-Origin", &origin)
        .header("Access-Control-Allow-Credentials", "true");
    if req.method == "OPTIONS" && req.header("access-control-request-method").is_some() {
        r = r.header(
            "Access-Control-Allow-Methods",
            req.header("access-control-request-method").unwrap(),
        );
        if let Some(h) = req.header("access-control-request-headers") {
            r = r.header("Access-Control-Allow-Headers", h);
        }
        return r;
    }
    // A HEAD response has no body (the loopback server does not strip one itself).
    let last = if req.method == "HEAD" {
        String::new()
    } else {
        path.rsplit('/').next().unwrap_or("").to_string()
    };
    r.header(text.0, text.1).body(last)
}

async fn world() -> World {
    World::new(&[APP, API], route).await
}

/// The profile's User-Agent (the browser's own value).
fn ua() -> String {
    Profile::chromium().user_agent
}

const SEC_CH_UA: &str = "\"Not:A-Brand\";v=\"8\", \"Chromium\";v=\"156\"";

/// A rejected fetch that never reached the network: the TypeError text, no console line.
fn assert_type_error(e: &FetchError, detail: &str) {
    let msg = format!("Failed to execute 'fetch' on 'Window': {detail}");
    assert_eq!(e.message(), msg);
    assert_eq!(e.to_string(), format!("TypeError: {msg}"));
    assert!(e.console().is_empty(), "{:?}", e.console());
    assert!(!e.trace().reached_server());
}

#[tokio::test]
async fn bad_arguments_are_type_errors_and_nothing_is_sent() {
    // Cases 16 [0]-[3] and 25 [3], [4], [16], [17], [21], [22].
    let w = world().await;
    let page = w.page("https://app.example/c16/page");
    let cases: Vec<(Request, &str, RequestError)> = vec![
        (
            Request::put("https://api.example/c16/nc").mode(Mode::NoCors),
            "'PUT' is unsupported in no-cors mode.",
            RequestError::MethodUnsupportedInNoCors("PUT".into()),
        ),
        (
            Request::new("TRACE", "https://app.example/c16/echo"),
            "'TRACE' HTTP method is unsupported.",
            RequestError::ForbiddenMethod("TRACE".into()),
        ),
        (
            Request::new("CONNECT", "https://app.example/c16/echo"),
            "'CONNECT' HTTP method is unsupported.",
            RequestError::ForbiddenMethod("CONNECT".into()),
        ),
        (
            Request::new("track", "https://app.example/c16/echo"),
            "'track' HTTP method is unsupported.",
            RequestError::ForbiddenMethod("track".into()),
        ),
        (
            Request::get("https://app.example/c25/x").body("x"),
            "Request with GET/HEAD method cannot have body.",
            RequestError::BodyWithGetOrHead("GET".into()),
        ),
        (
            Request::new("HEAD", "https://app.example/c25/x").body("x"),
            "Request with GET/HEAD method cannot have body.",
            RequestError::BodyWithGetOrHead("HEAD".into()),
        ),
        (
            Request::new("bad method", "https://app.example/c25/x"),
            "'bad method' is not a valid HTTP method.",
            RequestError::InvalidMethod("bad method".into()),
        ),
        (
            Request::new("", "https://app.example/c25/x"),
            "'' is not a valid HTTP method.",
            RequestError::InvalidMethod(String::new()),
        ),
        (
            Request::get("https://user:pass@api.example/c25/x"),
            "Request cannot be constructed from a URL that includes credentials: https://user:pass@api.example/c25/x",
            RequestError::UrlHasCredentials("https://user:pass@api.example/c25/x".into()),
        ),
        (
            Request::get("http://[bad"),
            "Failed to parse URL from http://[bad",
            RequestError::InvalidUrl("http://[bad".into()),
        ),
    ];
    for (req, detail, reason) in cases {
        let e = page.fetch(req).await.unwrap_err();
        assert_type_error(&e, detail);
        assert_eq!(e.reason(), &FailureReason::Request(reason), "{detail}");
    }
    assert!(w.take_wire().is_empty());
}

#[tokio::test]
async fn invalid_header_name_and_value_are_type_errors() {
    // Case 25 [14], [15].
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    let e = page
        .fetch(Request::get("https://app.example/c25/x").header("X Bad", "1"))
        .await
        .unwrap_err();
    assert_type_error(&e, "Invalid name");
    let e = page
        .fetch(Request::get("https://app.example/c25/x").header("X-Bad", "a\nb"))
        .await
        .unwrap_err();
    assert_type_error(&e, "Invalid value");
    assert!(w.take_wire().is_empty());
}

#[tokio::test]
async fn forbidden_headers_are_dropped_silently_and_allowed_ones_kept() {
    // Case 16 [4]-[6].
    let w = world().await;
    let page = w.page("https://app.example/c16/page");

    let r = page
        .fetch(
            Request::get("https://app.example/c16/echo2")
                .header("Cookie", "a=b")
                .header("X-HTTP-Method-Override", "TRACE"),
        )
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Basic);
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "echo2");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    assert_eq!(wire[0].header("cookie"), None);
    assert_eq!(wire[0].header("x-http-method-override"), None);

    let r = page
        .fetch(
            Request::get("https://app.example/c16/echo3")
                .header("X-HTTP-Method-Override", "PATCH")
                .header("Sec-Foo", "1")
                .header("Proxy-Bar", "1")
                .header("Referer", "https://evil.example/")
                .header("User-Agent", "custom-ua")
                .header("Accept-Charset", "x"),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "echo3");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    let q = &wire[0];
    assert_eq!(q.header("x-http-method-override"), Some("PATCH"));
    assert_eq!(q.header("sec-foo"), None);
    assert_eq!(q.header("proxy-bar"), None);
    assert_eq!(q.header("accept-charset"), None);
    assert_eq!(q.header("referer"), Some("https://app.example/c16/page"));
    assert_eq!(q.header("user-agent"), Some(ua().as_str()));
    assert_ne!(q.header("user-agent"), Some("custom-ua"));

    // Cross-origin with only forbidden headers: no preflight, nothing of them sent.
    let r = page
        .fetch(
            Request::get("https://api.example/c16/cors")
                .header("Cookie", "a=b")
                .header("X-HTTP-Method-Override", "TRACE"),
        )
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.text(), "cors");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1, "no preflight");
    assert_eq!(wire[0].method, "GET");
    assert_eq!(wire[0].header("cookie"), None);
    assert_eq!(wire[0].header("x-http-method-override"), None);
    assert_eq!(wire[0].header("origin"), Some("https://app.example"));
}

#[tokio::test]
async fn string_bodies_imply_text_plain_utf8_and_an_explicit_type_is_kept() {
    // Case 24.
    let w = world().await;
    let page = w.page("https://app.example/c24/page");
    let r = page
        .fetch(Request::post("https://api.example/c24/p").body("hello"))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.text(), "p");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1, "no preflight");
    assert_eq!(wire[0].method, "POST");
    assert_eq!(
        wire[0].header("content-type"),
        Some("text/plain;charset=UTF-8")
    );
    assert_eq!(&wire[0].body[..], b"hello");
    assert_eq!(wire[0].header("sec-fetch-storage-access"), None);

    let r = page
        .fetch(
            Request::post("https://api.example/c24/pc")
                .header("Content-Type", "text/plain")
                .body("hello")
                .credentials(fetchguard::Credentials::Include),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "pc");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1, "no preflight");
    assert_eq!(wire[0].header("content-type"), Some("text/plain"));
    assert_eq!(wire[0].header("sec-fetch-storage-access"), Some("none"));
    assert_eq!(&wire[0].body[..], b"hello");
}

/// Runs case 20's five fetches from `page_url` against `app`/`api`, returning the wire.
async fn run_case_20(w: &World, page_url: &str, app: &str, api: &str) -> Vec<RecordedRequest> {
    let page = w.page(page_url);
    let r = page.fetch(Request::get(format!("{app}/so"))).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Basic);
    assert_eq!((r.status(), r.status_text(), r.ok()), (200, "OK", true));
    assert_eq!(r.url(), format!("{app}/so"));
    assert!(!r.redirected());
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.text(), "so");

    let r = page
        .fetch(Request::post(format!("{app}/sopost")).body("x"))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Basic);
    assert_eq!(r.text(), "sopost");

    let r = page.fetch(Request::get(format!("{api}/co"))).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!((r.status(), r.status_text(), r.ok()), (200, "OK", true));
    assert_eq!(r.url(), format!("{api}/co"));
    assert_eq!(
        r.headers(),
        [
            ("content-length".to_string(), "2".to_string()),
            ("content-type".to_string(), "text/plain".to_string())
        ]
    );
    assert_eq!(r.text(), "co");

    let r = page
        .fetch(Request::post(format!("{api}/copost")).body("x"))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.text(), "copost");

    let r = page
        .fetch(Request::get(format!("{api}/nc")).mode(Mode::NoCors))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Opaque);
    assert_eq!((r.status(), r.status_text(), r.ok()), (0, "", false));
    assert_eq!(r.url(), "");
    assert!(r.headers().is_empty());
    assert_eq!(r.text(), "");

    let wire = w.take_wire();
    let seen: Vec<(&str, String)> = wire
        .iter()
        .map(|r| (r.method.as_str(), r.url.to_string()))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", format!("{app}/so")),
            ("POST", format!("{app}/sopost")),
            ("GET", format!("{api}/co")),
            ("POST", format!("{api}/copost")),
            ("GET", format!("{api}/nc")),
        ]
    );
    wire
}

#[tokio::test]
async fn https_wire_headers_for_same_origin_cross_origin_and_no_cors() {
    // Case 20.
    let w = world().await;
    let page_url = "https://app.example/c20/index.html?q=1";
    let wire = run_case_20(&w, page_url, APP, API).await;
    let ua = ua();
    for r in &wire {
        assert_eq!(r.header("accept"), Some("*/*"), "{}", r.url);
        assert_eq!(r.header("accept-language"), Some("en-US,en;q=0.9"));
        assert_eq!(r.header("user-agent"), Some(ua.as_str()));
        assert_eq!(r.header("sec-ch-ua"), Some(SEC_CH_UA));
        assert_eq!(r.header("sec-ch-ua-mobile"), Some("?0"));
        assert_eq!(r.header("sec-ch-ua-platform"), Some("\"Linux\""));
        assert_eq!(r.header("sec-fetch-dest"), Some("empty"));
        assert_eq!(r.header("sec-fetch-storage-access"), None);
        assert_eq!(r.header("cookie"), None);
    }
    let h = |i: usize, n: &str| wire[i].header(n).map(str::to_string);
    let s = |v: &str| Some(v.to_string());
    // [0] same-origin GET: no Origin, full referrer.
    assert_eq!(h(0, "origin"), None);
    assert_eq!(h(0, "sec-fetch-site"), s("same-origin"));
    assert_eq!(h(0, "sec-fetch-mode"), s("cors"));
    assert_eq!(h(0, "referer"), s(page_url));
    // [1] same-origin POST: Origin sent.
    assert_eq!(h(1, "origin"), s("https://app.example"));
    assert_eq!(h(1, "sec-fetch-site"), s("same-origin"));
    assert_eq!(h(1, "sec-fetch-mode"), s("cors"));
    assert_eq!(h(1, "referer"), s(page_url));
    assert_eq!(h(1, "content-type"), s("text/plain;charset=UTF-8"));
    assert_eq!(&wire[1].body[..], b"x");
    // [2], [3] cross-origin cors GET / POST: origin-only referrer.
    for i in [2, 3] {
        assert_eq!(h(i, "origin"), s("https://app.example"));
        assert_eq!(h(i, "sec-fetch-site"), s("cross-site"));
        assert_eq!(h(i, "sec-fetch-mode"), s("cors"));
        assert_eq!(h(i, "referer"), s("https://app.example/"));
    }
    assert_eq!(h(3, "content-type"), s("text/plain;charset=UTF-8"));
    // [4] cross-origin no-cors GET: no Origin.
    assert_eq!(h(4, "origin"), None);
    assert_eq!(h(4, "sec-fetch-site"), s("cross-site"));
    assert_eq!(h(4, "sec-fetch-mode"), s("no-cors"));
    assert_eq!(h(4, "referer"), s("https://app.example/"));
}

#[tokio::test]
async fn plain_http_wire_headers_have_no_fetch_metadata_and_no_client_hints() {
    // Case 20h.
    let app = "http://app.example";
    let api = "http://api.example";
    let w = World::new(&[app, api], route).await;
    let page_url = "http://app.example/c20h/index.html?q=1";
    let wire = run_case_20(&w, page_url, app, api).await;
    let ua = ua();
    for r in &wire {
        for n in [
            "sec-fetch-site",
            "sec-fetch-mode",
            "sec-fetch-dest",
            "sec-fetch-storage-access",
            "sec-ch-ua",
            "sec-ch-ua-mobile",
            "sec-ch-ua-platform",
        ] {
            assert_eq!(r.header(n), None, "{n} on {}", r.url);
        }
        assert_eq!(r.header("accept"), Some("*/*"));
        assert_eq!(r.header("accept-language"), Some("en-US,en;q=0.9"));
        assert_eq!(r.header("user-agent"), Some(ua.as_str()));
    }
    let h = |i: usize, n: &str| wire[i].header(n).map(str::to_string);
    let s = |v: &str| Some(v.to_string());
    assert_eq!(h(0, "origin"), None);
    assert_eq!(h(0, "referer"), s(page_url));
    assert_eq!(h(1, "origin"), s("http://app.example"));
    assert_eq!(h(1, "referer"), s(page_url));
    assert_eq!(h(1, "content-type"), s("text/plain;charset=UTF-8"));
    for i in [2, 3] {
        assert_eq!(h(i, "origin"), s("http://app.example"));
        assert_eq!(h(i, "referer"), s("http://app.example/"));
    }
    assert_eq!(h(4, "origin"), None);
    assert_eq!(h(4, "referer"), s("http://app.example/"));
}

#[tokio::test]
async fn accept_encoding_depends_on_the_scheme() {
    // Cases 20 and 20h.
    let w = world().await;
    let page = w.page("https://app.example/c20/index.html?q=1");
    page.fetch(Request::get("https://app.example/c20/so"))
        .await
        .unwrap();
    let wire = w.take_wire();
    assert_eq!(
        wire[0].header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    let w = World::new(&["http://app.example"], route).await;
    let page = w.page("http://app.example/c20h/index.html?q=1");
    page.fetch(Request::get("http://app.example/c20h/so"))
        .await
        .unwrap();
    let wire = w.take_wire();
    assert_eq!(wire[0].header("accept-encoding"), Some("gzip, deflate"));
}

#[tokio::test]
async fn methods_are_normalized_except_patch_and_unknown_ones() {
    // Case 26 [0]-[7]: same-origin; Origin on every method but GET and HEAD.
    let w = world().await;
    let page = w.page("https://app.example/c26/index.html?q=1");
    let cases = [
        ("delete", "DELETE", true),
        ("get", "GET", false),
        ("head", "HEAD", false),
        ("options", "OPTIONS", true),
        ("post", "POST", true),
        ("put", "PUT", true),
        ("patch", "patch", true),
        ("Custom", "Custom", true),
    ];
    for (given, sent, origin) in cases {
        let r = page
            .fetch(Request::new(given, "https://app.example/c26/e"))
            .await
            .unwrap();
        assert_eq!(r.response_type(), ResponseType::Basic, "{given}");
        assert_eq!(r.status(), 200);
        let body = if sent == "HEAD" { "" } else { "e" };
        assert_eq!(r.text(), body, "{given}");
        let wire = w.take_wire();
        assert_eq!(wire.len(), 1, "{given}: no preflight same-origin");
        assert_eq!(wire[0].method, sent);
        assert_eq!(
            wire[0].header("origin"),
            origin.then_some("https://app.example"),
            "{given}"
        );
        assert_eq!(
            wire[0].header("referer"),
            Some("https://app.example/c26/index.html?q=1")
        );
        assert_eq!(wire[0].header("sec-fetch-site"), Some("same-origin"));
    }
}

#[tokio::test]
async fn referrer_policies_decide_the_referer() {
    // Case 26 [8]-[16], page https://app.example/c26/index.html?q=1.
    let w = world().await;
    let page_url = "https://app.example/c26/index.html?q=1";
    let page = w.page(page_url);
    use ReferrerPolicy as P;
    let cases: [(&str, P, Option<&str>); 9] = [
        (API, P::NoReferrer, None),
        (API, P::UnsafeUrl, Some(page_url)),
        (API, P::Origin, Some("https://app.example/")),
        (API, P::SameOrigin, None),
        (API, P::NoReferrerWhenDowngrade, Some(page_url)),
        (API, P::StrictOrigin, Some("https://app.example/")),
        (APP, P::Origin, Some("https://app.example/")),
        (APP, P::StrictOrigin, Some("https://app.example/")),
        (APP, P::OriginWhenCrossOrigin, Some(page_url)),
    ];
    for (base, policy, expected) in cases {
        let r = page
            .fetch(Request::get(format!("{base}/c26/e")).referrer_policy(policy))
            .await
            .unwrap();
        assert_eq!(r.text(), "e");
        let wire = w.take_wire();
        assert_eq!(wire.len(), 1);
        assert_eq!(wire[0].header("referer"), expected, "{base} {policy}");
    }
}

#[tokio::test]
async fn data_urls_are_basic_and_readable_in_every_mode() {
    // Case 25 [7]-[9].
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    for mode in [Mode::Cors, Mode::SameOrigin, Mode::NoCors] {
        let r = page
            .fetch(Request::get("data:text/plain,hello").mode(mode))
            .await
            .unwrap();
        assert_eq!(r.response_type(), ResponseType::Basic, "{mode}");
        assert_eq!((r.status(), r.status_text(), r.ok()), (200, "OK", true));
        assert_eq!(r.url(), "data:text/plain,hello");
        assert!(!r.redirected());
        assert_eq!(
            r.headers(),
            [("content-type".to_string(), "text/plain".to_string())]
        );
        assert_eq!(r.text(), "hello");
    }
    assert!(w.take_wire().is_empty());
}

async fn assert_scheme_not_supported(url: &str, scheme: &str) {
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    let e = page.fetch(Request::get(url)).await.unwrap_err();
    assert_eq!(e.message(), "Failed to fetch", "{url}");
    assert_eq!(
        e.console(),
        [format!(
            "Fetch API cannot load {url}. URL scheme \"{scheme}\" is not supported."
        )]
    );
    assert!(w.take_wire().is_empty());
}

#[tokio::test]
async fn about_urls_are_not_supported() {
    // Case 25 [6].
    assert_scheme_not_supported("about:blank", "about").await;
}

#[tokio::test]
async fn javascript_urls_are_not_supported() {
    // Case 25 [12].
    assert_scheme_not_supported("javascript:1", "javascript").await;
}

#[tokio::test]
async fn ftp_urls_are_not_supported() {
    // Case 25 [5].
    assert_scheme_not_supported("ftp://api.example/c25/x", "ftp").await;
}

#[tokio::test]
async fn chrome_urls_are_not_supported() {
    // Case 25 [11].
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    let e = page
        .fetch(Request::get("chrome://version"))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(
        e.console(),
        ["Fetch API cannot load chrome://version/. URL scheme \"chrome\" is not supported."]
    );
}

#[tokio::test]
async fn file_urls_are_not_allowed_to_load() {
    // Case 25 [10].
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    let e = page
        .fetch(Request::get("file:///etc/hostname"))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(
        e.console(),
        ["Not allowed to load local resource: file:///etc/hostname"]
    );
}

#[tokio::test]
async fn unknown_blob_urls_fail_silently() {
    // Case 25 [13].
    let w = world().await;
    let page = w.page("https://app.example/c25/page");
    let e = page
        .fetch(Request::get(
            "blob:https://app.example/00000000-0000-0000-0000-000000000000",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert!(e.console().is_empty(), "{:?}", e.console());
}

#[tokio::test]
async fn connection_refused_fails_to_fetch_without_a_console_line() {
    // Case 17 [1] (refused.example mapped to a port that was bound and closed again), and
    // [3], the same-origin 404 control.
    let w = world().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let browser = w.builder().resolve("refused.example", 443, closed).build();
    let page = browser.page("https://app.example/c17/page").unwrap();
    for mode in [Mode::Cors, Mode::NoCors] {
        let e = page
            .fetch(Request::get("https://refused.example/c17/data").mode(mode))
            .await
            .unwrap_err();
        assert_eq!(e.message(), "Failed to fetch");
        assert_eq!(e.to_string(), "TypeError: Failed to fetch");
        assert!(e.console().is_empty(), "{:?}", e.console());
        assert!(
            matches!(
                e.reason(),
                FailureReason::Network(NetError::ConnectionFailed(_))
            ),
            "{:?}",
            e.reason()
        );
    }
    let r = page
        .fetch(Request::get("https://app.example/nope"))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Basic);
    assert_eq!(
        (r.status(), r.status_text(), r.ok()),
        (404, "Not Found", false)
    );
    assert_eq!(r.text(), "no route");
    assert_eq!(w.take_wire().len(), 1);
}

/// A network where no name resolves.
struct NoDns;

impl Transport for NoDns {
    fn send(&self, _req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
        Box::pin(async { Err(NetError::NameNotResolved) })
    }
}

#[tokio::test]
async fn dns_failure_fails_to_fetch_without_a_console_line() {
    // Case 17 [0], [2] (nohost.example mapped to NOTFOUND).
    let browser = Browser::builder().transport(NoDns).build();
    let page = browser.page("https://app.example/c17/page").unwrap();
    for mode in [Mode::Cors, Mode::NoCors] {
        let e = page
            .fetch(Request::get("https://nohost.example/c17/data").mode(mode))
            .await
            .unwrap_err();
        assert_eq!(e.message(), "Failed to fetch");
        assert!(e.console().is_empty(), "{:?}", e.console());
        assert_eq!(
            e.reason(),
            &FailureReason::Network(NetError::NameNotResolved)
        );
    }
}

#[tokio::test]
async fn no_cors_keeps_only_safelisted_headers() {
    // Case 19x [0]-[2].
    let w = world().await;
    let page = w.page("https://app.example/c19x/page");
    let r = page
        .fetch(
            Request::post("https://api.example/c19x/d")
                .mode(Mode::NoCors)
                .body("{}")
                .header("Content-Type", "application/json")
                .header("X-Custom", "1")
                .header("Accept", "application/json")
                .header("Accept-Language", "de"),
        )
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Opaque);
    let r = page
        .fetch(
            Request::get("https://api.example/c19x/d")
                .mode(Mode::NoCors)
                .header("Range", "bytes=0-1"),
        )
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Opaque);
    let e = page
        .fetch(
            Request::get("https://api.example/noacao")
                .header("Accept", "application/json")
                .header("Accept-Language", "de")
                .header("Content-Language", "fr"),
        )
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");

    let wire = w.take_wire();
    assert_eq!(wire.len(), 3, "no preflight for safelisted headers");
    let post = &wire[0];
    assert_eq!(post.method, "POST");
    assert_eq!(
        post.header("content-type"),
        Some("text/plain;charset=UTF-8")
    );
    assert_eq!(post.header("x-custom"), None);
    assert_eq!(post.header("accept"), Some("application/json"));
    assert_eq!(post.header("accept-language"), Some("de"));
    assert_eq!(post.header("origin"), Some("https://app.example"));
    assert_eq!(post.header("sec-fetch-mode"), Some("no-cors"));
    assert_eq!(&post.body[..], b"{}");
    assert_eq!(wire[1].header("range"), None);
    assert_eq!(wire[1].header("accept"), Some("*/*"));
    assert_eq!(wire[1].header("origin"), None);
    assert_eq!(wire[2].method, "GET");
    assert_eq!(wire[2].header("accept"), Some("application/json"));
    assert_eq!(wire[2].header("accept-language"), Some("de"));
    assert_eq!(wire[2].header("content-language"), Some("fr"));
}

#[tokio::test]
async fn no_cors_with_manual_redirect_is_refused_with_a_console_line() {
    // Case 19x [4].
    let w = world().await;
    let page = w.page("https://app.example/c19x/page");
    let e = page
        .fetch(
            Request::get("https://api.example/c19x/r")
                .mode(Mode::NoCors)
                .redirect(RedirectMode::Manual),
        )
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(
        e.console(),
        [
            "Fetch API cannot load https://api.example/c19x/r. Request mode is \"no-cors\" but the redirect mode is not \"follow\"."
        ]
    );
    assert!(w.take_wire().is_empty());
}
