//! Rendering a trace for people: hop by hop, optionally coloured, with every header or
//! only the ones that matter for CORS.

use std::fmt::Write as _;

use super::{CookieDecision, HopKind, PreflightReason, Trace, TraceEvent, WireRecord, teach};

/// Colours, or none (`NO_COLOR`, or not a terminal).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colours when `color` is true.
    pub fn new(color: bool) -> Self {
        Style { color }
    }

    /// No colours.
    pub fn plain() -> Self {
        Style { color: false }
    }

    pub(crate) fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub(crate) fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub(crate) fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub(crate) fn cyan(&self, s: &str) -> String {
        self.paint("36", s)
    }
}

/// Request headers worth showing in a trace (everything is in `--json`).
const SHOWN: [&str; 12] = [
    "origin",
    "cookie",
    "referer",
    "sec-fetch-site",
    "sec-fetch-mode",
    "sec-fetch-storage-access",
    "access-control-request-method",
    "access-control-request-headers",
    "content-type",
    "authorization",
    "range",
    "location",
];

/// Response headers worth showing.
fn shown_response(name: &str) -> bool {
    name.starts_with("access-control-")
        || matches!(name, "location" | "set-cookie" | "content-type")
}

/// How many headers a rendering shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Every header of every hop.
    All,
    /// The headers that matter for CORS (origin, cookie, sec-fetch-*, access-control-*...).
    Cors,
}

impl Trace {
    /// The trace as indented text, one event a line.
    ///
    /// ```
    /// use fetchguard::trace::{Detail, Style, Trace};
    /// assert_eq!(Trace::new().render(Style::plain(), "  ", Detail::All), "");
    /// ```
    pub fn render(&self, style: Style, indent: &str, detail: Detail) -> String {
        render(self, style, indent, detail)
    }
}

fn render(t: &Trace, style: Style, indent: &str, detail: Detail) -> String {
    let mut out = String::new();
    let mut last_sent: Option<&WireRecord> = None;
    let mut last_status: Option<u16> = None;
    let mut credentialed = false;
    let mut hidden = 0usize;
    let mut header = |out: &mut String, n: &str, v: &str, shown: bool| {
        if detail == Detail::All || shown {
            let _ = writeln!(out, "{indent}    {}", style.dim(&format!("{n}: {v}")));
        } else {
            hidden += 1;
        }
    };
    for e in t.events() {
        match e {
            TraceEvent::PreflightNeeded(reasons) => {
                let why: Vec<String> = reasons
                    .iter()
                    .map(|r| match r {
                        PreflightReason::Method(m) => {
                            format!("method {m} is not GET, HEAD or POST")
                        }
                        PreflightReason::Headers(h) if h.len() == 1 => {
                            format!("header {} is not CORS-safelisted", h[0])
                        }
                        PreflightReason::Headers(h) => {
                            format!("headers {} are not CORS-safelisted", h.join(", "))
                        }
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "{indent}{} {}",
                    style.cyan("preflight needed:"),
                    why.join("; ")
                );
            }
            TraceEvent::PreflightCacheHit => {
                let _ = writeln!(
                    out,
                    "{indent}{} a cached preflight covers this request: no OPTIONS sent",
                    style.cyan("preflight cache:")
                );
            }
            TraceEvent::PreflightCacheMiss(why) => {
                let _ = writeln!(
                    out,
                    "{indent}{} {}",
                    style.cyan("preflight cache:"),
                    teach::miss_plain(why)
                );
            }
            TraceEvent::PreflightCached(secs) => {
                let _ = writeln!(
                    out,
                    "{indent}{} this preflight's answer is kept for {secs} s",
                    style.cyan("preflight cache:")
                );
            }
            TraceEvent::Cookies(CookieDecision::NotIncluded(why)) => {
                let _ = writeln!(
                    out,
                    "{indent}{} not attached: {why}",
                    style.cyan("cookies:")
                );
            }
            TraceEvent::Cookies(CookieDecision::Considered { sent, blocked }) => {
                credentialed = true;
                let mut s = if sent.is_empty() {
                    "none sent".to_string()
                } else {
                    format!("sent {}", sent.join(", "))
                };
                for (n, why) in blocked {
                    let _ = write!(s, "; {n} held back: {why}");
                }
                let _ = writeln!(out, "{indent}{} {s}", style.cyan("cookies:"));
                for (n, why) in blocked {
                    if let Some(a) = teach::cookie_fix(
                        n,
                        &crate::cookies::CookieRejection::CrossSite(why.clone()),
                    ) {
                        advise(&mut out, style, indent, &a);
                    }
                }
            }
            TraceEvent::Sent(w) | TraceEvent::NotDelivered(w) => {
                last_sent = Some(w);
                let kind = if w.kind == HopKind::Preflight {
                    "preflight "
                } else {
                    ""
                };
                let lost = if matches!(e, TraceEvent::NotDelivered(_)) {
                    " (attempted; no server received it)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{indent}{} {kind}{} {}{lost}",
                    style.bold("→"),
                    w.method,
                    w.url
                );
                for (n, v) in w.header_pairs() {
                    header(&mut out, n, &v, SHOWN.contains(&n));
                }
            }
            TraceEvent::Received {
                status,
                headers,
                body_len,
            } => {
                last_status = Some(*status);
                let _ = writeln!(
                    out,
                    "{indent}{} {status} ({})",
                    style.bold("←"),
                    teach::human_size(*body_len)
                );
                for (n, v) in headers.pairs() {
                    header(&mut out, n, &v, shown_response(n));
                }
            }
            TraceEvent::CookiesStored { stored, rejected } => {
                if !stored.is_empty() {
                    let _ = writeln!(
                        out,
                        "{indent}{} stored {}",
                        style.cyan("cookies:"),
                        stored.join(", ")
                    );
                }
                for (c, why) in rejected {
                    let _ = writeln!(
                        out,
                        "{indent}{} not stored {c:?}: {why}",
                        style.cyan("cookies:")
                    );
                    let name = c.split('=').next().unwrap_or(c).trim();
                    if let Some(a) = teach::cookie_fix(name, why) {
                        advise(&mut out, style, indent, &a);
                    }
                }
            }
            TraceEvent::NetworkFailed(e) => {
                let _ = writeln!(
                    out,
                    "{indent}{} {}",
                    style.red("network error:"),
                    teach::net_plain(e)
                );
            }
            TraceEvent::Redirect {
                status,
                to,
                method,
                tainted,
                ..
            } => {
                let t = if *tainted {
                    "; the origin is now tainted: Origin: null from here"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "{indent}{} {status} to {to} ({method}){t}",
                    style.cyan("redirect:")
                );
            }
            TraceEvent::CorsBlocked(e) => {
                let ctx = teach::BlockContext {
                    hop: last_sent,
                    credentialed,
                    status: last_status,
                };
                let _ = writeln!(
                    out,
                    "{indent}{} {} {}",
                    style.red("CORS blocked:"),
                    teach::cors_plain(e),
                    style.dim(&format!("[{}]", e.name()))
                );
                if teach::blocked_at_preflight(e, &ctx)
                    && let Some(m) =
                        last_sent.and_then(|h| h.header("access-control-request-method"))
                {
                    let _ = writeln!(
                        out,
                        "{indent}{} the {m} itself was never sent: the browser stopped at the preflight",
                        style.yellow("so:")
                    );
                }
                advise(&mut out, style, indent, &teach::cors_fix(e, &ctx));
            }
            TraceEvent::Violation(v) => {
                let _ = writeln!(
                    out,
                    "{indent}{} {} {} (report-only: not blocked)",
                    style.yellow(match v.error {
                        super::ViolationError::Cors(_) => "CORS violation:",
                        super::ViolationError::Corp(_) => "CORP violation:",
                    }),
                    teach::violation_plain(&v.error),
                    style.dim(&format!("[{}]", v.error.name()))
                );
            }
            TraceEvent::CorsPassed => {
                let _ = writeln!(out, "{indent}{}", style.green("CORS check passed"));
            }
            TraceEvent::Note(super::Notice::CorpBlocked(_, b)) => {
                let _ = writeln!(
                    out,
                    "{indent}{} {} {} (TypeError, no console line)",
                    style.red("CORP blocked:"),
                    teach::corp_plain(b),
                    style.dim(&format!("[{}]", b.devtools_name()))
                );
                advise(&mut out, style, indent, &teach::corp_fix(b));
            }
            TraceEvent::Note(n) => {
                let _ = writeln!(out, "{indent}{}", style.dim(&n.to_string()));
            }
        }
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{indent}{}",
            style.dim(&format!(
                "(headers shown: those that matter for CORS and cookies; --verbose shows {})",
                if hidden == 1 {
                    "the 1 other".to_string()
                } else {
                    format!("the {hidden} others")
                }
            ))
        );
    }
    out
}

/// The fix lines and the warning of one piece of advice.
fn advise(out: &mut String, style: Style, indent: &str, a: &teach::Advice) {
    for f in &a.fix {
        let _ = writeln!(out, "{indent}{} {f}", style.green("fix:"));
    }
    if let Some(w) = &a.warning {
        let _ = writeln!(out, "{indent}{} {w}", style.yellow("warning:"));
    }
}
