//! `--browser` on the command line: a name it does not know is a bad command line (exit
//! 2, a message naming the problem, nothing runs), and so are options that need another
//! number of browsers.

use std::process::Command;

fn fetchguard(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fetchguard"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

#[test]
fn unknown_browser_is_refused() {
    for cmd in ["verify", "run"] {
        for list in ["opera", "chromium,opera"] {
            let (code, err) =
                fetchguard(&[cmd, "--browser", list, "examples/simple-get-no-acao.toml"]);
            assert_eq!(code, Some(2), "{cmd} {list}");
            assert!(
                err.contains("unknown browser 'opera' (expected chromium, firefox or webkit)"),
                "{err}"
            );
        }
    }
    let (code, err) = fetchguard(&[
        "check",
        "https://a.example/",
        "--origin",
        "https://b.example",
        "--browser",
        "chromium,firefox",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown browser 'chromium,firefox'"), "{err}");
}

#[test]
fn differences_table_needs_two_browsers() {
    let (code, err) = fetchguard(&[
        "verify",
        "--browser",
        "firefox",
        "--differences-md",
        "/tmp/never-written.md",
        "examples/simple-get-no-acao.toml",
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "fetchguard verify: --differences-md compares browsers: give two or more, e.g. --browser chromium,firefox,webkit"
    );
    assert!(!std::path::Path::new("/tmp/never-written.md").exists());
}

#[test]
fn reports_of_one_run_take_one_browser() {
    for flag in ["--report", "--html=/tmp/x.html", "--junit=/tmp/x.xml"] {
        let (code, err) = fetchguard(&[
            "run",
            "--browser",
            "all",
            flag,
            "examples/simple-get-no-acao.toml",
        ]);
        assert_eq!(code, Some(2), "{flag}");
        assert_eq!(
            err, "fetchguard run: --report, --junit and --html take one browser; --browser lists 3",
            "{flag}"
        );
    }
}

#[test]
fn generate_is_chromium_only() {
    let (code, err) = fetchguard(&["verify", "--generate", "1", "--browser", "webkit"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "fetchguard verify: --generate verifies against Chromium only; not with --browser webkit"
    );
}

#[test]
fn check_names_the_engine_it_fetches_as() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/x");
    for (engine, title) in [("firefox", "Firefox"), ("webkit", "WebKit")] {
        let out = Command::new(env!("CARGO_BIN_EXE_fetchguard"))
            .args([
                "check",
                &url,
                "--origin",
                "http://localhost:3000",
                "--browser",
                engine,
            ])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.starts_with(&format!(
                "GET {url} as a page at http://localhost:3000 ({title})\n"
            )),
            "{stdout}"
        );
    }
}
