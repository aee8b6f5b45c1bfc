//! The browser engines fetchguard imitates, by name.

use std::fmt;
use std::str::FromStr;

/// A browser engine whose fetch behaviour a [`Profile`] imitates.
///
/// ```
/// use fetchguard::Engine;
/// let e: Engine = "firefox".parse().unwrap();
/// assert_eq!(e, Engine::Firefox);
/// assert_eq!(e.to_string(), "firefox");
/// assert!("opera".parse::<Engine>().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Chromium (Blink and the Chromium network service): Debian's `chromium`.
    #[default]
    Chromium,
    /// Firefox (Gecko and Necko): Debian's `firefox-esr`.
    Firefox,
    /// WebKit as WebKitGTK builds it (WebCore and libsoup): Debian's WebKitGTK. Safari
    /// shares WebCore's CORS logic, not its network stack.
    Webkit,
}

impl Engine {
    /// Every engine, in the order reports list them.
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Webkit];

    /// The lower-case name used on the command line and in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }

    /// The name people read in reports: `Chromium`, `Firefox` or `WebKit`.
    ///
    /// ```
    /// assert_eq!(fetchguard::Engine::Webkit.title(), "WebKit");
    /// ```
    pub fn title(self) -> &'static str {
        match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::Webkit => "WebKit",
        }
    }

    /// A list of engines as the command line gives it: names separated by commas, or
    /// `all` for every engine; each engine once, in the order given.
    ///
    /// ```
    /// use fetchguard::Engine;
    /// assert_eq!(Engine::parse_list("firefox,chromium").unwrap(), [Engine::Firefox, Engine::Chromium]);
    /// assert_eq!(Engine::parse_list("all").unwrap(), Engine::ALL);
    /// assert!(Engine::parse_list("chromium,opera").is_err());
    /// assert!(Engine::parse_list("").is_err());
    /// ```
    pub fn parse_list(s: &str) -> Result<Vec<Engine>, UnknownEngine> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(Engine::ALL.to_vec());
        }
        let mut out = Vec::new();
        for part in s.split(',') {
            let e: Engine = part.parse()?;
            if !out.contains(&e) {
                out.push(e);
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An engine name that is not `chromium`, `firefox` or `webkit`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEngine(pub String);

impl fmt::Display for UnknownEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown browser '{}' (expected chromium, firefox or webkit)",
            self.0
        )
    }
}

impl std::error::Error for UnknownEngine {}

impl FromStr for Engine {
    type Err = UnknownEngine;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chromium" | "chrome" => Ok(Engine::Chromium),
            "firefox" | "firefox-esr" | "gecko" => Ok(Engine::Firefox),
            "webkit" | "webkitgtk" => Ok(Engine::Webkit),
            _ => Err(UnknownEngine(s.to_string())),
        }
    }
}
