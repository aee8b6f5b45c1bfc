//! Assertions that read well in tests, and fail with the whole story: what went on the
//! wire, why it was blocked, and the console line.
//!
//! ```no_run
//! # async fn demo(page: fetchguard::Page) {
//! use fetchguard::{CorsError, Credentials, FetchAssertions, Request};
//! page.fetch(Request::get("https://api.example/me").credentials(Credentials::Include))
//!     .await
//!     .assert_readable();
//! page.fetch(Request::get("https://api.example/admin"))
//!     .await
//!     .assert_blocked(CorsError::MissingAllowOriginHeader);
//! # }
//! ```

use std::mem::discriminant;

use crate::errors::CorsError;
use crate::response::FetchError;
use crate::response::{Response, ResponseType};
use crate::trace::Trace;

/// Assertions on the result of `page.fetch(..)`. Each panics (this is for tests) with a
/// message holding the outcome, the console lines and the full trace.
pub trait FetchAssertions {
    /// Script can read the response (type `basic` or `cors`); returns it.
    fn assert_readable(self) -> Response;
    /// CORS blocked the fetch with this kind of error (values carried by the variant, such
    /// as the header text, are not compared: read them from
    /// [`FetchError::cors_error`]); returns the error.
    fn assert_blocked(self, kind: CorsError) -> FetchError;
    /// The fetch failed (for any reason); returns the error.
    fn assert_failed(self) -> FetchError;
    /// A CORS preflight went on the wire.
    fn assert_preflighted(self) -> Self;
    /// No CORS preflight went on the wire.
    fn assert_not_preflighted(self) -> Self;
    /// The response is opaque (a `no-cors` cross-origin fetch); returns it.
    fn assert_opaque(self) -> Response;
    /// The request itself reached a server (even if script was then blocked).
    fn assert_reached_server(self) -> Self;
}

fn story(r: &Result<Response, FetchError>) -> String {
    match r {
        Ok(res) => format!(
            "outcome: a {} response, status {}\ntrace:\n{}",
            res.response_type().as_str(),
            res.status(),
            indent(res.trace())
        ),
        Err(e) => {
            let mut s = format!("outcome: TypeError: {}\n", e.message());
            if let Some(c) = e.cors_error() {
                s.push_str(&format!(
                    "reason: {} [{}]\n",
                    crate::trace::cors_plain(c),
                    c.name()
                ));
            } else {
                s.push_str(&format!("reason: {:?}\n", e.reason()));
            }
            for line in e.console() {
                s.push_str(&format!("console: {}\n", line.trim_end()));
            }
            s.push_str(&format!("trace:\n{}", indent(e.trace())));
            s
        }
    }
}

fn indent(t: &Trace) -> String {
    t.to_string().lines().map(|l| format!("  {l}\n")).collect()
}

fn trace_of(r: &Result<Response, FetchError>) -> &Trace {
    match r {
        Ok(res) => res.trace(),
        Err(e) => e.trace(),
    }
}

impl FetchAssertions for Result<Response, FetchError> {
    #[track_caller]
    fn assert_readable(self) -> Response {
        match self {
            Ok(r) if matches!(r.response_type(), ResponseType::Basic | ResponseType::Cors) => r,
            other => panic!("expected a response script can read\n{}", story(&other)),
        }
    }

    #[track_caller]
    fn assert_blocked(self, kind: CorsError) -> FetchError {
        match self {
            Err(e)
                if e.cors_error()
                    .is_some_and(|c| discriminant(c) == discriminant(&kind)) =>
            {
                e
            }
            other => panic!(
                "expected CORS to block with {}\n{}",
                kind.name(),
                story(&other)
            ),
        }
    }

    #[track_caller]
    fn assert_failed(self) -> FetchError {
        match self {
            Err(e) => e,
            other => panic!("expected the fetch to fail\n{}", story(&other)),
        }
    }

    #[track_caller]
    fn assert_preflighted(self) -> Self {
        if !trace_of(&self).preflighted() {
            panic!("expected a CORS preflight on the wire\n{}", story(&self));
        }
        self
    }

    #[track_caller]
    fn assert_not_preflighted(self) -> Self {
        if trace_of(&self).preflighted() {
            panic!("expected no CORS preflight on the wire\n{}", story(&self));
        }
        self
    }

    #[track_caller]
    fn assert_opaque(self) -> Response {
        match self {
            Ok(r) if r.response_type() == ResponseType::Opaque => r,
            other => panic!("expected an opaque response\n{}", story(&other)),
        }
    }

    #[track_caller]
    fn assert_reached_server(self) -> Self {
        if !trace_of(&self).reached_server() {
            panic!("expected the request to reach the server\n{}", story(&self));
        }
        self
    }
}
