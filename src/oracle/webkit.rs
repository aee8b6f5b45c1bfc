//! WebKitGTK as an oracle: a small Python driver ([`DRIVER_PY`], run by the system Python
//! that has WebKitGTK's GObject bindings) under `xvfb-run`, with a fresh web context and
//! data directory per scenario, the run's [`Proxy`] as its network proxy and each https
//! host's certificate accepted for that host (TLS errors still fail).
//!
//! WebKit writes each console message as `URL:LINE:COL: CONSOLE SOURCE LEVEL text`; the
//! error-level ones are kept and split per fetch by the driver page's `FG-MARK i` logs.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::chromium::RunDir;
use super::driver::{ConsoleMark, MARK_CONSOLE};
use super::proxy::{pem, serve_behind_proxy};
use super::{OracleError, console_by_fetch, read_tail};
use crate::scenario::{FetchObservation, LoadedScenario, ThirdPartyToken};

/// The default Python (Debian's, which has `gi` and WebKit2 4.1 once
/// `gir1.2-webkit2-4.1` is installed).
pub const DEFAULT_PYTHON: &str = "/usr/bin/python3";

/// The driver script, written into each run's directory.
pub const DRIVER_PY: &str = include_str!("webkit_driver.py");

/// The WebKit cookie accept policy for the scenario's third-party cookie setting:
/// `NO_THIRD_PARTY` by default and for `block`, `ACCEPT_ALWAYS` for `allow`.
pub fn cookie_policy(third_party: Option<ThirdPartyToken>) -> &'static str {
    match third_party {
        Some(ThirdPartyToken::Allow) => "ACCEPT_ALWAYS",
        _ => "NO_THIRD_PARTY",
    }
}

/// One console message WebKit wrote: its source (`JS`, `NETWORK`, `SECURITY`...), level
/// (`LOG`, `ERROR`, `WARN`...) and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebkitConsole {
    /// Where the message comes from.
    pub source: String,
    /// Its level.
    pub level: String,
    /// The text (continuation lines joined with `\n`).
    pub text: String,
}

const LEVELS: &[&str] = &["LOG", "ERROR", "WARN", "INFO", "DEBUG"];

/// The console messages in WebKit's output, in order. A message line looks like
/// `https://app.example/p:12:9: CONSOLE LOG text` (a console API call: no source) or
/// `CONSOLE SECURITY ERROR text` (no location); a line that starts no message continues
/// the previous one.
///
/// ```
/// use fetchguard::oracle::parse_webkit_console;
/// let out = "https://a.example/:20:14: CONSOLE LOG FG-MARK 0\n\
///            CONSOLE SECURITY ERROR Origin x is not allowed.\n";
/// let m = parse_webkit_console(out);
/// assert_eq!(m[1].level, "ERROR");
/// assert_eq!(m[1].text, "Origin x is not allowed.");
/// ```
pub fn parse_webkit_console(output: &str) -> Vec<WebkitConsole> {
    let mut out: Vec<WebkitConsole> = Vec::new();
    let mut open = false;
    for line in output.lines() {
        if let Some(m) = console_line(line) {
            out.push(m);
            open = true;
        } else if line.starts_with("FG-WEBKIT ") {
            open = false;
        } else if open && let Some(last) = out.last_mut() {
            last.text.push('\n');
            last.text.push_str(line);
        }
    }
    out
}

fn console_line(line: &str) -> Option<WebkitConsole> {
    // `CONSOLE ...` at the start, or after a `URL:LINE:COL: ` prefix.
    let rest = match line.strip_prefix("CONSOLE ") {
        Some(r) => r,
        None => {
            let at = line.find(": CONSOLE ")?;
            let mut head = line[..at].rsplitn(3, ':');
            let col = head.next()?;
            let row = head.next()?;
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(col) || !digits(row) {
                return None;
            }
            &line[at + ": CONSOLE ".len()..]
        }
    };
    let words: Vec<&str> = rest.splitn(4, ' ').collect();
    // The source is absent (console API), one word or two (`CONTENT BLOCKER`); the level
    // follows it.
    let k = (0..words.len().min(3)).find(|k| LEVELS.contains(&words[*k]))?;
    let source = words[..k].join(" ");
    let level = words[k].to_string();
    let text = rest
        .splitn(k + 2, ' ')
        .nth(k + 1)
        .unwrap_or_default()
        .to_string();
    Some(WebkitConsole {
        source,
        level,
        text,
    })
}

/// The messages [`console_by_fetch`] splits: the driver's marks and error-level texts.
pub fn error_messages(messages: &[WebkitConsole]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m.level == "ERROR" || (m.level == "LOG" && m.text.starts_with(MARK_CONSOLE)))
        .map(|m| m.text.clone())
        .collect()
}

/// Runs a scenario in WebKitGTK (the driver run by `python`) and observes each fetch;
/// `timeout` bounds the whole run.
pub async fn observe_in_webkit(
    loaded: &LoadedScenario,
    python: &Path,
    timeout: Duration,
) -> Result<Vec<FetchObservation>, OracleError> {
    if !python.exists() {
        return Err(OracleError::Launch(format!(
            "Python not found at {}",
            python.display()
        )));
    }
    let (prepared, proxy) = serve_behind_proxy(loaded, ConsoleMark::Log).await?;

    let run = RunDir::new()?;
    let dir = run.profile();
    fs::create_dir_all(&dir).map_err(|e| OracleError::Io(e.to_string()))?;
    let certs: BTreeMap<&str, String> = proxy
        .certificates()
        .map(|(h, der)| (h, pem("CERTIFICATE", der)))
        .collect();
    let config = json!({
        "url": prepared.start_url,
        "proxy": format!("http://127.0.0.1:{}", proxy.addr().port()),
        "data_dir": dir,
        "cookie_policy": cookie_policy(loaded.scenario.browser.third_party_cookies),
        "certs": certs,
    });
    let script = dir.join("webkit_driver.py");
    let config_file = dir.join("config.json");
    let io = |e: std::io::Error| OracleError::Io(e.to_string());
    fs::write(&script, DRIVER_PY).map_err(io)?;
    fs::write(&config_file, config.to_string()).map_err(io)?;
    let stdout_file = dir.join("stdout.log");

    let mut process =
        WebkitProcess::launch(python, &script, &config_file, &stdout_file, &run.stderr())?;
    let tail = || {
        let mut t = read_tail(&run.stderr());
        t.push_str(&read_tail(&stdout_file));
        t
    };
    let results = prepared
        .wait_for_results("WebKit", timeout, || process.exited(), tail)
        .await?;

    // The `FG-MARK end` line precedes the POST in the page; wait briefly for it.
    let end = format!("CONSOLE LOG {MARK_CONSOLE}end");
    let wait_until = Instant::now() + Duration::from_secs(3);
    while Instant::now() < wait_until {
        if fs::read_to_string(&stdout_file).is_ok_and(|t| t.contains(&end)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    process.stop();
    drop(proxy);
    let mut output = fs::read_to_string(&stdout_file).unwrap_or_default();
    output.push('\n');
    output.push_str(&fs::read_to_string(run.stderr()).unwrap_or_default());
    let n = loaded.scenario.fetches.len();
    let console = console_by_fetch(&error_messages(&parse_webkit_console(&output)), n);
    prepared.finish(loaded, &results, console)
}

/// `xvfb-run -a PYTHON DRIVER CONFIG` in its own process group.
struct WebkitProcess {
    child: Child,
    pid_file: std::path::PathBuf,
    done: bool,
}

impl WebkitProcess {
    fn launch(
        python: &Path,
        script: &Path,
        config: &Path,
        stdout: &Path,
        stderr: &Path,
    ) -> Result<Self, OracleError> {
        let io = |e: std::io::Error| OracleError::Io(e.to_string());
        let out = fs::File::create(stdout).map_err(io)?;
        let err = fs::File::create(stderr).map_err(io)?;
        let child = Command::new("xvfb-run")
            .args(["-a", "-s", "-screen 0 1024x768x24"])
            .arg(python)
            .arg("-u")
            .arg(script)
            .arg(config)
            // The bubblewrap sandbox cannot start in an unprivileged container.
            .env("WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS", "1")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .env("LIBGL_ALWAYS_SOFTWARE", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .map_err(|e| OracleError::Launch(format!("xvfb-run (xvfb, xauth): {e}")))?;
        Ok(WebkitProcess {
            child,
            pid_file: config.with_file_name("driver.pid"),
            done: false,
        })
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    fn signal(target: &str, signal: &str) {
        let _ = Command::new("kill")
            .args([signal, "--", target])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// True while a process of the group is alive.
    fn group_alive(group: &str) -> bool {
        Command::new("kill")
            .args(["-0", "--", group])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Ends the driver with TERM (its pid is in `pid_file`), so that xvfb-run stops its
    /// Xvfb and removes its files; after 3 s the whole group is killed.
    fn stop(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        let group = format!("-{}", self.child.id());
        match fs::read_to_string(&self.pid_file)
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok())
        {
            Some(pid) => Self::signal(&pid.to_string(), "-TERM"),
            None => Self::signal(&group, "-TERM"),
        }
        // xvfb-run exits first; its Xvfb removes its lock file a moment later.
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline && (!self.exited() || Self::group_alive(&group)) {
            std::thread::sleep(Duration::from_millis(20));
        }
        Self::signal(&group, "-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for WebkitProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_sources_levels_and_continuations() {
        let out = "\
FG-WEBKIT started
https://app.example/p:15:14: CONSOLE LOG FG-MARK 0
CONSOLE SECURITY ERROR Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200
https://app.example/p:0:0: CONSOLE JS ERROR two
lines
https://app.example/p:15:14: CONSOLE LOG FG-MARK end
";
        let m = parse_webkit_console(out);
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].source, "");
        assert_eq!(m[1].source, "SECURITY");
        assert_eq!(m[2].source, "JS");
        assert_eq!(m[2].text, "two\nlines");
        let e = error_messages(&m);
        assert_eq!(e.len(), 4);
        let by = console_by_fetch(&e, 1);
        assert_eq!(by[0].len(), 2);
        assert_eq!(cookie_policy(None), "NO_THIRD_PARTY");
        assert_eq!(cookie_policy(Some(ThirdPartyToken::Allow)), "ACCEPT_ALWAYS");
        assert_eq!(
            cookie_policy(Some(ThirdPartyToken::Block)),
            "NO_THIRD_PARTY"
        );
    }
}
