//! Which real browser observes a scenario: Chromium (the engine's model), Firefox ESR or
//! WebKitGTK.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ChromiumOptions, OracleError, firefox, observe_in_chromium_with, webkit};
use crate::scenario::{FetchObservation, LoadedScenario};

/// A browser that can observe a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BrowserKind {
    /// Headless Chromium (`--host-resolver-rules` to per-origin servers).
    #[default]
    Chromium,
    /// Headless Firefox ESR through the run's proxy, console over Marionette.
    Firefox,
    /// WebKitGTK (a Python driver under Xvfb) through the run's proxy.
    Webkit,
}

impl BrowserKind {
    /// The name on the command line: `chromium`, `firefox` or `webkit`.
    pub fn name(self) -> &'static str {
        match self {
            BrowserKind::Chromium => "chromium",
            BrowserKind::Firefox => "firefox",
            BrowserKind::Webkit => "webkit",
        }
    }

    /// The program to run when none is given: `$CHROMIUM` or `/usr/bin/chromium`;
    /// `$FIREFOX` or `/usr/bin/firefox-esr`; for WebKit the Python that has WebKitGTK's
    /// bindings, `$WEBKIT_PYTHON` or `/usr/bin/python3`.
    pub fn default_binary(self) -> PathBuf {
        let (var, path) = match self {
            BrowserKind::Chromium => ("CHROMIUM", "/usr/bin/chromium"),
            BrowserKind::Firefox => ("FIREFOX", firefox::DEFAULT_FIREFOX),
            BrowserKind::Webkit => ("WEBKIT_PYTHON", webkit::DEFAULT_PYTHON),
        };
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(path))
    }
}

impl std::fmt::Display for BrowserKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BrowserKind {
    type Err = String;

    /// ```
    /// use fetchguard::oracle::BrowserKind;
    /// assert_eq!("firefox".parse::<BrowserKind>(), Ok(BrowserKind::Firefox));
    /// assert!("opera".parse::<BrowserKind>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "chromium" => Ok(BrowserKind::Chromium),
            "firefox" => Ok(BrowserKind::Firefox),
            "webkit" => Ok(BrowserKind::Webkit),
            _ => Err(format!(
                "unknown browser {s:?} (expected chromium, firefox or webkit)"
            )),
        }
    }
}

/// A browser and the program that runs it.
///
/// ```no_run
/// # async fn demo(loaded: &fetchguard::scenario::LoadedScenario) {
/// use fetchguard::oracle::{BrowserKind, Oracle};
/// let oracle = Oracle::new(BrowserKind::Firefox, None);
/// let observed = oracle.observe(loaded).await;
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Oracle {
    /// The browser.
    pub browser: BrowserKind,
    /// Its program ([`BrowserKind::default_binary`] unless given).
    pub binary: PathBuf,
}

impl Oracle {
    /// An oracle for `browser`, run by `binary` or the browser's default program.
    pub fn new(browser: BrowserKind, binary: Option<PathBuf>) -> Self {
        Oracle {
            browser,
            binary: binary.unwrap_or_else(|| browser.default_binary()),
        }
    }

    /// The program.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// Runs the scenario in the browser and observes each fetch.
    pub async fn observe(
        &self,
        loaded: &LoadedScenario,
    ) -> Result<Vec<FetchObservation>, OracleError> {
        let timeout = ChromiumOptions::for_scenario(loaded).timeout;
        match self.browser {
            BrowserKind::Chromium => {
                observe_in_chromium_with(loaded, &self.binary, &ChromiumOptions { timeout }).await
            }
            BrowserKind::Firefox => {
                firefox::observe_in_firefox(loaded, &self.binary, timeout + Duration::from_secs(10))
                    .await
            }
            BrowserKind::Webkit => {
                webkit::observe_in_webkit(loaded, &self.binary, timeout + Duration::from_secs(10))
                    .await
            }
        }
    }
}
