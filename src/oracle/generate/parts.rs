//! Drawing the parts of a scenario: routes (with their conditional twins) and fetches.

use super::pools::*;
use super::{GenFetch, GenRoute, Rng};

/// The routes one draw adds to a server: a route, preceded now and then by a conditional
/// route on the same path that answers a revalidation of its `ETag` or `Last-Modified`
/// with `304 Not Modified` (first match wins, so the plain route answers the rest).
pub(super) fn server_routes(r: &mut Rng, origins: &[String], page_origin: &str) -> Vec<GenRoute> {
    let main = route(r, origins, page_origin);
    let validator = main.headers.iter().find_map(|(n, v)| match n.as_str() {
        "ETag" => Some(("if-none-match", v.clone())),
        "Last-Modified" => Some(("if-modified-since", v.clone())),
        _ => None,
    });
    let mut out = Vec::new();
    if let Some((name, value)) = validator
        && r.chance(60)
    {
        // The 304 carries the validators and freshness again, and CORS headers as
        // the server's own answer does (or not).
        let headers = main
            .headers
            .iter()
            .filter(|(n, _)| {
                n.starts_with("Access-Control-")
                    || matches!(
                        n.as_str(),
                        "ETag" | "Last-Modified" | "Cache-Control" | "Vary"
                    )
            })
            .filter(|_| r.chance(80))
            .cloned()
            .collect();
        out.push(GenRoute {
            path: main.path.clone(),
            method: None,
            match_headers: vec![(name.to_string(), value)],
            status: 304,
            headers,
            body: String::new(),
        });
    }
    out.push(main);
    out
}

/// Freshness and validators of a cacheable response, in the order a server would send them.
fn cache_headers(r: &mut Rng, headers: &mut Vec<(String, String)>) {
    let mut h = |n: &str, v: &str| headers.push((n.to_string(), v.to_string()));
    if r.chance(80) {
        h("Cache-Control", r.pick_str(CACHE_CONTROL));
    }
    if r.chance(15) {
        h("Expires", r.pick_str(EXPIRES));
    }
    if r.chance(45) {
        h("ETag", ETAG);
    }
    if r.chance(35) {
        h("Last-Modified", LAST_MODIFIED);
    }
    if r.chance(35) {
        h("Vary", r.pick_str(VARY));
    }
}

fn route(r: &mut Rng, origins: &[String], page_origin: &str) -> GenRoute {
    let path = r.pick(PATHS).to_string();
    let preflight = r.chance(30);
    let method = if preflight {
        Some("OPTIONS".to_string())
    } else if r.chance(15) {
        Some(r.pick(&["GET", "POST", "PUT", "patch"]).to_string())
    } else {
        None
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut h = |n: &str, v: &str| headers.push((n.to_string(), v.to_string()));
    let redirect = !preflight && r.chance(30) || preflight && r.chance(5);
    let status = if redirect {
        *r.pick(&[301, 302, 303, 307, 308])
    } else if preflight {
        *r.pick(&[200, 204, 204, 404, 500])
    } else {
        *r.pick(&[200, 200, 200, 201, 204, 404, 500])
    };
    if redirect {
        let target = match r.below(9) {
            0 => format!("{page_origin}/a"),
            1 => "/b".to_string(),
            2 => "data:text/plain,hi".to_string(),
            3 => "about:blank".to_string(),
            4 => "https://user:pass@api.example/a".to_string(),
            5 => "ftp://api.example/a".to_string(),
            6 => "/r/again".to_string(),
            _ => format!(
                "{}{}",
                r.pick(origins),
                r.pick(&["/a", "/b", "/c", "/data"])
            ),
        };
        if r.chance(95) {
            h("Location", &target);
        }
    }
    if r.chance(75) {
        h("Access-Control-Allow-Origin", r.pick_str(ACAO));
        if r.chance(8) {
            h("Access-Control-Allow-Origin", r.pick_str(ACAO));
        }
    }
    if r.chance(35) {
        h("Access-Control-Allow-Credentials", r.pick_str(ACAC));
    }
    if preflight || r.chance(10) {
        if r.chance(70) {
            h("Access-Control-Allow-Methods", r.pick_str(ACAM));
        }
        if r.chance(60) {
            h("Access-Control-Allow-Headers", r.pick_str(ACAH));
        }
        if r.chance(40) {
            h("Access-Control-Max-Age", r.pick_str(MAX_AGE));
        }
    }
    if !preflight {
        if r.chance(50) {
            h(
                "Content-Type",
                r.pick_str(&["text/plain", "application/json", "text/html"]),
            );
        }
        if r.chance(30) {
            h("X-Secret", "s");
        }
        if r.chance(25) {
            h("Access-Control-Expose-Headers", r.pick_str(ACEH));
        }
    }
    if r.chance(25) {
        for _ in 0..1 + r.below(2) {
            h("Set-Cookie", r.pick_str(SET_COOKIE));
        }
    }
    let cacheable = !preflight && r.chance(30);
    if cacheable {
        cache_headers(r, &mut headers);
    }
    if !preflight && r.chance(15) {
        headers.push((
            "Cross-Origin-Resource-Policy".to_string(),
            r.pick_str(CORP).to_string(),
        ));
    }
    let match_headers = if r.chance(10) {
        let (n, v) = match r.below(4) {
            0 => ("origin", page_origin.to_string()),
            1 => ("x-custom", "1".to_string()),
            2 => ("cookie", "a=1".to_string()),
            _ => ("accept", "application/json".to_string()),
        };
        vec![(n.to_string(), v)]
    } else {
        Vec::new()
    };
    let body = if preflight || status == 204 {
        String::new()
    } else {
        r.pick(&["ok", "{\"v\": 1}", "", "{{method}} {{header:cookie}}"])
            .to_string()
    };
    GenRoute {
        path,
        method,
        match_headers,
        status,
        headers,
        body,
    }
}

pub(super) fn fetch(r: &mut Rng, origins: &[String], earlier: &[GenFetch]) -> GenFetch {
    // Often the URL of an earlier fetch, so the HTTP cache, the preflight cache and the
    // cookie jar are exercised again.
    let again = (!earlier.is_empty() && r.chance(35)).then(|| r.pick(earlier).url.clone());
    let url = match again {
        Some(url) => url,
        None => match r.below(20) {
            0 => "/a".to_string(),
            1 => "https://unknown.example/a".to_string(),
            2 => "data:text/plain,hello".to_string(),
            _ => {
                let path = r.pick(PATHS);
                let path = match path.strip_suffix('*') {
                    Some(prefix) => format!("{prefix}{}", r.pick(&["1", "x?y=2"])),
                    None => path.to_string(),
                };
                format!("{}{path}", r.pick(origins))
            }
        },
    };
    let method = r.chance(55).then(|| r.pick(METHODS).to_string());
    let headers = if r.chance(55) {
        (0..1 + r.below(3))
            .map(|_| {
                let (n, v) = r.pick(REQ_HEADERS);
                (n.to_string(), v.to_string())
            })
            .collect()
    } else {
        Vec::new()
    };
    let body = r
        .chance(25)
        .then(|| r.pick(&["x", "{\"a\": 1}", ""]).to_string());
    GenFetch {
        url,
        method,
        headers,
        body,
        mode: r
            .chance(40)
            .then(|| r.pick(&["same-origin", "no-cors", "cors"]).to_string()),
        credentials: r
            .chance(45)
            .then(|| r.pick(&["omit", "same-origin", "include"]).to_string()),
        redirect: r
            .chance(30)
            .then(|| r.pick(&["follow", "error", "manual"]).to_string()),
        referrer_policy: r.chance(20).then(|| r.pick(POLICIES).to_string()),
        cache: r.chance(25).then(|| r.pick_str(CACHE_MODES).to_string()),
        target_address_space: r.chance(10).then(|| r.pick_str(TARGET_SPACES).to_string()),
        // Whole seconds, longer than the shortest max-age (1 s) by a margin: Chromium
        // really waits, the engine moves its clock.
        wait: r.chance(5).then_some(2),
        known_difference: None,
    }
}
