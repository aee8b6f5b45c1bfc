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
const OTHER: &str = "https://other.example";
const WWW: &str = "https://www.site.example";
const API_SITE: &str = "https://api.site.example";

fn route(req: &RecordedRequest) -> fetchguard::loopback::CannedResponse {
    let origin = req.header("origin").unwrap_or_default().to_string();
    let acao = ("Access-Control-Allow-Origin", origin.as_str());
    match (req.method.as_str(), req.url.path()) {
        ("OPTIONS", "/pf") => respond(200, &[acao, ("Access-Control-Allow-Methods", "PUT")], ""),
        ("OPTIONS", "/pf-500") => respond(500, &[acao], ""),
        ("OPTIONS", "/star") => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Methods", "*"),
                ("Access-Control-Max-Age", "600"),
            ],
            "",
        ),
        ("OPTIONS", "/listed") => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Max-Age", "600"),
            ],
            "",
        ),
        ("OPTIONS", "/redir") => respond(200, &[acao, ("Access-Control-Allow-Methods", "PUT")], ""),
        (_, "/redir") => respond(307, &[acao, ("Location", "https://other.example/real")], ""),
        // The preflight after the redirect allows the page's origin only; the request
        // itself allows `null`.
        ("OPTIONS", "/real") => respond(
            200,
            &[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
            "",
        ),
        (_, "/real") => respond(200, &[("Access-Control-Allow-Origin", "null")], "real"),
        (_, "/star" | "/listed" | "/r") => respond(200, &[acao], "done"),
        ("OPTIONS", "/cred") => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Allow-Methods", "PUT"),
            ],
            "",
        ),
        (_, "/set") => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Credentials", "true"),
                ("Set-Cookie", "t=1; Path=/"),
                ("Set-Cookie", "l=1; SameSite=Lax; Path=/"),
            ],
            "",
        ),
        (_, "/auth-cross") => respond(302, &[("Location", "https://api.example/r")], ""),
        (_, "/empty-location") => respond(302, &[("Location", "")], ""),
        (_, "/cred-location") => {
            respond(302, &[("Location", "https://user:pass@api.example/r")], "")
        }
        (_, "/h204") => respond(
            204,
            &[("Last-Modified", "Sat, 01 Jan 2000 00:00:00 GMT")],
            "",
        ),
        (_, "/h1" | "/h2") => respond(200, &[("Cache-Control", "max-age=60")], "h"),
        (_, "/noacao-cached") => respond(200, &[("Cache-Control", "max-age=60")], "x"),
        (_, "/c404") => respond(404, &[acao, ("Cache-Control", "max-age=60")], "no"),
        ("POST", "/inv") => respond(500, &[acao], ""),
        (_, "/inv") => respond(200, &[acao, ("Cache-Control", "max-age=60")], "inv"),
        (_, "/aged") => respond(
            200,
            &[acao, ("Cache-Control", "max-age=3600"), ("Age", "1800")],
            "aged",
        ),
        (_, "/keyed") => respond(
            200,
            &[
                acao,
                ("Access-Control-Allow-Credentials", "true"),
                ("Cache-Control", "max-age=60"),
            ],
            "keyed",
        ),
        (_, "/moved-301") => respond(301, &[("Location", "/r")], ""),
        (_, "/set-ab") => respond(200, &[("Set-Cookie", "a=1"), ("Set-Cookie", "b=1")], ""),
        (_, "/set-a2") => respond(200, &[("Set-Cookie", "a=2")], ""),
        (_, "/cred") => respond(
            200,
            &[acao, ("Access-Control-Allow-Credentials", "true")],
            "",
        ),
        (_, "/pf") => respond(200, &[acao], "done"),
        (_, "/noacao") => respond(200, &[], "hidden"),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(&[APP, API, PLAIN, PLAIN2, OTHER, WWW, API_SITE], route).await
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
        let browser = w.browser_as(profile);
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

/// Fetches with the Chromium, then the Firefox profile, from `page`; returns both.
async fn both<T>(w: &World, page: &str, run: impl AsyncFn(&fetchguard::Page) -> T) -> (T, T) {
    let mut out = Vec::new();
    for profile in [Profile::chromium(), Profile::firefox()] {
        let p = w.browser_as(profile).page(page).unwrap();
        out.push(run(&p).await);
    }
    let f = out.pop().unwrap();
    (out.pop().unwrap(), f)
}

#[tokio::test]
async fn a_cached_wildcard_preflight_serves_chromium_only() {
    let w = world().await;
    let preflights = |w: &World| {
        w.take_wire()
            .iter()
            .filter(|r| r.method == "OPTIONS")
            .count()
    };
    let mut counts = Vec::new();
    for profile in [Profile::chromium(), Profile::firefox()] {
        let page = w.browser_as(profile).page(APP).unwrap();
        for path in ["star", "star", "listed", "listed"] {
            page.fetch(Request::put(format!("{API}/{path}")))
                .await
                .unwrap();
        }
        counts.push(preflights(&w));
    }
    // Chromium: one per path; Firefox: `*` every time, the listed method once.
    assert_eq!(counts, [2, 3]);
}

#[tokio::test]
async fn the_preflight_after_a_cross_origin_redirect_keeps_the_origin_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let r = p.fetch(Request::put(format!("{API}/redir"))).await;
        let wire = w.take_wire();
        (r.is_ok(), wire)
    })
    .await;
    // Chromium: the preflight says `null` and fails the check (ACAO is the page's).
    assert!(!c.0);
    assert_eq!(c.1[2].method, "OPTIONS");
    assert_eq!(c.1[2].header("origin"), Some("null"));
    // Firefox: the page's origin on the preflight, `null` on the request.
    assert!(f.0, "{:?}", f.1);
    assert_eq!(f.1[2].header("origin"), Some("https://app.example"));
    assert_eq!(f.1[3].method, "PUT");
    assert_eq!(f.1[3].header("origin"), Some("null"));
}

#[tokio::test]
async fn relaxed_referrer_policies_send_the_origin_cross_site_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, "https://www.site.example/p?q=1", async |p| {
        let mut seen = Vec::new();
        for policy in [
            fetchguard::ReferrerPolicy::UnsafeUrl,
            fetchguard::ReferrerPolicy::NoReferrerWhenDowngrade,
        ] {
            for target in [API, API_SITE] {
                let _ = p
                    .fetch(Request::get(format!("{target}/r")).referrer_policy(policy))
                    .await;
                let wire = w.take_wire();
                seen.push(wire[0].header("referer").map(String::from));
            }
        }
        seen
    })
    .await;
    let full = Some("https://www.site.example/p?q=1".to_string());
    let origin = Some("https://www.site.example/".to_string());
    assert_eq!(c, [full.clone(), full.clone(), full.clone(), full.clone()]);
    assert_eq!(f, [origin.clone(), full.clone(), origin, full]);
}

#[tokio::test]
async fn data_urls_and_target_address_space() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let data = p
            .fetch(Request::get("data:text/plain,hello"))
            .await
            .unwrap();
        let bogus = p
            .fetch(Request::get(format!("{API}/r")).target_address_space("bogus"))
            .await;
        (
            data.header("content-length").map(String::from),
            bogus.is_ok(),
        )
    })
    .await;
    assert_eq!(c, (None, false));
    assert_eq!(f, (Some("5".to_string()), true));
}

#[tokio::test]
async fn third_party_cookies_are_partitioned_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let set = p
            .fetch(Request::get(format!("{API}/set")).credentials(fetchguard::Credentials::Include))
            .await
            .unwrap();
        let console = set.trace().console_warnings();
        p.fetch(Request::put(format!("{API}/cred")).credentials(fetchguard::Credentials::Include))
            .await
            .unwrap();
        let wire = w.take_wire();
        let same = p.fetch(Request::get(format!("{APP}/r"))).await.unwrap();
        let spdy = same.header("x-firefox-spdy").map(String::from);
        w.take_wire();
        let seen: Vec<(String, Option<String>, Option<String>)> = wire
            .iter()
            .map(|r| {
                (
                    r.method.clone(),
                    r.header("cookie").map(String::from),
                    r.header("sec-fetch-storage-access").map(String::from),
                )
            })
            .collect();
        (seen, console, spdy)
    })
    .await;
    let s = |v: &str| Some(v.to_string());
    // Chromium blocks third-party cookies: nothing stored, nothing sent, silently.
    assert_eq!(
        c.0,
        [
            ("GET".to_string(), None, s("none")),
            ("OPTIONS".to_string(), None, None),
            ("PUT".to_string(), None, s("none")),
        ]
    );
    assert!(c.1.is_empty(), "{:?}", c.1);
    assert_eq!(c.2, None);
    // Firefox keeps `t` (no SameSite is not Lax) in app's partition, refuses the Lax one
    // with a console line, and says `none` on the preflight too.
    assert_eq!(
        f.0,
        [
            ("GET".to_string(), None, s("none")),
            ("OPTIONS".to_string(), None, s("none")),
            ("PUT".to_string(), s("t=1"), s("none")),
        ]
    );
    assert_eq!(
        f.1,
        [
            "Cookie \u{201c}l\u{201d} has been rejected because it is in a cross-site context and its \u{201c}SameSite\u{201d} is \u{201c}Lax\u{201d} or \u{201c}Strict\u{201d}."
        ]
    );
    assert_eq!(f.2, s("h2"));
}

#[tokio::test]
async fn firefox_sends_no_storage_access_header_when_third_party_cookies_are_allowed_or_blocked() {
    let w = world().await;
    for policy in [
        fetchguard::ThirdPartyCookies::Allow,
        fetchguard::ThirdPartyCookies::Block,
    ] {
        for (profile, want) in [
            (
                Profile::chromium(),
                Some(if policy == fetchguard::ThirdPartyCookies::Allow {
                    "active"
                } else {
                    "none"
                }),
            ),
            (Profile::firefox(), None),
        ] {
            let p = w
                .builder()
                .profile(profile)
                .third_party_cookies(policy)
                .build()
                .page(APP)
                .unwrap();
            p.fetch(
                Request::get(format!("{API}/cred")).credentials(fetchguard::Credentials::Include),
            )
            .await
            .unwrap();
            let wire = w.take_wire();
            assert_eq!(
                wire[0].header("sec-fetch-storage-access"),
                want,
                "{policy:?}"
            );
        }
    }
}

#[tokio::test]
async fn an_overwritten_cookie_keeps_its_place_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        for path in ["set-ab", "set-a2", "r"] {
            p.fetch(Request::get(format!("{APP}/{path}")))
                .await
                .unwrap();
        }
        let wire = w.take_wire();
        wire[2].header("cookie").map(String::from)
    })
    .await;
    assert_eq!(c.as_deref(), Some("b=1; a=2"));
    assert_eq!(f.as_deref(), Some("a=2; b=1"));
}

#[tokio::test]
async fn firefox_blocks_private_addresses_as_mixed_content() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let e = p
            .fetch(Request::get("http://192.168.1.1/api/status"))
            .await
            .unwrap_err();
        (e.reason().clone(), e.console().to_vec())
    })
    .await;
    // Chromium: a warning, then Local Network Access denies it.
    assert!(
        matches!(c.0, fetchguard::FailureReason::Cors(_)),
        "{:?}",
        c.0
    );
    assert_eq!(f.0, fetchguard::FailureReason::MixedContent);
    assert_eq!(
        f.1,
        ["Blocked loading mixed active content \u{201c}http://192.168.1.1/api/status\u{201d}"]
    );
}

#[tokio::test]
async fn a_no_cors_post_under_no_referrer_says_origin_null_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let _ = p
            .fetch(
                Request::post(format!("{API}/r"))
                    .mode(fetchguard::Mode::NoCors)
                    .referrer_policy(fetchguard::ReferrerPolicy::NoReferrer),
            )
            .await;
        let wire = w.take_wire();
        wire[0].header("origin").map(String::from)
    })
    .await;
    assert_eq!(c.as_deref(), Some("https://app.example"));
    assert_eq!(f.as_deref(), Some("null"));
}

/// Local Network Access as observed in Firefox 153.8.0esr (a page reaching a loopback
/// listener directly, the page's listener classified public with
/// `network.lna.address_space.public.override`).
#[tokio::test]
async fn local_network_access_in_firefox_words_and_for_insecure_pages() {
    use fetchguard::policy::{AddressSpace, Permission};
    let w = world().await;
    let mut seen = Vec::new();
    for profile in [Profile::chromium(), Profile::firefox()] {
        let b = w
            .builder()
            .profile(profile)
            .address_space(API, AddressSpace::Loopback)
            .network_permission(PLAIN, AddressSpace::Loopback, Permission::Allow)
            .network_permission(APP, AddressSpace::Loopback, Permission::Block)
            .build();
        // An insecure public page holding the permission.
        let insecure = b
            .page(PLAIN)
            .unwrap()
            .fetch(Request::get(format!("{API}/r")))
            .await;
        let insecure_wire = w.take_wire().len();
        // A secure page the permission is denied to, in modes cors and no-cors.
        let app = b.page(APP).unwrap();
        let mut denied = Vec::new();
        for mode in [fetchguard::Mode::Cors, fetchguard::Mode::NoCors] {
            let e = app
                .fetch(Request::get(format!("{API}/r")).mode(mode))
                .await
                .unwrap_err();
            denied.push(e.console().to_vec());
        }
        seen.push((insecure.is_ok(), insecure_wire, denied, w.take_wire().len()));
    }
    let (f, c) = (seen.pop().unwrap(), seen.pop().unwrap());
    // Chromium denies the insecure page outright; Firefox asks its permission.
    assert_eq!((c.0, c.1), (false, 0));
    assert_eq!((f.0, f.1), (true, 1));
    // Denied: nothing sent in either; Chromium names the address space in both modes.
    assert_eq!((c.3, f.3), (0, 0));
    assert!(
        c.2.iter()
            .all(|l| l.len() == 1 && l[0].contains("`loopback` address space"))
    );
    assert_eq!(
        f.2,
        [
            vec![
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/r. (Reason: CORS request did not succeed). Status code: (null)."
                    .to_string()
            ],
            Vec::new()
        ]
    );
}

#[tokio::test]
async fn a_conditional_request_goes_as_no_store_and_a_301_is_not_kept_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let _ = p
            .fetch(Request::get(format!("{APP}/r")).header("If-None-Match", "\"v0\""))
            .await;
        let wire = w.take_wire();
        let sent = (
            wire[0].header("cache-control").map(String::from),
            wire[0].header("pragma").map(String::from),
        );
        // The same 301 twice: is it fetched again?
        for _ in 0..2 {
            p.fetch(Request::get(format!("{APP}/moved-301")))
                .await
                .unwrap();
        }
        let moved = w
            .take_wire()
            .iter()
            .filter(|r| r.url.path() == "/moved-301")
            .count();
        (sent, moved)
    })
    .await;
    assert_eq!(c, ((Some("max-age=0".into()), None), 1));
    assert_eq!(f, ((Some("no-cache".into()), Some("no-cache".into())), 2));
}

#[tokio::test]
async fn firefox_http_cache_statuses_invalidation_request_directives_and_credentials() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let mut sent = Vec::new();
        // A fresh 404 fetched twice, then with `force-cache`; a fresh entry after a POST answered 500; a response
        // that arrived 1800 s old asked for with `max-age=600`; the same URL without and
        // with credentials; a response without ACAO twice; HEAD twice, then HEAD after GET; a
        // 204 with an old `Last-Modified` twice.
        let steps: Vec<Request> = vec![
            Request::get(format!("{API}/c404")),
            Request::get(format!("{API}/c404")),
            Request::get(format!("{API}/c404")).cache(fetchguard::CacheMode::ForceCache),
            Request::get(format!("{APP}/inv")),
            Request::post(format!("{APP}/inv")),
            Request::get(format!("{APP}/inv")),
            Request::get(format!("{APP}/aged")),
            Request::get(format!("{APP}/aged")).header("Cache-Control", "max-age=600"),
            Request::get(format!("{API}/keyed")).credentials(fetchguard::Credentials::Omit),
            Request::get(format!("{API}/keyed")).credentials(fetchguard::Credentials::Include),
            Request::get(format!("{API}/noacao-cached")),
            Request::get(format!("{API}/noacao-cached")),
            Request::new("HEAD", format!("{APP}/h1")),
            Request::new("HEAD", format!("{APP}/h1")),
            Request::get(format!("{APP}/h2")),
            Request::new("HEAD", format!("{APP}/h2")),
            Request::get(format!("{APP}/h204")),
            Request::get(format!("{APP}/h204")),
        ];
        for r in steps {
            let _ = p.fetch(r).await;
            sent.push(
                w.take_wire()
                    .iter()
                    .filter(|r| r.method != "OPTIONS")
                    .count(),
            );
        }
        sent
    })
    .await;
    assert_eq!(c, [1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1]);
    assert_eq!(f, [1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0]);
}

#[tokio::test]
async fn redirect_mode_error_fails_first_and_silently_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let e = p
            .fetch(
                Request::get(format!("{APP}/cred-location"))
                    .redirect(fetchguard::RedirectMode::Error),
            )
            .await
            .unwrap_err();
        e.console().to_vec()
    })
    .await;
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(f.is_empty(), "{f:?}");
}

#[tokio::test]
async fn an_empty_location_is_followed_to_the_limit_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        let r = p.fetch(Request::get(format!("{APP}/empty-location"))).await;
        (r.is_ok(), w.take_wire().len())
    })
    .await;
    assert_eq!(c, (true, 1));
    assert_eq!(f, (false, 21));
}

#[tokio::test]
async fn a_dropped_authorization_still_asks_for_a_preflight_in_firefox() {
    let w = world().await;
    let (c, f) = both(&w, APP, async |p| {
        p.fetch(Request::get(format!("{APP}/auth-cross")).header("Authorization", "Basic eA=="))
            .await
            .unwrap();
        w.take_wire()
            .iter()
            .skip(1)
            .map(|r| {
                (
                    r.method.clone(),
                    r.header("authorization").is_some()
                        || r.header("access-control-request-headers").is_some(),
                )
            })
            .collect::<Vec<_>>()
    })
    .await;
    assert_eq!(c, [("GET".to_string(), false)]);
    assert_eq!(
        f,
        [("OPTIONS".to_string(), false), ("GET".to_string(), false)]
    );
}
