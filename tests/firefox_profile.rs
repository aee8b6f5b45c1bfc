//! The Firefox profile over real loopback servers: each fact of issue 17 the library
//! models, as Firefox 153.8.0esr showed it (`verify --browser firefox`), next to the
//! Chromium profile where the two differ.

mod common;

use common::{World, respond};
use fetchguard::loopback::RecordedRequest;
use fetchguard::{Profile, Request};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";
const PLAIN: &str = "http://plain.example";
const PLAIN2: &str = "http://other.example";

fn route(req: &RecordedRequest) -> fetchguard::loopback::CannedResponse {
    let origin = req.header("origin").unwrap_or_default().to_string();
    let acao = ("Access-Control-Allow-Origin", origin.as_str());
    match (req.method.as_str(), req.url.path()) {
        ("OPTIONS", "/pf") => respond(200, &[acao, ("Access-Control-Allow-Methods", "PUT")], ""),
        ("OPTIONS", "/pf-500") => respond(500, &[acao], ""),
        (_, "/pf") => respond(200, &[acao], "done"),
        (_, "/noacao") => respond(200, &[], "hidden"),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(&[APP, API, PLAIN, PLAIN2], route).await
}

fn header<'a>(r: &'a RecordedRequest, name: &str) -> Option<&'a str> {
    r.header(name)
}

#[tokio::test]
async fn identity_headers_follow_the_profile() {
    let w = world().await;
    for (profile, h2_priority, h1_priority, te, http_preflight_mode) in [
        (
            Profile::chromium(),
            Some("u=1, i"),
            None,
            None,
            Some("cors"),
        ),
        (
            Profile::firefox(),
            Some("u=4"),
            Some("u=4"),
            Some("trailers"),
            None,
        ),
    ] {
        let name = profile.name.clone();
        let browser = w.builder().profile(profile).build();
        let page = browser.page("https://app.example/").unwrap();
        page.fetch(Request::put(format!("{API}/pf"))).await.unwrap();
        let wire = w.take_wire();
        assert_eq!(wire.len(), 2, "{name}");
        for r in &wire {
            assert_eq!(header(r, "priority"), h2_priority, "{name} {}", r.method);
            assert_eq!(header(r, "te"), te, "{name} {}", r.method);
            assert_eq!(
                header(r, "sec-ch-ua").is_some(),
                name.starts_with("chromium") && r.method != "OPTIONS",
                "{name}"
            );
        }
        // Plain http: HTTP/1.1, no fetch metadata (but Chromium's preflight mode).
        let plain = browser.page("http://plain.example/").unwrap();
        let _ = plain.fetch(Request::put(format!("{PLAIN2}/pf"))).await;
        let wire = w.take_wire();
        assert_eq!(wire[0].method, "OPTIONS", "{name}");
        assert_eq!(
            header(&wire[0], "sec-fetch-mode"),
            http_preflight_mode,
            "{name}"
        );
        for r in &wire {
            assert_eq!(header(r, "priority"), h1_priority, "{name} {}", r.method);
            assert_eq!(header(r, "te"), None, "{name}");
        }
    }
}

const AT: &str =
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at";

#[tokio::test]
async fn cors_failures_in_firefox_words() {
    let w = world().await;
    let page = w
        .builder()
        .profile(Profile::firefox())
        // A port nothing listens on: the connection is refused.
        .resolve("down.example", 443, "127.0.0.1:1".parse().unwrap())
        .build()
        .page("https://app.example/")
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{API}/noacao")))
        .await
        .unwrap_err();
    assert_eq!(
        e.message(),
        "NetworkError when attempting to fetch resource."
    );
    assert_eq!(
        e.console(),
        [format!(
            "{AT} https://api.example/noacao. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 200."
        )]
    );
    let did_not_succeed = |url: &str| {
        format!("{AT} {url}. (Reason: CORS request did not succeed). Status code: (null).")
    };
    let e = page
        .fetch(Request::put(format!("{API}/pf-500")))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        [
            format!(
                "{AT} https://api.example/pf-500. (Reason: CORS preflight response did not succeed). Status code: 500."
            ),
            did_not_succeed("https://api.example/pf-500"),
        ]
    );
    let e = page
        .fetch(Request::get("https://down.example/x"))
        .await
        .unwrap_err();
    assert_eq!(e.console(), [did_not_succeed("https://down.example/x")]);
    // Arguments: one wording for every method error.
    let e = page
        .fetch(Request::new("TRACE", format!("{API}/pf")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Window.fetch: Invalid request method TRACE.");
    // Mixed content and mode same-origin.
    let e = page
        .fetch(Request::get(format!("{PLAIN}/pf")))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        ["Blocked loading mixed active content \u{201c}http://plain.example/pf\u{201d}"]
    );
    let e = page
        .fetch(Request::get(format!("{API}/pf")).mode(fetchguard::Mode::SameOrigin))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        [
            "Security Error: Content at https://app.example/ may not load data from https://api.example/pf."
        ]
    );
    // Chromium prints nothing for the refused connection.
    let chromium = w
        .builder()
        .resolve("down.example", 443, "127.0.0.1:1".parse().unwrap())
        .build()
        .page("https://app.example/")
        .unwrap();
    let e = chromium
        .fetch(Request::get("https://down.example/x"))
        .await
        .unwrap_err();
    assert!(e.console().is_empty(), "{:?}", e.console());
}
