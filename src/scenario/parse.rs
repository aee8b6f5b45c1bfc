//! Reading scenario files: TOML into [`Scenario`], then the checks TOML's types cannot
//! express (URLs, origins, paths). Every error names the file, line and column.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use url::Url;

use super::model::Scenario;

/// A scenario file that could not be read or is not a valid scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file.display(), self.message),
            _ => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for ScenarioError {}

/// A parsed scenario with the file it came from.
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    /// The file.
    pub file: PathBuf,
    /// The name: the `name` key or the file's stem.
    pub name: String,
    /// The parsed content.
    pub scenario: Scenario,
}

/// Reads and checks one scenario file; the first error when it has several (see
/// [`load_file_all`]).
///
/// ```
/// use fetchguard::scenario::parse_str;
/// let err = parse_str("bad.toml", "[page]\nurl = \"https://app.example/\"\nsandbox = 3\n").unwrap_err();
/// assert_eq!(err.to_string(), "bad.toml:3:11: invalid type: integer `3`, expected a boolean");
/// ```
pub fn load_file(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    load_file_all(path).map_err(first)
}

/// Reads and checks one scenario file, with every error it has: each unknown key and
/// each bad value, each with its line and column, in file order.
pub fn load_file_all(path: &Path) -> Result<LoadedScenario, Vec<ScenarioError>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![ScenarioError {
            file: path.to_path_buf(),
            line: None,
            column: None,
            message: format!("cannot read: {e}"),
        }]
    })?;
    parse_str_all(path, &text)
}

fn first(mut errors: Vec<ScenarioError>) -> ScenarioError {
    errors.swap_remove(0)
}

/// Parses scenario text; `path` names it in errors and gives the default name. The first
/// error when there are several (see [`parse_str_all`]).
pub fn parse_str(path: impl AsRef<Path>, text: &str) -> Result<LoadedScenario, ScenarioError> {
    parse_str_all(path, text).map_err(first)
}

/// Parses scenario text and reports every error, in file order: every unknown key and
/// every bad value (each key is judged on its own), or, when the file deserializes, every
/// failed check of URLs, origins, paths and ranges. A TOML syntax error is reported alone
/// (what follows it cannot be read). Never empty on `Err`.
///
/// ```
/// use fetchguard::scenario::parse_str_all;
/// let text = "[page]\nurl = \"https://app.example/\"\ncolour = 1\n[[fetch]]\nurl = \"/x\"\nmode = \"navigate\"\n";
/// let errors = parse_str_all("s.toml", text).unwrap_err();
/// let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
/// assert_eq!(lines.len(), 2);
/// assert!(lines[0].starts_with("s.toml:3:1: unknown field `colour`"));
/// assert!(lines[1].starts_with("s.toml:6:8: unknown variant `navigate`"));
/// ```
pub fn parse_str_all(
    path: impl AsRef<Path>,
    text: &str,
) -> Result<LoadedScenario, Vec<ScenarioError>> {
    let path = path.as_ref();
    let at = |span: Option<Range<usize>>, message: String| {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = line_col(text, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ScenarioError {
            file: path.to_path_buf(),
            line,
            column,
            message: readable(&message),
        }
    };
    let root = toml::de::DeTable::parse(text)
        .map_err(|e| vec![at(e.span(), e.message().trim_end().to_string())])?;
    let scenario: Scenario = match Scenario::deserialize(toml::de::Deserializer::from(root.clone()))
    {
        Ok(s) => s,
        Err(e) => {
            let mut errors: Vec<ScenarioError> = super::diagnose::all_errors(&root)
                .into_iter()
                .map(|(span, msg)| at(span, msg))
                .collect();
            let whole = at(e.span(), e.message().trim_end().to_string());
            if !errors.contains(&whole) {
                errors.push(whole);
                errors.sort_by_key(|e| (e.line, e.column));
            }
            return Err(errors);
        }
    };
    let failed = check(&scenario);
    if !failed.is_empty() {
        return Err(failed
            .into_iter()
            .map(|(span, msg)| at(Some(span), msg))
            .collect());
    }
    let name = scenario.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Ok(LoadedScenario {
        file: path.to_path_buf(),
        name,
        scenario,
    })
}

/// The deserializer's words, in the format's terms.
fn readable(message: &str) -> String {
    message
        .trim_end()
        .replace("expected u16", "expected an integer from 0 to 65535")
        .replace("expected f64", "expected a number")
        // An enum token given as another type (`mode = true`).
        .replace("wanted string or table", "invalid type: expected a string")
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

type Check = Result<(), (Range<usize>, String)>;

/// The longest `[[fetch]] wait`, in seconds.
const MAX_WAIT_SECS: f64 = 30.0;

/// Every failed check of a deserialized scenario, in the order of the file's tables.
fn check(s: &Scenario) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut keep = |c: Check| {
        if let Err(e) = c {
            out.push(e);
        }
    };
    keep(http_url(&s.page.url, "page.url"));
    let mut seen: Vec<String> = Vec::new();
    for server in &s.servers {
        match origin_of(&server.origin) {
            Ok(o) if seen.contains(&o) => keep(Err((
                server.origin.span(),
                format!("server.origin: '{o}' is served twice"),
            ))),
            Ok(o) => seen.push(o),
            Err(e) => keep(Err(e)),
        }
        for route in &server.routes {
            keep(check_route(route));
        }
    }
    for f in &s.fetches {
        if let Some(w) = &f.wait {
            let secs = *w.get_ref();
            if !(0.0..=MAX_WAIT_SECS).contains(&secs) {
                keep(Err((
                    w.span(),
                    format!("fetch.wait must be from 0 to 30 seconds: {secs}"),
                )));
            }
        }
        if let Some(e) = &f.expect {
            if let Some(k) = &e.known_difference {
                keep(Err((
                    k.span(),
                    "fetch.expect.known_difference: a marker for Chromium goes in [[fetch]] itself, one for another engine in its table, e.g. [fetch.expect.firefox]".to_string(),
                )));
            }
            for (name, o) in [
                ("chromium", &e.chromium),
                ("firefox", &e.firefox),
                ("webkit", &e.webkit),
            ] {
                let Some(o) = o else { continue };
                let inner = o.get_ref();
                if inner.chromium.is_some() || inner.firefox.is_some() || inner.webkit.is_some() {
                    keep(Err((
                        o.span(),
                        format!(
                            "fetch.expect.{name}: an engine's table holds expectations, not another engine's table"
                        ),
                    )));
                }
            }
        }
    }
    for c in &s.cookies {
        keep(http_url(&c.url, "cookie.url"));
        if c.set.get_ref().trim().is_empty() {
            keep(Err((c.set.span(), "cookie.set is empty".to_string())));
        }
    }
    out
}

fn check_route(route: &super::model::RouteSpec) -> Check {
    let p = route.path.get_ref();
    if !p.starts_with('/') {
        return Err((
            route.path.span(),
            format!("route.path must start with '/': '{p}'"),
        ));
    }
    if !(100..=999).contains(route.status.get_ref()) {
        return Err((
            route.status.span(),
            format!(
                "route.status must be from 100 to 999: {}",
                route.status.get_ref()
            ),
        ));
    }
    if p.contains('*') && !(p.ends_with("/*") && p.matches('*').count() == 1) {
        return Err((
            route.path.span(),
            format!("route.path: '*' is only allowed as a final '/*': '{p}'"),
        ));
    }
    Ok(())
}

fn http_url(v: &Spanned<String>, key: &str) -> Check {
    match Url::parse(v.get_ref()) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(()),
        Ok(u) => Err((
            v.span(),
            format!("{key}: scheme '{}' is not http or https", u.scheme()),
        )),
        Err(e) => Err((
            v.span(),
            format!("{key}: not a valid URL ({e}): '{}'", v.get_ref()),
        )),
    }
}

/// The serialized origin of a `[[server]] origin`, which must be exactly an origin.
fn origin_of(v: &Spanned<String>) -> Result<String, (Range<usize>, String)> {
    http_url(v, "server.origin")?;
    let u = Url::parse(v.get_ref()).map_err(|e| (v.span(), e.to_string()))?;
    if u.path() != "/" || u.query().is_some() || u.fragment().is_some() || !u.username().is_empty()
    {
        return Err((
            v.span(),
            format!(
                "server.origin must be scheme://host[:port] with no path: '{}'",
                v.get_ref()
            ),
        ));
    }
    Ok(crate::origin::Origin::from_url(&u).serialize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_str("s.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn minimal_file_parses_with_stem_name() {
        let s = parse_str("dir/x-y.toml", "[page]\nurl = \"https://app.example/\"\n").unwrap();
        assert_eq!(s.name, "x-y");
        assert!(s.scenario.fetches.is_empty());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert_eq!(
            err("[page]\nurl = \"https://app.example/\"\ncolour = 1\n"),
            "s.toml:3:1: unknown field `colour`, expected one of `url`, `sandbox`, `referrer_policy`, `headers`"
        );
        assert_eq!(
            err(
                "[page]\nurl = \"https://a.example/\"\n[[fetch]]\nurl = \"/x\"\nmode = \"navigate\"\n"
            ),
            "s.toml:5:8: unknown variant `navigate`, expected one of `same-origin`, `no-cors`, `cors`"
        );
        assert_eq!(
            err("[page]\nurl = \"ftp://a.example/\"\n"),
            "s.toml:2:7: page.url: scheme 'ftp' is not http or https"
        );
        assert_eq!(
            err(
                "[page]\nurl = \"https://a.example/\"\n[[server]]\norigin = \"https://b.example/api\"\n"
            ),
            "s.toml:4:10: server.origin must be scheme://host[:port] with no path: 'https://b.example/api'"
        );
        assert_eq!(
            err("url = 1\n"),
            "s.toml:1:1: unknown field `url`, expected one of `name`, `description`, `source`, `page`, `browser`, `cookie`, `server`, `fetch`"
        );
        assert!(err("[page\n").starts_with("s.toml:1:6: "));
        assert_eq!(err(""), "s.toml:1:1: missing field `page`");
    }

    #[test]
    fn route_paths_are_checked() {
        let base = "[page]\nurl = \"https://a.example/\"\n[[server]]\norigin = \"https://b.example\"\n[[server.route]]\n";
        assert_eq!(
            err(&format!("{base}path = \"x\"\n")),
            "s.toml:6:8: route.path must start with '/': 'x'"
        );
        assert_eq!(
            err(&format!("{base}path = \"/a*b\"\n")),
            "s.toml:6:8: route.path: '*' is only allowed as a final '/*': '/a*b'"
        );
    }
}
