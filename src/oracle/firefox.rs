//! Headless Firefox (ESR) as an oracle: a fresh profile per scenario whose proxy is the
//! run's [`Proxy`], whose certificate store trusts the run's CA, and whose background
//! traffic is switched off; the console is read over the Marionette protocol.
//!
//! Firefox does not print page console messages to stderr. Its console service
//! (`Services.console`) holds every error and warning, but not `console.log` messages: the
//! driver page therefore also calls `reportError("FG-MARK i")` at each mark
//! ([`ConsoleMark::LogAndReportError`]), and the messages are split per fetch by those.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::chromium::RunDir;
use super::driver::{ConsoleMark, MARK_CONSOLE};
use super::proxy::{pem, serve_behind_proxy};
use super::{OracleError, console_by_fetch, read_tail};
use crate::scenario::{FetchObservation, LoadedScenario, ThirdPartyToken};

/// The default Firefox binary.
pub const DEFAULT_FIREFOX: &str = "/usr/bin/firefox-esr";

/// The `network.cookie.cookieBehavior` for the scenario's third-party cookie setting:
/// 5 (Total Cookie Protection, the default), 1 for `block`, 0 for `allow`.
pub fn cookie_behavior(third_party: Option<ThirdPartyToken>) -> u8 {
    match third_party {
        Some(ThirdPartyToken::Allow) => 0,
        Some(ThirdPartyToken::Block) => 1,
        _ => 5,
    }
}

/// The profile's `user.js`: the proxy at `proxy_port` for every host (localhost too), the
/// cookie behaviour, Marionette on an OS-chosen port, and no background network traffic.
pub fn user_js(proxy_port: u16, cookie_behavior: u8) -> String {
    let mut prefs: Vec<(&str, Value)> = vec![
        ("network.proxy.type", json!(1)),
        ("network.proxy.http", json!("127.0.0.1")),
        ("network.proxy.http_port", json!(proxy_port)),
        ("network.proxy.ssl", json!("127.0.0.1")),
        ("network.proxy.ssl_port", json!(proxy_port)),
        ("network.proxy.no_proxies_on", json!("")),
        ("network.proxy.allow_hijacking_localhost", json!(true)),
        ("network.proxy.share_proxy_settings", json!(false)),
        ("network.cookie.cookieBehavior", json!(cookie_behavior)),
        ("marionette.port", json!(0)),
    ];
    // Quiet: nothing but the scenario may touch the network.
    let quiet: &[(&str, Value)] = &[
        ("app.normandy.enabled", json!(false)),
        ("app.normandy.api_url", json!("")),
        ("app.update.auto", json!(false)),
        ("app.update.disabledForTesting", json!(true)),
        ("app.update.enabled", json!(false)),
        ("browser.aboutwelcome.enabled", json!(false)),
        ("browser.chrome.site_icons", json!(false)),
        ("browser.newtabpage.enabled", json!(false)),
        ("browser.region.network.url", json!("")),
        ("browser.safebrowsing.blockedURIs.enabled", json!(false)),
        ("browser.safebrowsing.downloads.enabled", json!(false)),
        ("browser.safebrowsing.malware.enabled", json!(false)),
        ("browser.safebrowsing.phishing.enabled", json!(false)),
        ("browser.safebrowsing.provider.google4.updateURL", json!("")),
        ("browser.safebrowsing.provider.google5.updateURL", json!("")),
        ("browser.safebrowsing.provider.mozilla.updateURL", json!("")),
        ("browser.safebrowsing.update.enabled", json!(false)),
        ("browser.search.update", json!(false)),
        ("browser.shell.checkDefaultBrowser", json!(false)),
        ("browser.startup.homepage", json!("about:blank")),
        ("browser.startup.homepage_override.mstone", json!("ignore")),
        ("browser.startup.page", json!(0)),
        ("browser.topsites.contile.enabled", json!(false)),
        ("datareporting.healthreport.uploadEnabled", json!(false)),
        ("datareporting.policy.dataSubmissionEnabled", json!(false)),
        ("dom.push.connection.enabled", json!(false)),
        ("dom.push.enabled", json!(false)),
        ("dom.security.https_first", json!(false)),
        ("dom.security.https_first_schemeless", json!(false)),
        ("dom.security.https_only_mode", json!(false)),
        ("extensions.getAddons.cache.enabled", json!(false)),
        ("extensions.systemAddon.update.enabled", json!(false)),
        ("extensions.update.enabled", json!(false)),
        ("geo.provider.network.url", json!("")),
        ("identity.fxaccounts.enabled", json!(false)),
        ("media.gmp-gmpopenh264.enabled", json!(false)),
        ("media.gmp-manager.chromium-update-url", json!("")),
        ("media.gmp-manager.updateEnabled", json!(false)),
        ("media.gmp-manager.url", json!("")),
        ("media.gmp-widevinecdm.enabled", json!(false)),
        ("network.captive-portal-service.enabled", json!(false)),
        ("network.connectivity-service.enabled", json!(false)),
        ("network.dns.disablePrefetch", json!(true)),
        ("network.http.speculative-parallel-limit", json!(0)),
        ("network.predictor.enabled", json!(false)),
        ("network.prefetch-next", json!(false)),
        ("network.trr.mode", json!(5)),
        ("security.OCSP.enabled", json!(0)),
        (
            "security.remote_settings.crlite_filters.enabled",
            json!(false),
        ),
        (
            "security.remote_settings.intermediates.enabled",
            json!(false),
        ),
        (
            "services.settings.server",
            json!("data:,#remote-settings-off"),
        ),
        ("toolkit.telemetry.enabled", json!(false)),
        ("toolkit.telemetry.server", json!("")),
        ("toolkit.telemetry.unified", json!(false)),
    ];
    prefs.extend(quiet.iter().cloned());
    prefs
        .iter()
        .map(|(k, v)| format!("user_pref(\"{k}\", {v});\n"))
        .collect()
}

/// Runs a scenario in headless Firefox (the binary at `firefox`) and observes each fetch;
/// `timeout` bounds the whole run.
pub async fn observe_in_firefox(
    loaded: &LoadedScenario,
    firefox: &Path,
    timeout: Duration,
) -> Result<Vec<FetchObservation>, OracleError> {
    if !firefox.exists() {
        return Err(OracleError::Launch(format!(
            "Firefox not found at {}",
            firefox.display()
        )));
    }
    let (prepared, proxy) = serve_behind_proxy(loaded, ConsoleMark::LogAndReportError).await?;

    let run = RunDir::new()?;
    let profile = run.profile();
    fs::create_dir_all(&profile).map_err(|e| OracleError::Io(e.to_string()))?;
    let behavior = cookie_behavior(loaded.scenario.browser.third_party_cookies);
    fs::write(
        profile.join("user.js"),
        user_js(proxy.addr().port(), behavior),
    )
    .map_err(|e| OracleError::Io(e.to_string()))?;
    trust_ca(&profile, &pem("CERTIFICATE", prepared.ca.root_der()))?;

    let mut process = FirefoxProcess::launch(firefox, &profile, &run.stderr())?;
    let port = marionette_port(&profile, &mut process, Duration::from_secs(60)).await?;
    let mut m = Marionette::connect(port).await?;
    m.command("WebDriver:NewSession", json!({})).await?;
    // Returns once the first document (after the seeding redirects) has loaded; the
    // driver's fetches go on after that.
    // Not awaited: its answer (after the page's load event) is skipped by later commands,
    // and a slow load must not count as a failure while the driver is still running.
    m.send("WebDriver:Navigate", json!({"url": prepared.start_url}))
        .await?;

    let results = prepared
        .wait_for_results(
            "Firefox",
            timeout,
            || process.exited(),
            || read_tail(&run.stderr()),
        )
        .await?;

    // The console service may receive the last messages shortly after the POST.
    m.command("Marionette:SetContext", json!({"value": "chrome"}))
        .await?;
    let n = loaded.scenario.fetches.len();
    let end = format!("{MARK_CONSOLE}end");
    let wait_until = Instant::now() + Duration::from_secs(3);
    let messages = loop {
        let messages = console_messages(&mut m).await?;
        if messages.iter().any(|(_, t)| t.ends_with(&end)) || Instant::now() >= wait_until {
            break messages;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    process.kill();
    drop(proxy);
    let console = console_by_fetch(&error_messages(&messages), n);
    prepared.finish(loaded, &results, console)
}

/// The console service's messages of content windows, in order: `(flags, text)`; flags
/// are `nsIScriptError` flags (0 error, 1 warning, 4 info), -1 for a plain message.
async fn console_messages(m: &mut Marionette) -> Result<Vec<(i64, String)>, OracleError> {
    // Only messages not from chrome code: Firefox's own code reports its errors in the same
    // service. (Content messages forwarded to the parent process carry no window id.)
    let script = "return Services.console.getMessageArray().map((m) => \
        (m instanceof Ci.nsIScriptError) \
          ? (m.isFromChromeContext ? null : [m.flags, m.errorMessage]) \
          : [-1, m.message]).filter((e) => e !== null);";
    let v = m
        .command(
            "WebDriver:ExecuteScript",
            json!({"script": script, "args": []}),
        )
        .await?;
    let list = v
        .get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| OracleError::BadResults(format!("console messages: {v}")))?;
    Ok(list
        .iter()
        .filter_map(|e| {
            let flags = e.get(0)?.as_i64()?;
            let text = e.get(1)?.as_str()?.to_string();
            Some((flags, text))
        })
        .collect())
}

/// The error-level messages, with each `reportError` mark turned into the bare
/// `FG-MARK i` line [`console_by_fetch`] splits by.
pub fn error_messages(messages: &[(i64, String)]) -> Vec<String> {
    messages
        .iter()
        .filter(|(flags, _)| *flags == 0)
        .map(|(_, text)| match text.find(MARK_CONSOLE) {
            Some(p) if is_mark(&text[p..]) => text[p..].to_string(),
            _ => text.clone(),
        })
        .collect()
}

fn is_mark(s: &str) -> bool {
    s.strip_prefix(MARK_CONSOLE)
        .is_some_and(|r| r == "end" || (!r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())))
}

/// Makes `profile`'s NSS store trust the CA (`certutil` from libnss3-tools).
fn trust_ca(profile: &Path, ca_pem: &str) -> Result<(), OracleError> {
    let ca = profile.join("fetchguard-ca.pem");
    fs::write(&ca, ca_pem).map_err(|e| OracleError::Io(e.to_string()))?;
    let db = format!("sql:{}", profile.display());
    let runs: [&[&str]; 2] = [
        &["-N", "-d", &db, "--empty-password"],
        &["-A", "-d", &db, "-t", "C,,", "-n", "fetchguard", "-i"],
    ];
    for (i, args) in runs.iter().enumerate() {
        let mut cmd = Command::new("certutil");
        cmd.args(*args);
        if i == 1 {
            cmd.arg(&ca);
        }
        let out = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|e| OracleError::Launch(format!("certutil (libnss3-tools): {e}")))?;
        if !out.status.success() {
            return Err(OracleError::Setup(format!(
                "certutil {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
    }
    Ok(())
}

/// Waits for the `MarionetteActivePort` file Firefox writes into the profile.
async fn marionette_port(
    profile: &Path,
    process: &mut FirefoxProcess,
    timeout: Duration,
) -> Result<u16, OracleError> {
    let file = profile.join("MarionetteActivePort");
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(p) = fs::read_to_string(&file)
            .ok()
            .and_then(|t| t.trim().parse::<u16>().ok())
        {
            return Ok(p);
        }
        if process.exited() {
            return Err(OracleError::Launch(
                "Firefox exited before Marionette started".into(),
            ));
        }
        if Instant::now() >= deadline {
            return Err(OracleError::Launch(
                "Marionette did not start (no MarionetteActivePort)".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A running Firefox in its own process group; the group is killed when dropped.
struct FirefoxProcess {
    child: Child,
    done: bool,
}

impl FirefoxProcess {
    fn launch(firefox: &Path, profile: &Path, stderr: &PathBuf) -> Result<Self, OracleError> {
        let log = fs::File::create(stderr).map_err(|e| OracleError::Io(e.to_string()))?;
        let child = Command::new(firefox)
            .args([
                "--headless",
                "--marionette",
                "--no-remote",
                "-remote-allow-system-access",
                "--profile",
            ])
            .arg(profile)
            .env("MOZ_CRASHREPORTER_DISABLE", "1")
            // Without it Firefox ignores `services.settings.server` and keeps calling
            // firefox.settings.services.mozilla.com (remote settings).
            .env("MOZ_REMOTE_SETTINGS_DEVTOOLS", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| OracleError::Launch(format!("{}: {e}", firefox.display())))?;
        Ok(FirefoxProcess { child, done: false })
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    fn kill(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        super::chromium::kill_process_group(&mut self.child);
    }
}

impl Drop for FirefoxProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Frames a Marionette message: its length in bytes, a colon, the JSON text.
///
/// ```
/// use fetchguard::oracle::marionette_frame;
/// assert_eq!(marionette_frame(&serde_json::json!([0, 1, "X", {}])), "12:[0,1,\"X\",{}]");
/// ```
pub fn marionette_frame(v: &Value) -> String {
    let text = v.to_string();
    format!("{}:{text}", text.len())
}

/// Splits one framed message off the front of `buf`: `Ok(None)` when incomplete.
///
/// ```
/// use fetchguard::oracle::marionette_unframe;
/// let mut buf = b"2:[]5:[1,2".to_vec();
/// assert_eq!(marionette_unframe(&mut buf).unwrap(), Some(serde_json::json!([])));
/// assert_eq!(marionette_unframe(&mut buf).unwrap(), None);
/// assert_eq!(buf, b"5:[1,2");
/// ```
pub fn marionette_unframe(buf: &mut Vec<u8>) -> Result<Option<Value>, String> {
    let Some(colon) = buf.iter().position(|b| *b == b':') else {
        if buf.len() > 20 {
            return Err("no length prefix".into());
        }
        return Ok(None);
    };
    let len: usize = std::str::from_utf8(&buf[..colon])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            format!(
                "bad length prefix {:?}",
                String::from_utf8_lossy(&buf[..colon])
            )
        })?;
    if buf.len() < colon + 1 + len {
        return Ok(None);
    }
    let v = serde_json::from_slice(&buf[colon + 1..colon + 1 + len]).map_err(|e| e.to_string())?;
    buf.drain(..colon + 1 + len);
    Ok(Some(v))
}

/// How long a Marionette command may take.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// A Marionette client: commands `[0, id, name, params]`, answers `[1, id, error, result]`.
struct Marionette {
    stream: TcpStream,
    buf: Vec<u8>,
    next_id: u64,
}

impl Marionette {
    async fn connect(port: u16) -> Result<Self, OracleError> {
        let err = |e: String| OracleError::Launch(format!("Marionette: {e}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        let stream = loop {
            match TcpStream::connect(("127.0.0.1", port)).await {
                Ok(s) => break s,
                Err(e) if Instant::now() >= deadline => return Err(err(e.to_string())),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
        let mut m = Marionette {
            stream,
            buf: Vec::new(),
            next_id: 1,
        };
        // The server speaks first: `{"applicationType":"gecko","marionetteProtocol":3}`.
        m.read_message().await?;
        Ok(m)
    }

    async fn read_message(&mut self) -> Result<Value, OracleError> {
        let err = |e: String| OracleError::BadResults(format!("Marionette: {e}"));
        loop {
            if let Some(v) = marionette_unframe(&mut self.buf).map_err(err)? {
                return Ok(v);
            }
            let mut chunk = [0u8; 65536];
            // `WebDriver:NewSession` waits for the first window: about 7 s on an idle
            // 2-core machine, several times that under load.
            let n = tokio::time::timeout(ANSWER_TIMEOUT, self.stream.read(&mut chunk))
                .await
                .map_err(|_| err(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs())))?
                .map_err(|e| err(e.to_string()))?;
            if n == 0 {
                return Err(err("connection closed".into()));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends a command; returns its id without waiting for the answer.
    async fn send(&mut self, name: &str, params: Value) -> Result<u64, OracleError> {
        let id = self.next_id;
        self.next_id += 1;
        let frame = marionette_frame(&json!([0, id, name, params]));
        self.stream
            .write_all(frame.as_bytes())
            .await
            .map_err(|e| OracleError::BadResults(format!("Marionette {name}: {e}")))?;
        Ok(id)
    }

    /// Sends a command and waits for its answer (answers to other ids are skipped).
    async fn command(&mut self, name: &str, params: Value) -> Result<Value, OracleError> {
        let id = self.send(name, params).await?;
        loop {
            let v = self.read_message().await.map_err(|e| match e {
                OracleError::BadResults(m) => OracleError::BadResults(format!("{m} ({name})")),
                other => other,
            })?;
            if v.get(0).and_then(Value::as_u64) != Some(1)
                || v.get(1).and_then(Value::as_u64) != Some(id)
            {
                continue;
            }
            let error = v.get(2).cloned().unwrap_or(Value::Null);
            if !error.is_null() {
                return Err(OracleError::BadResults(format!(
                    "Marionette {name}: {error}"
                )));
            }
            return Ok(v.get(3).cloned().unwrap_or(Value::Null));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_behavior_maps_the_third_party_setting() {
        assert_eq!(cookie_behavior(None), 5);
        assert_eq!(cookie_behavior(Some(ThirdPartyToken::Allow)), 0);
        assert_eq!(cookie_behavior(Some(ThirdPartyToken::Block)), 1);
        let js = user_js(4321, 1);
        assert!(js.contains("user_pref(\"network.proxy.ssl_port\", 4321);\n"));
        assert!(js.contains("user_pref(\"network.cookie.cookieBehavior\", 1);\n"));
        assert!(js.contains("user_pref(\"network.proxy.no_proxies_on\", \"\");\n"));
    }

    #[test]
    fn marionette_frames_round_trip_split_and_reject_garbage() {
        let a = json!([0, 1, "WebDriver:NewSession", {"capabilities": {"x": "é"}}]);
        let b = json!([1, 1, null, {"value": ["FG-MARK 0"]}]);
        let mut buf = format!("{}{}", marionette_frame(&a), marionette_frame(&b)).into_bytes();
        // The length counts bytes (UTF-8), not characters.
        assert!(marionette_frame(&a).starts_with(&format!("{}:", a.to_string().len())));
        let whole = buf.clone();
        let mut partial = whole[..whole.len() - 3].to_vec();
        assert_eq!(marionette_unframe(&mut partial).unwrap(), Some(a.clone()));
        assert_eq!(marionette_unframe(&mut partial).unwrap(), None);
        assert_eq!(marionette_unframe(&mut buf).unwrap(), Some(a));
        assert_eq!(marionette_unframe(&mut buf).unwrap(), Some(b));
        assert!(buf.is_empty());
        assert!(marionette_unframe(&mut b"x1:[]".to_vec()).is_err());
        assert!(marionette_unframe(&mut b"3:[}]".to_vec()).is_err());
        assert!(marionette_unframe(&mut vec![b'9'; 30]).is_err());
    }

    #[test]
    fn error_messages_keep_errors_and_normalise_marks() {
        let m = vec![
            (0, "uncaught exception: FG-MARK 0".to_string()),
            (1, "a warning".to_string()),
            (0, "Cross-Origin Request Blocked: x".to_string()),
            (-1, "plain".to_string()),
            (0, "Error: FG-MARK end".to_string()),
        ];
        assert_eq!(
            error_messages(&m),
            vec![
                "FG-MARK 0",
                "Cross-Origin Request Blocked: x",
                "FG-MARK end"
            ]
        );
    }
}
