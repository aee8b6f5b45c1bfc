//! The WebKit profile on refused and followed redirects (observed in WebKitGTK 2.50.6
//! with `fetchguard verify --browser webkit`; docs/firefox-webkit-observations.md), each
//! test run against the Chromium profile too so that a knob set wrong fails.

mod common;

use common::{World, respond};
use fetchguard::loopback::{CannedResponse, RecordedRequest};
use fetchguard::{Mode, Profile, RedirectMode, Request};

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
        (_, "/got") => respond(200, &[], "got"),
        (_, "/corp-redirect") => respond(
            302,
            &[
                ("Location", "https://app.example/got"),
                ("Cross-Origin-Resource-Policy", "same-origin"),
            ],
            "",
        ),
        (_, "/cred-redirect") => {
            respond(302, &[("Location", "https://user:pass@api.example/a")], "")
        }
        ("OPTIONS", "/auth-ok") => respond(
            204,
            &[
                cors[0],
                cors[1],
                ("Access-Control-Allow-Headers", "Authorization"),
            ],
            "",
        ),
        (_, "/auth-ok") => respond(200, &cors, "ok"),
        (_, "/to-auth-ok") => respond(302, &[("Location", "https://api.example/auth-ok")], ""),
        (_, "/to-ftp") => respond(302, &[("Location", "ftp://files.example/x")], ""),
        _ => respond(404, &[], ""),
    }
}

async fn world() -> World {
    World::new(&[APP, API], route).await
}

#[tokio::test]
async fn a_corp_block_on_a_redirect_names_its_target() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{API}/corp-redirect")).mode(Mode::NoCors))
        .await
        .unwrap_err();
    assert_eq!(
        e.console()[0],
        "Cross-origin redirection to https://app.example/got denied by Cross-Origin Resource \
         Sharing policy: Cancelled load to https://api.example/corp-redirect because it \
         violates the resource's Cross-Origin-Resource-Policy response header."
    );
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(format!("{API}/corp-redirect")).mode(Mode::NoCors))
        .await
        .unwrap_err();
    assert!(e.console().is_empty());
}

#[tokio::test]
async fn a_redirect_to_a_url_with_credentials() {
    let w = world().await;
    let page = w
        .browser_as(Profile::webkit())
        .page(&format!("{APP}/"))
        .unwrap();
    let url = format!("{APP}/cred-redirect");
    // Redirect mode `error` refuses before the credentials are looked at.
    let e = page
        .fetch(Request::get(&url).redirect(RedirectMode::Error))
        .await
        .unwrap_err();
    assert_eq!(
        e.console()[0],
        "Not allowed to follow a redirection while loading https://app.example/cred-redirect"
    );
    // Mode `same-origin` names the target without its credentials.
    let e = page
        .fetch(Request::get(&url).mode(Mode::SameOrigin))
        .await
        .unwrap_err();
    assert!(
        e.console()[0].starts_with("Unsafe attempt to load URL https://api.example/a from"),
        "{:?}",
        e.console()
    );
    let page = w
        .browser_as(Profile::chromium())
        .page(&format!("{APP}/"))
        .unwrap();
    let e = page
        .fetch(Request::get(&url).redirect(RedirectMode::Error))
        .await
        .unwrap_err();
    assert!(e.console()[0].contains("contains a username and password"));
}

#[tokio::test]
async fn authorization_dropped_at_a_cross_origin_redirect_is_still_preflighted() {
    let w = world().await;
    for (profile, preflighted) in [(Profile::webkit(), true), (Profile::chromium(), false)] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        page.fetch(Request::get(format!("{APP}/to-auth-ok")).header("Authorization", "Basic x"))
            .await
            .unwrap();
        let wire = w.take_wire();
        let preflight = wire.iter().find(|r| r.method == "OPTIONS");
        assert_eq!(preflight.is_some(), preflighted);
        if let Some(p) = preflight {
            assert_eq!(
                p.header("access-control-request-headers"),
                Some("authorization")
            );
        }
        let last = wire.iter().rfind(|r| r.url.path() == "/auth-ok").unwrap();
        assert_eq!(last.method, "GET");
        assert_eq!(last.header("authorization"), None);
    }
}

#[tokio::test]
async fn an_ftp_redirect_is_refused_before_the_same_origin_mode_check() {
    let w = world().await;
    for (profile, first) in [
        (Profile::webkit(), "FTP URLs are disabled"),
        (
            Profile::chromium(),
            "Unsafe attempt to load URL ftp://files.example/x",
        ),
    ] {
        let page = w.browser_as(profile).page(&format!("{APP}/")).unwrap();
        let e = page
            .fetch(Request::get(format!("{APP}/to-ftp")).mode(Mode::SameOrigin))
            .await
            .unwrap_err();
        assert!(e.console()[0].starts_with(first), "{:?}", e.console());
    }
}
