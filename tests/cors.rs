//! The CORS check and response filtering, over real loopback HTTPS. Expected console lines
//! and results are Chromium 156's (docs/chromium-observations.md, cases 1-6, 19, 22).

mod common;

use common::{World, respond};
use fetchguard::{CorsError, Credentials, FailureReason, Mode, Request, ResponseType};

const APP: &str = "https://app.example";
const API: &str = "https://api.example";

fn line(url: &str, detail: &str) -> String {
    format!(
        "Access to fetch at '{url}' from origin 'https://app.example' has been blocked by CORS policy: {detail}"
    )
}

async fn api_world() -> World {
    World::new(&[APP, API], |req| {
        let h = |v: &[(&str, &str)]| respond(200, v, "secret");
        match req.url.path() {
            "/none" => h(&[("Content-Type", "text/plain")]),
            "/star" => h(&[("Access-Control-Allow-Origin", "*")]),
            "/two" => h(&[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Origin", "https://other.example"),
            ]),
            "/space" => h(&[(
                "Access-Control-Allow-Origin",
                "https://app.example https://other.example",
            )]),
            "/invalid" => h(&[("Access-Control-Allow-Origin", "not-a-url")]),
            "/empty" => h(&[("Access-Control-Allow-Origin", "")]),
            "/slash" => h(&[("Access-Control-Allow-Origin", "https://app.example/")]),
            "/upper" => h(&[("Access-Control-Allow-Origin", "HTTPS://APP.EXAMPLE")]),
            "/port" => h(&[("Access-Control-Allow-Origin", "https://app.example:443")]),
            "/null" => h(&[("Access-Control-Allow-Origin", "null")]),
            "/acac-upper" => h(&[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Credentials", "TRUE"),
            ]),
            "/ok" => h(&[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Cache-Control", "no-cache"),
                ("Content-Language", "en"),
                ("Content-Type", "text/plain"),
                ("Expires", "0"),
                ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
                ("Pragma", "no-cache"),
                ("X-Secret", "1"),
                ("Set-Cookie", "s=1; Secure; SameSite=None"),
            ]),
            "/expose-star" => h(&[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "*"),
                ("X-Secret", "1"),
            ]),
            "/expose-star-anon" => h(&[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", "*"),
                ("X-Secret", "1"),
                ("Set-Cookie", "s=1"),
            ]),
            "/expose-named" => h(&[
                ("Access-Control-Allow-Origin", "https://app.example"),
                ("Access-Control-Expose-Headers", "X-Extra, Set-Cookie"),
                ("X-Extra", "1"),
                ("X-Secret", "1"),
                ("Set-Cookie", "s=1"),
            ]),
            _ => respond(404, &[], ""),
        }
    })
    .await
}

async fn blocked(w: &World, path: &str, creds: Credentials) -> fetchguard::FetchError {
    let page = w.page("https://app.example/index.html");
    page.fetch(Request::get(format!("{API}{path}")).credentials(creds))
        .await
        .expect_err("CORS must block this response")
}

#[tokio::test]
async fn missing_acao_blocks_script_but_the_server_ran_the_request() {
    let w = api_world().await;
    let e = blocked(&w, "/none", Credentials::SameOrigin).await;
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(e.cors_error(), Some(&CorsError::MissingAllowOriginHeader));
    assert_eq!(
        e.console(),
        [line(
            "https://api.example/none",
            "No 'Access-Control-Allow-Origin' header is present on the requested resource."
        )]
    );
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1, "no preflight for a simple GET");
    let r = &wire[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.url.as_str(), "https://api.example/none");
    assert_eq!(r.header("origin"), Some("https://app.example"));
    assert_eq!(r.header("sec-fetch-site"), Some("cross-site"));
    assert_eq!(r.header("sec-fetch-mode"), Some("cors"));
    assert_eq!(r.header("sec-fetch-dest"), Some("empty"));
    assert_eq!(r.header("referer"), Some("https://app.example/"));
    assert_eq!(r.header("accept"), Some("*/*"));
    assert_eq!(r.header("cookie"), None);
    assert!(e.trace().reached_server());
}

#[tokio::test]
async fn acao_value_errors_in_chromium_order_and_words() {
    let w = api_world().await;
    let hint = " Have the server send the header with a valid value.";
    let cases: &[(&str, Credentials, CorsError, String)] = &[
        ("/star", Credentials::Include, CorsError::WildcardOriginNotAllowed,
         "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.".into()),
        ("/two", Credentials::SameOrigin, CorsError::MultipleAllowOriginValues("https://app.example, https://other.example".into()),
         format!("The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example, https://other.example', but only one is allowed.{hint}")),
        ("/space", Credentials::SameOrigin, CorsError::MultipleAllowOriginValues("https://app.example https://other.example".into()),
         format!("The 'Access-Control-Allow-Origin' header contains multiple values 'https://app.example https://other.example', but only one is allowed.{hint}")),
        ("/invalid", Credentials::SameOrigin, CorsError::InvalidAllowOriginValue("not-a-url".into()),
         format!("The 'Access-Control-Allow-Origin' header contains the invalid value 'not-a-url'.{hint}")),
        ("/empty", Credentials::SameOrigin, CorsError::InvalidAllowOriginValue("".into()),
         format!("The 'Access-Control-Allow-Origin' header contains the invalid value ''.{hint}")),
        ("/slash", Credentials::SameOrigin, CorsError::AllowOriginMismatch("https://app.example/".into()),
         format!("The 'Access-Control-Allow-Origin' header has a value 'https://app.example/' that is not equal to the supplied origin.{hint}")),
        ("/upper", Credentials::SameOrigin, CorsError::AllowOriginMismatch("HTTPS://APP.EXAMPLE".into()),
         format!("The 'Access-Control-Allow-Origin' header has a value 'HTTPS://APP.EXAMPLE' that is not equal to the supplied origin.{hint}")),
        ("/port", Credentials::SameOrigin, CorsError::AllowOriginMismatch("https://app.example:443".into()),
         format!("The 'Access-Control-Allow-Origin' header has a value 'https://app.example:443' that is not equal to the supplied origin.{hint}")),
        ("/null", Credentials::SameOrigin, CorsError::AllowOriginMismatch("null".into()),
         format!("The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin.{hint}")),
        ("/none", Credentials::Include, CorsError::MissingAllowOriginHeader,
         "No 'Access-Control-Allow-Origin' header is present on the requested resource.".into()),
        ("/acac-upper", Credentials::Include, CorsError::InvalidAllowCredentials("TRUE".into()),
         "The value of the 'Access-Control-Allow-Credentials' header in the response is 'TRUE' which must be 'true' when the request's credentials mode is 'include'.".into()),
        ("/null", Credentials::Include, CorsError::AllowOriginMismatch("null".into()),
         format!("The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin.{hint}")),
    ];
    for (path, creds, err, detail) in cases {
        let e = blocked(&w, path, *creds).await;
        assert_eq!(e.reason(), &FailureReason::Cors(err.clone()), "{path}");
        assert_eq!(
            e.console(),
            [line(&format!("{API}{path}"), detail)],
            "{path}"
        );
    }
}

#[tokio::test]
async fn missing_acac_under_include_names_an_empty_value() {
    let w = World::new(&[APP, API], |_| {
        respond(
            200,
            &[("Access-Control-Allow-Origin", "https://app.example")],
            "x",
        )
    })
    .await;
    let e = blocked(&w, "/x", Credentials::Include).await;
    assert_eq!(
        e.cors_error(),
        Some(&CorsError::InvalidAllowCredentials(String::new()))
    );
    assert!(e.console()[0].ends_with("The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."));
}

#[tokio::test]
async fn cors_response_shows_only_safelisted_headers_and_never_set_cookie() {
    let w = api_world().await;
    let page = w.page("https://app.example/");
    let r = page
        .fetch(Request::get(format!("{API}/ok")).credentials(Credentials::Include))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Cors);
    assert_eq!(r.status(), 200);
    assert_eq!(r.status_text(), "OK");
    assert_eq!(r.url(), "https://api.example/ok");
    assert!(!r.redirected());
    let names: Vec<&str> = r.headers().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "cache-control",
            "content-language",
            "content-length",
            "content-type",
            "expires",
            "last-modified",
            "pragma"
        ]
    );
    assert_eq!(r.header("content-length"), Some("6"));
    assert_eq!(r.text(), "secret");
}

#[tokio::test]
async fn expose_headers_star_is_a_wildcard_only_without_credentials() {
    let w = api_world().await;
    let page = w.page("https://app.example/");
    let cred = page
        .fetch(Request::get(format!("{API}/expose-star")).credentials(Credentials::Include))
        .await
        .unwrap();
    assert_eq!(cred.header("x-secret"), None);
    let anon = page
        .fetch(Request::get(format!("{API}/expose-star-anon")))
        .await
        .unwrap();
    assert_eq!(anon.header("x-secret"), Some("1"));
    assert_eq!(anon.header("set-cookie"), None);
    let named = page
        .fetch(Request::get(format!("{API}/expose-named")))
        .await
        .unwrap();
    assert_eq!(named.header("x-extra"), Some("1"));
    assert_eq!(named.header("x-secret"), None);
    assert_eq!(named.header("set-cookie"), None);
}

#[tokio::test]
async fn no_cors_gives_an_opaque_response_with_nothing_readable() {
    let w = api_world().await;
    let page = w.page("https://app.example/");
    let r = page
        .fetch(Request::get(format!("{API}/ok")).mode(Mode::NoCors))
        .await
        .unwrap();
    assert_eq!(r.response_type(), ResponseType::Opaque);
    assert_eq!(r.status(), 0);
    assert_eq!(r.status_text(), "");
    assert_eq!(r.url(), "");
    assert!(r.headers().is_empty());
    assert!(r.bytes().is_empty());
    let wire = w.take_wire();
    assert_eq!(wire.len(), 1);
    assert_eq!(wire[0].header("sec-fetch-mode"), Some("no-cors"));
    assert_eq!(wire[0].header("origin"), None, "no Origin on a no-cors GET");
}

#[tokio::test]
async fn same_origin_mode_refuses_cross_origin_urls_before_sending() {
    let w = api_world().await;
    let page = w.page("https://app.example/index.html");
    let e = page
        .fetch(Request::get(format!("{API}/ok")).mode(Mode::SameOrigin))
        .await
        .unwrap_err();
    assert_eq!(e.message(), "Failed to fetch");
    assert_eq!(e.cors_error(), Some(&CorsError::DisallowedByMode));
    assert_eq!(
        e.console(),
        [
            "Fetch API cannot load https://api.example/ok. Request mode is \"same-origin\" but the URL's origin is not same as the request origin https://app.example."
        ]
    );
    assert!(w.take_wire().is_empty());
}

#[tokio::test]
async fn mixed_content_is_blocked_with_chromiums_line() {
    let w = World::new(&[APP, "http://api.example"], |_| {
        respond(200, &[("Access-Control-Allow-Origin", "*")], "x")
    })
    .await;
    let page = w.page("https://app.example/page");
    for mode in [Mode::Cors, Mode::NoCors] {
        let e = page
            .fetch(Request::get("http://api.example/data").mode(mode))
            .await
            .unwrap_err();
        assert_eq!(e.reason(), &FailureReason::MixedContent);
        assert_eq!(
            e.console(),
            [
                "Mixed Content: The page at 'https://app.example/page' was loaded over HTTPS, but requested an insecure resource 'http://api.example/data'. This request has been blocked; the content must be served over HTTPS."
            ]
        );
    }
    assert!(w.take_wire().is_empty());
}

#[tokio::test]
async fn a_sandboxed_page_has_origin_null() {
    let w = World::new(&[APP], |req| match req.url.path() {
        "/datanull" => respond(200, &[("Access-Control-Allow-Origin", "null")], "n"),
        _ => respond(200, &[], "x"),
    })
    .await;
    let page = w
        .browser()
        .sandboxed_page("https://app.example/page")
        .unwrap();
    let e = page
        .fetch(Request::get("https://app.example/data"))
        .await
        .unwrap_err();
    assert_eq!(
        e.console(),
        [
            "Access to fetch at 'https://app.example/data' from origin 'null' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        ]
    );
    let ok = page
        .fetch(Request::get("https://app.example/datanull"))
        .await
        .unwrap();
    assert_eq!(ok.response_type(), ResponseType::Cors);
    assert_eq!(ok.text(), "n");
    let wire = w.take_wire();
    assert_eq!(wire[0].header("origin"), Some("null"));
}
