//! Time, as the Browser sees it: the system clock, or a manual one tests move.
//!
//! Rule code never reads the time itself; it is handed an [`Instant`] from the Browser's
//! [`Clock`], so preflight-cache and cookie expiry can be tested without sleeping.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A point on the Browser's clock: wall-clock time, so cookie expiry dates and
/// preflight max-ages share one timeline.
pub type Instant = SystemTime;

/// Where the Browser reads the time.
///
/// ```
/// use fetchguard::clock::Clock;
/// use std::time::Duration;
/// let clock = Clock::manual_at_unix(1_700_000_000);
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now().duration_since(t0).unwrap(), Duration::from_secs(5));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Clock {
    manual: Option<Arc<Mutex<SystemTime>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock { manual: None }
    }

    /// A manual clock starting at the current system time.
    pub fn manual() -> Self {
        Clock {
            manual: Some(Arc::new(Mutex::new(SystemTime::now()))),
        }
    }

    /// A manual clock starting at the given Unix time, in seconds.
    pub fn manual_at_unix(secs: u64) -> Self {
        Clock {
            manual: Some(Arc::new(Mutex::new(
                SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
            ))),
        }
    }

    /// The current time.
    pub fn now(&self) -> Instant {
        match &self.manual {
            None => SystemTime::now(),
            Some(t) => *t.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a manual clock forward. On the system clock this does nothing and returns
    /// `false`.
    pub fn advance(&self, by: Duration) -> bool {
        match &self.manual {
            None => false,
            Some(t) => {
                let mut g = t.lock().unwrap_or_else(|p| p.into_inner());
                *g += by;
                true
            }
        }
    }

    /// True for a manual clock.
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }
}
