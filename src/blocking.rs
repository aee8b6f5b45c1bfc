//! A blocking facade for callers without an async runtime: the same Browser, driven by a
//! small runtime of its own.

use std::sync::Arc;
use std::sync::mpsc;

use crate::browser::{Browser, BrowserBuilder, Page};
use crate::errors::{FailureReason, NetError};
use crate::request::Request;
use crate::response::FetchError;
use crate::response::Response;

/// Owns the runtime; shuts it down without blocking when the last handle goes, so it is
/// safe to drop anywhere (even inside another runtime).
struct Runtime(Option<tokio::runtime::Runtime>);

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// A [`Browser`] for synchronous code.
///
/// ```no_run
/// use fetchguard::blocking::BlockingBrowser;
/// use fetchguard::{Browser, Request};
/// let browser = BlockingBrowser::new(Browser::builder()).unwrap();
/// let page = browser.page("https://app.example/").unwrap();
/// match page.fetch(Request::get("https://api.example/data")) {
///     Ok(r) => println!("{}", r.text()),
///     Err(e) => println!("{}", e.message()),
/// }
/// ```
#[derive(Clone)]
pub struct BlockingBrowser {
    browser: Browser,
    rt: Arc<Runtime>,
}

impl BlockingBrowser {
    /// Builds the browser with its own runtime (one worker thread).
    pub fn new(builder: BrowserBuilder) -> std::io::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fetchguard-blocking")
            .enable_all()
            .build()?;
        let browser = {
            let _guard = rt.enter();
            builder.build()
        };
        Ok(BlockingBrowser {
            browser,
            rt: Arc::new(Runtime(Some(rt))),
        })
    }

    /// A page at `url`.
    pub fn page(&self, url: &str) -> Result<BlockingPage, url::ParseError> {
        Ok(BlockingPage {
            page: self.browser.page(url)?,
            rt: self.rt.clone(),
        })
    }

    /// A sandboxed (opaque-origin) page at `url`.
    pub fn sandboxed_page(&self, url: &str) -> Result<BlockingPage, url::ParseError> {
        Ok(BlockingPage {
            page: self.browser.sandboxed_page(url)?,
            rt: self.rt.clone(),
        })
    }

    /// The async Browser underneath (jar, clock, violations).
    pub fn browser(&self) -> &Browser {
        &self.browser
    }
}

/// A [`Page`] for synchronous code.
#[derive(Clone)]
pub struct BlockingPage {
    page: Page,
    rt: Arc<Runtime>,
}

impl BlockingPage {
    /// Runs `fetch(request)` and waits for it.
    pub fn fetch(&self, request: Request) -> Result<Response, FetchError> {
        let stopped = || {
            FetchError::new(
                FailureReason::Network(NetError::ConnectionFailed(
                    "the runtime has stopped".into(),
                )),
                "Failed to fetch",
                Vec::new(),
            )
        };
        let Some(rt) = self.rt.0.as_ref() else {
            return Err(stopped());
        };
        let page = self.page.clone();
        let (tx, rx) = mpsc::channel();
        // Spawned, then waited on through a channel: works from plain threads and from
        // inside another runtime alike (no nested block_on).
        rt.spawn(async move {
            let _ = tx.send(page.fetch(request).await);
        });
        rx.recv().unwrap_or_else(|_| Err(stopped()))
    }

    /// The async page underneath.
    pub fn page(&self) -> &Page {
        &self.page
    }
}
