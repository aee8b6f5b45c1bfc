//! A small world for integration tests: origins served by real loopback servers (HTTPS
//! with a per-test CA), a Browser that resolves them there, and the wire they recorded.
#![allow(dead_code)]

use std::sync::Arc;

use fetchguard::loopback::{CannedResponse, OriginServer, RecordedRequest, RequestLog, TestCa};
use fetchguard::{Browser, BrowserBuilder, Page, Profile};

pub struct World {
    pub log: RequestLog,
    pub servers: Vec<OriginServer>,
    pub ca: TestCa,
}

pub type Route = fn(&RecordedRequest) -> CannedResponse;

impl World {
    /// Serves each origin with the same handler (it dispatches on `req.url`).
    pub async fn new(
        origins: &[&str],
        handler: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static,
    ) -> World {
        let ca = TestCa::new().expect("CA");
        let log = RequestLog::default();
        let handler: fetchguard::loopback::Handler = Arc::new(handler);
        let mut servers = Vec::new();
        for o in origins {
            servers.push(
                OriginServer::start(o, handler.clone(), Some(&ca), log.clone())
                    .await
                    .expect("server"),
            );
        }
        World { log, servers, ca }
    }

    /// A builder that resolves every served origin to its loopback server.
    pub fn builder(&self) -> BrowserBuilder {
        let mut b = Browser::builder().add_root_certificate_der(self.ca.root_der().to_vec());
        for s in &self.servers {
            let o = s.origin();
            b = b.resolve(
                o.host_str().unwrap(),
                o.port_or_known_default().unwrap(),
                s.addr(),
            );
        }
        b
    }

    pub fn browser(&self) -> Browser {
        self.builder().build()
    }

    pub fn page(&self, url: &str) -> Page {
        self.browser().page(url).unwrap()
    }

    /// Takes the requests received so far.
    pub fn take_wire(&self) -> Vec<RecordedRequest> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    /// A Browser of `profile`'s engine that resolves every served origin here.
    pub fn browser_as(&self, profile: Profile) -> Browser {
        self.builder().profile(profile).build()
    }

    /// The one request of the last fetch to `path`, taken from the wire.
    pub fn sent(&self, path: &str) -> RecordedRequest {
        self.take_wire()
            .into_iter()
            .rfind(|r| r.url.path() == path)
            .unwrap_or_else(|| panic!("no request to {path}"))
    }
}

/// A response with headers.
pub fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> CannedResponse {
    let mut r = CannedResponse::status(status).body(body.to_string());
    for (n, v) in headers {
        r = r.header(n, v);
    }
    r
}
