//! A failed fetch inside the algorithms, before it becomes script's TypeError, and the one
//! place a CORS failure is enforced or only recorded ([`Enforcement`]).

use crate::enforcement::Enforcement;
use crate::errors::{CorsError, FailureReason};
use crate::policy::corp::CorpBlock;
use crate::trace::{Notice, TraceEvent, Violation, ViolationError};
use crate::wording::CorsConsole;

use super::FetchState;

/// The reason and the console lines.
#[derive(Debug)]
pub(crate) struct Failure {
    pub reason: FailureReason,
    pub console: Vec<String>,
}

impl Failure {
    pub fn new(reason: FailureReason, console: Vec<String>) -> Self {
        Failure { reason, console }
    }

    pub fn silent(reason: FailureReason) -> Self {
        Failure {
            reason,
            console: Vec::new(),
        }
    }
}

/// What the console lines of a CORS failure may quote beyond the request's state: the
/// failing response's headers, and where it redirected to when it was a redirect.
#[derive(Clone, Copy, Default)]
pub(crate) struct CorsFailureAt<'a> {
    /// The failing response's status (one served from the HTTP cache has no trace of
    /// arriving).
    pub status: Option<u16>,
    pub redirect_to: Option<&'a url::Url>,
    pub response_headers: Option<&'a http::HeaderMap>,
}

/// A CORS failure at the current URL, with the profile's console lines (quoting what `at`
/// gives of the failing response).
pub(crate) fn cors_failure_at(
    state: &mut FetchState<'_>,
    e: CorsError,
    at: CorsFailureAt<'_>,
) -> Failure {
    state.trace.push(TraceEvent::CorsBlocked(e.clone()));
    let lines = cors_console_lines(state, &e, at);
    Failure::new(FailureReason::Cors(e), lines)
}

/// A Local Network Access denial: a CORS failure in Chromium's terms, worded as the
/// profile's engine words its denials (for the request's mode).
pub(crate) fn local_network_failure(state: &mut FetchState<'_>, e: CorsError) -> Failure {
    state.trace.push(TraceEvent::CorsBlocked(e.clone()));
    let last_answer = state.trace.last_answer_headers().to_header_map();
    let at = CorsFailureAt {
        response_headers: Some(&last_answer),
        ..CorsFailureAt::default()
    };
    let console = cors_console(state, &e, at);
    let lines = state
        .ctx
        .profile
        .wording()
        .local_network_denied(&console, state.mode);
    Failure::new(FailureReason::Cors(e), lines)
}

/// The console lines the profile's engine prints for a CORS failure at the current URL.
fn cors_console_lines(state: &FetchState<'_>, e: &CorsError, at: CorsFailureAt<'_>) -> Vec<String> {
    // The trace keeps the last answer's headers compactly: a map again for the wording.
    let last_answer;
    let at = match at.response_headers {
        Some(_) => at,
        None => {
            last_answer = state.trace.last_answer_headers().to_header_map();
            CorsFailureAt {
                response_headers: Some(&last_answer),
                ..at
            }
        }
    };
    state
        .ctx
        .profile
        .wording()
        .cors(&cors_console(state, e, at))
}

/// What the console lines of a CORS failure at the current URL may say (the response's
/// headers: those `at` gives, else none).
fn cors_console<'a>(
    state: &'a FetchState<'_>,
    e: &'a CorsError,
    at: CorsFailureAt<'a>,
) -> CorsConsole<'a> {
    static NO_HEADERS: std::sync::LazyLock<http::HeaderMap> =
        std::sync::LazyLock::new(http::HeaderMap::new);
    CorsConsole {
        last_url: state.current_url(),
        initial_url: state.first_url(),
        origin: state.origin,
        error: e,
        status: at.status.or_else(|| failed_status(state)),
        response_headers: at.response_headers.unwrap_or(&NO_HEADERS),
        origin_tainted: state.tainted_origin,
        redirect_to: at.redirect_to,
        header_names_as_written: &state.header_names_as_written,
    }
}

/// The status of the response that failed the check: the last one a server sent, or the
/// one the HTTP cache answered with, whichever came last.
fn failed_status(state: &FetchState<'_>) -> Option<u16> {
    state.trace.events().iter().rev().find_map(|e| match e {
        TraceEvent::Received { status, .. } => Some(*status),
        TraceEvent::Note(Notice::FromHttpCache { status, .. }) => Some(*status),
        _ => None,
    })
}

/// A failed CORS check or preflight: blocks under [`Enforcement::Enforce`]; under
/// `ReportOnly` it is recorded once, as a violation, and the fetch goes on as if the check
/// had passed.
pub(crate) fn enforce_cors(state: &mut FetchState<'_>, e: CorsError) -> Result<(), Failure> {
    enforce_cors_at(state, e, CorsFailureAt::default())
}

/// [`enforce_cors`], with what the console lines may quote of the failing response.
pub(crate) fn enforce_cors_at(
    state: &mut FetchState<'_>,
    e: CorsError,
    at: CorsFailureAt<'_>,
) -> Result<(), Failure> {
    if state.ctx.enforcement == Enforcement::Enforce {
        return Err(cors_failure_at(state, e, at));
    }
    let violation = Violation {
        url: state.current_url().to_string(),
        console: cors_console_lines(state, &e, at).join("\n"),
        error: ViolationError::Cors(e),
    };
    state.trace.push(TraceEvent::Violation(violation.clone()));
    state.ctx.violations().push(violation);
    Ok(())
}

/// A blocked CORP check: a network error with the profile's console lines (none in
/// Chromium); under
/// [`Enforcement::ReportOnly`] it is recorded as a violation and the fetch goes on.
pub(crate) fn enforce_corp(state: &mut FetchState<'_>, b: CorpBlock) -> Result<(), Failure> {
    let url = state.current_url().to_string();
    state
        .trace
        .note(Notice::CorpBlocked(url.clone(), b.clone()));
    if state.ctx.enforcement == Enforcement::Enforce {
        let lines = state
            .ctx
            .profile
            .wording()
            .corp_blocked(state.current_url());
        return Err(Failure::new(FailureReason::Corp(b), lines));
    }
    let violation = Violation {
        url,
        console: String::new(),
        error: ViolationError::Corp(b),
    };
    state.trace.push(TraceEvent::Violation(violation.clone()));
    state.ctx.violations().push(violation);
    Ok(())
}
