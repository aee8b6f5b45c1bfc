//! The same checks as tests/axum_app.rs against a server stack nobody here wrote: a Flask
//! API guarded by flask-cors (PyPI), started on 127.0.0.1 by the test. Skipped, with a
//! message, where python3 with flask and flask-cors is not installed (CI installs them).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use fetchguard::{Browser, CorsError, Credentials, FetchAssertions, Page, Request};
use url::Url;

struct Flask {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Flask {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn flask_available() -> bool {
    Command::new("python3")
        .args(["-c", "import flask, flask_cors"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn start(config: &str) -> Flask {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/flask/app.py");
    let mut child = Command::new("python3")
        .args([script, config])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the app prints its port");
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .expect("PORT n");
    Flask {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    }
}

/// A page at `origin`, with the API's session cookie in the jar (same-site: sent).
fn page(flask: &Flask, origin: &str) -> Page {
    let b = Browser::builder()
        .resolve("api.shop.test", 80, flask.addr)
        .only_resolved_hosts()
        .build();
    let api = Url::parse("http://api.shop.test/").unwrap();
    b.set_cookie(&api, "session=alice; Path=/").unwrap();
    b.page(origin).unwrap()
}

macro_rules! require_flask {
    () => {
        if !flask_available() {
            eprintln!("SKIPPED: python3 with flask and flask-cors is not installed (pip install flask flask-cors)");
            return;
        }
    };
}

#[tokio::test]
async fn flask_cors_strict_configuration() {
    require_flask!();
    let flask = start("strict");
    let app = page(&flask, "http://app.shop.test/");
    let r = app
        .fetch(Request::get("http://api.shop.test/me").credentials(Credentials::Include))
        .await
        .assert_readable();
    assert_eq!(r.text().trim(), r#"{"user":"alice"}"#);

    let put = || {
        Request::put("http://api.shop.test/posts/7")
            .header("X-CSRF-Token", "t")
            .credentials(Credentials::Include)
    };
    let r = app
        .fetch(put())
        .await
        .assert_preflighted()
        .assert_readable();
    assert_eq!(r.text(), "updated 7 (csrf token: True)");

    // flask-cors answers other origins without any ACAO header.
    let evil = page(&flask, "http://evil.test/");
    let e = evil
        .fetch(Request::get("http://api.shop.test/me").credentials(Credentials::Include))
        .await
        .assert_reached_server()
        .assert_blocked(CorsError::MissingAllowOriginHeader);
    assert_eq!(
        e.console(),
        [
            "Access to fetch at 'http://api.shop.test/me' from origin 'http://evil.test' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        ]
    );
}

#[tokio::test]
async fn flask_cors_without_the_custom_header_refuses_the_preflight() {
    require_flask!();
    let flask = start("no-custom-header");
    let app = page(&flask, "http://app.shop.test/");
    let e = app
        .fetch(
            Request::put("http://api.shop.test/posts/7")
                .header("X-CSRF-Token", "t")
                .credentials(Credentials::Include),
        )
        .await
        .assert_preflighted()
        .assert_failed();
    assert!(e.cors_error().is_some(), "{e}");
    assert!(!e.trace().reached_server(), "the PUT never went out");
}

#[tokio::test]
async fn flask_cors_reflecting_any_origin_lets_any_site_read_the_user() {
    require_flask!();
    let flask = start("reflecting");
    let evil = page(&flask, "http://evil.test/");
    // Cross-site now: the session cookie (SameSite unset = Lax) stays home, but the
    // reflected origin plus credentials makes every response readable.
    let r = evil
        .fetch(Request::get("http://api.shop.test/me").credentials(Credentials::Include))
        .await;
    let r = r.assert_readable();
    assert_eq!(r.status(), 401);
    let sent = r.trace().wire()[0].header("cookie").map(str::to_string);
    assert_eq!(sent, None, "Lax cookie held back on a cross-site fetch");
}
