//! A trace as a sequence diagram (inline SVG): the page's script, the browser's fetch
//! engine and each server as lifelines; requests, preflights, answers and redirects as
//! arrows; where the guard stopped script as a red mark. Self-contained: no scripts, no
//! fonts, no external references.

use std::fmt::Write as _;

use super::{HopKind, Trace, TraceEvent, teach};

/// `&`, `<`, `>`, `"` and `'` escaped, for HTML and SVG text and attributes.
///
/// ```
/// assert_eq!(fetchguard::trace::escape_html("a<b & 'c'"), "a&lt;b &amp; &#39;c&#39;");
/// ```
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// How the fetch ended, for the diagram's last arrow.
pub struct Ending<'a> {
    /// What script got, e.g. `cors response, status 200` or `TypeError: Failed to fetch`.
    pub label: &'a str,
    /// True when script could read the response.
    pub readable: bool,
}

enum Row {
    /// An arrow between lanes.
    Arrow {
        from: usize,
        to: usize,
        label: String,
        class: &'static str,
    },
    /// A note on one lane.
    Note {
        lane: usize,
        text: String,
        class: &'static str,
    },
}

const LANE_W: usize = 250;
const ROW_H: usize = 34;
const TOP: usize = 44;

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let t: String = s.chars().take(n.saturating_sub(1)).collect();
        format!("{t}…")
    }
}

/// The trace of one fetch as an SVG sequence diagram. `request` labels the first arrow
/// (script calling `fetch()`), `ending` the last one.
///
/// ```
/// use fetchguard::trace::{Ending, Trace, sequence_svg};
/// let svg = sequence_svg(&Trace::new(), "fetch(GET /x)", &Ending { label: "TypeError", readable: false });
/// assert!(svg.starts_with("<svg") && svg.contains("TypeError"));
/// ```
pub fn sequence_svg(trace: &Trace, request: &str, ending: &Ending<'_>) -> String {
    // Lanes: 0 the page's script, 1 the browser, then each server origin in order of use.
    let mut lanes: Vec<String> = vec!["page script".into(), "browser (fetch)".into()];
    let lane_of = |origin: String, lanes: &mut Vec<String>| -> usize {
        match lanes.iter().position(|l| *l == origin) {
            Some(i) => i,
            None => {
                lanes.push(origin);
                lanes.len() - 1
            }
        }
    };
    let mut rows = vec![Row::Arrow {
        from: 0,
        to: 1,
        label: request.to_string(),
        class: "call",
    }];
    let mut server = 1;
    for e in trace.events() {
        match e {
            TraceEvent::PreflightNeeded(_) => rows.push(Row::Note {
                lane: 1,
                text: "needs a preflight".into(),
                class: "note",
            }),
            TraceEvent::PreflightCacheHit => rows.push(Row::Note {
                lane: 1,
                text: "cached preflight: no OPTIONS".into(),
                class: "note",
            }),
            TraceEvent::Sent(w) => {
                server = lane_of(w.url.origin().ascii_serialization(), &mut lanes);
                let path = match w.url.query() {
                    Some(q) => format!("{}?{q}", w.url.path()),
                    None => w.url.path().to_string(),
                };
                let (label, class) = if w.kind == HopKind::Preflight {
                    (format!("preflight {} {path}", w.method), "preflight")
                } else {
                    (format!("{} {path}", w.method), "request")
                };
                rows.push(Row::Arrow {
                    from: 1,
                    to: server,
                    label,
                    class,
                });
            }
            TraceEvent::NotDelivered(w) => rows.push(Row::Note {
                lane: 1,
                text: format!(
                    "{} {} not delivered: no server received it",
                    w.method, w.url
                ),
                class: "blocked",
            }),
            TraceEvent::Received {
                status, body_len, ..
            } => rows.push(Row::Arrow {
                from: server,
                to: 1,
                label: format!("{status} ({})", teach::human_size(*body_len)),
                class: "answer",
            }),
            TraceEvent::Redirect { status, to, .. } => rows.push(Row::Note {
                lane: 1,
                text: format!("{status} redirect → {to}"),
                class: "note",
            }),
            TraceEvent::NetworkFailed(e) => rows.push(Row::Note {
                lane: 1,
                text: format!("network error: {}", teach::net_plain(e)),
                class: "blocked",
            }),
            TraceEvent::CorsBlocked(e) => rows.push(Row::Note {
                lane: 1,
                text: format!("✗ CORS: {}", teach::cors_plain(e)),
                class: "blocked",
            }),
            TraceEvent::Violation(v) => rows.push(Row::Note {
                lane: 1,
                text: format!("report-only: {}", teach::violation_plain(&v.error)),
                class: "note",
            }),
            TraceEvent::CorsPassed => rows.push(Row::Note {
                lane: 1,
                text: "✓ CORS check passed".into(),
                class: "passed",
            }),
            TraceEvent::Cookies(_) | TraceEvent::CookiesStored { .. } => {}
            TraceEvent::PreflightCacheMiss(_) | TraceEvent::PreflightCached(_) => {}
            TraceEvent::Note(n) => rows.push(Row::Note {
                lane: 1,
                text: n.to_string(),
                class: "note",
            }),
        }
    }
    rows.push(Row::Arrow {
        from: 1,
        to: 0,
        label: ending.label.to_string(),
        class: if ending.readable {
            "readable"
        } else {
            "refused"
        },
    });

    // Room on the right for notes written beside the last lifeline.
    let width = lanes.len() * LANE_W + 220;
    let height = TOP + rows.len() * ROW_H + 16;
    let x = |lane: usize| lane * LANE_W + LANE_W / 2;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"seq\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">"
    );
    svg.push_str(
        "<defs><marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>",
    );
    for (i, l) in lanes.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"lane\" x=\"{}\" y=\"20\" text-anchor=\"middle\">{}</text><line class=\"life\" x1=\"{0}\" y1=\"30\" x2=\"{0}\" y2=\"{}\"/>",
            x(i),
            escape_html(&truncate(l, 34)),
            height - 8
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + i * ROW_H + ROW_H / 2;
        match r {
            Row::Arrow {
                from,
                to,
                label,
                class,
            } => {
                let (x1, x2) = (x(*from), x(*to));
                let _ = write!(
                    svg,
                    "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" marker-end=\"url(#arrowhead)\"/><text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    (x1 + x2) / 2,
                    y - 5,
                    escape_html(&truncate(label, (x1.abs_diff(x2) / 7).max(20)))
                );
            }
            Row::Note { lane, text, class } => {
                let _ = write!(
                    svg,
                    "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}</text>",
                    x(*lane) + 6,
                    y + 4,
                    escape_html(&truncate(text, 90))
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}
