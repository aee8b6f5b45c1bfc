//! The WebKit profile's HTTP cache (WebKit's network cache, observed in WebKitGTK 2.50.6
//! with `fetchguard verify --browser webkit`; docs/firefox-webkit-observations.md), each
//! test run against the Chromium profile too so that a knob set wrong fails.

mod common;

use common::{World, respond};
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::{CacheMode, Mode, Profile, Request};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

/// One handler for every origin, dispatching on the path.
fn route(req: &RecordedRequest) -> CannedResponse {
    match (req.method.as_str(), req.url.path()) {
        ("OPTIONS", "/pf") => respond(
            204,
            &[
                ("Access-Control-Allow-Origin", APP),
                ("Access-Control-Allow-Headers", "*"),
                ("Access-Control-Max-Age", "600"),
            ],
            "",
        ),
        (_, "/pf") => respond(200, &[("Access-Control-Allow-Origin", APP)], "pf"),
        (_, "/p308") => respond(308, &[("Location", "/got")], ""),
        (_, "/got") => respond(200, &[], "got"),
        (_, "/old-404") => respond(
            404,
            &[("Last-Modified", "Mon, 01 Jan 2001 00:00:00 GMT")],
            "gone",
        ),
        (_, "/stale-404") => respond(
            404,
            &[
                ("Cache-Control", "max-age=0"),
                ("Last-Modified", "Mon, 01 Jan 2001 00:00:00 GMT"),
            ],
            "stale",
        ),
        (_, "/vary-star") => respond(
            200,
            &[
                ("Cache-Control", "max-age=600"),
                ("ETag", "\"v\""),
                ("Vary", "*"),
            ],
            "vary",
        ),
        (_, "/aged") => respond(
            200,
            &[("Cache-Control", "max-age=1"), ("Age", "100")],
            "aged",
        ),
        (_, "/kept") => respond(200, &[("Cache-Control", "max-age=600")], "kept"),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(&[APP, API], route).await
}

/// How many requests to `path` the wire saw since the last look.
fn count(w: &World, path: &str) -> usize {
    w.take_wire()
        .into_iter()
        .filter(|r| r.url.path() == path)
        .count()
}

#[tokio::test]
async fn a_308_without_freshness_is_not_cached() {
    let w = world().await;
    for (profile, sent_twice) in [(Profile::webkit(), 2), (Profile::chromium(), 1)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        for _ in 0..2 {
            page.fetch(Request::get(format!("{APP}/p308")))
                .await
                .unwrap();
        }
        let wire = w.take_wire();
        let n = wire.iter().filter(|r| r.url.path() == "/p308").count();
        assert_eq!(n, sent_twice);
    }
}

#[tokio::test]
async fn the_cache_keeps_only_reusable_responses_with_heuristics_for_any_status() {
    let w = world().await;
    // (profile, requests for two 404s with an old Last-Modified, for a 200 without
    // caching headers then `force-cache`)
    for (profile, old_404, plain) in [(Profile::webkit(), 1, 2), (Profile::chromium(), 2, 1)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        for _ in 0..2 {
            let r = page.fetch(Request::get(format!("{APP}/old-404"))).await;
            assert_eq!(r.unwrap().status(), 404);
        }
        assert_eq!(count(&w, "/old-404"), old_404);
        page.fetch(Request::get(format!("{APP}/got")))
            .await
            .unwrap();
        page.fetch(Request::get(format!("{APP}/got")).cache(CacheMode::ForceCache))
            .await
            .unwrap();
        assert_eq!(count(&w, "/got"), plain);
    }
}

#[tokio::test]
async fn only_if_cached_with_nothing_stored_goes_to_the_network() {
    let w = world().await;
    for (profile, answered) in [(Profile::webkit(), true), (Profile::chromium(), false)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        let r = page
            .fetch(
                Request::get(format!("{APP}/got"))
                    .mode(Mode::SameOrigin)
                    .cache(CacheMode::OnlyIfCached),
            )
            .await;
        assert_eq!(r.is_ok(), answered);
        assert_eq!(count(&w, "/got"), usize::from(answered));
    }
}

#[tokio::test]
async fn a_preflight_carries_no_cache_mode_headers() {
    let w = world().await;
    for (profile, cache_control) in [
        (Profile::webkit(), None),
        (Profile::chromium(), Some("max-age=0")),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(
            Request::get(format!("{API}/pf"))
                .header("X-Custom", "1")
                .cache(CacheMode::NoCache),
        )
        .await
        .unwrap();
        let wire = w.take_wire();
        let preflight = wire.iter().find(|r| r.method == "OPTIONS").unwrap();
        assert_eq!(preflight.header("cache-control"), cache_control);
        let request = wire.iter().find(|r| r.method == "GET").unwrap();
        assert_eq!(request.header("cache-control"), Some("max-age=0"));
    }
}

#[tokio::test]
async fn a_conditional_request_goes_out_as_no_store() {
    let w = world().await;
    for (profile, cache_control, pragma) in [
        (Profile::webkit(), "no-cache", Some("no-cache")),
        (Profile::chromium(), "max-age=0", None),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::get(format!("{APP}/got")).header("If-None-Match", "\"v\""))
            .await
            .unwrap();
        let r = w.sent("/got");
        assert_eq!(r.header("cache-control"), Some(cache_control));
        assert_eq!(r.header("pragma"), pragma);
    }
}

#[tokio::test]
async fn the_cache_revalidates_any_kept_status_and_never_a_vary_mismatch() {
    let w = world().await;
    for (profile, if_modified_since, if_none_match) in [
        (Profile::webkit(), true, false),
        (Profile::chromium(), false, true),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        for path in ["/stale-404", "/stale-404", "/vary-star", "/vary-star"] {
            let _ = page.fetch(Request::get(format!("{APP}{path}"))).await;
        }
        let wire = w.take_wire();
        let last = |path: &str| wire.iter().rfind(|r| r.url.path() == path).unwrap();
        assert_eq!(
            last("/stale-404").header("if-modified-since").is_some(),
            if_modified_since
        );
        assert_eq!(
            last("/vary-star").header("if-none-match").is_some(),
            if_none_match
        );
    }
}

#[tokio::test]
async fn a_request_s_max_stale_is_honoured() {
    let w = world().await;
    for (profile, sent) in [(Profile::webkit(), 1), (Profile::chromium(), 2)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::get(format!("{APP}/aged")))
            .await
            .unwrap();
        page.fetch(Request::get(format!("{APP}/aged")).header("Cache-Control", "max-stale=1000"))
            .await
            .unwrap();
        assert_eq!(count(&w, "/aged"), sent);
    }
}

#[tokio::test]
async fn only_a_get_reads_the_cache_and_any_other_method_drops_the_entry() {
    let w = world().await;
    for (profile, sent) in [(Profile::webkit(), 3), (Profile::chromium(), 1)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        for method in ["GET", "HEAD", "GET"] {
            page.fetch(Request::new(method, format!("{APP}/kept")))
                .await
                .unwrap();
        }
        assert_eq!(count(&w, "/kept"), sent);
    }
}
