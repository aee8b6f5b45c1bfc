//! The scenario generator behind `verify --generate` and its shrinker, without Chromium.

use fetchguard::oracle::generate::{GenScenario, generate};
use fetchguard::oracle::shrink::{candidates, shrink};
use fetchguard::scenario::parse_str;

#[test]
fn same_seed_same_scenarios_other_seed_other_scenarios() {
    let a: Vec<String> = (0..50).map(|i| generate(7, i).to_toml()).collect();
    let b: Vec<String> = (0..50).map(|i| generate(7, i).to_toml()).collect();
    assert_eq!(a, b);
    let c: Vec<String> = (0..50).map(|i| generate(8, i).to_toml()).collect();
    assert_ne!(a, c);
    // Scenarios of one seed differ from each other.
    assert!(a.windows(2).all(|w| w[0] != w[1]));
}

#[test]
fn same_seed_same_files_whatever_the_shard() {
    // A shard draws each index exactly as the full run does: the file text of
    // `generate(seed, i)` depends on nothing but (seed, i), and it is stable across
    // calls in any order.
    let forward: Vec<String> = (0..60).map(|i| generate(11, i).to_toml()).collect();
    let backward: Vec<String> = (0..60).rev().map(|i| generate(11, i).to_toml()).collect();
    let backward: Vec<String> = backward.into_iter().rev().collect();
    assert_eq!(forward, backward);
    let shard: Vec<String> = (0..60)
        .filter(|i| i % 3 == 1)
        .map(|i| generate(11, i).to_toml())
        .collect();
    let from_full: Vec<String> = forward
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 1)
        .map(|(_, t)| t.clone())
        .collect();
    assert_eq!(shard, from_full);
}

#[test]
fn revisits_and_conditional_routes_line_up() {
    // A fetch often repeats an earlier URL (so caches are hit), and each 304 route is
    // followed by the route on the same path that sends the validator it matches.
    let (mut repeats, mut conditionals) = (0, 0);
    for i in 0..300 {
        let g = generate(12, i);
        for (k, f) in g.fetches.iter().enumerate() {
            if g.fetches[..k].iter().any(|e| e.url == f.url) {
                repeats += 1;
            }
        }
        for s in &g.servers {
            for (j, r) in s.routes.iter().enumerate() {
                if r.status != 304 {
                    continue;
                }
                conditionals += 1;
                let (name, value) = &r.match_headers[0];
                let next = &s.routes[j + 1];
                assert_eq!(next.path, r.path);
                let sent = if name == "if-none-match" {
                    "ETag"
                } else {
                    "Last-Modified"
                };
                assert!(next.headers.contains(&(sent.to_string(), value.clone())));
            }
        }
    }
    assert!(repeats > 50, "{repeats} repeated URLs");
    assert!(conditionals > 10, "{conditionals} conditional routes");
}

#[test]
fn no_permission_the_oracle_cannot_grant() {
    for i in 0..400 {
        let t = generate(13, i).to_toml();
        assert!(!t.contains("network = \"allow\""), "{t}");
    }
}

#[test]
fn every_generated_scenario_parses() {
    for seed in 0..20 {
        for i in 0..100 {
            let g = generate(seed, i);
            let text = g.to_toml();
            let parsed = parse_str("g.toml", &text)
                .unwrap_or_else(|e| panic!("seed {seed} index {i}: {e}\n{text}"));
            assert_eq!(parsed.scenario.fetches.len(), g.fetches.len());
            assert_eq!(parsed.scenario.servers.len(), g.servers.len());
            assert_eq!(parsed.scenario.cookies.len(), g.cookies.len());
        }
    }
}

#[test]
fn the_generator_covers_the_format() {
    let all: String = (0..400).map(|i| generate(1, i).to_toml()).collect();
    for needle in [
        "sandbox = true",
        "referrer_policy = ",
        "third_party_cookies = \"allow\"",
        "third_party_cookies = \"block\"",
        "[[cookie]]",
        "status = 301",
        "status = 302",
        "status = 303",
        "status = 307",
        "status = 308",
        "\"Location\", \"data:",
        "\"Location\", \"https://user:pass@",
        "\"Access-Control-Allow-Origin\", \"*\"",
        "\"Access-Control-Allow-Origin\", \"null\"",
        "\"Access-Control-Allow-Origin\", \" {{origin}} \"",
        "\"Access-Control-Allow-Credentials\", \"TRUE\"",
        "\"Access-Control-Allow-Methods\", \"*\"",
        "\"Access-Control-Allow-Headers\", \"bad header(\"",
        "\"Access-Control-Expose-Headers\"",
        "\"Access-Control-Max-Age\"",
        "Partitioned",
        "method = \"patch\"",
        "method = \"CONNECT\"",
        "[\"Cookie\", \"x=1\"]",
        "mode = \"no-cors\"",
        "mode = \"same-origin\"",
        "credentials = \"include\"",
        "redirect = \"manual\"",
        "redirect = \"error\"",
        "url = \"http://app.example/",
        // The newer keys.
        "\"Cross-Origin-Embedder-Policy\", \"require-corp\"",
        "\"Cross-Origin-Embedder-Policy\", \"credentialless\"",
        "\"Cross-Origin-Embedder-Policy-Report-Only\"",
        "address_space = \"local\"",
        "address_space = \"loopback\"",
        "local_network = \"block\"",
        "loopback_network = \"block\"",
        "target_address_space = \"loopback\"",
        "cache = \"force-cache\"",
        "cache = \"only-if-cached\"",
        "cache = \"no-store\"",
        "\"Cache-Control\", \"max-age=1\"",
        "\"ETag\", \"\\\"v1\\\"\"",
        "\"Last-Modified\"",
        "\"Vary\", \"Origin\"",
        "\"Expires\"",
        "match_headers = { \"if-none-match\" = \"\\\"v1\\\"\" }",
        "match_headers = { \"if-modified-since\"",
        "match_headers = { \"origin\"",
        "status = 304",
        "wait = 2",
        "\"Cross-Origin-Resource-Policy\", \"same-site\"",
    ] {
        assert!(all.contains(needle), "never generated: {needle}");
    }
}

/// A fake oracle: the scenario "disagrees" while a fetch has the method CONNECT and a
/// server still sends an ACAO header.
fn fake(c: &GenScenario) -> bool {
    c.fetches
        .iter()
        .any(|f| f.method.as_deref() == Some("CONNECT"))
        && c.servers.iter().any(|s| {
            s.routes.iter().any(|r| {
                r.headers
                    .iter()
                    .any(|(n, _)| n == "Access-Control-Allow-Origin")
            })
        })
}

#[test]
fn the_shrinker_keeps_only_what_the_disagreement_needs() {
    let (seed, index) = (0..20)
        .flat_map(|s| (0..200).map(move |i| (s, i)))
        .find(|&(s, i)| {
            let g = generate(s, i);
            fake(&g)
                && g.fetches.len() > 1
                && g.servers.iter().map(|s| s.routes.len()).sum::<usize>() > 1
        })
        .expect("some generated scenario has a CONNECT fetch and ACAO");
    let g = generate(seed, index);
    let out = shrink(&g, 10_000, fake);
    let s = &out.scenario;
    assert!(fake(s));
    assert_eq!(s.fetches.len(), 1);
    let f = &s.fetches[0];
    assert_eq!(f.method.as_deref(), Some("CONNECT"));
    assert!(f.headers.is_empty() && f.body.is_none() && f.mode.is_none());
    assert_eq!(s.servers.len(), 1);
    assert_eq!(s.servers[0].routes.len(), 1);
    assert_eq!(s.servers[0].routes[0].headers.len(), 1);
    assert!(s.cookies.is_empty() && !s.sandbox && s.third_party_cookies.is_none());
    // Minimal: no single removal keeps the disagreement.
    assert!(candidates(s).iter().all(|c| !fake(c)));
    assert!(parse_str("s.toml", &s.to_toml()).is_ok());
    // Deterministic, and the budget bounds the oracle calls.
    assert_eq!(shrink(&g, 10_000, fake), out);
    let mut calls = 0;
    let capped = shrink(&g, 3, |c| {
        calls += 1;
        fake(c)
    });
    assert_eq!((calls, capped.steps), (3, 3));
}

#[test]
fn an_lna_line_for_a_host_nothing_serves_is_a_known_difference() {
    use fetchguard::oracle::Difference;
    use fetchguard::oracle::generate::known_difference;
    let mut s = generate(1, 0);
    s.fetches[0].url = "https://unknown.example/a".into();
    let line = "[\"Access to fetch at 'https://unknown.example/a' from origin 'https://app.example' has been blocked by CORS policy: Request had a target IP address space of `local` yet the resource is in address space `public`.\"]";
    let d = Difference {
        key: "console".into(),
        engine: line.into(),
        browser: "[]".into(),
    };
    assert!(known_difference(&s, 0, std::slice::from_ref(&d)).is_some());
    // The same on a host a server answers for is a real difference.
    s.fetches[0].url = format!("{}/a", s.servers[0].origin);
    assert_eq!(known_difference(&s, 0, &[d]), None);
}

#[test]
fn the_page_host_on_another_scheme_is_served_by_nothing() {
    use fetchguard::oracle::Difference;
    use fetchguard::oracle::generate::known_difference;
    let mut s = generate(1, 0);
    s.servers.clear();
    s.page_url = "https://app.example/index.html".into();
    s.fetches[0].url = "http://app.example/a".into();
    let d = Difference {
        key: "console".into(),
        engine: "[\"... Request had a target IP address space of `loopback` yet the resource is in address space `public`.\"]".into(),
        browser: "[]".into(),
    };
    assert!(known_difference(&s, 0, &[d]).is_some());
}

#[test]
fn a_refused_header_named_differently_is_a_real_difference() {
    // The engine models Chromium's order (cors::header_order), so a different name is a
    // bug to shrink and fix, no longer a known class.
    use fetchguard::oracle::Difference;
    use fetchguard::oracle::generate::known_difference;
    let mut s = generate(1, 0);
    s.fetches[0].headers = vec![("X-A".into(), "1".into()), ("X-B".into(), "2".into())];
    let line = |n: &str| {
        format!(
            "[\"Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: Request header field {n} is not allowed by Access-Control-Allow-Headers in preflight response.\"]"
        )
    };
    let d = Difference {
        key: "console".into(),
        engine: line("x-a"),
        browser: line("x-b"),
    };
    assert_eq!(known_difference(&s, 0, &[d]), None);
}
