//! Which real browser observes a scenario: Chromium (the engine's model), Firefox ESR or
//! WebKitGTK. The browser is named by the one engine-name type, [`Engine`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{ChromiumOptions, OracleError, firefox, observe_in_chromium_with, webkit};
use crate::engine::Engine;
use crate::scenario::{FetchObservation, LoadedScenario};

/// A browser that can observe a scenario: the same type as [`Engine`] (kept under this
/// name for the oracle's API).
///
/// ```
/// use fetchguard::oracle::BrowserKind;
/// assert_eq!("firefox".parse::<BrowserKind>(), Ok(fetchguard::Engine::Firefox));
/// assert!("opera".parse::<BrowserKind>().is_err());
/// ```
pub type BrowserKind = Engine;

impl Engine {
    /// The program that runs this browser as an oracle when none is given: `$CHROMIUM` or
    /// `/usr/bin/chromium`; `$FIREFOX` or `/usr/bin/firefox-esr`; for WebKit the Python
    /// that has WebKitGTK's bindings, `$WEBKIT_PYTHON` or `/usr/bin/python3`.
    pub fn default_binary(self) -> PathBuf {
        let (var, path) = match self {
            Engine::Chromium => ("CHROMIUM", "/usr/bin/chromium"),
            Engine::Firefox => ("FIREFOX", firefox::DEFAULT_FIREFOX),
            Engine::Webkit => ("WEBKIT_PYTHON", webkit::DEFAULT_PYTHON),
        };
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(path))
    }
}

/// A browser and the program that runs it.
///
/// ```no_run
/// # async fn demo(loaded: &fetchguard::scenario::LoadedScenario) {
/// use fetchguard::Engine;
/// use fetchguard::oracle::Oracle;
/// let oracle = Oracle::new(Engine::Firefox, None);
/// let observed = oracle.observe(loaded).await;
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Oracle {
    /// The browser.
    pub browser: Engine,
    /// Its program ([`Engine::default_binary`] unless given).
    pub binary: PathBuf,
}

impl Oracle {
    /// An oracle for `browser`, run by `binary` or the browser's default program.
    pub fn new(browser: Engine, binary: Option<PathBuf>) -> Self {
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
            Engine::Chromium => {
                observe_in_chromium_with(loaded, &self.binary, &ChromiumOptions { timeout }).await
            }
            Engine::Firefox => {
                firefox::observe_in_firefox(loaded, &self.binary, timeout + Duration::from_secs(10))
                    .await
            }
            Engine::Webkit => {
                webkit::observe_in_webkit(loaded, &self.binary, timeout + Duration::from_secs(10))
                    .await
            }
        }
    }
}
