//! Property tests of the rule functions and of the engine through an in-memory transport:
//! what must hold for every input, not only the cases someone thought of.
//!
//! Case counts are kept modest so the suite stays fast; raise `PROPTEST_CASES` to search
//! harder.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use fetchguard::cors::{access_control_request_headers, cors_check};
use fetchguard::headers::{cors_unsafe_request_header_names, is_cors_safelisted_method};
use fetchguard::net::{BoxFuture, Transport, WireRequest, WireResponse};
use fetchguard::{
    Browser, CorsError, Credentials, FetchError, Mode, NetError, Origin, Request, Response,
    ResponseType,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------
// An in-memory network

/// A transport that records every request and answers with a fixed response.
#[derive(Clone)]
struct Canned {
    sent: Arc<Mutex<Vec<WireRequest>>>,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Canned {
    fn new(status: u16, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Canned {
            sent: Arc::default(),
            status,
            headers,
            body: body.into(),
        }
    }

    fn sent(&self) -> Vec<WireRequest> {
        self.sent.lock().unwrap().clone()
    }
}

impl Transport for Canned {
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
        self.sent.lock().unwrap().push(req);
        let res = WireResponse {
            status: self.status,
            headers: self.headers.clone(),
            body: self.body.clone(),
        };
        Box::pin(async move { Ok(res) })
    }
}

/// Runs one fetch from `page_url` through `transport`.
fn run(transport: &Canned, page_url: &str, req: Request) -> Result<Response, FetchError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let browser = Browser::builder().transport(transport.clone()).build();
    let page = browser.page(page_url).expect("page");
    rt.block_on(page.fetch(req))
}

const APP: &str = "https://app.example/";
const API: &str = "https://api.example/data";

fn header_map(pairs: &[(String, Vec<u8>)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (n, v) in pairs {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(n.as_bytes()),
            HeaderValue::from_bytes(v),
        ) {
            h.append(n, v);
        }
    }
    h
}

// ---------------------------------------------------------------------------------------
// Strategies

/// A name in random ASCII case.
fn any_case(name: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<bool>(), name.len()).prop_map(move |ups| {
        name.chars()
            .zip(ups)
            .map(|(c, up)| if up { c.to_ascii_uppercase() } else { c })
            .collect()
    })
}

/// A (name, value) pair that is CORS-safelisted on its own (value ≤ 128 bytes).
fn safelisted_header() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        // Accept: anything without a CORS-unsafe byte.
        (any_case("accept"), "[ -!#-'*-9;=A-Z^-z|~]{0,40}"),
        (any_case("accept-language"), "[0-9A-Za-z *,.;=-]{0,40}"),
        (any_case("content-language"), "[0-9A-Za-z *,.;=-]{0,40}"),
        (
            any_case("content-type"),
            (
                prop_oneof![
                    Just("text/plain"),
                    Just("Text/Plain"),
                    Just("application/x-www-form-urlencoded"),
                    Just("multipart/form-data"),
                ],
                prop_oneof![
                    Just(""),
                    Just(";charset=utf-8"),
                    Just("; charset=UTF-8"),
                    Just(";boundary=xyz")
                ],
            )
                .prop_map(|(e, p)| format!("{e}{p}")),
        ),
        (any_case("range"), (0u32..1000, 0u32..1000))
            .prop_map(|(n, (a, b))| (n, format!("bytes={}-{}", a.min(b), a.max(b)))),
    ]
}

/// Header names that are never safelisted.
fn unsafe_header_name() -> impl Strategy<Value = String> {
    "[xX]-[a-zA-Z0-9-]{1,12}"
}

fn safelisted_method() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("GET"),
        Just("HEAD"),
        Just("POST"),
        Just("get"),
        Just("post"),
        Just("head")
    ]
}

/// Arbitrary response headers, Set-Cookie lines (in any case) included, with CORS headers
/// sometimes opening everything up.
fn hostile_response_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop_oneof![
        any_case("set-cookie"),
        any_case("set-cookie2"),
        Just("content-type".to_string()),
        Just("x-secret".to_string()),
        Just("etag".to_string()),
        "[a-z][a-z0-9-]{0,10}",
    ];
    let value = proptest::collection::vec(
        prop_oneof![8 => 0x20u8..0x7f, 1 => 0x80u8..=0xff, 1 => Just(b'\t')],
        0..24,
    );
    let cors = prop_oneof![
        Just(vec![]),
        Just(vec![(
            "access-control-allow-origin".to_string(),
            b"*".to_vec()
        )]),
        Just(vec![(
            "access-control-allow-origin".to_string(),
            b"https://app.example".to_vec()
        )]),
    ];
    let acac = prop_oneof![
        Just(vec![]),
        Just(vec![(
            "access-control-allow-credentials".to_string(),
            b"true".to_vec()
        )]),
    ];
    let aceh = proptest::collection::vec(
        prop_oneof![
            Just("*".to_string()),
            any_case("set-cookie"),
            any_case("set-cookie2"),
            Just("x-secret".to_string()),
            Just("etag".to_string()),
        ],
        0..4,
    )
    .prop_map(|names| {
        if names.is_empty() {
            vec![]
        } else {
            vec![(
                "access-control-expose-headers".to_string(),
                names.join(", ").into_bytes(),
            )]
        }
    });
    (
        proptest::collection::vec((name, value), 0..12),
        cors,
        acac,
        aceh,
    )
        .prop_map(|(mut h, c, a, e)| {
            h.extend(c);
            h.extend(a);
            h.extend(e);
            h
        })
}

fn credentials() -> impl Strategy<Value = Credentials> {
    prop_oneof![
        Just(Credentials::Omit),
        Just(Credentials::SameOrigin),
        Just(Credentials::Include)
    ]
}

fn origin() -> impl Strategy<Value = Origin> {
    prop_oneof![
        Just(Origin::parse("https://app.example").unwrap()),
        Just(Origin::parse("http://localhost:8080").unwrap()),
        Just(Origin::parse("https://xn--bcher-kva.example").unwrap()),
        Just(Origin::new_opaque()),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    /// Safelisted headers under the 1024-byte total have no CORS-unsafe names.
    #[test]
    fn safelisted_headers_have_no_unsafe_names(
        headers in proptest::collection::vec(safelisted_header(), 0..5)
    ) {
        let pairs: Vec<(String, Vec<u8>)> =
            headers.iter().map(|(n, v)| (n.clone(), v.clone().into_bytes())).collect();
        let map = header_map(&pairs);
        let total: usize = map
            .keys()
            .map(|k| {
                let vs: Vec<&[u8]> = map.get_all(k).iter().map(|v| v.as_bytes()).collect();
                vs.join(&b", "[..]).len()
            })
            .sum();
        // A repeated name is judged on its combined value, which may pass 128 bytes.
        let combined_short = map.keys().all(|k| {
            let vs: Vec<&[u8]> = map.get_all(k).iter().map(|v| v.as_bytes()).collect();
            vs.join(&b", "[..]).len() <= 128
        });
        let names = cors_unsafe_request_header_names(&map);
        if total <= 1024 && combined_short && map.keys_len() == map.len() {
            prop_assert!(names.is_empty(), "{names:?} for {headers:?}");
        }
        // Always: lower-case, sorted, no duplicates.
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(&sorted, &names);
        prop_assert!(names.iter().all(|n| *n == n.to_ascii_lowercase()));
    }

    /// End to end: a safelisted method with safelisted headers is never preflighted.
    #[test]
    fn safelisted_request_is_never_preflighted(
        method in safelisted_method(),
        headers in proptest::collection::vec(safelisted_header(), 0..5),
        body in proptest::option::of("[a-z=&]{0,20}"),
        creds in credentials(),
    ) {
        let pairs: Vec<(String, Vec<u8>)> =
            headers.iter().map(|(n, v)| (n.clone(), v.clone().into_bytes())).collect();
        prop_assume!(is_cors_safelisted_method(&method.to_ascii_uppercase()));
        prop_assume!(cors_unsafe_request_header_names(&header_map(&pairs)).is_empty());
        let mut h = HeaderMap::new();
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        let t = Canned::new(200, h, "ok");
        let mut req = Request::new(method, API).mode(Mode::Cors).credentials(creds);
        for (n, v) in &headers {
            req = req.header(n.clone(), v.clone());
        }
        let is_post = method.eq_ignore_ascii_case("post");
        if let (Some(b), true) = (&body, is_post) {
            req = req.body(b.clone());
        }
        let _ = run(&t, APP, req);
        let sent = t.sent();
        prop_assert_eq!(sent.len(), 1, "{:?}", sent);
        prop_assert!(sent.iter().all(|r| r.method != http::Method::OPTIONS));
    }

    /// The converse, which also shows the recorder works: one unsafe header preflights, and
    /// the preflight's Access-Control-Request-Headers is lower-case, sorted, comma-joined.
    #[test]
    fn unsafe_header_is_preflighted_with_normalized_acrh(
        unsafe_names in proptest::collection::vec(unsafe_header_name(), 1..5),
        safe in proptest::collection::vec(safelisted_header(), 0..3),
    ) {
        let t = Canned::new(204, HeaderMap::new(), "");
        let mut req = Request::get(API);
        for n in &unsafe_names {
            req = req.header(n.clone(), "1");
        }
        for (n, v) in &safe {
            req = req.header(n.clone(), v.clone());
        }
        let _ = run(&t, APP, req);
        let sent = t.sent();
        prop_assert!(!sent.is_empty());
        prop_assert_eq!(&sent[0].method, &http::Method::OPTIONS);
        let acrh = sent[0]
            .headers
            .get("access-control-request-headers")
            .expect("ACRH")
            .to_str()
            .unwrap()
            .to_string();
        check_acrh(&acrh)?;
        for n in &unsafe_names {
            let lower = n.to_ascii_lowercase();
            prop_assert!(acrh.split(',').any(|x| x == lower), "{n} missing in {acrh}");
        }
    }

    /// Access-Control-Request-Headers: lower-case, sorted, de-duplicated, comma-joined
    /// without spaces, and exactly the input set.
    #[test]
    fn acrh_is_normalized(names in proptest::collection::vec("[!#-'*+.0-9A-Z^-z|~-]{1,10}", 0..8)) {
        match access_control_request_headers(&names) {
            None => prop_assert!(names.is_empty()),
            Some(v) => {
                check_acrh(&v)?;
                let mut want: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
                want.sort();
                want.dedup();
                prop_assert_eq!(v, want.join(","));
            }
        }
    }

    /// The response script sees never carries Set-Cookie (or Set-Cookie2), whatever the
    /// server sends and exposes, for basic and cors responses.
    #[test]
    fn set_cookie_is_never_exposed(
        headers in hostile_response_headers(),
        same_origin in any::<bool>(),
        creds in credentials(),
    ) {
        let t = Canned::new(200, header_map(&headers), "body");
        let url = if same_origin { "https://app.example/data" } else { API };
        let res = run(&t, APP, Request::get(url).credentials(creds));
        if let Ok(res) = res {
            let want = if same_origin { ResponseType::Basic } else { ResponseType::Cors };
            prop_assert_eq!(res.response_type(), want);
            for (n, _) in res.headers() {
                prop_assert!(
                    !n.eq_ignore_ascii_case("set-cookie") && !n.eq_ignore_ascii_case("set-cookie2"),
                    "{n} exposed; headers {:?}", res.headers()
                );
            }
            prop_assert!(res.header("set-cookie").is_none());
            prop_assert!(res.header("Set-Cookie2").is_none());
        }
    }

    /// An opaque response exposes no status, URL, header or body byte.
    #[test]
    fn opaque_response_exposes_nothing(
        headers in hostile_response_headers(),
        status in prop_oneof![200u16..300, 400u16..600],
        body in proptest::collection::vec(any::<u8>(), 0..64),
        creds in credentials(),
    ) {
        let t = Canned::new(status, header_map(&headers), body);
        let res = run(&t, APP, Request::get(API).mode(Mode::NoCors).credentials(creds))
            .expect("no-cors GET is never blocked");
        prop_assert_eq!(res.response_type(), ResponseType::Opaque);
        prop_assert_eq!(res.status(), 0);
        prop_assert_eq!(res.status_text(), "");
        prop_assert_eq!(res.url(), "");
        prop_assert!(res.headers().is_empty());
        prop_assert!(res.bytes().is_empty());
        prop_assert_eq!(res.text(), "");
    }

    /// Without Access-Control-Allow-Origin the CORS check never passes.
    #[test]
    fn cors_check_fails_without_acao(
        acac in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16)),
        origin in origin(),
        include in any::<bool>(),
    ) {
        prop_assert_eq!(
            cors_check(None, acac.as_deref(), &origin, include),
            Err(CorsError::MissingAllowOriginHeader)
        );
    }

    /// With arbitrary bytes the CORS check passes only for `*` (no credentials) or the exact
    /// serialized origin (with `true` under credentials).
    #[test]
    fn cors_check_passes_only_on_exact_match(
        acao in proptest::collection::vec(any::<u8>(), 0..40),
        acac in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8)),
        origin in origin(),
        include in any::<bool>(),
    ) {
        let ok = cors_check(Some(&acao), acac.as_deref(), &origin, include).is_ok();
        let want = if acao == b"*" {
            !include
        } else {
            acao == origin.serialize().as_bytes() && (!include || acac.as_deref() == Some(b"true"))
        };
        prop_assert_eq!(ok, want);
    }

    /// The scenario parser never panics, and its errors name the file, line and column.
    #[test]
    fn scenario_parser_errors_are_located(text in scenario_text()) {
        check_scenario(&text)?;
    }
}

/// Checks the ACRH format: non-empty items, no spaces, lower-case, strictly ascending.
fn check_acrh(v: &str) -> Result<(), TestCaseError> {
    prop_assert!(!v.contains(' '), "space in {v:?}");
    prop_assert_eq!(v, v.to_ascii_lowercase());
    let items: Vec<&str> = v.split(',').collect();
    prop_assert!(items.iter().all(|i| !i.is_empty()), "empty item in {v:?}");
    prop_assert!(items.windows(2).all(|w| w[0] < w[1]), "not sorted: {v:?}");
    Ok(())
}

const SCENARIO_FILE: &str = "dir/fuzzed-case.toml";

fn check_scenario(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = fetchguard::scenario::parse_str(SCENARIO_FILE, text) {
        let s = e.to_string();
        prop_assert!(
            s.starts_with(&format!("{SCENARIO_FILE}:")),
            "no file name: {s:?}"
        );
        prop_assert!(
            e.line.is_some() && e.column.is_some(),
            "no line:column: {s:?} for {text:?}"
        );
        let (l, c) = (e.line.unwrap(), e.column.unwrap());
        prop_assert!(
            s.starts_with(&format!("{SCENARIO_FILE}:{l}:{c}: ")),
            "{s:?}"
        );
        prop_assert!(
            l >= 1 && l <= text.matches('\n').count() + 1,
            "line {l} out of range"
        );
        prop_assert!(c >= 1);
    }
    Ok(())
}

/// Scenario-ish text: fragments of real scenario syntax spliced together, with noise.
fn scenario_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("[page]\n".to_string()),
        Just("url = \"https://app.example/\"\n".to_string()),
        Just("url = \"ftp://x/\"\n".to_string()),
        Just("[[server]]\norigin = \"https://api.example\"\n".to_string()),
        Just("[[server.route]]\npath = \"/x\"\nstatus = 200\n".to_string()),
        Just("path = \"x*\"\n".to_string()),
        Just("[[fetch]]\nurl = \"https://api.example/x\"\n".to_string()),
        Just("[fetch.expect]\noutcome = \"error\"\n".to_string()),
        Just("[[cookie]]\nurl = \"https://api.example/\"\nset = \" \"\n".to_string()),
        Just("headers = [[\"a\", \"b\"]]\n".to_string()),
        Just("sandbox = 3\n".to_string()),
        Just("name = \"é\u{1F600}\"\n".to_string()),
        Just("\u{FEFF}".to_string()),
        "[ -~\n\té\u{1F600}]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    proptest::collection::vec(fragment, 0..10).prop_map(|v| v.concat())
}

/// Regression cases for the scenario parser (from fuzzing and from reading the code).
#[test]
fn scenario_parser_regressions() {
    for text in [
        "",
        "\u{FEFF}",
        "[page]\nurl = \"https://app.example/\"\n[[fetch]]\n",
        "[page]\nurl = \"https://app.example/\"\n[[server]]\n",
        "[page]\n[page]\n",
        "[page]\nurl = \"https://app.example/\"\nname = \"é",
    ] {
        check_scenario(text).unwrap();
    }
}

/// Fuzzing finding (fuzz/README.md, target `set_cookie`): a `Set-Cookie` whose Max-Age is
/// past what `time` can represent (or an empty `Max-Age=`) panics in `CookieJar` with
/// "resulting value is out of range" (src/cookies.rs, `to_offset(now) + Duration`).
/// Chromium clamps such an expiry (to 400 days); a page's response must never crash the
/// engine. Fixed: lifetimes are capped at 400 days.
#[test]
fn huge_max_age_does_not_panic() {
    let url = url::Url::parse("https://app.example/").unwrap();
    for line in [
        "a=b; Max-Age=9223372036854775807",
        "a=b; Max-Age=9999999999999",
        "a=b; max-age=",
    ] {
        let mut jar = fetchguard::CookieJar::new();
        let _ = jar.set(&url, line, std::time::SystemTime::UNIX_EPOCH);
    }
}
