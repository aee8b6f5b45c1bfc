//! Bad scenario files and bad command lines: each gets its exact message (file, line and
//! column for files) and exit status 2, and nothing runs.

use std::process::Command;

fn fetchguard(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fetchguard"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

const PAGE: &str = "[page]\nurl = \"https://a.example/\"\n";
const ROUTE: &str = "[page]\nurl = \"https://a.example/\"\n[[server]]\norigin = \"https://b.example\"\n[[server.route]]\npath = \"/x\"\n";
const FETCH: &str = "[page]\nurl = \"https://a.example/\"\n[[fetch]]\nurl = \"/x\"\n";

/// (file text, message after "FILE:")
fn cases() -> Vec<(String, &'static str)> {
    vec![
        (
            format!("{FETCH}[fetch.expect]\nknown_difference = \"why\"\n"),
            "6:20: fetch.expect.known_difference: a marker for Chromium goes in [[fetch]] itself, one for another engine in its table, e.g. [fetch.expect.firefox]",
        ),
        (
            "[page]\nurl = 5\n".into(),
            "2:7: invalid type: integer `5`, expected a string",
        ),
        (
            "[page]\nurl = \"not a url\"\n".into(),
            "2:7: page.url: not a valid URL (relative URL without a base): 'not a url'",
        ),
        (
            "[page]\nurl = \"ftp://a.example/\"\n".into(),
            "2:7: page.url: scheme 'ftp' is not http or https",
        ),
        (
            format!("{ROUTE}status = \"200\"\n"),
            "7:10: invalid type: string \"200\", expected an integer from 0 to 65535",
        ),
        (
            format!("{ROUTE}status = 70000\n"),
            "7:10: invalid value: integer `70000`, expected an integer from 0 to 65535",
        ),
        (
            format!("{ROUTE}status = 42\n"),
            "7:10: route.status must be from 100 to 999: 42",
        ),
        (
            format!("{ROUTE}headers = [[\"a\"]]\n"),
            "7:12: invalid length 1, expected a tuple of size 2",
        ),
        (
            format!(
                "{PAGE}[[server]]\norigin = \"https://b.example\"\n[[server]]\norigin = \"https://B.example:443\"\n"
            ),
            "6:10: server.origin: 'https://b.example' is served twice",
        ),
        (
            format!("{PAGE}[[server]]\norigin = \"https://b.example/api\"\n"),
            "4:10: server.origin must be scheme://host[:port] with no path: 'https://b.example/api'",
        ),
        (format!("{PAGE}[[fetch]]\n"), "3:1: missing field `url`"),
        (
            format!("{FETCH}credentials = \"all\"\n"),
            "5:15: unknown variant `all`, expected one of `omit`, `same-origin`, `include`",
        ),
        (
            format!("{FETCH}redirect = \"never\"\n"),
            "5:12: unknown variant `never`, expected one of `follow`, `error`, `manual`",
        ),
        (
            format!("{FETCH}mode = \"navigate\"\n"),
            "5:8: unknown variant `navigate`, expected one of `same-origin`, `no-cors`, `cors`",
        ),
        (
            format!("{FETCH}headers = \"a: b\"\n"),
            "5:11: invalid type: string \"a: b\", expected a sequence",
        ),
        (
            format!("{FETCH}[fetch.expect]\noutcome = \"ok\"\n"),
            "6:11: unknown variant `ok`, expected `response` or `error`",
        ),
        (
            format!("{FETCH}[fetch.expect]\nconsole = \"x\"\n"),
            "6:11: invalid type: string \"x\", expected a sequence",
        ),
        (
            format!("{FETCH}[fetch.expect]\nheaders = [\"a\"]\n"),
            "6:11: invalid type: sequence, expected a map",
        ),
        (
            format!("{FETCH}[fetch.expect]\nredirected = \"no\"\n"),
            "6:14: invalid type: string \"no\", expected a boolean",
        ),
        (
            format!("{FETCH}[[fetch.expect.wire]]\nmethod = \"GET\"\nbody = \"x\"\n"),
            "7:1: unknown field `body`, expected one of `method`, `url`, `headers`, `absent`",
        ),
        (
            format!("{PAGE}[browser]\nthird_party_cookies = \"maybe\"\n"),
            "4:23: unknown variant `maybe`, expected `allow` or `block`",
        ),
        (
            format!("{PAGE}[[cookie]]\nurl = \"https://a.example/\"\n"),
            "3:1: missing field `set`",
        ),
        (
            format!("{PAGE}[[cookie]]\nurl = \"https://a.example/\"\nset = \" \"\n"),
            "5:7: cookie.set is empty",
        ),
        (
            format!("{PAGE}referrer_policy = \"sometimes\"\n"),
            "3:19: unknown variant `sometimes`, expected one of ``, `no-referrer`, `no-referrer-when-downgrade`, `same-origin`, `origin`, `strict-origin`, `origin-when-cross-origin`, `strict-origin-when-cross-origin`, `unsafe-url`",
        ),
        (
            format!("name = \"x\"\nname = \"y\"\n{PAGE}"),
            "2:1: duplicate key",
        ),
        (
            format!("{PAGE}sandbox = \"yes\"\n"),
            "3:11: invalid type: string \"yes\", expected a boolean",
        ),
        (
            format!("{PAGE}colour = 1\n"),
            "3:1: unknown field `colour`, expected one of `url`, `sandbox`, `referrer_policy`, `headers`",
        ),
        (
            format!("{PAGE}headers = [[\"COEP\"]]\n"),
            "3:12: invalid length 1, expected a tuple of size 2",
        ),
        (
            format!("{PAGE}[browser]\nlocal_network = \"yes\"\n"),
            "4:17: unknown variant `yes`, expected one of `allow`, `block`, `ask`",
        ),
        (
            format!("{PAGE}[browser]\nloopback_network = true\n"),
            "4:20: invalid type: expected a string",
        ),
        (
            format!(
                "{PAGE}[[server]]\norigin = \"http://localhost\"\naddress_space = \"private\"\n"
            ),
            "5:17: unknown variant `private`, expected one of `public`, `local`, `loopback`",
        ),
        (
            format!("{ROUTE}match_headers = [[\"a\", \"b\"]]\n"),
            "7:17: invalid type: sequence, expected a map",
        ),
        (
            format!("{ROUTE}match_headers = {{ etag = 1 }}\n"),
            "7:26: invalid type: integer `1`, expected a string",
        ),
        (
            format!("{FETCH}cache = \"no-cache-please\"\n"),
            "5:9: unknown variant `no-cache-please`, expected one of `default`, `no-store`, `reload`, `no-cache`, `force-cache`, `only-if-cached`",
        ),
        (
            format!("{FETCH}target_address_space = 1\n"),
            "5:24: invalid type: integer `1`, expected a string",
        ),
        (
            format!("{FETCH}wait = 31\n"),
            "5:8: fetch.wait must be from 0 to 30 seconds: 31",
        ),
        (
            format!("{FETCH}wait = -0.5\n"),
            "5:8: fetch.wait must be from 0 to 30 seconds: -0.5",
        ),
        (
            format!("{FETCH}wait = nan\n"),
            "5:8: fetch.wait must be from 0 to 30 seconds: NaN",
        ),
        (
            format!("{FETCH}wait = \"2s\"\n"),
            "5:8: invalid type: string \"2s\", expected a number",
        ),
        ("[page\n".into(), "1:6: unclosed table, expected `]`"),
        ("".into(), "1:1: missing field `page`"),
    ]
}

#[test]
fn malformed_scenario_files_are_refused_with_their_position() {
    let dir = std::env::temp_dir().join(format!("fetchguard-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = cases();
    assert!(cases.len() >= 20);
    for (i, (text, message)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let (code, stdout, stderr) = fetchguard(&["run", path.to_str().unwrap()]);
        assert_eq!(code, Some(2), "case {i}: {text}");
        assert_eq!(
            stderr,
            format!("{}:{message}", path.display()),
            "case {i}: {text}"
        );
        assert!(stdout.is_empty(), "case {i}: nothing runs");
    }
    // Several bad files: every error is reported, and still nothing runs.
    let (code, _, stderr) = fetchguard(&["run", dir.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_eq!(stderr.matches(".toml:").count(), cases.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_command_lines_exit_2_with_a_message() {
    let table: &[(&[&str], &str)] = &[
        (
            &["run"],
            "the following required arguments were not provided",
        ),
        (
            &["run", "--nope", "x"],
            "unexpected argument '--nope' found",
        ),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (
            &["run", "/does/not/exist"],
            "/does/not/exist: no such file or directory",
        ),
        (
            &["check", "https://a.example/"],
            "the following required arguments were not provided",
        ),
        (
            &["check", "nope", "--origin", "https://a.example"],
            "fetchguard check: URL: 'nope' is not a valid URL (relative URL without a base)",
        ),
        (
            &["check", "https://a.example/", "--origin", "data:x"],
            "fetchguard check: --origin: 'data:x' is not an http(s) origin",
        ),
        (
            &[
                "check",
                "https://a.example/",
                "--origin",
                "https://a.example",
                "--mode",
                "navigate",
            ],
            "invalid value 'navigate' for '--mode <MODE>'",
        ),
        (
            &[
                "check",
                "https://a.example/",
                "--origin",
                "https://a.example",
                "-H",
                ": v",
            ],
            "fetchguard check: -H ': v': expected 'Name: value'",
        ),
        (
            &[
                "check",
                "https://a.example/",
                "--origin",
                "https://a.example",
                "--cookie",
                "a=b; SameSite=None",
            ],
            "fetchguard check: --cookie 'a=b; SameSite=None': SameSite=None without Secure",
        ),
        (
            &["verify", "--generate", "3", "--shard", "5/4"],
            "--shard: need 1 <= I <= K: '5/4'",
        ),
        (
            &["verify", "--generate", "3", "--shard", "2"],
            "--shard must be I/K (e.g. 2/4): '2'",
        ),
        (
            &["verify", "--generate", "many"],
            "invalid value 'many' for '--generate <N>'",
        ),
        (
            &["verify", "--generate", "3", "examples/"],
            "cannot be used with",
        ),
        (
            &["verify", "--seed", "3", "x.toml"],
            "fetchguard verify: --seed needs --generate N",
        ),
    ];
    for (args, message) in table {
        let (code, _, stderr) = fetchguard(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}
