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
