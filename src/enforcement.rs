//! Enforcement modes for harnesses whose tests are not about CORS: enforce (a browser),
//! report only (read everything, record what a browser would have blocked), or off.

/// What the guard does when the CORS protocol fails.
///
/// ```
/// use fetchguard::{Browser, Enforcement};
/// let b = Browser::builder().enforcement(Enforcement::ReportOnly).build();
/// assert_eq!(b.enforcement(), Enforcement::ReportOnly);
/// assert!(b.violations().is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Enforcement {
    /// Block as Chromium does (the default).
    #[default]
    Enforce,
    /// Never block for CORS: a failing CORS check or preflight is recorded as a
    /// [`Violation`] (with Chromium's console line) and the fetch goes on as if it had
    /// passed. Mode, mixed-content and network rules still apply.
    ReportOnly,
    /// No CORS protocol at all: no preflights, no checks; cross-origin responses come back
    /// unfiltered (`basic`), as from a server-side HTTP client that still sends a browser's
    /// headers.
    Off,
}

pub use crate::trace::Violation;
