//! Shrinking a disagreement: the smallest scenario on which the engine and Chromium still
//! disagree on the same field, found greedily by removing one part at a time.
//!
//! The loop is generic over a "still disagrees" predicate, so it runs without Chromium in
//! tests; `verify --generate` passes one that runs the candidate in the engine and in
//! Chromium.

use super::generate::GenScenario;

/// What [`shrink`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shrunk {
    /// The smallest scenario found that still disagrees.
    pub scenario: GenScenario,
    /// How many candidates were tried (predicate calls).
    pub steps: usize,
    /// How many candidates were accepted.
    pub accepted: usize,
}

/// Every scenario one removal smaller than `s`, largest parts first: a fetch, a server, a
/// cookie seed, a route, the browser settings, a page header, the page's sandbox and
/// policy, a server's address space, then inside routes (a header, the header match, the
/// body, the method, the status) and fetches (a header, each init field, the wait).
pub fn candidates(s: &GenScenario) -> Vec<GenScenario> {
    let mut out = Vec::new();
    let mut push = |f: &dyn Fn(&mut GenScenario)| {
        let mut c = s.clone();
        f(&mut c);
        if c != *s {
            out.push(c);
        }
    };
    if s.fetches.len() > 1 {
        for i in 0..s.fetches.len() {
            push(&|c| {
                c.fetches.remove(i);
            });
        }
    }
    for i in 0..s.servers.len() {
        push(&|c| {
            c.servers.remove(i);
        });
    }
    for i in 0..s.cookies.len() {
        push(&|c| {
            c.cookies.remove(i);
        });
    }
    for (i, server) in s.servers.iter().enumerate() {
        for j in 0..server.routes.len() {
            push(&|c| {
                c.servers[i].routes.remove(j);
            });
        }
    }
    push(&|c| c.third_party_cookies = None);
    push(&|c| c.local_network = None);
    push(&|c| c.loopback_network = None);
    for k in 0..s.page_headers.len() {
        push(&|c| {
            c.page_headers.remove(k);
        });
    }
    push(&|c| c.sandbox = false);
    push(&|c| c.page_referrer_policy = None);
    for i in 0..s.servers.len() {
        push(&|c| c.servers[i].address_space = None);
    }
    for (i, server) in s.servers.iter().enumerate() {
        for (j, route) in server.routes.iter().enumerate() {
            for k in 0..route.headers.len() {
                push(&|c| {
                    c.servers[i].routes[j].headers.remove(k);
                });
            }
            push(&|c| c.servers[i].routes[j].match_headers.clear());
            push(&|c| c.servers[i].routes[j].body.clear());
            push(&|c| c.servers[i].routes[j].method = None);
            push(&|c| c.servers[i].routes[j].status = 200);
        }
    }
    for (i, fetch) in s.fetches.iter().enumerate() {
        for k in 0..fetch.headers.len() {
            push(&|c| {
                c.fetches[i].headers.remove(k);
            });
        }
        push(&|c| c.fetches[i].method = None);
        push(&|c| c.fetches[i].body = None);
        push(&|c| c.fetches[i].mode = None);
        push(&|c| c.fetches[i].credentials = None);
        push(&|c| c.fetches[i].redirect = None);
        push(&|c| c.fetches[i].referrer_policy = None);
        push(&|c| c.fetches[i].cache = None);
        push(&|c| c.fetches[i].target_address_space = None);
        push(&|c| c.fetches[i].wait = None);
    }
    out
}

/// Shrinks `s` greedily: tries each of [`candidates`] in turn, keeps the first one on which
/// `still_disagrees` holds, and starts over from the smaller scenario, until no candidate
/// holds or `budget` predicate calls were made. `s` itself is assumed to disagree.
///
/// ```
/// use fetchguard::oracle::{generate::generate, shrink::shrink};
/// let s = generate(3, 4);
/// // A fake oracle: "disagrees" while some fetch is left.
/// let out = shrink(&s, 500, |c| !c.fetches.is_empty());
/// assert_eq!(out.scenario.fetches.len(), 1);
/// assert!(out.scenario.servers.is_empty());
/// ```
pub fn shrink(
    s: &GenScenario,
    budget: usize,
    mut still_disagrees: impl FnMut(&GenScenario) -> bool,
) -> Shrunk {
    let mut current = s.clone();
    let mut steps = 0;
    let mut accepted = 0;
    'outer: loop {
        for c in candidates(&current) {
            if steps >= budget {
                break 'outer;
            }
            steps += 1;
            if still_disagrees(&c) {
                current = c;
                accepted += 1;
                continue 'outer;
            }
        }
        break;
    }
    Shrunk {
        scenario: current,
        steps,
        accepted,
    }
}
