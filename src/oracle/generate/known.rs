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
/// s.page_url = "https://app.example/".into();
/// s.servers.clear();
/// s.fetches[0].url = "https://nowhere.example/x".into();
/// let lna = Difference {
///     key: "console".into(),
///     engine: "[\"... the address space `local` ...\"]".into(),
///     browser: "[]".into(),
/// };
/// assert!(known_difference(&s, 0, &[lna.clone()]).is_some());
/// let other = Difference { key: "status".into(), engine: "200".into(), browser: "204".into() };
/// assert_eq!(known_difference(&s, 0, &[lna, other]), None);
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
