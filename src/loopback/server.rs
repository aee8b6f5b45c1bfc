//! One origin served on a loopback port.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use super::TestCa;

/// A request a loopback server received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The full URL (the served origin plus the request target).
    pub url: Url,
    /// Headers, lower-case names, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a handler answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CannedResponse {
    /// Status code.
    pub status: u16,
    /// Headers, sent in order; a name may repeat. `Content-Length` is added unless given
    /// (not to 1xx, 204 and 304 responses).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Bytes,
}

impl CannedResponse {
    /// A response with a status and no headers or body.
    pub fn status(status: u16) -> Self {
        CannedResponse {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }
}

/// The function that answers requests.
pub type Handler = Arc<dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync>;

/// A log of requests shared by several servers, so their order across origins is kept.
pub type RequestLog = Arc<Mutex<Vec<RecordedRequest>>>;

/// A running origin server; it stops when dropped.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use fetchguard::loopback::{OriginServer, CannedResponse, RequestLog};
/// use std::sync::Arc;
/// let log = RequestLog::default();
/// let server = OriginServer::start(
///     "http://api.example",
///     Arc::new(|_req| CannedResponse::status(200).body("hi")),
///     None,
///     log.clone(),
/// ).await?;
/// println!("api.example is at {}", server.addr());
/// # Ok(()) }
/// ```
pub struct OriginServer {
    addr: SocketAddr,
    origin: Url,
    task: JoinHandle<()>,
}

impl OriginServer {
    /// Serves `origin` (`http://host[:port]` or `https://...`, the port being what the
    /// browser will ask for) on 127.0.0.1 at an OS-assigned port; https uses a certificate
    /// from `ca`.
    pub async fn start(
        origin: &str,
        handler: Handler,
        ca: Option<&TestCa>,
        log: RequestLog,
    ) -> std::io::Result<OriginServer> {
        let origin = Url::parse(origin)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let https = origin.scheme() == "https";
        let acceptor = if https {
            let ca = ca.ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "https needs a CA")
            })?;
            let host = origin.host_str().unwrap_or("localhost");
            Some(ca.tls_acceptor(host)?)
        } else {
            None
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let base = origin.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    // A persistent accept error (no file descriptors left) must not spin.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                // Small TLS records must not wait on Nagle and a delayed ACK (~40 ms).
                let _ = tcp.set_nodelay(true);
                let handler = handler.clone();
                let log = log.clone();
                let base = base.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let handler = handler.clone();
                        let log = log.clone();
                        let base = base.clone();
                        async move { Ok::<_, Infallible>(answer(req, &base, &*handler, &log).await) }
                    });
                    let mut builder = auto::Builder::new(TokioExecutor::new());
                    builder.http1().auto_date_header(false);
                    builder.http2().auto_date_header(false);
                    match acceptor {
                        Some(acc) => {
                            if let Ok(tls) = acc.accept(tcp).await {
                                let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(tcp), svc).await;
                        }
                    }
                });
            }
        });
        Ok(OriginServer { addr, origin, task })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The origin it serves.
    pub fn origin(&self) -> &Url {
        &self.origin
    }
}

impl Drop for OriginServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) async fn answer(
    req: hyper::Request<hyper::body::Incoming>,
    base: &Url,
    handler: &(dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync),
    log: &RequestLog,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let url = base.join(target).unwrap_or_else(|_| base.clone());
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_string(),
        url,
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let mut canned = handler(&recorded);
    // A HEAD response has no body on the wire (HTTP semantics), but says how long the GET
    // body would be, as ordinary servers do.
    let head_length = (recorded.method == "HEAD").then(|| canned.body.len());
    if head_length.is_some() {
        canned.body = Bytes::new();
    }
    log.lock().unwrap_or_else(|p| p.into_inner()).push(recorded);
    let body_len = canned.body.len();
    let mut res = hyper::Response::new(Full::new(canned.body));
    *res.status_mut() = http::StatusCode::from_u16(canned.status)
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    for (n, v) in canned.headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(n.as_bytes()),
            http::HeaderValue::from_str(&v),
        ) {
            res.headers_mut().append(n, v);
        }
    }
    // Content-Length on every response that may have a body, over HTTP/1.1 and HTTP/2 alike
    // (hyper's HTTP/2 server adds none for an empty body); a HEAD response gives the GET
    // body's length.
    if crate::net::status_has_content_length(canned.status)
        && !res.headers().contains_key(http::header::CONTENT_LENGTH)
    {
        let n = head_length.unwrap_or(body_len);
        res.headers_mut()
            .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(n));
    }
    res
}
