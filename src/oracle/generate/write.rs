//! Writing a generated scenario as a scenario file.

use std::fmt::Write as _;

use super::GenScenario;

/// A TOML basic string (JSON's escapes are TOML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn pairs(items: &[(String, String)]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|(n, v)| format!("[{}, {}]", q(n), q(v)))
        .collect();
    format!("[{}]", inner.join(", "))
}

impl GenScenario {
    /// The scenario file, in the layout of the hand-written ones (no expectations).
    pub fn to_toml(&self) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "name = {}", q(&self.name));
        t.push_str("\n[page]\n");
        let _ = writeln!(t, "url = {}", q(&self.page_url));
        if self.sandbox {
            t.push_str("sandbox = true\n");
        }
        if let Some(p) = &self.page_referrer_policy {
            let _ = writeln!(t, "referrer_policy = {}", q(p));
        }
        if !self.page_headers.is_empty() {
            let _ = writeln!(t, "headers = {}", pairs(&self.page_headers));
        }
        let browser = [
            ("third_party_cookies", &self.third_party_cookies),
            ("local_network", &self.local_network),
            ("loopback_network", &self.loopback_network),
        ];
        if browser.iter().any(|(_, v)| v.is_some()) {
            t.push_str("\n[browser]\n");
            for (key, v) in browser {
                if let Some(v) = v {
                    let _ = writeln!(t, "{key} = {}", q(v));
                }
            }
        }
        for (url, set) in &self.cookies {
            let _ = writeln!(t, "\n[[cookie]]\nurl = {}\nset = {}", q(url), q(set));
        }
        for s in &self.servers {
            let _ = writeln!(t, "\n[[server]]\norigin = {}", q(&s.origin));
            if let Some(a) = &s.address_space {
                let _ = writeln!(t, "address_space = {}", q(a));
            }
            for r in &s.routes {
                let _ = writeln!(t, "\n[[server.route]]\npath = {}", q(&r.path));
                if let Some(m) = &r.method {
                    let _ = writeln!(t, "method = {}", q(m));
                }
                if !r.match_headers.is_empty() {
                    let inner: Vec<String> = r
                        .match_headers
                        .iter()
                        .map(|(n, v)| format!("{} = {}", q(n), q(v)))
                        .collect();
                    let _ = writeln!(t, "match_headers = {{ {} }}", inner.join(", "));
                }
                if r.status != 200 {
                    let _ = writeln!(t, "status = {}", r.status);
                }
                if !r.headers.is_empty() {
                    let _ = writeln!(t, "headers = {}", pairs(&r.headers));
                }
                if !r.body.is_empty() {
                    let _ = writeln!(t, "body = {}", q(&r.body));
                }
            }
        }
        for (i, f) in self.fetches.iter().enumerate() {
            let _ = writeln!(t, "\n# Fetch #{}\n[[fetch]]\nurl = {}", i + 1, q(&f.url));
            let opt = |t: &mut String, key: &str, v: &Option<String>| {
                if let Some(v) = v {
                    let _ = writeln!(t, "{key} = {}", q(v));
                }
            };
            opt(&mut t, "method", &f.method);
            if !f.headers.is_empty() {
                let _ = writeln!(t, "headers = {}", pairs(&f.headers));
            }
            opt(&mut t, "body", &f.body);
            opt(&mut t, "mode", &f.mode);
            opt(&mut t, "credentials", &f.credentials);
            opt(&mut t, "redirect", &f.redirect);
            opt(&mut t, "referrer_policy", &f.referrer_policy);
            opt(&mut t, "cache", &f.cache);
            opt(&mut t, "target_address_space", &f.target_address_space);
            if let Some(w) = f.wait {
                let _ = writeln!(t, "wait = {w}");
            }
            opt(&mut t, "known_difference", &f.known_difference);
        }
        t
    }
}
