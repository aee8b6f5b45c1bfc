//! Chromium's DevTools protocol over `--remote-debugging-pipe`: Chromium reads commands
//! from its fd 3 and writes replies and events to its fd 4, each message one JSON object
//! followed by a NUL byte. The oracle uses it for what a profile's preferences cannot set
//! in headless Chromium (the Local Network Access permissions) before the page loads.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use super::OracleError;
use crate::policy::Permission;

/// How long one command may wait for its reply.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

/// The command end of a Chromium started with [`DevtoolsPipe::attach`].
pub(crate) struct DevtoolsPipe {
    commands: std::io::PipeWriter,
    replies: mpsc::Receiver<Value>,
    next_id: u64,
}

impl DevtoolsPipe {
    /// Makes `command` (a browser program and its arguments) run with the DevTools pipe:
    /// it becomes `sh -c 'exec 3<&0 4>&1 …; exec "$0" "$@"'`, so the two pipe ends given
    /// as the shell's stdin and stdout are moved to fds 3 and 4 (stdin and stdout then
    /// read and write `/dev/null`), and `--remote-debugging-pipe` is added. Returns the
    /// command to spawn and the pipe to talk to it once spawned.
    pub(crate) fn attach(program: &std::path::Path) -> Result<(Command, Self), OracleError> {
        let io = |e: std::io::Error| OracleError::Io(format!("DevTools pipe: {e}"));
        let (to_browser_read, to_browser_write) = std::io::pipe().map_err(io)?;
        let (from_browser_read, from_browser_write) = std::io::pipe().map_err(io)?;
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg("exec 3<&0 4>&1 0</dev/null 1>/dev/null; exec \"$0\" \"$@\"")
            .arg(program)
            .arg("--remote-debugging-pipe")
            .stdin(Stdio::from(to_browser_read))
            .stdout(Stdio::from(from_browser_write));
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || read_messages(from_browser_read, tx));
        Ok((
            command,
            DevtoolsPipe {
                commands: to_browser_write,
                replies,
                next_id: 0,
            },
        ))
    }

    /// Sends one command and waits for its reply: the `result`, or an error naming the
    /// method and Chromium's message.
    pub(crate) fn call(&mut self, method: &str, params: Value) -> Result<Value, OracleError> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params}).to_string();
        message.push('\0');
        self.commands
            .write_all(message.as_bytes())
            .and_then(|()| self.commands.flush())
            .map_err(|e| OracleError::Launch(format!("DevTools {method}: {e}")))?;
        loop {
            let reply = self.replies.recv_timeout(REPLY_TIMEOUT).map_err(|_| {
                OracleError::Launch(format!("DevTools {method}: no reply from Chromium"))
            })?;
            if reply.get("id").and_then(Value::as_u64) != Some(id) {
                continue; // an event or another reply
            }
            if let Some(error) = reply.get("error") {
                return Err(OracleError::Launch(format!("DevTools {method}: {error}")));
            }
            return Ok(reply.get("result").cloned().unwrap_or(Value::Null));
        }
    }

    /// Sets one permission of `origin` with `Browser.setPermission`: `Allow` is
    /// `granted`, `Block` is `denied`; `Ask` sets nothing (a fresh profile has no decision).
    pub(crate) fn set_permission(
        &mut self,
        name: &str,
        permission: Permission,
        origin: &str,
    ) -> Result<(), OracleError> {
        let setting = match permission {
            Permission::Allow => "granted",
            Permission::Block => "denied",
            Permission::Ask => return Ok(()),
        };
        self.call(
            "Browser.setPermission",
            json!({"permission": {"name": name}, "setting": setting, "origin": origin}),
        )
        .map(drop)
    }

    /// Opens `url` in a new tab (`Target.createTarget`).
    pub(crate) fn open(&mut self, url: &str) -> Result<(), OracleError> {
        self.call("Target.createTarget", json!({"url": url}))
            .map(drop)
    }
}

/// Reads NUL-terminated JSON messages until the browser closes its end.
fn read_messages(from_browser: std::io::PipeReader, tx: mpsc::Sender<Value>) {
    let mut reader = BufReader::new(from_browser);
    let mut message = Vec::new();
    loop {
        message.clear();
        match reader.read_until(0, &mut message) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if message.last() == Some(&0) {
            message.pop();
        }
        if let Ok(value) = serde_json::from_slice::<Value>(&message)
            && tx.send(value).is_err()
        {
            return;
        }
    }
}
