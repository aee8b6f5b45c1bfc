//! The WebKit profile (`Profile::webkit()`), one test per observed fact of issue 18, each
//! run against the Chromium profile too so that a knob set wrong fails. The facts were
//! observed in WebKitGTK 2.50.6 with `fetchguard verify --browser webkit`
//! (docs/firefox-webkit-observations.md, "WebKitGTK 2.50.6: the profile").

mod common;

use common::{World, respond};
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::policy::referrer::ReferrerPolicy;
use fetchguard::{Browser, Credentials, Mode, Profile, Request, ThirdPartyCookies};
use url::Url;

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

/// One handler for every origin, dispatching on the path.
fn route(req: &RecordedRequest) -> CannedResponse {
    let origin = req.header("origin").unwrap_or("*").to_string();
    let cors = [
        ("Access-Control-Allow-Origin", origin.as_str()),
        ("Access-Control-Allow-Credentials", "true"),
    ];
    match (req.method.as_str(), req.url.path()) {
        ("OPTIONS", "/pf") => respond(
            204,
            &[
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Headers", "*"),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "600"),
            ],
            "",
        ),
        (_, "/pf") => respond(200, &[("Access-Control-Allow-Origin", APP)], "pf"),
        (_, "/open") => respond(200, &cors, "open"),
        (_, "/closed") => respond(200, &[], "closed"),
        (_, "/to-api") => respond(302, &[("Location", "https://api.example/open")], ""),
        (_, "/to-pf") => respond(307, &[("Location", "https://api.example/pf")], ""),
        (_, "/empty-location") => respond(302, &[("Location", "")], ""),
        (_, "/loop") => respond(302, &[("Location", "/loop")], ""),
        (_, "/to-got") => respond(302, &[("Location", "/got")], ""),
        (_, "/got") => respond(200, &[], "got"),
        (_, "/set-none") => respond(
            200,
            &[
                cors[0],
                cors[1],
                ("Set-Cookie", "fresh=1; SameSite=None; Secure; Path=/"),
            ],
            "set",
        ),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(
        &[APP, API, "https://api.app.example", "http://localhost"],
        route,
    )
    .await
}

#[tokio::test]
async fn identity_headers_are_webkitgtk_s() {
    let w = world().await;
    for (profile, ua, encoding, priority) in [
        (
            Profile::webkit(),
            "Version/60.5 Safari/605.1.15",
            "gzip, deflate, br",
            None,
        ),
        (
            Profile::chromium(),
            "Chrome/156",
            "gzip, deflate, br, zstd",
            Some("u=1, i"),
        ),
    ] {
        let b = w.browser_as(profile.clone());
        b.page(&format!("{APP}/"))
            .unwrap()
            .fetch(Request::get(format!("{API}/open")).credentials(Credentials::Include))
            .await
            .unwrap();
        let r = w.sent("/open");
        assert!(r.header("user-agent").unwrap().contains(ua));
        assert_eq!(r.header("accept-encoding"), Some(encoding));
        assert_eq!(
            r.header("accept-language"),
            Some(profile.accept_language.as_str())
        );
        // WebKit's network stack adds no priority; Chromium's does over HTTP/2 only.
        if priority.is_none() {
            assert_eq!(r.header("priority"), None);
        }
        assert_eq!(
            r.header("sec-ch-ua").is_some(),
            profile.engine == fetchguard::Engine::Chromium
        );
        assert_eq!(
            r.header("sec-fetch-storage-access").is_some(),
            profile.storage_access_header != fetchguard::StorageAccessHeader::Never
        );
    }
}

#[tokio::test]
async fn failures_read_in_webkit_s_words() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{API}/closed")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Load failed");
    assert_eq!(
        e.console(),
        [
            "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200",
            "Fetch API cannot load https://api.example/closed due to access control checks."
        ]
    );
    let e = page
        .fetch(Request::put(format!("{API}/open")).mode(Mode::NoCors))
        .await
        .unwrap_err();
    assert_eq!(
        e.message(),
        "Method must be GET, POST or HEAD in no-cors mode."
    );
    let e = page
        .fetch(Request::new("TRACE", format!("{API}/open")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Method is forbidden.");
    let e = page
        .fetch(Request::get(format!("{API}/open")).mode(Mode::SameOrigin))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        ["Fetch API cannot load https://api.example/open."]
    );
}

#[tokio::test]
async fn no_fetch_metadata_on_a_cors_hop_after_a_cross_origin_redirect() {
    let w = world().await;
    for (profile, expected) in [
        (Profile::webkit(), None),
        (Profile::chromium(), Some("cross-site")),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::get(format!("{APP}/to-api")).credentials(Credentials::Omit))
            .await
            .unwrap();
        assert_eq!(w.sent("/open").header("sec-fetch-site"), expected);
        // No-cors keeps them in both engines.
        page.fetch(Request::get(format!("{APP}/to-api")).mode(Mode::NoCors))
            .await
            .unwrap();
        assert_eq!(w.sent("/open").header("sec-fetch-site"), Some("cross-site"));
    }
}

/// A browser of `profile` allowing third-party cookies, with `sid=1` stored for the API.
fn with_api_cookie(w: &World, profile: Profile) -> Browser {
    let b = w
        .builder()
        .profile(profile)
        .third_party_cookies(ThirdPartyCookies::Allow)
        .build();
    b.set_cookie(
        &Url::parse(API).unwrap(),
        "sid=1; SameSite=None; Secure; Path=/",
    )
    .unwrap();
    b
}

#[tokio::test]
async fn a_no_cors_request_keeps_the_credentials_it_started_with() {
    let w = world().await;
    for (profile, cookie) in [
        (Profile::webkit(), Some("sid=1")),
        (Profile::chromium(), None),
    ] {
        let b = with_api_cookie(&w, profile);
        b.page(&format!("{APP}/"))
            .unwrap()
            .fetch(Request::get(format!("{APP}/to-api")).mode(Mode::NoCors))
            .await
            .unwrap();
        assert_eq!(w.sent("/open").header("cookie"), cookie);
    }
}

#[tokio::test]
async fn no_third_party_sends_stored_cookies_but_stores_none() {
    let w = world().await;
    let b = w.browser_as(Profile::webkit());
    assert_eq!(b.third_party_cookies(), ThirdPartyCookies::BlockNew);
    // Set by a top-level visit; no SameSite: not Lax by default in WebKit.
    b.set_cookie(&Url::parse(API).unwrap(), "visit=1; Secure; Path=/")
        .unwrap();
    let page = b.page(&format!("{APP}/")).unwrap();
    let include = |p: &str| Request::get(format!("{API}{p}")).credentials(Credentials::Include);
    page.fetch(include("/set-none")).await.unwrap();
    page.fetch(include("/open")).await.unwrap();
    assert_eq!(w.sent("/open").header("cookie"), Some("visit=1"));

    // Chromium (third-party cookies blocked) sends nothing.
    let b = w.browser_as(Profile::chromium());
    b.set_cookie(
        &Url::parse(API).unwrap(),
        "visit=1; SameSite=None; Secure; Path=/",
    )
    .unwrap();
    b.page(&format!("{APP}/"))
        .unwrap()
        .fetch(include("/open"))
        .await
        .unwrap();
    assert_eq!(w.sent("/open").header("cookie"), None);
}

#[tokio::test]
async fn an_unlisted_suffix_makes_a_subdomain_third_party_for_storing() {
    let w = World::new(
        &[
            "https://app.example",
            "https://api.app.example",
            "https://app.example.com",
            "https://api.app.example.com",
        ],
        route,
    )
    .await;
    for (site, cookie) in [("app.example", None), ("app.example.com", Some("fresh=1"))] {
        let b = w.browser_as(Profile::webkit());
        let page = b.page(&format!("https://{site}/")).unwrap();
        let include = |p: &str| {
            Request::get(format!("https://api.{site}{p}")).credentials(Credentials::Include)
        };
        page.fetch(include("/set-none")).await.unwrap();
        page.fetch(include("/open")).await.unwrap();
        assert_eq!(w.sent("/open").header("cookie"), cookie, "{site}");
    }
}

#[tokio::test]
async fn a_cached_wildcard_lets_authorization_through() {
    let w = world().await;
    for (profile, preflights) in [(Profile::webkit(), 1), (Profile::chromium(), 2)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::put(format!("{API}/pf")).header("X-A", "1"))
            .await
            .unwrap();
        // Chromium preflights again, and its preflight refuses Authorization under `*`.
        let _ = page
            .fetch(Request::put(format!("{API}/pf")).header("Authorization", "Bearer x"))
            .await;
        let wire = w.take_wire();
        assert_eq!(
            wire.iter().filter(|r| r.method == "OPTIONS").count(),
            preflights
        );
    }
}

#[tokio::test]
async fn origin_stays_on_a_same_origin_post_redirected_to_get() {
    let w = world().await;
    for (profile, origin) in [(Profile::webkit(), Some(APP)), (Profile::chromium(), None)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::post(format!("{APP}/to-got")).body("x"))
            .await
            .unwrap();
        assert_eq!(w.sent("/got").header("origin"), origin);
    }
}

#[tokio::test]
async fn a_sandboxed_page_sends_referer() {
    let w = world().await;
    for (profile, referer) in [
        (Profile::webkit(), Some("https://app.example/doc.html")),
        (Profile::chromium(), None),
    ] {
        let page = w
            .browser_as(profile)
            .sandboxed_page(&format!("{APP}/doc.html"))
            .unwrap();
        // The page's own host, as in examples/sandboxed-null-origin.toml (observed there).
        page.fetch(Request::get(format!("{APP}/open")))
            .await
            .unwrap();
        assert_eq!(w.sent("/open").header("referer"), referer);
    }
}

#[tokio::test]
async fn http_localhost_from_https_is_mixed_content() {
    let w = world().await;
    let localhost = w.servers[3].origin().clone();
    let url = format!("{localhost}open");
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page.fetch(Request::get(url.clone())).await.unwrap_err();
    assert_eq!(
        e.console(),
        [
            "Not allowed to request resource".to_string(),
            format!("Fetch API cannot load {url} due to access control checks.")
        ]
    );
    assert!(w.take_wire().is_empty());
    // Chromium: potentially trustworthy, so not mixed content (Local Network Access
    // decides instead).
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page.fetch(Request::get(url)).await.unwrap_err();
    assert_ne!(e.reason(), &fetchguard::FailureReason::MixedContent);
}

#[tokio::test]
async fn the_origin_of_a_no_cors_post_follows_the_referrer_policy() {
    let w = world().await;
    for (profile, origin) in [(Profile::webkit(), "null"), (Profile::chromium(), APP)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(
            Request::post(format!("{API}/open"))
                .mode(Mode::NoCors)
                .referrer_policy(ReferrerPolicy::NoReferrer)
                .body("x"),
        )
        .await
        .unwrap();
        assert_eq!(w.sent("/open").header("origin"), Some(origin));
    }
}

#[tokio::test]
async fn target_address_space_is_ignored() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    page.fetch(Request::get(format!("{API}/open")).target_address_space("bogus"))
        .await
        .unwrap();
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    assert!(
        page.fetch(Request::get(format!("{API}/open")).target_address_space("bogus"))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_preflight_after_a_redirect_carries_the_first_url_s_referrer() {
    let w = world().await;
    for (profile, referer) in [
        (Profile::webkit(), "https://app.example/page.html"),
        (Profile::chromium(), "https://app.example/"),
    ] {
        let page = w
            .browser_as(profile)
            .page(&format!("{APP}/page.html"))
            .unwrap();
        page.fetch(Request::put(format!("{APP}/to-pf")).header("X-A", "1"))
            .await
            .unwrap();
        let wire = w.take_wire();
        let preflight = wire.iter().find(|r| r.method == "OPTIONS").unwrap();
        assert_eq!(preflight.header("referer"), Some(referer));
        // The request itself: the origin alone in both (strict-origin-when-cross-origin).
        let put = wire.iter().rfind(|r| r.url.path() == "/pf").unwrap();
        assert_eq!(put.header("referer"), Some("https://app.example/"));
    }
}

#[tokio::test]
async fn a_plain_http_preflight_has_no_sec_fetch_mode() {
    let w = World::new(&["http://app.example", "http://api.example"], route).await;
    for (profile, mode) in [
        (Profile::webkit(), None),
        (Profile::chromium(), Some("cors")),
    ] {
        let page = w.browser_as(profile).page("http://app.example/").unwrap();
        let _ = page
            .fetch(Request::put("http://api.example/pf").header("X-A", "1"))
            .await;
        let wire = w.take_wire();
        let preflight = wire.iter().find(|r| r.method == "OPTIONS").unwrap();
        assert_eq!(preflight.header("sec-fetch-mode"), mode);
    }
}

#[tokio::test]
async fn quiet_failures_get_webkit_s_lines() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{APP}/loop")))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        [
            "Load cannot follow more than 20 redirections",
            "Fetch API cannot load https://app.example/loop due to access control checks."
        ]
    );
    let e = page
        .fetch(Request::get(format!("{APP}/loop")).redirect(fetchguard::RedirectMode::Error))
        .await
        .unwrap_err();
    assert_eq!(
        e.console()[0],
        "Not allowed to follow a redirection while loading https://app.example/loop"
    );
    // Chromium prints nothing for either.
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{APP}/loop")))
        .await
        .unwrap_err();
    assert!(e.console().is_empty());
}

#[tokio::test]
async fn coep_credentialless_is_not_understood() {
    let w = world().await;
    for (profile, cookie) in [
        (Profile::webkit(), Some("sid=1")),
        (Profile::chromium(), None),
    ] {
        let b = with_api_cookie(&w, profile);
        let page = b
            .page(&format!("{APP}/"))
            .unwrap()
            .with_document_headers([("Cross-Origin-Embedder-Policy", "credentialless")]);
        page.fetch(
            Request::get(format!("{API}/open"))
                .mode(Mode::NoCors)
                .credentials(Credentials::Include),
        )
        .await
        .unwrap();
        assert_eq!(w.sent("/open").header("cookie"), cookie);
    }
}

#[tokio::test]
async fn the_refused_header_named_is_a_known_one_else_the_first_written() {
    let w = world().await;
    for (profile, written, named) in [
        (Profile::webkit(), &["X-Zeta", "X-Alpha"][..], "X-Zeta"),
        (
            Profile::webkit(),
            &["X-Zeta", "Authorization"][..],
            "Authorization",
        ),
        // Chromium: Blink's table order (src/cors/header_order.rs), whatever script's.
        (Profile::chromium(), &["X-Alpha", "X-Zeta"][..], "x-zeta"),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        let mut request = Request::get(format!("{API}/open"));
        for name in written {
            request = request.header(*name, "1");
        }
        let e = page.fetch(request).await.unwrap_err();
        let line = format!("Request header field {named} is not allowed");
        assert!(e.console()[0].contains(&line), "{:?}", e.console());
    }
}

#[tokio::test]
async fn an_empty_location_is_a_network_error() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{APP}/empty-location")))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Load failed");
    assert!(e.console().is_empty());
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    let r = page
        .fetch(Request::get(format!("{APP}/empty-location")))
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
}
