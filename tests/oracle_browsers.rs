//! End to end: example scenarios observed in real Firefox ESR and real WebKitGTK through
//! the proxy oracle. Each test is skipped (with a message) when its browser is not
//! installed. These check the observations themselves (what each browser really did), not
//! agreement with the engine.

use std::path::Path;

use fetchguard::oracle::{BrowserKind, Oracle};
use fetchguard::scenario::{FetchObservation, load_file};

fn oracle(browser: BrowserKind) -> Option<Oracle> {
    let o = Oracle::new(browser, None);
    let mut missing: Vec<String> = Vec::new();
    if !o.binary().is_file() {
        missing.push(o.binary().display().to_string());
    }
    let needs: &[&str] = match browser {
        BrowserKind::Firefox => &["/usr/bin/certutil"],
        _ => &["/usr/bin/xvfb-run", "/usr/bin/xauth"],
    };
    missing.extend(
        needs
            .iter()
            .filter(|p| !Path::new(p).is_file())
            .map(|p| p.to_string()),
    );
    if browser == BrowserKind::Webkit {
        let gi = std::process::Command::new(o.binary())
            .args([
                "-c",
                "import gi; gi.require_version('WebKit2', '4.1'); from gi.repository import WebKit2",
            ])
            .output();
        if !gi.is_ok_and(|out| out.status.success()) {
            missing.push("WebKitGTK's GObject bindings (gir1.2-webkit2-4.1)".into());
        }
    }
    if missing.is_empty() {
        Some(o)
    } else {
        eprintln!("SKIPPED: {browser} oracle needs {}", missing.join(", "));
        None
    }
}

async fn observe(o: &Oracle, file: &str) -> Vec<FetchObservation> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let loaded = load_file(&path).unwrap();
    let obs = o
        .observe(&loaded)
        .await
        .unwrap_or_else(|e| panic!("{} {file}: {e}", o.browser));
    assert_eq!(obs.len(), loaded.scenario.fetches.len());
    obs
}

/// The CORS failure and its fix: outcome, error, console and wire of both fetches.
async fn simple_get(o: &Oracle, error: &str, console: &[&str]) {
    let obs = observe(o, "examples/simple-get-no-acao.toml").await;
    let (blocked, fixed) = (&obs[0], &obs[1]);
    assert_eq!(blocked.outcome, "error");
    assert_eq!(blocked.error.as_deref(), Some(error));
    assert_eq!(blocked.console, console);
    assert_eq!(blocked.wire.len(), 1, "{:#?}", blocked.wire);
    assert_eq!(blocked.wire[0].method, "GET");
    assert_eq!(blocked.wire[0].url, "https://api.example/api/profile");
    assert_eq!(&blocked.wire[0].headers["origin"], "https://app.example");
    assert_eq!(fixed.outcome, "response");
    assert_eq!(fixed.rtype.as_deref(), Some("cors"));
    assert_eq!(fixed.status, Some(200));
    assert_eq!(
        fixed.body.as_deref(),
        Some(r#"{"name": "Ada", "plan": "pro"}"#)
    );
    assert!(fixed.console.is_empty(), "{:?}", fixed.console);
}

/// A seeded first-party cookie goes out on a same-site credentialed fetch (the seeding
/// visits and the certificate work), and a cached preflight is not sent again.
async fn cookie_and_preflight_cache(o: &Oracle) {
    let obs = observe(o, "examples/credentials-same-site.toml").await;
    assert_eq!(obs[0].wire[0].headers.get("cookie"), Some("session=s77"));
    assert_eq!(obs[1].wire[0].headers.get("cookie"), None);
    let obs = observe(o, "examples/preflight-cached.toml").await;
    let methods =
        |f: &FetchObservation| -> Vec<String> { f.wire.iter().map(|w| w.method.clone()).collect() };
    assert_eq!(methods(&obs[0]), ["OPTIONS", "PUT"]);
    assert_eq!(methods(&obs[1]), ["PUT"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_observes_cors_failure_console_and_wire() {
    let Some(o) = oracle(BrowserKind::Firefox) else {
        return;
    };
    simple_get(
        &o,
        "NetworkError when attempting to fetch resource.",
        &["Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/api/profile. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 200."],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firefox_sends_seeded_cookies_and_caches_preflights() {
    let Some(o) = oracle(BrowserKind::Firefox) else {
        return;
    };
    cookie_and_preflight_cache(&o).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webkit_observes_cors_failure_console_and_wire() {
    let Some(o) = oracle(BrowserKind::Webkit) else {
        return;
    };
    simple_get(
        &o,
        "Load failed",
        &[
            "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200",
            "Fetch API cannot load https://api.example/api/profile due to access control checks.",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webkit_sends_seeded_cookies_and_caches_preflights() {
    let Some(o) = oracle(BrowserKind::Webkit) else {
        return;
    };
    cookie_and_preflight_cache(&o).await;
}
