//! Cross-Origin-Resource-Policy and the page's Cross-Origin-Embedder-Policy: parsing and
//! the CORP check, as pure functions (no I/O).
//!
//! ```
//! use fetchguard::policy::corp::{CorpBlock, EmbedderPolicy, cross_origin_resource_policy_check};
//! use fetchguard::origin::Origin;
//! let page = Origin::parse("https://app.example").unwrap();
//! let cdn = url::Url::parse("https://cdn.example/img.png").unwrap();
//! assert_eq!(
//!     cross_origin_resource_policy_check(&page, &cdn, None, EmbedderPolicy::RequireCorp),
//!     Err(CorpBlock::NotSameOriginAfterDefaultedByCoep),
//! );
//! assert_eq!(
//!     cross_origin_resource_policy_check(&page, &cdn, Some("cross-origin"), EmbedderPolicy::RequireCorp),
//!     Ok(()),
//! );
//! ```

use url::Url;

use crate::origin::Origin;

/// A page's embedder policy value
/// (<https://html.spec.whatwg.org/#embedder-policy-value>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmbedderPolicy {
    /// No policy (the default, and what an invalid header means).
    #[default]
    UnsafeNone,
    /// Every cross-origin no-cors resource must opt in with CORP.
    RequireCorp,
    /// Cross-origin no-cors requests go out without credentials.
    Credentialless,
}

impl EmbedderPolicy {
    /// The header token.
    pub fn as_str(self) -> &'static str {
        match self {
            EmbedderPolicy::UnsafeNone => "unsafe-none",
            EmbedderPolicy::RequireCorp => "require-corp",
            EmbedderPolicy::Credentialless => "credentialless",
        }
    }
}

/// The page's embedder policies: the enforced one and the report-only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EmbedderPolicies {
    /// From `Cross-Origin-Embedder-Policy`.
    pub value: EmbedderPolicy,
    /// From `Cross-Origin-Embedder-Policy-Report-Only` (blocks nothing).
    pub report_only: EmbedderPolicy,
}

/// Obtains the page's embedder policies from its document's response headers
/// (<https://html.spec.whatwg.org/#obtain-an-embedder-policy>). A page that is not a secure
/// context gets none. Each header is parsed as a structured-header item whose bare item
/// is a token (parameters such as `report-to` are allowed and ignored); a header that
/// does not parse, or is sent twice (a list, not an item), is `unsafe-none`.
///
/// ```
/// use fetchguard::policy::corp::{EmbedderPolicy, obtain_embedder_policies};
/// let h = vec![("Cross-Origin-Embedder-Policy".to_string(), "require-corp".to_string())];
/// assert_eq!(obtain_embedder_policies(&h, true).value, EmbedderPolicy::RequireCorp);
/// assert_eq!(obtain_embedder_policies(&h, false).value, EmbedderPolicy::UnsafeNone);
/// ```
pub fn obtain_embedder_policies(headers: &[(String, String)], secure: bool) -> EmbedderPolicies {
    if !secure {
        return EmbedderPolicies::default();
    }
    let get = |name: &str| {
        let values: Vec<&str> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(", "))
        }
    };
    let parse = |v: Option<String>| v.map(|v| parse_embedder_policy(&v)).unwrap_or_default();
    EmbedderPolicies {
        value: parse(get("cross-origin-embedder-policy")),
        report_only: parse(get("cross-origin-embedder-policy-report-only")),
    }
}

/// Parses one (combined) header value as a structured-header item with a token.
pub fn parse_embedder_policy(value: &str) -> EmbedderPolicy {
    match parse_sh_token_item(value) {
        Some("require-corp") => EmbedderPolicy::RequireCorp,
        Some("credentialless") => EmbedderPolicy::Credentialless,
        _ => EmbedderPolicy::UnsafeNone,
    }
}

/// RFC 8941 item whose bare item is a token: leading/trailing spaces allowed, then the
/// token, then parameters (`;key` or `;key=bare-item`). Returns the token.
fn parse_sh_token_item(input: &str) -> Option<&str> {
    let s = input.trim_matches(' ');
    let first = s.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '*') {
        return None;
    }
    let end = s
        .find(|c: char| !(is_tchar(c) || c == ':' || c == '/'))
        .unwrap_or(s.len());
    let (token, mut rest) = s.split_at(end);
    while !rest.is_empty() {
        rest = rest.strip_prefix(';')?.trim_start_matches(' ');
        let k = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.*".contains(c)))
            .unwrap_or(rest.len());
        if k == 0 || !rest.starts_with(|c: char| c.is_ascii_lowercase() || c == '*') {
            return None;
        }
        rest = &rest[k..];
        if let Some(v) = rest.strip_prefix('=') {
            rest = skip_bare_item(v)?;
        }
    }
    Some(token)
}

/// Skips one bare item (string, token, number or boolean), returning what follows.
fn skip_bare_item(s: &str) -> Option<&str> {
    if let Some(body) = s.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in body.char_indices() {
            match (escaped, c) {
                (true, '"' | '\\') => escaped = false,
                (true, _) => return None,
                (false, '\\') => escaped = true,
                (false, '"') => return Some(&body[i + 1..]),
                (false, c) if !(' '..='~').contains(&c) => return None,
                _ => {}
            }
        }
        return None;
    }
    if let Some(b) = s.strip_prefix('?') {
        return b.strip_prefix(['0', '1']);
    }
    let end = s
        .find(|c: char| !(is_tchar(c) || c == ':' || c == '/'))
        .unwrap_or(s.len());
    if end == 0 { None } else { Some(&s[end..]) }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Why the CORP check blocked a response, with DevTools' `BlockedReason` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpBlock {
    /// `Cross-Origin-Resource-Policy: same-origin` from another origin.
    NotSameOrigin,
    /// No CORP header, defaulted to `same-origin` by the page's `require-corp` COEP.
    NotSameOriginAfterDefaultedByCoep,
    /// `Cross-Origin-Resource-Policy: same-site` from another site.
    NotSameSite,
}

impl CorpBlock {
    /// DevTools' name for the reason (`BlockedReason` in the Network domain).
    pub fn devtools_name(&self) -> &'static str {
        match self {
            CorpBlock::NotSameOrigin => "corp-not-same-origin",
            CorpBlock::NotSameOriginAfterDefaultedByCoep => {
                "corp-not-same-origin-after-defaulted-to-same-origin-by-coep"
            }
            CorpBlock::NotSameSite => "corp-not-same-site",
        }
    }
}

impl std::fmt::Display for CorpBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.devtools_name())
    }
}

/// The cross-origin resource policy check
/// (<https://fetch.spec.whatwg.org/#cross-origin-resource-policy-check>) for one hop of a
/// no-cors request: `origin` is the request's origin (the page), `url` the hop's URL,
/// `corp` the response's combined `Cross-Origin-Resource-Policy` value.
///
/// CHROMIUM: two CORP headers combine to a value that is neither token, so they are
/// ignored; the value is case-sensitive. Under `credentialless` the request carried no
/// credentials, so a missing header passes.
pub fn cross_origin_resource_policy_check(
    origin: &Origin,
    url: &Url,
    corp: Option<&str>,
    coep: EmbedderPolicy,
) -> Result<(), CorpBlock> {
    if origin.is_same_origin_url(url) {
        return Ok(());
    }
    match corp.map(|v| v.trim_matches([' ', '\t'])) {
        Some("same-origin") => Err(CorpBlock::NotSameOrigin),
        Some("same-site") => {
            // https://fetch.spec.whatwg.org/#cross-origin-resource-policy-internal-check
            // The spec compares sites schemelessly and refuses only an https → non-https
            // downgrade. CHROMIUM: the sites are compared with their scheme, so an http
            // page is refused an https resource of its own site too (observed:
            // wpt-subset/fetch/cross-origin-resource-policy/scheme-restriction.toml).
            if origin.is_same_site_url(url) {
                Ok(())
            } else {
                Err(CorpBlock::NotSameSite)
            }
        }
        Some("cross-origin") => Ok(()),
        _ if coep == EmbedderPolicy::RequireCorp => {
            Err(CorpBlock::NotSameOriginAfterDefaultedByCoep)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        page: &str,
        url: &str,
        corp: Option<&str>,
        coep: EmbedderPolicy,
    ) -> Result<(), CorpBlock> {
        let o = Origin::parse(page).unwrap();
        cross_origin_resource_policy_check(&o, &Url::parse(url).unwrap(), corp, coep)
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of plain tuples reads best here
    fn corp_table() {
        use CorpBlock::*;
        use EmbedderPolicy::*;
        let app = "https://app.example";
        let rows: &[(
            &str,
            &str,
            Option<&str>,
            EmbedderPolicy,
            Result<(), CorpBlock>,
        )] = &[
            (
                app,
                "https://app.example/x",
                Some("same-origin"),
                UnsafeNone,
                Ok(()),
            ),
            (app, "https://app.example/x", None, RequireCorp, Ok(())),
            (
                app,
                "https://cdn.example/x",
                Some("same-origin"),
                UnsafeNone,
                Err(NotSameOrigin),
            ),
            (
                app,
                "https://cdn.example/x",
                Some("same-site"),
                UnsafeNone,
                Err(NotSameSite),
            ),
            (
                app,
                "https://sub.app.example/x",
                Some("same-site"),
                UnsafeNone,
                Ok(()),
            ),
            (
                app,
                "https://sub.app.example/x",
                Some("same-origin"),
                UnsafeNone,
                Err(NotSameOrigin),
            ),
            (
                app,
                "http://sub.app.example/x",
                Some("same-site"),
                UnsafeNone,
                Err(NotSameSite),
            ),
            (
                "http://app.example",
                "https://sub.app.example/x",
                Some("same-site"),
                UnsafeNone,
                Err(NotSameSite),
            ),
            (
                "http://app.example",
                "http://sub.app.example/x",
                Some("same-site"),
                UnsafeNone,
                Ok(()),
            ),
            (
                app,
                "https://cdn.example/x",
                Some("Same-Origin"),
                UnsafeNone,
                Ok(()),
            ),
            (
                app,
                "https://cdn.example/x",
                Some("same-origin, same-origin"),
                UnsafeNone,
                Ok(()),
            ),
            (
                app,
                "https://cdn.example/x",
                Some("cross-origin"),
                RequireCorp,
                Ok(()),
            ),
            (app, "https://cdn.example/x", None, UnsafeNone, Ok(())),
            (app, "https://cdn.example/x", None, Credentialless, Ok(())),
            (
                app,
                "https://cdn.example/x",
                Some("same-origin"),
                Credentialless,
                Err(NotSameOrigin),
            ),
            (
                app,
                "https://cdn.example/x",
                None,
                RequireCorp,
                Err(NotSameOriginAfterDefaultedByCoep),
            ),
            (
                app,
                "https://sub.app.example/x",
                None,
                RequireCorp,
                Err(NotSameOriginAfterDefaultedByCoep),
            ),
            (
                app,
                "https://cdn.example/x",
                Some("bogus"),
                RequireCorp,
                Err(NotSameOriginAfterDefaultedByCoep),
            ),
        ];
        for (page, url, corp, coep, want) in rows {
            assert_eq!(
                &check(page, url, *corp, *coep),
                want,
                "{page} {url} {corp:?} {coep:?}"
            );
        }
    }

    #[test]
    fn coep_parsing() {
        use EmbedderPolicy::*;
        let rows: &[(&str, EmbedderPolicy)] = &[
            ("require-corp", RequireCorp),
            ("credentialless", Credentialless),
            ("unsafe-none", UnsafeNone),
            (" require-corp ", RequireCorp),
            ("require-corp; report-to=\"x\"", RequireCorp),
            ("require-corp;a", RequireCorp),
            ("require-corp;", UnsafeNone),
            ("Require-Corp", UnsafeNone),
            ("\"require-corp\"", UnsafeNone),
            ("require-corp, require-corp", UnsafeNone),
            ("", UnsafeNone),
        ];
        for (v, want) in rows {
            assert_eq!(parse_embedder_policy(v), *want, "{v:?}");
        }
    }

    #[test]
    fn policies_need_a_secure_context_and_report_only_is_separate() {
        let h = vec![(
            "cross-origin-embedder-policy-report-only".to_string(),
            "require-corp".to_string(),
        )];
        let p = obtain_embedder_policies(&h, true);
        assert_eq!(p.value, EmbedderPolicy::UnsafeNone);
        assert_eq!(p.report_only, EmbedderPolicy::RequireCorp);
        assert_eq!(
            obtain_embedder_policies(&h, false),
            EmbedderPolicies::default()
        );
    }
}
