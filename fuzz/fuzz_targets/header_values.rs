//! Header-value parsing: the ACAM/ACAH/ACEH token lists, Access-Control-Max-Age,
//! Referrer-Policy, and the whole preflight-response evaluation over arbitrary header lines.
#![no_main]

use fetchguard::Origin;
use fetchguard::cors::{DEFAULT_MAX_AGE, MAX_AGE_CAP, evaluate_preflight_response, parse_max_age};
use fetchguard::headers::{is_token, parse_token_list};
use fetchguard::policy::referrer::parse_referrer_policy_header;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Several header lines, separated by NUL (a byte no header value can hold).
    let lines: Vec<&[u8]> = data.split(|&b| b == 0).collect();

    if let Some(items) = parse_token_list(lines.iter().copied()) {
        for i in &items {
            assert!(is_token(i.as_bytes()), "non-token item {i:?}");
        }
    }

    let age = parse_max_age(Some(data));
    assert!(age <= MAX_AGE_CAP || age == DEFAULT_MAX_AGE);

    let _ = parse_referrer_policy_header(data);

    // The same lines as a preflight response's ACAM / ACAH / ACEH / max-age headers.
    let mut h = http::HeaderMap::new();
    let names = [
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-max-age",
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ];
    for (i, line) in lines.iter().enumerate() {
        if let Ok(v) = http::HeaderValue::from_bytes(line) {
            h.append(names[i % names.len()], v);
        }
    }
    let app = Origin::parse("https://app.example").unwrap();
    let include = data.first().is_some_and(|b| b & 1 == 1);
    let _ = evaluate_preflight_response(204, &h, &app, include, "PUT", &["x-a".to_string()]);
});
