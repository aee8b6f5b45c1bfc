//! The known classes of disagreement between the engine and Chromium on generated
//! scenarios.

use super::GenScenario;

/// The classes of disagreement between the engine and Chromium that generated scenarios
/// are known to hit, each with why (as a `known_difference` would say): `Some(why)` when
/// the differences of fetch `index` of `s` all belong to one of them.
///
/// ```
/// use fetchguard::oracle::generate::{generate, known_difference};
/// use fetchguard::oracle::Difference;
/// let mut s = generate(1, 0);
/// s.fetches[0].headers = vec![("X-A".into(), "1".into()), ("X-B".into(), "2".into())];
/// let line = |n: &str| format!("[\"Access to fetch ... Request header field {n} is not allowed by Access-Control-Allow-Headers in preflight response.\"]");
/// let d = Difference { key: "console".into(), engine: line("x-a"), browser: line("x-b") };
/// assert!(known_difference(&s, 0, &[d.clone()]).is_some());
/// let other = Difference { key: "status".into(), engine: "200".into(), browser: "204".into() };
/// assert_eq!(known_difference(&s, 0, &[d, other]), None);
/// assert_eq!(known_difference(&s, 0, &[]), None);
/// ```
pub fn known_difference(
    s: &GenScenario,
    index: usize,
    differences: &[crate::oracle::Difference],
) -> Option<&'static str> {
    let fetch = s.fetches.get(index)?;
    if differences.is_empty() {
        return None;
    }
    // Several request headers refused by one preflight: Chromium names one of them in an
    // internal hash order, fetchguard the first sorted (as in the corpus). Both lines must
    // be that message, each naming a header the fetch sets.
    let refused = |line: &str| -> Option<String> {
        let rest = line.split("Request header field ").nth(1)?;
        let (name, tail) = rest.split_once(' ')?;
        tail.starts_with("is not allowed by Access-Control-Allow-Headers")
            .then(|| name.to_ascii_lowercase())
    };
    let sets = |name: &str| {
        fetch
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if differences.iter().all(|d| {
        d.key == "console"
            && match (refused(&d.engine), refused(&d.browser)) {
                (Some(e), Some(c)) => e != c && sets(&e) && sets(&c),
                _ => false,
            }
    }) {
        return Some(
            "several request headers refused by a preflight: Chromium names one in the order of Blink's header hash map (independent of script order, not sorted; observed)",
        );
    }
    // An origin nothing serves (its host:port is not mapped): Chromium fails to resolve it before its Local Network Access
    // check (made once the connection has a remote address) and prints nothing;
    // fetchguard checks before connecting and prints the LNA line. Outcome and wire agree.
    let served = |url: &str| {
        let origin = |u: &str| url::Url::parse(u).ok().map(|u| u.origin());
        let o = origin(url);
        o.is_some()
            && (o == origin(&s.page_url) || s.servers.iter().any(|sv| origin(&sv.origin) == o))
    };
    if !served(&fetch.url)
        && differences
            .iter()
            .all(|d| d.key == "console" && d.browser == "[]" && d.engine.contains("address space"))
    {
        return Some(
            "a host nothing serves: Chromium fails resolving it before the Local Network Access check and prints no line; fetchguard checks first",
        );
    }
    None
}
