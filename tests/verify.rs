//! End to end: a few example scenarios run in real headless Chromium through the oracle,
//! and the engine's observations of the same scenarios agree with it field by field.
//! Skipped (with a message) when no Chromium is installed.

use std::path::{Path, PathBuf};

use fetchguard::oracle::{compare, observe_in_chromium};
use fetchguard::scenario::{load_file, run_scenario};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: Chromium not found at {} (set $CHROMIUM to run the verify tests)",
            path.display()
        );
        None
    }
}

async fn engine_agrees_with_chromium(file: &str, chromium: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let loaded = load_file(&path).unwrap();
    let browser = observe_in_chromium(&loaded, chromium)
        .await
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let engine = run_scenario(&loaded).await;
    assert_eq!(engine.setup_error, None, "{file}");
    assert_eq!(browser.len(), loaded.scenario.fetches.len(), "{file}");
    assert_eq!(engine.fetches.len(), browser.len(), "{file}");
    for (i, (e, c)) in engine.fetches.iter().zip(&browser).enumerate() {
        let d = compare(&e.observed, c);
        assert!(d.is_empty(), "{file} fetch #{i}: {d:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simple_get_agrees_with_chromium() {
    let Some(chromium) = chromium() else { return };
    engine_agrees_with_chromium("examples/simple-get-no-acao.toml", &chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_cookie_and_third_party_pref_agree_with_chromium() {
    let Some(chromium) = chromium() else { return };
    engine_agrees_with_chromium("examples/reflected-origin-credentials.toml", &chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandboxed_page_agrees_with_chromium() {
    let Some(chromium) = chromium() else { return };
    engine_agrees_with_chromium("examples/sandboxed-null-origin.toml", &chromium).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_observations_are_real() {
    let Some(chromium) = chromium() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/simple-get-no-acao.toml");
    let loaded = load_file(&path).unwrap();
    let obs = observe_in_chromium(&loaded, &chromium).await.unwrap();
    assert_eq!(obs[0].outcome, "error");
    assert_eq!(obs[0].console.len(), 1);
    assert!(obs[0].console[0].contains("blocked by CORS policy"));
    assert_eq!(obs[0].wire.len(), 1);
    assert!(
        obs[0].wire[0].headers["user-agent"].contains("HeadlessChrome"),
        "the wire is Chromium's own"
    );
    assert_eq!(obs[1].status, Some(200));
    assert_eq!(
        obs[1].body.as_deref(),
        Some(r#"{"name": "Ada", "plan": "pro"}"#)
    );
}

#[tokio::test]
async fn a_missing_chromium_is_an_error_not_a_hang() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/simple-get-no-acao.toml");
    let loaded = load_file(&path).unwrap();
    let err = observe_in_chromium(&loaded, Path::new("/nonexistent/chromium"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not found"), "{err}");
}

/// Writes a scenario to a temporary file and loads it.
fn scenario(name: &str, text: &str) -> fetchguard::scenario::LoadedScenario {
    let dir = std::env::temp_dir().join(format!("fetchguard-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    load_file(&path).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_cache_works_because_the_certificate_is_valid() {
    let Some(chromium) = chromium() else { return };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/http-cache-max-age.toml");
    let loaded = load_file(&path).unwrap();
    let obs = observe_in_chromium(&loaded, &chromium).await.unwrap();
    assert_eq!(obs[0].wire.len(), 1);
    assert_eq!(obs[1].outcome, "response");
    assert_eq!(obs[1].body.as_deref(), Some(r#"{"name": "Ada"}"#));
    assert!(
        obs[1].wire.is_empty(),
        "max-age=60: the second fetch is a cache hit, so https is not a certificate error: {:?}",
        obs[1].wire
    );
}

const PUBLIC_TO_LOOPBACK: &str = r#"
[page]
url = "https://app.example/"
[[server]]
origin = "http://localhost:8080"
SPACE
[[server.route]]
path = "/data"
headers = [["Access-Control-Allow-Origin", "*"]]
body = "hi"
[[fetch]]
url = "http://localhost:8080/data"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listeners_get_the_scenario_address_space_in_chromium() {
    let Some(chromium) = chromium() else { return };
    // Both listeners are on 127.0.0.1; only the overrides make the page public and
    // localhost loopback (derived default), so Local Network Access denies the fetch.
    let derived = scenario("lna-derived", &PUBLIC_TO_LOOPBACK.replace("SPACE", ""));
    let obs = observe_in_chromium(&derived, &chromium).await.unwrap();
    assert_eq!(obs[0].outcome, "error");
    assert_eq!(
        obs[0].console,
        vec![
            "Access to fetch at 'http://localhost:8080/data' from origin 'https://app.example' \
             has been blocked by CORS policy: Permission was denied for this request to access \
             the `loopback` address space."
                .to_string()
        ]
    );
    assert!(obs[0].wire.is_empty());
    // The same server declared public: no gate.
    let public = scenario(
        "lna-public",
        &PUBLIC_TO_LOOPBACK.replace("SPACE", "address_space = \"public\""),
    );
    let obs = observe_in_chromium(&public, &chromium).await.unwrap();
    assert_eq!(obs[0].outcome, "response", "{:?}", obs[0]);
    assert_eq!(obs[0].body.as_deref(), Some("hi"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_granted_loopback_permission_reaches_chromium_before_the_page_loads() {
    let Some(chromium) = chromium() else { return };
    // The permission is set over the DevTools pipe before the page opens; the local-network
    // one alone does not open loopback.
    let text = PUBLIC_TO_LOOPBACK.replace("SPACE", "");
    let granted = scenario(
        "lna-granted",
        &format!("[browser]\nloopback_network = \"allow\"\n{text}"),
    );
    let obs = observe_in_chromium(&granted, &chromium).await.unwrap();
    assert_eq!(obs[0].outcome, "response", "{:?}", obs[0]);
    assert_eq!(obs[0].wire.len(), 1);
    let other = scenario(
        "lna-other-permission",
        &format!("[browser]\nlocal_network = \"allow\"\n{text}"),
    );
    let obs = observe_in_chromium(&other, &chromium).await.unwrap();
    assert_eq!(obs[0].outcome, "error", "{:?}", obs[0]);
    assert!(obs[0].wire.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_headers_reach_both_the_engine_and_chromium() {
    let Some(chromium) = chromium() else { return };
    let loaded = scenario(
        "page-headers",
        r#"
[page]
url = "https://app.example/"
headers = [["Referrer-Policy", "no-referrer"]]
[[server]]
origin = "https://api.example"
[[server.route]]
path = "/etag"
match_headers = { "X-Token" = "b" }
headers = [["Access-Control-Allow-Origin", "*"]]
body = "second route"
[[server.route]]
path = "/etag"
method = "OPTIONS"
headers = [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Headers", "x-token"]]
[[server.route]]
path = "/etag"
headers = [["Access-Control-Allow-Origin", "*"]]
body = "first route"
[[fetch]]
url = "https://api.example/etag"
[[fetch]]
url = "https://api.example/etag"
mode = "no-cors"
[[fetch]]
url = "https://api.example/etag"
headers = [["X-Token", "b"]]
cache = "no-store"
"#,
    );
    let browser = observe_in_chromium(&loaded, &chromium).await.unwrap();
    assert!(
        !browser[0].wire[0].headers.contains_key("referer"),
        "{:?}",
        browser[0].wire
    );
    assert_eq!(browser[0].body.as_deref(), Some("first route"));
    assert_eq!(browser[2].body.as_deref(), Some("second route"));
    let engine = run_scenario(&loaded).await;
    for (i, (e, c)) in engine.fetches.iter().zip(&browser).enumerate() {
        let d = compare(&e.observed, c);
        assert!(d.is_empty(), "fetch #{i}: {d:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_address_space_and_cache_reach_chromium_as_given() {
    let Some(chromium) = chromium() else { return };
    let loaded = scenario(
        "init-keys",
        r#"
[page]
url = "https://app.example/"
[[server]]
origin = "https://api.example"
[[server.route]]
path = "/p"
headers = [["Access-Control-Allow-Origin", "*"]]
[[fetch]]
url = "https://api.example/p"
target_address_space = "nowhere"
[[fetch]]
url = "https://api.example/p"
target_address_space = "local"
[[fetch]]
url = "https://api.example/p"
cache = "only-if-cached"
"#,
    );
    let obs = observe_in_chromium(&loaded, &chromium).await.unwrap();
    assert_eq!(
        obs[0].error.as_deref(),
        Some(
            "Failed to execute 'fetch' on 'Window': Failed to read the 'targetAddressSpace' \
             property from 'RequestInit': The provided value 'nowhere' is not a valid enum \
             value of type IPAddressSpace."
        )
    );
    assert_eq!(
        obs[1].console,
        vec![
            "Access to fetch at 'https://api.example/p' from origin 'https://app.example' has \
             been blocked by CORS policy: Request had a target IP address space of `local` yet \
             the resource is in address space `public`."
                .to_string()
        ]
    );
    assert_eq!(
        obs[2].error.as_deref(),
        Some(
            "Failed to execute 'fetch' on 'Window': 'only-if-cached' can be set only with 'same-origin' mode"
        )
    );
    assert!(obs.iter().all(|o| o.wire.is_empty()));
}
