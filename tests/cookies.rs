//! Cookies on fetches: third-party-cookie blocking, `Sec-Fetch-Storage-Access`, credentials
//! modes, preflights, storing `Set-Cookie` from blocked responses, same-site requests, the
//! jar's JSON form and expiry on the Browser's clock.
//!
//! Expectations are Chromium 156's (docs/chromium-observations.md, cases 20, 21a, 21b, 21c,
//! 21s). In those cases the cookies `sid=abc` (`SameSite=None; Secure`), `nss=1` (no
//! SameSite) and `lax=1` (`SameSite=Lax`) were set by a top-level visit to the API origin
//! first; here [`fetchguard::CookieJar::set`] plays that visit. Where a test checks something
//! the observations do not show, its comment says which rule it follows instead.

mod common;

use std::time::Duration;

use common::{World, respond};
use fetchguard::clock::Clock;
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::{
    Browser, CookieJar, CorsError, Credentials, Request, ResponseType, ThirdPartyCookies,
};
use url::Url;

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

/// Cookies the observed cases set first-party on the API origin before the page ran.
const SEEDED: [&str; 3] = [
    "sid=abc; SameSite=None; Secure; Path=/",
    "nss=1; Path=/",
    "lax=1; SameSite=Lax; Path=/",
];

/// The cases' API: CORS approval (origin echoed, credentials allowed) except on
/// `/setblocked`, and a `Set-Cookie` on the `/set*` paths. The attributes of `blk`, `okc`
/// and `omitc` are not in the observations; `SameSite=None; Secure` is the only choice under
/// which 21b's `blk` and `okc`, set and read cross-site, could be sent at all.
fn route(req: &RecordedRequest) -> CannedResponse {
    let origin = req.header("origin").unwrap_or("*").to_string();
    let allow = |mut r: CannedResponse| {
        r = r
            .header("Access-Control-Allow-Origin", &origin)
            .header("Access-Control-Allow-Credentials", "true");
        r
    };
    let text = ("Content-Type", "text/plain");
    match (req.method.as_str(), req.url.path()) {
        ("OPTIONS", _) => allow(respond(200, &[("Access-Control-Allow-Methods", "PUT")], "")),
        ("PUT", "/data") => allow(respond(200, &[text], "put")),
        (_, "/data") => allow(respond(200, &[text], "data")),
        (_, "/setblocked") => respond(
            200,
            &[text, ("Set-Cookie", "blk=1; SameSite=None; Secure; Path=/")],
            "blk",
        ),
        (_, "/setok") => allow(respond(
            200,
            &[text, ("Set-Cookie", "okc=1; SameSite=None; Secure; Path=/")],
            "setok",
        )),
        (_, "/setomit") => allow(respond(
            200,
            &[
                text,
                ("Set-Cookie", "omitc=1; SameSite=None; Secure; Path=/"),
            ],
            "setomit",
        )),
        (_, "/maxage") => respond(200, &[text, ("Set-Cookie", "m=1; Max-Age=60; Path=/")], "m"),
        (_, "/echo") => respond(200, &[text], "echo"),
        _ => respond(404, &[], "no route"),
    }
}

fn seed(browser: &Browser, origin: &str) {
    let url = Url::parse(&format!("{origin}/")).unwrap();
    for c in SEEDED {
        browser.set_cookie(&url, c).unwrap();
    }
}

fn blocked_line(url: &str, origin: &str) -> String {
    format!(
        "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
}

/// The cookies of a `Cookie` header as a sorted list, for checks that do not depend on
/// the order (see `cookie_header_lists_cookies_in_creation_order` for the order).
fn jar_set(header: Option<&str>) -> Option<Vec<String>> {
    header.map(|h| {
        let mut v: Vec<String> = h.split("; ").map(str::to_string).collect();
        v.sort();
        v
    })
}

fn set_of(cookies: &[&str]) -> Option<Vec<String>> {
    let mut v: Vec<String> = cookies.iter().map(|c| c.to_string()).collect();
    v.sort();
    Some(v)
}

fn include(url: String) -> Request {
    Request::get(url).credentials(Credentials::Include)
}

/// The observed 21a/21c run with third-party cookies blocked: credentialed cross-site
/// requests carry no cookie but `Sec-Fetch-Storage-Access: none`.
async fn run_blocked_profile(browser: Browser, w: &World) {
    assert_eq!(browser.third_party_cookies(), ThirdPartyCookies::Block);
    seed(&browser, API);
    let page = browser.page("https://app.example/c21a/page").unwrap();

    // [0] include GET.
    let r = page.fetch(include(format!("{API}/data"))).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.status(), 200);
    assert_eq!(r.text(), "data");
    // [1] default credentials.
    page.fetch(Request::get(format!("{API}/data")))
        .await
        .unwrap();
    // [2] include PUT: preflight, then the PUT.
    let r = page
        .fetch(Request::put(format!("{API}/data")).credentials(Credentials::Include))
        .await
        .unwrap();
    assert_eq!(r.text(), "put");
    // [3] include, CORS-blocked response.
    let e = page
        .fetch(include(format!("{API}/setblocked")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(e.cors_error(), Some(&CorsError::MissingAllowOriginHeader));
    assert_eq!(
        e.console(),
        [blocked_line(
            "https://api.example/setblocked",
            "https://app.example"
        )]
    );
    // [4] include, CORS ok; [5] omit; [6] include again.
    page.fetch(include(format!("{API}/setok"))).await.unwrap();
    page.fetch(Request::get(format!("{API}/setomit")).credentials(Credentials::Omit))
        .await
        .unwrap();
    page.fetch(include(format!("{API}/data"))).await.unwrap();

    let wire = w.take_wire();
    let seen: Vec<(&str, &str)> = wire
        .iter()
        .map(|r| (r.method.as_str(), r.url.path()))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/data"),
            ("GET", "/data"),
            ("OPTIONS", "/data"),
            ("PUT", "/data"),
            ("GET", "/setblocked"),
            ("GET", "/setok"),
            ("GET", "/setomit"),
            ("GET", "/data"),
        ]
    );
    for r in &wire {
        assert_eq!(r.header("cookie"), None, "{} {}", r.method, r.url);
        assert_eq!(r.header("origin"), Some("https://app.example"));
        assert_eq!(r.header("sec-fetch-site"), Some("cross-site"));
        assert_eq!(r.header("referer"), Some("https://app.example/"));
    }
    let storage: Vec<Option<&str>> = wire
        .iter()
        .map(|r| r.header("sec-fetch-storage-access"))
        .collect();
    assert_eq!(
        storage,
        [
            Some("none"), // include GET
            None,         // default credentials
            None,         // preflight
            Some("none"), // include PUT
            Some("none"), // include, blocked
            Some("none"), // include, ok
            None,         // omit
            Some("none"), // include again
        ]
    );
}

#[tokio::test]
async fn fresh_profile_blocks_third_party_cookies_and_says_storage_access_none() {
    // Case 21a (fresh profile).
    let w = World::new(&[APP, API], route).await;
    run_blocked_profile(w.browser(), &w).await;
}

#[tokio::test]
async fn explicit_block_behaves_like_the_fresh_profile() {
    // Case 21c (cookie_controls_mode 1 = block third-party cookies).
    let w = World::new(&[APP, API], route).await;
    let browser = w
        .builder()
        .third_party_cookies(ThirdPartyCookies::Block)
        .build();
    run_blocked_profile(browser, &w).await;
}

#[tokio::test]
async fn allowed_third_party_cookies_go_only_with_include_and_samesite_none() {
    // Case 21b (cookie_controls_mode 0).
    let w = World::new(&[APP, API], route).await;
    let browser = w
        .builder()
        .third_party_cookies(ThirdPartyCookies::Allow)
        .build();
    seed(&browser, API);
    let page = browser.page("https://app.example/c21b/page").unwrap();

    let r = page.fetch(include(format!("{API}/data"))).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.text(), "data");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    // nss (no SameSite, Lax by default) and lax stay home cross-site.
    assert_eq!(wire[0].header("cookie"), Some("sid=abc"));
    assert_eq!(wire[0].header("sec-fetch-storage-access"), Some("active"));
    assert_eq!(wire[0].header("sec-fetch-site"), Some("cross-site"));

    // Default credentials ('same-origin') to a cross-origin URL: no cookie, no header.
    page.fetch(Request::get(format!("{API}/data")))
        .await
        .unwrap();
    let wire = w.take_wire();
    assert_eq!(wire[0].header("cookie"), None);
    assert_eq!(wire[0].header("sec-fetch-storage-access"), None);

    // The preflight never carries cookies; the PUT after it does.
    page.fetch(Request::put(format!("{API}/data")).credentials(Credentials::Include))
        .await
        .unwrap();
    let wire = w.take_wire();
    assert_eq!(wire.len(), 2);
    assert_eq!(wire[0].method, "OPTIONS");
    assert_eq!(wire[0].header("access-control-request-method"), Some("PUT"));
    assert_eq!(wire[0].header("cookie"), None);
    assert_eq!(wire[0].header("sec-fetch-storage-access"), None);
    assert_eq!(wire[1].method, "PUT");
    assert_eq!(wire[1].header("cookie"), Some("sid=abc"));
    assert_eq!(wire[1].header("sec-fetch-storage-access"), Some("active"));
}

#[tokio::test]
async fn set_cookie_on_a_cors_blocked_response_is_stored_and_omit_stores_nothing() {
    // Case 21b, fetches [3]-[6]: `blk=1` from the blocked response is sent afterwards,
    // `omitc=1` from the credentials: 'omit' response never is.
    let w = World::new(&[APP, API], route).await;
    let browser = w
        .builder()
        .third_party_cookies(ThirdPartyCookies::Allow)
        .build();
    seed(&browser, API);
    let page = browser.page("https://app.example/c21b/page").unwrap();

    let e = page
        .fetch(include(format!("{API}/setblocked")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(
        e.console(),
        [blocked_line(
            "https://api.example/setblocked",
            "https://app.example"
        )]
    );
    let r = page.fetch(include(format!("{API}/setok"))).await.unwrap();
    assert_eq!(r.text(), "setok");
    assert_eq!(r.header("set-cookie"), None);
    let r = page
        .fetch(Request::get(format!("{API}/setomit")).credentials(Credentials::Omit))
        .await
        .unwrap();
    assert_eq!(r.text(), "setomit");
    page.fetch(include(format!("{API}/data"))).await.unwrap();

    let wire = w.take_wire();
    let cookies: Vec<Option<Vec<String>>> =
        wire.iter().map(|r| jar_set(r.header("cookie"))).collect();
    assert_eq!(
        cookies,
        [
            set_of(&["sid=abc"]),
            set_of(&["sid=abc", "blk=1"]),
            None,
            set_of(&["sid=abc", "blk=1", "okc=1"]),
        ]
    );
    let storage: Vec<Option<&str>> = wire
        .iter()
        .map(|r| r.header("sec-fetch-storage-access"))
        .collect();
    assert_eq!(
        storage,
        [Some("active"), Some("active"), None, Some("active")]
    );
    let names: Vec<String> = browser.with_jar(|j| j.cookies().into_iter().map(|c| c.2).collect());
    assert!(names.contains(&"blk".to_string()), "{names:?}");
    assert!(names.contains(&"okc".to_string()), "{names:?}");
    assert!(!names.contains(&"omitc".to_string()), "{names:?}");
}

/// Case 21s's run: https://app.test -> https://api.app.test, fresh profile (third-party
/// cookies blocked, which does not matter same-site). Returns the wire.
async fn run_same_site() -> Vec<RecordedRequest> {
    let app = "https://app.test";
    let api = "https://api.app.test";
    let w = World::new(&[app, api], route).await;
    let browser = w.browser();
    assert_eq!(browser.third_party_cookies(), ThirdPartyCookies::Block);
    seed(&browser, api);
    let page = browser.page("https://app.test/c21s/page").unwrap();

    let r = page.fetch(include(format!("{api}/data"))).await.unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.text(), "data");
    page.fetch(Request::get(format!("{api}/data")))
        .await
        .unwrap();
    page.fetch(Request::put(format!("{api}/data")).credentials(Credentials::Include))
        .await
        .unwrap();
    let e = page
        .fetch(include(format!("{api}/setblocked")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(
        e.console(),
        [blocked_line(
            "https://api.app.test/setblocked",
            "https://app.test"
        )]
    );
    page.fetch(include(format!("{api}/setok"))).await.unwrap();
    page.fetch(Request::get(format!("{api}/setomit")).credentials(Credentials::Omit))
        .await
        .unwrap();
    page.fetch(include(format!("{api}/data"))).await.unwrap();
    w.take_wire()
}

#[tokio::test]
async fn same_site_cross_origin_sends_lax_and_unspecified_cookies_without_storage_access() {
    // Case 21s, which cookies go (order aside).
    let wire = run_same_site().await;
    let seen: Vec<(&str, &str, Option<Vec<String>>)> = wire
        .iter()
        .map(|r| (r.method.as_str(), r.url.path(), jar_set(r.header("cookie"))))
        .collect();
    let base = ["sid=abc", "nss=1", "lax=1"];
    assert_eq!(
        seen,
        [
            ("GET", "/data", set_of(&base)),
            ("GET", "/data", None),
            ("OPTIONS", "/data", None),
            ("PUT", "/data", set_of(&base)),
            ("GET", "/setblocked", set_of(&base)),
            (
                "GET",
                "/setok",
                set_of(&["sid=abc", "nss=1", "lax=1", "blk=1"])
            ),
            ("GET", "/setomit", None),
            (
                "GET",
                "/data",
                set_of(&["sid=abc", "nss=1", "lax=1", "blk=1", "okc=1"])
            ),
        ]
    );
    for r in &wire {
        assert_eq!(r.header("sec-fetch-storage-access"), None, "{}", r.url);
        assert_eq!(r.header("sec-fetch-site"), Some("same-site"));
        assert_eq!(r.header("origin"), Some("https://app.test"));
        assert_eq!(r.header("referer"), Some("https://app.test/"));
    }
}

#[tokio::test]
async fn cookie_header_lists_cookies_in_creation_order() {
    // Case 21s (and 21b: `sid=abc; blk=1; okc=1`): cookies of equal path length go in
    // creation order. Run several times, as a hash order can match by chance.
    for _ in 0..5 {
        let wire = run_same_site().await;
        let cookies: Vec<Option<&str>> = wire.iter().map(|r| r.header("cookie")).collect();
        assert_eq!(
            cookies,
            [
                Some("sid=abc; nss=1; lax=1"),
                None,
                None,
                Some("sid=abc; nss=1; lax=1"),
                Some("sid=abc; nss=1; lax=1"),
                Some("sid=abc; nss=1; lax=1; blk=1"),
                None,
                Some("sid=abc; nss=1; lax=1; blk=1; okc=1"),
            ]
        );
    }
}

#[tokio::test]
async fn same_origin_fetch_with_default_credentials_sends_cookies() {
    // Not observed (the cases' pages had no cookies of their own). The Fetch Standard
    // requires it: credentials mode 'same-origin' includes credentials when the response
    // tainting is 'basic' (HTTP-network-or-cache fetch, "includeCredentials").
    // The absence of Sec-Fetch-Storage-Access on same-origin requests is observed (case 20).
    let w = World::new(&[APP], route).await;
    let browser = w.browser();
    seed(&browser, APP);
    let page = browser.page("https://app.example/page").unwrap();
    let r = page
        .fetch(Request::get("https://app.example/echo"))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Basic);
    assert_eq!(r.text(), "echo");
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    assert_eq!(
        jar_set(wire[0].header("cookie")),
        set_of(&["sid=abc", "nss=1", "lax=1"])
    );
    assert_eq!(wire[0].header("sec-fetch-site"), Some("same-origin"));
    assert_eq!(wire[0].header("sec-fetch-storage-access"), None);
    assert_eq!(wire[0].header("origin"), None);
}

#[tokio::test]
async fn a_saved_and_reloaded_jar_keeps_its_cookies_usable() {
    // A library feature, not a browser fact: a jar saved with save_json and loaded with
    // load_json sends the same cookies (the sending rules are case 21b's).
    let w = World::new(&[APP, API], route).await;
    let first = w
        .builder()
        .third_party_cookies(ThirdPartyCookies::Allow)
        .build();
    seed(&first, API);
    let page = first.page("https://app.example/").unwrap();
    page.fetch(include(format!("{API}/setok"))).await.unwrap();
    let mut json = Vec::new();
    first.with_jar(|j| j.save_json(&mut json)).unwrap();
    w.take_wire();

    let jar = CookieJar::load_json(&json[..]).unwrap();
    assert_eq!(jar.len(), 4);
    let second = w
        .builder()
        .third_party_cookies(ThirdPartyCookies::Allow)
        .cookie_jar(jar)
        .build();
    let page = second.page("https://app.example/").unwrap();
    page.fetch(include(format!("{API}/data"))).await.unwrap();
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    assert_eq!(
        jar_set(wire[0].header("cookie")),
        set_of(&["sid=abc", "okc=1"])
    );
}

#[tokio::test]
async fn max_age_expires_on_the_browsers_manual_clock() {
    // Not observed: RFC 6265bis Max-Age semantics (the cookie expires Max-Age seconds
    // after it was received), measured on the Browser's clock so no test has to sleep.
    let w = World::new(&[APP], route).await;
    let clock = Clock::manual();
    let browser = w.builder().clock(clock.clone()).build();
    let page = browser.page("https://app.example/").unwrap();
    page.fetch(Request::get("https://app.example/maxage"))
        .await
        .unwrap();
    page.fetch(Request::get("https://app.example/echo"))
        .await
        .unwrap();
    assert!(browser.advance(Duration::from_secs(59)));
    page.fetch(Request::get("https://app.example/echo"))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(2));
    page.fetch(Request::get("https://app.example/echo"))
        .await
        .unwrap();
    let wire = w.take_wire();
    let cookies: Vec<Option<&str>> = wire.iter().map(|r| r.header("cookie")).collect();
    assert_eq!(cookies, [None, Some("m=1"), Some("m=1"), None]);
}
