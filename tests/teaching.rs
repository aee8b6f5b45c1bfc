//! The human trace teaches: plain words first, a fix line with the exact header and value
//! for each kind of failure, a warning when the fix is a security mistake, and what
//! script sees beside what the server sent. Each case runs a small scenario in the engine
//! and looks for key phrases in the report `fetchguard run` prints.

use fetchguard::scenario::{parse_str, report, run_scenario};

/// The plain-text report of a scenario: the page at https://app.example, one server at
/// https://api.example with `routes`, then `rest` (fetches, browser settings, cookies).
async fn report_of(routes: &str, rest: &str) -> String {
    let text = format!(
        "[page]\nurl = \"https://app.example/\"\n{rest}\n[[server]]\norigin = \"https://api.example\"\n{routes}"
    );
    let loaded = parse_str("teach.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let r = run_scenario(&loaded).await;
    assert!(r.setup_error.is_none(), "{:?}", r.setup_error);
    report::render_scenario(&r, report::Style::plain())
}

fn has(out: &str, phrase: &str) {
    assert!(out.contains(phrase), "missing {phrase:?} in:\n{out}");
}

#[tokio::test]
async fn missing_allow_origin_says_it_in_words_and_gives_the_header() {
    let out = report_of(
        "[[server.route]]\npath = \"/me\"\nbody = \"ada\"\n",
        "[[fetch]]\nurl = \"https://api.example/me\"\n",
    )
    .await;
    has(
        &out,
        "CORS blocked: the server did not send Access-Control-Allow-Origin [MissingAllowOriginHeader]",
    );
    has(
        &out,
        "fix: for https://app.example to read this, the server must send `Access-Control-Allow-Origin: https://app.example` (one header line, one value) on its response to GET https://api.example/me",
    );
    assert!(
        !out.contains("warning:"),
        "no credentials, no warning:\n{out}"
    );
    has(&out, "--verbose shows the ");
}

#[tokio::test]
async fn wildcard_with_credentials_fix_names_the_origin_and_warns() {
    let out = report_of(
        "[[server.route]]\npath = \"/me\"\nheaders = [[\"Access-Control-Allow-Origin\", \"*\"]]\n",
        "[[fetch]]\nurl = \"https://api.example/me\"\ncredentials = \"include\"\n",
    )
    .await;
    has(&out, "which never admits a request with credentials");
    has(
        &out,
        "the server must send `Access-Control-Allow-Origin: https://app.example` (the exact origin, not `*`), `Access-Control-Allow-Credentials: true` and `Vary: Origin`",
    );
    has(
        &out,
        "warning: send this value only for origins you trust (compare the Origin header with a list of your own sites); echoing back any Origin together with Access-Control-Allow-Credentials: true lets every website read your users' data",
    );
}

#[tokio::test]
async fn missing_allow_credentials_fix_is_exactly_true() {
    let out = report_of(
        "[[server.route]]\npath = \"/me\"\nheaders = [[\"Access-Control-Allow-Origin\", \"https://app.example\"]]\n",
        "[[fetch]]\nurl = \"https://api.example/me\"\ncredentials = \"include\"\n",
    )
    .await;
    has(
        &out,
        "the request has credentials: 'include' and the server did not send Access-Control-Allow-Credentials: true [InvalidAllowCredentials]",
    );
    has(
        &out,
        "fix: the server must send `Access-Control-Allow-Credentials: true` (exactly `true`)",
    );
    has(&out, "warning: allow credentials only together with");
}

#[tokio::test]
async fn a_refused_method_says_the_put_was_never_sent() {
    let routes = "[[server.route]]\npath = \"/items/1\"\nmethod = \"OPTIONS\"\nstatus = 204\nheaders = [[\"Access-Control-Allow-Origin\", \"https://app.example\"], [\"Access-Control-Allow-Methods\", \"GET, POST\"]]\n";
    let out = report_of(
        routes,
        "[[fetch]]\nurl = \"https://api.example/items/1\"\nmethod = \"PUT\"\n",
    )
    .await;
    has(
        &out,
        "the preflight answer does not allow the method PUT (Access-Control-Allow-Methods)",
    );
    has(
        &out,
        "so: the PUT itself was never sent: the browser stopped at the preflight",
    );
    has(
        &out,
        "fix: the server must send `Access-Control-Allow-Methods: PUT` (or add PUT to the list it sends) on its answer to the preflight (OPTIONS https://api.example/items/1)",
    );
    has(&out, "preflight cache: no preflight cached for this URL");
}

#[tokio::test]
async fn a_refused_header_and_a_bad_preflight_status_get_their_fixes() {
    let routes = "[[server.route]]\npath = \"/h\"\nmethod = \"OPTIONS\"\nheaders = [[\"Access-Control-Allow-Origin\", \"https://app.example\"]]\n\
                  [[server.route]]\npath = \"/s\"\nmethod = \"OPTIONS\"\nstatus = 403\nheaders = [[\"Access-Control-Allow-Origin\", \"https://app.example\"]]\n";
    let fetches = "[[fetch]]\nurl = \"https://api.example/h\"\nheaders = [[\"Authorization\", \"Bearer t\"]]\n\
                   [[fetch]]\nurl = \"https://api.example/s\"\nheaders = [[\"X-Key\", \"1\"]]\n";
    let out = report_of(routes, fetches).await;
    has(
        &out,
        "fix: the server must send `Access-Control-Allow-Headers: authorization` (or add authorization to the list it sends)",
    );
    has(
        &out,
        "warning: name authorization explicitly rather than relying on `Access-Control-Allow-Headers: *`",
    );
    has(
        &out,
        "fix: the server must answer the preflight (OPTIONS) (it answered 403) with a 2xx status, e.g. `204 No Content`",
    );
    has(&out, "so: the GET itself was never sent");
}

#[tokio::test]
async fn a_preflight_without_allow_origin_lists_everything_it_must_allow() {
    let routes = "[[server.route]]\npath = \"/p\"\nbody = \"\"\n";
    let out = report_of(
        routes,
        "[[fetch]]\nurl = \"https://api.example/p\"\nmethod = \"DELETE\"\nheaders = [[\"X-Token\", \"1\"]]\n",
    )
    .await;
    has(
        &out,
        "the preflight answer did not send Access-Control-Allow-Origin",
    );
    has(
        &out,
        "for https://app.example to send this request, the server must send `Access-Control-Allow-Origin: https://app.example`",
    );
    has(&out, "`Access-Control-Allow-Methods: DELETE`");
    has(&out, "`Access-Control-Allow-Headers: x-token`");
}

#[tokio::test]
async fn an_opaque_response_shows_what_the_server_really_sent() {
    let body = "x".repeat(1200);
    let routes = format!("[[server.route]]\npath = \"/big\"\nbody = \"{body}\"\n");
    let out = report_of(
        &routes,
        "[[fetch]]\nurl = \"https://api.example/big\"\nmode = \"no-cors\"\n",
    )
    .await;
    has(
        &out,
        "note: script sees status 0 and an empty body; the server sent 200 and 1.2 kB",
    );
}

#[tokio::test]
async fn a_held_back_cookie_gets_the_set_cookie_fix_and_the_csrf_warning() {
    let rest = "[browser]\nthird_party_cookies = \"allow\"\n\
                [[cookie]]\nurl = \"https://api.example/\"\nset = \"sid=1; SameSite=Lax; Secure; Path=/\"\n\
                [[fetch]]\nurl = \"https://api.example/me\"\ncredentials = \"include\"\n";
    let routes = "[[server.route]]\npath = \"/me\"\nheaders = [[\"Access-Control-Allow-Origin\", \"https://app.example\"], [\"Access-Control-Allow-Credentials\", \"true\"]]\n";
    let out = report_of(routes, rest).await;
    has(&out, "sid held back: SameSite=Lax on a cross-site request");
    has(
        &out,
        "fix: for the cookie to go with cross-site requests, the server must set it with `Set-Cookie: sid=...; SameSite=None; Secure`",
    );
    has(
        &out,
        "warning: SameSite=None sends the cookie with every cross-site request, forged ones included",
    );
}

#[tokio::test]
async fn a_null_origin_fix_warns_about_null() {
    let text = "[page]\nurl = \"https://app.example/\"\nsandbox = true\n\
                [[server]]\norigin = \"https://api.example\"\n[[server.route]]\npath = \"/d\"\n\
                [[fetch]]\nurl = \"https://api.example/d\"\n";
    let loaded = parse_str("null.toml", text).unwrap();
    let r = run_scenario(&loaded).await;
    let out = report::render_scenario(&r, report::Style::plain());
    has(&out, "`Access-Control-Allow-Origin: null`");
    has(
        &out,
        "warning: allowing the origin 'null' admits every sandboxed iframe",
    );
}

#[tokio::test]
async fn a_failed_assertion_teaches_too() {
    use axum::{Router, routing::get};
    use fetchguard::{Browser, FetchAssertions, Request};
    let browser = Browser::builder()
        .serve(
            "https://api.example",
            Router::new().route("/me", get(|| async { "ada" })),
        )
        .build();
    let page = browser.page("https://app.example/").unwrap();
    let result = page.fetch(Request::get("https://api.example/me")).await;
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        result.assert_readable();
    }))
    .unwrap_err();
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    has(
        &msg,
        "reason: the server did not send Access-Control-Allow-Origin [MissingAllowOriginHeader]",
    );
    has(
        &msg,
        "fix: for https://app.example to read this, the server must send `Access-Control-Allow-Origin: https://app.example`",
    );
    // Assertion messages show every header: no hint about --verbose there.
    assert!(!msg.contains("--verbose"), "{msg}");
}
