//! The trace: everything a fetch did, hop by hop, for people and for assertions.
//!
//! The algorithms record events here and never print. The CLI trace, the scenario `wire`
//! checks and the harness assertions all read it. It is also the only place the unfiltered
//! response (what the server really answered) can be seen: script-facing views never
//! expose it.

use std::fmt;

mod render;

pub use render::{Detail, Style};

use url::Url;

use crate::cors::MissReason;
use crate::errors::{CorsError, NetError};

/// A request as it went on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireRecord {
    /// Preflight or the request itself.
    pub kind: HopKind,
    /// The method sent.
    pub method: String,
    /// The URL requested.
    pub url: Url,
    /// Every header sent, lower-case names, in order.
    pub headers: Vec<(String, String)>,
    /// The body length.
    pub body_len: usize,
}

impl WireRecord {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Whether a hop was a CORS preflight or the request itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopKind {
    /// The `OPTIONS` preflight.
    Preflight,
    /// The request (or a redirect hop of it).
    Main,
}

/// Why a request needed a preflight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreflightReason {
    /// The method is not GET, HEAD or POST.
    Method(String),
    /// These header names are CORS-unsafe.
    Headers(Vec<String>),
}

/// Why cookies were or were not attached to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CookieDecision {
    /// The credentials mode keeps cookies off this request.
    NotIncluded {
        /// The reason, in words.
        why: String,
    },
    /// The jar was asked; these were sent and these were blocked.
    Considered {
        /// Names of the cookies sent.
        sent: Vec<String>,
        /// Cookies matching the URL but blocked, with the reason.
        blocked: Vec<(String, String)>,
    },
}

/// One thing that happened during a fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// The request needed a preflight, and why.
    PreflightNeeded(Vec<PreflightReason>),
    /// The preflight cache covered the request: no preflight went out.
    PreflightCacheHit,
    /// The preflight cache did not cover it.
    PreflightCacheMiss(MissReason),
    /// A preflight result was cached for this long (seconds).
    PreflightCached(u64),
    /// The cookie decision for the next request on the wire.
    Cookies(CookieDecision),
    /// A request went on the wire and a server received it.
    Sent(WireRecord),
    /// A request was attempted but no server received it (the name did not resolve, the
    /// connection or TLS failed, or no answer came in time). Not part of [`Trace::wire`].
    NotDelivered(WireRecord),
    /// The server answered (unfiltered).
    Received {
        /// Status code.
        status: u16,
        /// Every header, lower-case names, in order.
        headers: Vec<(String, String)>,
        /// Body length.
        body_len: usize,
    },
    /// Cookies stored from `Set-Cookie` (names), and any rejected with the reason.
    CookiesStored {
        /// Names stored.
        stored: Vec<String>,
        /// (cookie line, reason) rejected.
        rejected: Vec<(String, String)>,
    },
    /// The network failed.
    NetworkFailed(NetError),
    /// A redirect was followed.
    Redirect {
        /// The status.
        status: u16,
        /// From.
        from: Url,
        /// To.
        to: Url,
        /// The method after the redirect.
        method: String,
        /// True when the origin became tainted (`Origin: null` from now on).
        tainted: bool,
    },
    /// CORS blocked the response (or preflight).
    CorsBlocked(CorsError),
    /// The CORS check passed.
    CorsPassed,
    /// A CORS failure let through by `Enforcement::ReportOnly`.
    Violation(crate::enforcement::Violation),
    /// A note in words (mode decisions, mixed content, dropped headers).
    Note(String),
}

/// The record of one fetch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    events: Vec<TraceEvent>,
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Trace::default()
    }

    pub(crate) fn push(&mut self, e: TraceEvent) {
        self.events.push(e);
    }

    pub(crate) fn note(&mut self, s: impl Into<String>) {
        self.events.push(TraceEvent::Note(s.into()));
    }

    /// All events, in order.
    pub fn events(&self) -> &[TraceEvent] {
        &self.events
    }

    /// The requests a server received, in order (preflights included): the same requests
    /// as a scenario's `wire`. Attempts that reached no server are not listed.
    pub fn wire(&self) -> Vec<&WireRecord> {
        self.events
            .iter()
            .filter_map(|e| match e {
                TraceEvent::Sent(w) => Some(w),
                _ => None,
            })
            .collect()
    }

    /// True when a preflight went on the wire.
    pub fn preflighted(&self) -> bool {
        self.wire().iter().any(|w| w.kind == HopKind::Preflight)
    }

    /// True when the request itself (not only its preflight) was received by a server,
    /// even if script was then blocked. An attempt that failed before any server received
    /// it (`NameNotResolved`, connection refused, a TLS failure, a timeout) does not count.
    pub fn reached_server(&self) -> bool {
        self.wire().iter().any(|w| w.kind == HopKind::Main)
    }
}

impl fmt::Display for Trace {
    /// Every event, every header, no colour.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Style::plain(), "", Detail::All))
    }
}
