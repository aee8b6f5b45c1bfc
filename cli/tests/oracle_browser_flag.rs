//! `verify --browser`: a name it does not know and `--update` with a browser other than
//! Chromium are bad command lines (exit 2, a message naming the problem, nothing runs).

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
    let (code, err) = fetchguard(&[
        "verify",
        "--browser",
        "opera",
        "examples/simple-get-no-acao.toml",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown browser \"opera\" (expected chromium, firefox or webkit)"),
        "{err}"
    );
}

#[test]
fn update_is_chromium_only() {
    for browser in ["firefox", "webkit"] {
        let (code, err) = fetchguard(&[
            "verify",
            "--browser",
            browser,
            "--update",
            "examples/simple-get-no-acao.toml",
        ]);
        assert_eq!(code, Some(2));
        assert_eq!(
            err,
            format!(
                "fetchguard verify: --update writes Chromium's observations; not with --browser {browser}"
            )
        );
    }
}
