//! The socket transport: hyper's pooled client over TCP, with rustls for `https`
//! (HTTP/1.1 and HTTP/2 by ALPN), a host:port override map, and bounded time and size.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connected, Connection};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::body::WireBody;
use super::{BoxFuture, Transport, WireRequest, WireResponse, trim_header_values};
use crate::errors::NetError;

/// Bounds on what one request may cost.
///
/// ```
/// use fetchguard::net::Limits;
/// use std::time::Duration;
/// let l = Limits { request_timeout: Duration::from_secs(5), ..Limits::default() };
/// assert_eq!(l.max_body_bytes, 64 * 1024 * 1024);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time to establish a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time for the whole exchange, headers and body.
    pub request_timeout: Duration,
    /// The largest body read; more is a network error.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The most header bytes a response head may carry over HTTP/2 (advertised as
/// `SETTINGS_MAX_HEADER_LIST_SIZE`).
///
/// CHROMIUM: 256 KiB, both for an HTTP/1.1 head (`kMaxHeaderBufSize`, net/http/
/// http_stream_parser.cc) and for an HTTP/2 header list (`kSpdyMaxHeaderListSize`,
/// net/spdy/spdy_session.h); UNVERIFIED against the current source here. hyper's HTTP/2
/// default (16 KiB) refused heads Chromium reads. Over HTTP/1.1 hyper's own head limit
/// (about 400 KiB of buffer) stays in force.
const MAX_RESPONSE_HEADER_BYTES: u32 = 256 * 1024;

/// The most header lines an HTTP/1.1 response head may carry.
///
/// CHROMIUM: no count limit, only the 256 KiB size. hyper's default (100 lines) refused
/// ordinary large heads. hyper allocates and zeroes an index of this many entries (32
/// bytes each) for every response it parses: 4096 cost a 128 KiB mmap per response and
/// doubled the per-fetch time (BENCHMARKS.md, benchmark 2), so the limit is 1000 lines
/// (32 KiB, heap-allocated). A head with more lines is a network error (a known limit).
const MAX_RESPONSE_HEADER_LINES: usize = 1000;

/// The hyper + rustls transport.
///
/// ```
/// use fetchguard::net::{HyperTransport, Limits};
/// use std::collections::HashMap;
/// let mut overrides = HashMap::new();
/// overrides.insert(("api.example".to_string(), 443), "127.0.0.1:8443".parse().unwrap());
/// let t = HyperTransport::new(overrides, Vec::new(), Limits::default());
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    client: Client<Connector, WireBody>,
    connector: Connector,
    limits: Limits,
}

impl HyperTransport {
    /// A transport resolving `(host, port)` through `overrides` first (real DNS
    /// otherwise), trusting the web PKI roots plus `extra_roots` (DER certificates).
    pub fn new(
        overrides: HashMap<(String, u16), SocketAddr>,
        extra_roots: Vec<CertificateDer<'static>>,
        limits: Limits,
    ) -> Self {
        Self::with_resolution(overrides, extra_roots, limits, Resolution::OverridesThenDns)
    }

    /// [`HyperTransport::new`], choosing whether names outside `overrides` use real DNS.
    pub fn with_resolution(
        overrides: HashMap<(String, u16), SocketAddr>,
        extra_roots: Vec<CertificateDer<'static>>,
        limits: Limits,
        resolution: Resolution,
    ) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        // The public roots matter only when real servers can be reached: with overrides
        // only, every host is a loopback server trusted through `extra_roots`, and copying
        // ~150 roots would be start-up work for nothing.
        if resolution == Resolution::OverridesThenDns {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for c in extra_roots {
            // A certificate the store cannot parse is simply not trusted.
            let _ = roots.add(c);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|b| b.with_root_certificates(roots).with_no_client_auth())
            .unwrap_or_else(|_| {
                // The ring provider supports the default versions; this branch is defensive.
                rustls::ClientConfig::builder()
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth()
            });
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let connector = Connector(Arc::new(ConnectorInner {
            overrides: HostOverrides::new(overrides),
            resolution,
            tls: TlsConnector::from(Arc::new(tls)),
            connect_timeout: limits.connect_timeout,
            protocols: Arc::default(),
            spare: Arc::default(),
        }));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .http1_max_headers(MAX_RESPONSE_HEADER_LINES)
            .http2_max_header_list_size(MAX_RESPONSE_HEADER_BYTES)
            .build(connector.clone());
        HyperTransport {
            client,
            connector,
            limits,
        }
    }
}

impl Transport for HyperTransport {
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
        Box::pin(async move {
            let uri: Uri = req.url.as_str().parse().map_err(|e| {
                NetError::ConnectionFailed(format!("not sent: URL not usable on the wire: {e}"))
            })?;
            let mut headers = req.headers;
            let h2 = (!req.http2_headers.is_empty() || !req.http2_response_headers.is_empty())
                && self.speaks_h2(&uri).await?;
            if h2 {
                // The profile's HTTP/2-only headers (Chromium: `priority: u=1, i`).
                for (name, value) in req.http2_headers.iter() {
                    if !headers.contains_key(name) {
                        headers.insert(name.clone(), value.clone());
                    }
                }
            }
            let mut builder = http::Request::builder().method(req.method).uri(uri);
            if let Some(h) = builder.headers_mut() {
                *h = headers;
            }
            let request = builder
                .body(WireBody::new(req.body))
                .map_err(|e| NetError::ConnectionFailed(format!("not sent: {e}")))?;
            let max = self.limits.max_body_bytes;
            let exchange = async {
                let res = self.client.request(request).await.map_err(classify)?;
                let (parts, body) = res.into_parts();
                let body = Limited::new(body, max)
                    .collect()
                    .await
                    .map_err(|e| NetError::Protocol(format!("reading the body: {e}")))?
                    .to_bytes();
                let mut headers = trim_header_values(parts.headers);
                if h2 {
                    for (name, value) in req.http2_response_headers.iter() {
                        if !headers.contains_key(name) {
                            headers.insert(name.clone(), value.clone());
                        }
                    }
                }
                Ok(WireResponse {
                    status: parts.status.as_u16(),
                    headers,
                    body,
                })
            };
            // The exchange and its deadline stay where they are (pinned in this future):
            // `tokio::time::timeout` would move the whole exchange into a new value.
            let deadline = tokio::time::sleep(self.limits.request_timeout);
            tokio::pin!(exchange, deadline);
            tokio::select! {
                biased;
                r = &mut exchange => r,
                () = &mut deadline => Err(NetError::TimedOut),
            }
        })
    }

    fn known_unreachable(&self, url: &url::Url) -> bool {
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return true;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.connector.resolution == Resolution::OverridesOnly
            && self.connector.overrides.get(host, port).is_none()
    }
}

impl HyperTransport {
    /// True when requests to `uri` go over HTTP/2 (ALPN `h2`). The first time an https
    /// authority is asked about, a connection is made to learn it; that connection is kept
    /// for the request that follows.
    async fn speaks_h2(&self, uri: &Uri) -> Result<bool, NetError> {
        if uri.scheme_str() != Some("https") {
            return Ok(false);
        }
        let Some(key) = authority_key(uri) else {
            return Ok(false);
        };
        if let Some(h2) = self.connector.known_protocol(&key) {
            return Ok(h2);
        }
        let fut = self.connector.connect(uri.clone());
        let stream = match tokio::time::timeout(self.limits.connect_timeout, fut).await {
            Ok(r) => r.map_err(|e| e.0)?,
            Err(_) => return Err(NetError::TimedOut),
        };
        let h2 = stream.is_h2();
        lock(&self.connector.spare)
            .entry(key)
            .or_default()
            .push(stream);
        Ok(h2)
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `(host, port)`, lower-case host.
type Authority = (String, u16);

/// `(host, port)` of a URI, the key of the override map and of the protocol cache.
fn authority_key(uri: &Uri) -> Option<Authority> {
    let https = uri.scheme_str() == Some("https");
    let host = uri
        .host()?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    Some((host, uri.port_u16().unwrap_or(if https { 443 } else { 80 })))
}

/// Maps a hyper client error to a network error kind.
fn classify(e: hyper_util::client::legacy::Error) -> NetError {
    use std::error::Error as _;
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(ce) = s.downcast_ref::<ConnectError>() {
            return ce.0.clone();
        }
        source = s.source();
    }
    if e.is_connect() {
        NetError::ConnectionFailed(e.to_string())
    } else {
        NetError::Protocol(format!("{e}: {:?}", e.source()))
    }
}

/// A connect failure carrying its classified kind through hyper's error chain.
#[derive(Debug)]
struct ConnectError(NetError);

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for ConnectError {}

/// How host names are resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The override map first, then the system resolver.
    OverridesThenDns,
    /// Only the override map: every other host is unreachable (no DNS, no traffic).
    OverridesOnly,
}

/// The connector hyper's pool clones for every request: one shared allocation.
#[derive(Clone)]
struct Connector(Arc<ConnectorInner>);

impl std::ops::Deref for Connector {
    type Target = ConnectorInner;
    fn deref(&self) -> &ConnectorInner {
        &self.0
    }
}

/// Where `(host, port)` pairs go instead of DNS, by lower-case host.
struct HostOverrides(HashMap<String, Vec<(u16, SocketAddr)>>);

impl HostOverrides {
    fn new(given: HashMap<(String, u16), SocketAddr>) -> Self {
        let mut by_host: HashMap<String, Vec<(u16, SocketAddr)>> = HashMap::new();
        for ((host, port), addr) in given {
            by_host
                .entry(host.to_ascii_lowercase())
                .or_default()
                .push((port, addr));
        }
        HostOverrides(by_host)
    }

    /// The address given for `host` (any case) and `port`.
    fn get(&self, host: &str, port: u16) -> Option<SocketAddr> {
        let ports = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            self.0.get(&host.to_ascii_lowercase())
        } else {
            self.0.get(host)
        }?;
        ports.iter().find(|(p, _)| *p == port).map(|(_, a)| *a)
    }
}

struct ConnectorInner {
    overrides: HostOverrides,
    resolution: Resolution,
    tls: TlsConnector,
    connect_timeout: Duration,
    /// Per `(host, port)`: whether its https server chose HTTP/2 by ALPN.
    protocols: Arc<std::sync::Mutex<HashMap<Authority, bool>>>,
    /// Connections made to learn the protocol, handed to the pool by the next connect.
    spare: Arc<std::sync::Mutex<HashMap<Authority, Vec<Stream>>>>,
}

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<Stream>;
    type Error = ConnectError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let fut = this.connect(uri);
            match tokio::time::timeout(this.connect_timeout, fut).await {
                Ok(r) => r.map(TokioIo::new),
                Err(_) => Err(ConnectError(NetError::TimedOut)),
            }
        })
    }
}

impl Connector {
    fn known_protocol(&self, key: &Authority) -> Option<bool> {
        lock(&self.protocols).get(key).copied()
    }

    async fn connect(&self, uri: Uri) -> Result<Stream, ConnectError> {
        if let Some(key) = authority_key(&uri)
            && let Some(s) = lock(&self.spare).get_mut(&key).and_then(Vec::pop)
        {
            return Ok(s);
        }
        let stream = self.open(&uri).await?;
        if let Some(key) = authority_key(&uri) {
            lock(&self.protocols).insert(key, stream.is_h2());
        }
        Ok(stream)
    }

    async fn open(&self, uri: &Uri) -> Result<Stream, ConnectError> {
        let https = uri.scheme_str() == Some("https");
        let host = uri
            .host()
            .ok_or(ConnectError(NetError::NameNotResolved))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let addrs: Vec<SocketAddr> = match self.overrides.get(&host, port) {
            Some(a) => vec![a],
            None if self.resolution == Resolution::OverridesOnly => {
                return Err(ConnectError(NetError::NameNotResolved));
            }
            None => tokio::net::lookup_host((host.as_str(), port))
                .await
                .map_err(|_| ConnectError(NetError::NameNotResolved))?
                .collect(),
        };
        if addrs.is_empty() {
            return Err(ConnectError(NetError::NameNotResolved));
        }
        let mut last = None;
        let mut tcp = None;
        for a in addrs {
            match TcpStream::connect(a).await {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = Some(e),
            }
        }
        let tcp = match tcp {
            Some(t) => t,
            None => {
                let why = last.map(|e| e.to_string()).unwrap_or_default();
                return Err(ConnectError(NetError::ConnectionFailed(why)));
            }
        };
        let _ = tcp.set_nodelay(true);
        if !https {
            return Ok(Stream::Plain(tcp));
        }
        let name = ServerName::try_from(host.clone())
            .map_err(|e| ConnectError(NetError::Tls(e.to_string())))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| ConnectError(NetError::Tls(e.to_string())))?;
        Ok(Stream::Tls(Box::new(tls)))
    }
}

/// A plain or TLS connection.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl Stream {
    /// True when TLS negotiated HTTP/2.
    fn is_h2(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(s) => s.get_ref().1.alpn_protocol() == Some(b"h2"),
        }
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        if self.is_h2() {
            Connected::new().negotiated_h2()
        } else {
            Connected::new()
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Stream::Plain(s) => s.is_write_vectored(),
            Stream::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
