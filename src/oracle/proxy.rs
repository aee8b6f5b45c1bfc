//! One loopback HTTP proxy for every origin of a run: the way Firefox and WebKit reach the
//! scenario's virtual hosts (they have no `--host-resolver-rules`).
//!
//! A request in absolute form (`GET http://api.example/x HTTP/1.1`) is answered by the
//! handler of the origin it names; `CONNECT host:port` opens a tunnel in which the proxy
//! itself terminates TLS with a certificate the run's CA issued for `host`, then serves
//! HTTP/2 or HTTP/1.1 (by ALPN) from that origin's handler. Either way the request goes
//! through the same recording code as an [`OriginServer`](crate::loopback::OriginServer),
//! into the same log. A host no origin names is unreachable: the proxy closes the
//! connection without an answer, for a plain request and a `CONNECT` alike (Firefox and
//! WebKit then fail the fetch with a network error, as for a host that does not resolve).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use crate::loopback::{Handler, RequestLog, TestCa, answer};

/// An origin behind the proxy.
struct Target {
    base: Url,
    handler: Handler,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

/// A running proxy; it stops when dropped.
pub(crate) struct Proxy {
    addr: SocketAddr,
    /// The DER server certificate issued for each https host (by host name).
    certs: HashMap<String, Vec<u8>>,
    task: JoinHandle<()>,
}

/// The key of an origin: `scheme://host:port`, the port always written.
fn key(scheme: &str, host: &str, port: u16) -> String {
    format!("{scheme}://{}:{port}", host.to_ascii_lowercase())
}

impl Proxy {
    /// Serves each `(origin URL, handler)` behind one listener on 127.0.0.1 (an
    /// OS-assigned port); https origins use certificates `ca` issues.
    pub(crate) async fn start(
        origins: &[(Url, Handler)],
        ca: &TestCa,
        log: RequestLog,
    ) -> std::io::Result<Proxy> {
        let mut targets = HashMap::new();
        let mut certs = HashMap::new();
        let mut acceptors: HashMap<String, tokio_rustls::TlsAcceptor> = HashMap::new();
        for (url, handler) in origins {
            let host = url.host_str().unwrap_or_default().to_string();
            let port = url.port_or_known_default().unwrap_or(0);
            let tls = if url.scheme() == "https" {
                // One certificate per host, whatever the port: WebKit accepts one
                // certificate per host.
                let bare = host.trim_matches(|c| c == '[' || c == ']').to_string();
                if !acceptors.contains_key(&bare) {
                    let (chain, key) = ca
                        .issue(&[&bare])
                        .map_err(|e| std::io::Error::other(e.to_string()))?;
                    certs.insert(bare.clone(), chain[0].to_vec());
                    acceptors.insert(bare.clone(), crate::loopback::tls_acceptor_for(chain, key)?);
                }
                acceptors.get(&bare).cloned()
            } else {
                None
            };
            targets.insert(
                key(url.scheme(), &host, port),
                Arc::new(Target {
                    base: url.clone(),
                    handler: handler.clone(),
                    tls,
                }),
            );
        }
        let targets = Arc::new(targets);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let _ = tcp.set_nodelay(true);
                let targets = targets.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let svc = service_fn(move |req| {
                        let targets = targets.clone();
                        let log = log.clone();
                        async move { proxy_request(req, &targets, &log).await }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .auto_date_header(false)
                        .serve_connection(TokioIo::new(tcp), svc)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Ok(Proxy { addr, certs, task })
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every https host with its DER certificate.
    pub(crate) fn certificates(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.certs.iter().map(|(h, c)| (h.as_str(), c.as_slice()))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why the proxy drops a connection without answering (a host it does not serve).
#[derive(Debug)]
struct Unreachable(String);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no origin serves {}", self.0)
    }
}

impl std::error::Error for Unreachable {}

/// Headers a client sends to the proxy itself, not to the origin: not recorded.
const PROXY_HEADERS: &[&str] = &["proxy-connection", "proxy-authorization"];

async fn proxy_request(
    mut req: hyper::Request<hyper::body::Incoming>,
    targets: &HashMap<String, Arc<Target>>,
    log: &RequestLog,
) -> Result<hyper::Response<Full<Bytes>>, Unreachable> {
    if req.method() == hyper::Method::CONNECT {
        let authority = req.uri().authority().cloned();
        let target = authority.as_ref().and_then(|a| {
            targets
                .get(&key("https", a.host(), a.port_u16().unwrap_or(443)))
                .filter(|t| t.tls.is_some())
                .cloned()
        });
        // An unreachable host: the tunnel is refused by closing the connection
        // (a `502` would reach WebKit's page as a response with that status).
        let Some(target) = target else {
            return Err(Unreachable(format!("CONNECT {}", req.uri())));
        };
        let log = log.clone();
        tokio::spawn(async move {
            let Ok(upgraded) = hyper::upgrade::on(&mut req).await else {
                return;
            };
            let Some(acc) = target.tls.clone() else {
                return;
            };
            let Ok(tls) = acc.accept(TokioIo::new(upgraded)).await else {
                return;
            };
            let svc = service_fn(move |req| {
                let target = target.clone();
                let log = log.clone();
                async move {
                    Ok::<_, Infallible>(answer(req, &target.base, &*target.handler, &log).await)
                }
            });
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().auto_date_header(false);
            builder.http2().auto_date_header(false);
            let _ = builder.serve_connection(TokioIo::new(tls), svc).await;
        });
        return Ok(hyper::Response::new(Full::new(Bytes::new())));
    }
    let uri = req.uri().clone();
    let target = match (uri.scheme_str(), uri.host()) {
        (Some("http"), Some(host)) => targets
            .get(&key("http", host, uri.port_u16().unwrap_or(80)))
            .cloned(),
        _ => None,
    };
    let Some(target) = target else {
        return Err(Unreachable(uri.to_string()));
    };
    for name in PROXY_HEADERS {
        req.headers_mut().remove(*name);
    }
    Ok(answer(req, &target.base, &*target.handler, log).await)
}

/// PEM text for a DER object (`label` is e.g. `CERTIFICATE`).
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A scenario's origins ([`Prepared`]) all served behind one proxy, for the browsers that
/// have no host-resolver switch (Firefox, WebKitGTK).
pub(crate) async fn serve_behind_proxy(
    loaded: &crate::scenario::LoadedScenario,
    mark: super::driver::ConsoleMark,
) -> Result<(super::Prepared, Proxy), super::OracleError> {
    let prepared = super::Prepared::new(loaded, mark)?;
    let origins: Vec<_> = prepared
        .origins
        .iter()
        .map(|(_, u, h)| (u.clone(), h.clone()))
        .collect();
    let proxy = Proxy::start(&origins, &prepared.ca, prepared.log.clone())
        .await
        .map_err(|e| super::OracleError::Setup(format!("proxy: {e}")))?;
    Ok((prepared, proxy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loopback::CannedResponse;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    fn handler(tag: &'static str) -> Handler {
        Arc::new(move |req| {
            CannedResponse::status(200)
                .header("X-Seen", req.url.as_str())
                .body(format!("{tag} {}", req.method))
        })
    }

    async fn proxy() -> (Proxy, RequestLog, TestCa) {
        let ca = TestCa::new().unwrap();
        let log = RequestLog::default();
        let origins = vec![
            (
                Url::parse("http://plain.example").unwrap(),
                handler("plain"),
            ),
            (Url::parse("https://api.example").unwrap(), handler("tls")),
            (
                Url::parse("https://alt.example:8443").unwrap(),
                handler("alt"),
            ),
            (
                Url::parse("https://alt.example").unwrap(),
                handler("alt443"),
            ),
        ];
        let p = Proxy::start(&origins, &ca, log.clone()).await.unwrap();
        (p, log, ca)
    }

    /// Reads until the end of a response head (`\r\n\r\n`), byte by byte.
    async fn read_head<S: tokio::io::AsyncRead + Unpin>(s: &mut S) -> String {
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if s.read(&mut b).await.unwrap() == 0 {
                break;
            }
            head.push(b[0]);
        }
        String::from_utf8_lossy(&head).into_owned()
    }

    #[tokio::test]
    async fn absolute_uri_requests_reach_their_origin_and_are_recorded() {
        let (p, log, _ca) = proxy().await;
        let mut s = TcpStream::connect(p.addr()).await.unwrap();
        s.write_all(
            b"GET http://plain.example/a?b=1 HTTP/1.1\r\nHost: plain.example\r\n\
              Proxy-Connection: keep-alive\r\nX-Mine: 1\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
        assert!(
            out.to_ascii_lowercase()
                .contains("x-seen: http://plain.example/a?b=1"),
            "{out}"
        );
        assert!(out.ends_with("plain GET"), "{out}");
        let log = log.lock().unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].url.as_str(), "http://plain.example/a?b=1");
        assert_eq!(log[0].header("x-mine"), Some("1"));
        assert_eq!(log[0].header("proxy-connection"), None);
    }

    #[tokio::test]
    async fn unknown_hosts_are_unreachable() {
        let (p, log, _ca) = proxy().await;
        for req in [
            "GET http://nowhere.example/ HTTP/1.1\r\nHost: nowhere.example\r\n\r\n",
            // An origin served over https only: no plain http there.
            "GET http://api.example/ HTTP/1.1\r\nHost: api.example\r\n\r\n",
            "CONNECT nowhere.example:443 HTTP/1.1\r\nHost: nowhere.example:443\r\n\r\n",
            // The right host on the wrong port.
            "CONNECT api.example:8443 HTTP/1.1\r\nHost: api.example:8443\r\n\r\n",
        ] {
            let mut s = TcpStream::connect(p.addr()).await.unwrap();
            s.write_all(req.as_bytes()).await.unwrap();
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out).await;
            assert!(out.is_empty(), "{req}: {}", String::from_utf8_lossy(&out));
        }
        assert!(log.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn connect_tunnels_terminate_tls_with_a_certificate_for_the_host() {
        let (p, log, ca) = proxy().await;
        assert!(p.certificates().any(|(h, _)| h == "alt.example"));
        assert_eq!(p.certificates().count(), 2);
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(
                ca.root_der().to_vec(),
            ))
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(cfg));

        for (authority, host, tag) in [
            ("api.example:443", "api.example", "tls"),
            ("alt.example:8443", "alt.example", "alt"),
            ("alt.example:443", "alt.example", "alt443"),
        ] {
            let mut s = TcpStream::connect(p.addr()).await.unwrap();
            let connect = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
            s.write_all(connect.as_bytes()).await.unwrap();
            let head = read_head(&mut s).await;
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            let name = rustls::pki_types::ServerName::try_from(host.to_string()).unwrap();
            let mut tls = connector.connect(name, s).await.unwrap();
            // The certificate WebKit is told to accept for the host, on every port.
            let presented = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
            let listed = p.certificates().find(|(h, _)| *h == host).unwrap().1;
            assert_eq!(presented, listed, "{authority}");
            tls.write_all(
                format!("PUT /p HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await
            .unwrap();
            let mut out = Vec::new();
            let _ = tls.read_to_end(&mut out).await;
            let out = String::from_utf8_lossy(&out);
            assert!(out.starts_with("HTTP/1.1 200"), "{out}");
            assert!(out.ends_with(&format!("{tag} PUT")), "{out}");
        }
        let urls: Vec<String> = log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.url.to_string())
            .collect();
        assert_eq!(
            urls,
            [
                "https://api.example/p",
                "https://alt.example:8443/p",
                "https://alt.example/p"
            ]
        );
    }

    #[test]
    fn pem_is_base64_in_64_column_lines() {
        assert_eq!(
            pem("X", b"Man"),
            "-----BEGIN X-----\nTWFu\n-----END X-----\n"
        );
        assert_eq!(
            pem("X", b"Ma"),
            "-----BEGIN X-----\nTWE=\n-----END X-----\n"
        );
        assert_eq!(pem("X", b"M"), "-----BEGIN X-----\nTQ==\n-----END X-----\n");
        let long = pem("C", &[0u8; 60]);
        let lines: Vec<&str> = long.lines().collect();
        assert_eq!(lines[1].len(), 64);
        assert_eq!(lines[2].len(), 16);
    }
}
