//! Headless Chromium as a child process: a fresh profile per run, host-resolver rules that
//! send every scenario host to its loopback server, Local Network Access permissions set
//! over the DevTools pipe (`devtools.rs`), stderr captured to a file, and the
//! console lines read back from it.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use super::OracleError;
use super::devtools::DevtoolsPipe;
use super::driver::MARK_CONSOLE;
use crate::policy::Permission;

/// The flags every run uses (besides `--user-data-dir`, the per-run flags
/// `--host-resolver-rules`, `--ip-address-space-overrides` and
/// `--ignore-certificate-errors-spki-list`, and the start URL).
///
/// No `--ignore-certificate-errors`: Chromium does not store responses that carry a
/// certificate error in its HTTP cache, so the run's certificates must be valid. The
/// per-run leaf key is pinned with `--ignore-certificate-errors-spki-list` instead.
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
];

/// A directory for one run (profile and stderr), removed when dropped.
pub(crate) struct RunDir {
    path: PathBuf,
}

impl RunDir {
    pub(crate) fn new() -> Result<Self, OracleError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let path = base.join(format!(
                "fetchguard-verify-{}-{n}-{nanos}",
                std::process::id()
            ));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(RunDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(OracleError::Io(format!("{}: {e}", path.display()))),
            }
        }
        Err(OracleError::Io(
            "cannot create a temporary directory".into(),
        ))
    }

    pub(crate) fn profile(&self) -> PathBuf {
        self.path.join("profile")
    }

    pub(crate) fn stderr(&self) -> PathBuf {
        self.path.join("stderr.log")
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// What a run's profile starts with.
pub(crate) struct Prefs {
    /// Allow third-party cookies (a fresh profile blocks them).
    pub allow_third_party: bool,
}

/// Writes the profile's `Default/Preferences`: `cookie_controls_mode: 0` allows
/// third-party cookies. The Local Network Access permissions are not preferences (see
/// [`Grants`]).
pub(crate) fn write_prefs(profile: &Path, prefs: &Prefs) -> Result<(), OracleError> {
    let default = profile.join("Default");
    fs::create_dir_all(&default).map_err(|e| OracleError::Io(e.to_string()))?;
    let json = prefs_json(prefs);
    if json != serde_json::json!({}) {
        fs::write(default.join("Preferences"), json.to_string())
            .map_err(|e| OracleError::Io(e.to_string()))?;
    }
    Ok(())
}

fn prefs_json(prefs: &Prefs) -> serde_json::Value {
    if prefs.allow_third_party {
        serde_json::json!({ "profile": { "cookie_controls_mode": 0 } })
    } else {
        serde_json::json!({})
    }
}

/// The Local Network Access permissions of the page's origin, set through DevTools
/// before the page loads.
///
/// CHROMIUM: observed in 156.0.8078.114 headless: the profile's content-setting
/// exceptions for `local-network` / `loopback-network` are read but not honoured, while
/// `Browser.setPermission` with the descriptor names `local-network` and
/// `loopback-network` is.
pub(crate) struct Grants<'a> {
    /// The page's serialized origin, whose permissions these are.
    pub origin: &'a str,
    /// The permissions to set (descriptor name, decision).
    pub permissions: Vec<(&'static str, Permission)>,
}

impl<'a> Grants<'a> {
    /// The scenario's two permissions; `ask` (or unset) is left undecided, and so is
    /// everything for a page that is not a secure context (`secure` false).
    ///
    /// CHROMIUM: 156 refuses to store the permissions for a non-secure origin
    /// (`Browser.setPermission` answers "Permission can't be granted in current
    /// context."): such a page can never hold them, and its requests into a more private
    /// space are denied as a non-secure context whatever the scenario says.
    pub(crate) fn local_network_access(
        origin: &'a str,
        secure: bool,
        local_network: Option<Permission>,
        loopback_network: Option<Permission>,
    ) -> Self {
        let permissions = if !secure {
            Vec::new()
        } else {
            [
                ("local-network", local_network),
                ("loopback-network", loopback_network),
            ]
            .into_iter()
            .filter_map(|(name, p)| p.filter(|p| *p != Permission::Ask).map(|p| (name, p)))
            .collect()
        };
        Grants {
            origin,
            permissions,
        }
    }

    fn is_empty(&self) -> bool {
        self.permissions.is_empty()
    }
}

/// A running Chromium in its own process group; the whole group is killed when dropped.
pub(crate) struct ChromiumProcess {
    child: Child,
    done: bool,
    /// The DevTools pipe, kept open while Chromium runs (Chromium exits when it closes).
    pipe: Option<DevtoolsPipe>,
}

impl ChromiumProcess {
    /// Starts Chromium on `start_url`. With permissions to set, Chromium starts on
    /// `about:blank` with the DevTools pipe ([`DevtoolsPipe`]), the permissions are set
    /// for their origin, and only then is `start_url` opened in a new tab, so the page's
    /// first fetch already sees them.
    pub(crate) fn launch(
        chromium: &Path,
        run: &RunDir,
        args: &[String],
        start_url: &str,
        grants: &Grants<'_>,
    ) -> Result<Self, OracleError> {
        let stderr = fs::File::create(run.stderr()).map_err(|e| OracleError::Io(e.to_string()))?;
        let (mut command, pipe) = if grants.is_empty() {
            (Command::new(chromium), None)
        } else {
            let (command, pipe) = DevtoolsPipe::attach(chromium)?;
            (command, Some(pipe))
        };
        if pipe.is_none() {
            command.stdin(Stdio::null()).stdout(Stdio::null());
        }
        let child = command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", run.profile().display()))
            .args(args)
            .arg(if pipe.is_some() {
                "about:blank"
            } else {
                start_url
            })
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .map_err(|e| OracleError::Launch(format!("{}: {e}", chromium.display())))?;
        let mut process = ChromiumProcess {
            child,
            done: false,
            pipe: None,
        };
        if let Some(mut pipe) = pipe {
            for (name, permission) in &grants.permissions {
                pipe.set_permission(name, *permission, grants.origin)?;
            }
            pipe.open(start_url)?;
            process.pipe = Some(pipe);
        }
        Ok(process)
    }

    /// True once the main process has exited.
    pub(crate) fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Kills the process group and reaps the main process.
    pub(crate) fn kill(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        kill_process_group(&mut self.child);
    }
}

/// Kills a browser started with `process_group(0)` and every process of its group
/// (`kill -KILL -- -PGID` ends renderers and utility processes too), then reaps it.
pub(crate) fn kill_process_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for ChromiumProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The console messages in Chromium's stderr (`--enable-logging=stderr`), in order.
///
/// A console line looks like
/// `[pid:tid:MMDD/HHMMSS.micros:INFO:CONSOLE:17] "message", source: https://a.example/ (17)`;
/// a message containing newlines continues on the following lines until one ends with
/// `", source: URL (N)`. The lines are joined with `\n`.
///
/// ```
/// use fetchguard::oracle::parse_console;
/// let err = "[1:1:1123/131155.075490:INFO:CONSOLE:17] \"hi\", source: https://a.example/ (17)\n\
///            [1:1:1123/1.1:ERROR:other.cc(1)] noise\n";
/// assert_eq!(parse_console(err), vec!["hi".to_string()]);
/// ```
pub fn parse_console(stderr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = stderr.lines();
    while let Some(line) = lines.next() {
        let Some(start) = message_start(line) else {
            continue;
        };
        let mut text = line[start..].to_string();
        let mut extra = 0;
        loop {
            if let Some(end) = source_suffix(&text) {
                text.truncate(end);
                out.push(text);
                break;
            }
            match lines.next() {
                Some(next) if extra < 200 => {
                    extra += 1;
                    text.push('\n');
                    text.push_str(next);
                }
                _ => {
                    // No closing suffix: keep what there is.
                    out.push(text);
                    break;
                }
            }
        }
    }
    out
}

/// Where the quoted message starts in a `...:CONSOLE:<n>] "` line.
fn message_start(line: &str) -> Option<usize> {
    if !line.starts_with('[') {
        return None;
    }
    let c = line.find(":CONSOLE")?;
    let close = line[c..].find("] \"")? + c;
    Some(close + 3)
}

/// The start of a final `", source: <url> (<n>)` in `text`.
fn source_suffix(text: &str) -> Option<usize> {
    let pos = text.rfind("\", source: ")?;
    let tail = &text[pos + 11..];
    let open = tail.rfind(" (")?;
    let num = tail[open + 2..].strip_suffix(')')?;
    (!num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && !tail[..open].contains('\n'))
        .then_some(pos)
}

/// Splits console messages by the driver's `FG-MARK i` lines: element `i` holds the
/// messages after `FG-MARK i` and before the next mark (`FG-MARK end` closes the last).
/// The mark lines themselves and anything before the first mark are dropped.
///
/// ```
/// use fetchguard::oracle::console_by_fetch;
/// let lines: Vec<String> = ["early", "FG-MARK 0", "a", "FG-MARK 1", "FG-MARK end", "late"]
///     .iter().map(|s| s.to_string()).collect();
/// assert_eq!(console_by_fetch(&lines, 2), vec![vec!["a".to_string()], vec![]]);
/// ```
pub fn console_by_fetch(messages: &[String], fetches: usize) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); fetches];
    let mut current: Option<usize> = None;
    for m in messages {
        if let Some(rest) = m.strip_prefix(MARK_CONSOLE) {
            current = rest.parse::<usize>().ok().filter(|i| *i < fetches);
            continue;
        }
        if let Some(i) = current {
            out[i].push(m.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_multi_line_messages() {
        let stderr = "\
[26266:26266:1123/131946.224855:INFO:CONSOLE:17] \"FG-MARK 0\", source: https://app.example/c1/page (17)
[26266:26270:1123/131946.250000:ERROR:bus.cc(407)] Failed to connect to the bus
[26266:26266:1123/131946.292087:INFO:CONSOLE:0] \"Access to fetch at 'https://api.example/c1/data' from origin 'https://app.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\", source: https://app.example/c1/page (0)
[21858:21858:1123/131824.627112:INFO:CONSOLE:0] \"Unsafe attempt to load URL https://api.example/c14/data from frame with URL https://app.example/c14/page. Domains, protocols and ports must match.
\", source: https://app.example/c14/page (0)
[1:1:1123/1.1:INFO:CONSOLE:3] \"say \"x\", source: y\", source: https://app.example/p?a=(1) (3)
[1:1:1123/1.1:INFO:CONSOLE:4] \"two
lines\", source: https://app.example/ (4)
[26266:26266:1123/131946.451433:INFO:CONSOLE:37] \"FG-MARK end\", source: https://app.example/c1/page (37)
";
        let m = parse_console(stderr);
        assert_eq!(m.len(), 6);
        assert_eq!(m[0], "FG-MARK 0");
        assert!(m[1].starts_with("Access to fetch at 'https://api.example/c1/data'"));
        assert!(m[1].ends_with("on the requested resource."));
        assert_eq!(
            m[2],
            "Unsafe attempt to load URL https://api.example/c14/data from frame with URL https://app.example/c14/page. Domains, protocols and ports must match.\n"
        );
        assert_eq!(m[3], "say \"x\", source: y");
        assert_eq!(m[4], "two\nlines");
        assert_eq!(m[5], "FG-MARK end");

        let by = console_by_fetch(&m, 1);
        assert_eq!(by[0].len(), 4);
    }

    #[test]
    fn prefs_hold_third_party_cookies() {
        let mut p = Prefs {
            allow_third_party: false,
        };
        assert_eq!(prefs_json(&p), serde_json::json!({}));
        p.allow_third_party = true;
        assert_eq!(
            prefs_json(&p),
            serde_json::json!({"profile": {"cookie_controls_mode": 0}})
        );
    }

    #[test]
    fn grants_leave_ask_undecided() {
        let g = Grants::local_network_access(
            "https://app.example",
            true,
            Some(Permission::Ask),
            Some(Permission::Allow),
        );
        assert_eq!(g.permissions, vec![("loopback-network", Permission::Allow)]);
        let g = Grants::local_network_access(
            "https://app.example",
            true,
            Some(Permission::Block),
            None,
        );
        assert_eq!(g.permissions, vec![("local-network", Permission::Block)]);
        assert!(Grants::local_network_access("https://app.example", true, None, None).is_empty());
        let insecure = Grants::local_network_access(
            "http://shop.example",
            false,
            Some(Permission::Allow),
            Some(Permission::Allow),
        );
        assert!(insecure.is_empty(), "a non-secure page cannot hold them");
    }

    #[test]
    fn marks_attribute_messages_to_fetches() {
        let m: Vec<String> = [
            "FG-MARK 0",
            "FG-MARK 1",
            "x",
            "y",
            "FG-MARK 2",
            "FG-MARK end",
            "z",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            console_by_fetch(&m, 3),
            vec![vec![], vec!["x".to_string(), "y".to_string()], vec![]]
        );
    }
}
