//! Virtual origins: a scenario's `[[server]]` routes, answered by real loopback servers.

use crate::loopback::{CannedResponse, RecordedRequest};

use super::model::RouteSpec;

/// Answers a request from a list of routes: the first route whose path (exact, or
/// `/prefix/*`), method and `match_headers` (each header present with exactly that value;
/// names case-insensitive; a repeated header as its values joined with `, `) all match;
/// otherwise 404 with an empty body.
///
/// ```
/// use fetchguard::scenario::answer;
/// # use fetchguard::loopback::RecordedRequest;
/// let req = RecordedRequest { method: "GET".into(), url: url::Url::parse("https://a.example/x").unwrap(),
///     headers: vec![("origin".into(), "https://app.example".into())], body: Default::default() };
/// assert_eq!(answer(&[], &req).status, 404);
/// ```
pub fn answer(routes: &[RouteSpec], req: &RecordedRequest) -> CannedResponse {
    let path = req.url.path();
    let route = routes.iter().find(|r| {
        path_matches(r.path.get_ref(), path)
            && r.method.as_deref().is_none_or(|m| m == req.method)
            && headers_match(r, req)
    });
    match route {
        None => CannedResponse::status(404),
        Some(r) => {
            let mut res = CannedResponse::status(*r.status.get_ref()).body(expand(&r.body, req));
            for (n, v) in &r.headers {
                res = res.header(n, &expand(v, req));
            }
            res
        }
    }
}

fn headers_match(route: &RouteSpec, req: &RecordedRequest) -> bool {
    route.match_headers.iter().all(|(name, value)| {
        req.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
            && combined(req, name) == *value
    })
}

fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

/// Expands `{{origin}}`, `{{header:NAME}}`, `{{method}}` and `{{url}}`; any other `{{...}}`
/// is left as written.
pub fn expand(template: &str, req: &RecordedRequest) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match key {
            "origin" => out.push_str(req.header("origin").unwrap_or("")),
            "method" => out.push_str(&req.method),
            "url" => out.push_str(req.url.as_str()),
            _ => match key.strip_prefix("header:") {
                Some(name) => out.push_str(&combined(req, name)),
                None => {
                    out.push_str("{{");
                    out.push_str(key);
                    out.push_str("}}");
                }
            },
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The values of every field named `name`, joined with `, `; `cookie` fields with `; `,
/// as a server must join the separate `cookie` fields an HTTP/2 client may send
/// (RFC 9113, section 8.2.3). Chromium sends each cookie as its own field over HTTP/2.
fn combined(req: &RecordedRequest, name: &str) -> String {
    let separator = if name.eq_ignore_ascii_case("cookie") {
        "; "
    } else {
        ", "
    };
    req.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> RecordedRequest {
        RecordedRequest {
            method: "PUT".into(),
            url: url::Url::parse("https://api.example/a/b?q=1").unwrap(),
            headers: vec![
                ("origin".into(), "https://app.example".into()),
                ("x-a".into(), "1".into()),
                ("x-a".into(), "2".into()),
            ],
            body: Default::default(),
        }
    }

    #[test]
    fn templates() {
        let r = req();
        assert_eq!(expand("{{origin}}", &r), "https://app.example");
        assert_eq!(
            expand("m={{method}} u={{url}}", &r),
            "m=PUT u=https://api.example/a/b?q=1"
        );
        assert_eq!(expand("{{header:X-A}}|{{header:none}}", &r), "1, 2|");
        assert_eq!(expand("{{unknown}} {{open", &r), "{{unknown}} {{open");
        // Separate `cookie` fields (HTTP/2) join as one Cookie header would read.
        let mut c = req();
        c.headers = vec![
            ("cookie".into(), "a=1".into()),
            ("Cookie".into(), "b=2".into()),
        ];
        assert_eq!(expand("{{header:cookie}}", &c), "a=1; b=2");
    }

    #[test]
    fn routes_match_exact_prefix_and_method() {
        let route = |p: &str, m: Option<&str>, status: u16| RouteSpec {
            path: toml::Spanned::new(0..0, p.to_string()),
            method: m.map(str::to_string),
            match_headers: Default::default(),
            status: toml::Spanned::new(0..0, status),
            headers: vec![("Access-Control-Allow-Origin".into(), "{{origin}}".into())],
            body: String::new(),
        };
        let routes = [
            route("/a/x", None, 201),
            route("/a/*", Some("GET"), 202),
            route("/a/*", None, 203),
        ];
        let r = req();
        assert_eq!(answer(&routes, &r).status, 203);
        assert_eq!(answer(&routes, &r).headers[0].1, "https://app.example");
        let mut g = req();
        g.method = "GET".into();
        assert_eq!(answer(&routes, &g).status, 202);
        g.url = url::Url::parse("https://api.example/a/x").unwrap();
        assert_eq!(answer(&routes, &g).status, 201);
        g.url = url::Url::parse("https://api.example/b").unwrap();
        assert_eq!(answer(&routes, &g).status, 404);
    }

    #[test]
    fn routes_match_headers_exactly_with_case_insensitive_names() {
        let route = |h: &[(&str, &str)], status: u16| RouteSpec {
            path: toml::Spanned::new(0..0, "/a/*".to_string()),
            method: None,
            match_headers: h
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            status: toml::Spanned::new(0..0, status),
            headers: Vec::new(),
            body: String::new(),
        };
        let routes = [
            route(
                &[
                    ("If-None-Match", "\"v1\""),
                    ("ORIGIN", "https://app.example"),
                ],
                304,
            ),
            route(&[("x-a", "1, 2")], 201),
            route(&[("x-a", "1")], 202),
            route(&[("x-missing", "")], 203),
            route(&[], 200),
        ];
        let mut r = req();
        assert_eq!(answer(&routes, &r).status, 201, "a repeated header, joined");
        r.headers.retain(|(n, _)| n != "x-a");
        assert_eq!(
            answer(&routes, &r).status,
            200,
            "an absent header never matches"
        );
        r.headers.push(("if-none-match".into(), "\"v1\"".into()));
        assert_eq!(answer(&routes, &r).status, 304);
        r.headers.last_mut().unwrap().1 = "\"V1\"".into();
        assert_eq!(answer(&routes, &r).status, 200, "values are exact");
    }
}
