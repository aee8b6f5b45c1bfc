//! Hostile servers: every misbehaviour ends in a network error ("Failed to fetch", no
//! console line, a `FailureReason::Network`) within the configured limits, never a panic,
//! a hang, or unbounded memory. The servers are hand-written byte streams on 127.0.0.1.
//!
//! The elapsed-time assertions are hang guards with generous slack, not benchmarks.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fetchguard::loopback::TestCa;
use fetchguard::net::Limits;
use fetchguard::{Browser, FailureReason, FetchError, NetError, RedirectError, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);
/// Slack on top of a timeout before a test calls it a hang.
const SLACK: Duration = Duration::from_secs(3);
/// No connection handler lives longer than this, whatever it is doing.
const HANDLER_CAP: Duration = Duration::from_secs(20);

fn limits() -> Limits {
    Limits {
        connect_timeout: CONNECT_TIMEOUT,
        request_timeout: REQUEST_TIMEOUT,
        max_body_bytes: 1024 * 1024,
    }
}

/// A raw TCP server running `behave` on every accepted connection; dropping it stops the
/// accept loop and every connection handler.
struct RawServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn raw_server<F, Fut>(behave: F) -> RawServer
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        // Bounded: no test opens more than a few dozen connections.
        for _ in 0..64 {
            let Ok((tcp, _)) = listener.accept().await else {
                break;
            };
            conns.spawn(tokio::time::timeout(HANDLER_CAP, behave(tcp)));
        }
        // Keep the handlers alive (they end by themselves or at HANDLER_CAP).
        while conns.join_next().await.is_some() {}
    });
    RawServer { addr, task }
}

/// Reads one request head (up to the blank line), at most 64 KiB; false on EOF or error.
async fn read_head(tcp: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while buf.len() < 64 * 1024 {
        match tcp.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            return true;
        }
    }
    false
}

/// Reads the request, writes `bytes`, and closes.
async fn reply_and_close(mut tcp: TcpStream, bytes: Vec<u8>) {
    if read_head(&mut tcp).await {
        let _ = tcp.write_all(&bytes).await;
        let _ = tcp.shutdown().await;
    }
}

/// Fetches `url` from a page on the same origin, through a browser that resolves the
/// URL's host to `addr` (and nothing else), with [`limits`] unless given. Returns the result
/// and the time it took; fails the test if it takes longer than `bound`.
async fn fetch(
    url: &str,
    addr: SocketAddr,
    limits: Limits,
    ca: Option<&TestCa>,
    bound: Duration,
) -> (Result<Response, FetchError>, Duration) {
    let parsed = url::Url::parse(url).expect("url");
    let mut builder = Browser::builder()
        .limits(limits)
        .only_resolved_hosts()
        .resolve(
            parsed.host_str().expect("host"),
            parsed.port_or_known_default().expect("port"),
            addr,
        );
    if let Some(ca) = ca {
        builder = builder.add_root_certificate_der(ca.root_der().to_vec());
    }
    let page = builder.build().page(url).expect("page");
    let start = Instant::now();
    // The outer timeout turns an engine hang into a test failure instead of a stuck suite.
    let res = tokio::time::timeout(bound + SLACK, page.fetch(Request::get(url)))
        .await
        .unwrap_or_else(|_| panic!("fetch of {url} hung past {:?}", bound + SLACK));
    let elapsed = start.elapsed();
    assert!(
        elapsed < bound,
        "fetch of {url} took {elapsed:?}, more than {bound:?}"
    );
    (res, elapsed)
}

/// Asserts a network error as script sees it and returns its kind.
fn network_error(res: Result<Response, FetchError>) -> NetError {
    let err = match res {
        Ok(r) => panic!(
            "expected a network error, got {} with {} body bytes",
            r.status(),
            r.bytes().len()
        ),
        Err(e) => e,
    };
    assert_eq!(err.message(), "Failed to fetch", "{err:?}");
    assert!(err.console().is_empty(), "console: {:?}", err.console());
    match err.reason() {
        FailureReason::Network(n) => n.clone(),
        other => panic!("expected FailureReason::Network, got {other:?}"),
    }
}

/// The usual case: a plain-HTTP server whose failure must show within the request timeout.
async fn plain_failure<F, Fut>(behave: F) -> NetError
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server = raw_server(behave).await;
    let (res, _) = fetch(
        "http://bad.example/x",
        server.addr,
        limits(),
        None,
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    network_error(res)
}

fn is_protocol(e: &NetError) -> bool {
    matches!(e, NetError::Protocol(_))
}

// ---------------------------------------------------------------------------------------
// Malformed heads

#[tokio::test]
async fn header_line_without_colon() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn status_line_that_is_not_http() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 OK 200\r\nContent-Length: 0\r\n\r\n".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn huge_header_block_is_refused_without_buffering_it_all() {
    // 10 MB of headers; the client must give up long before reading them all.
    let e = plain_failure(|tcp| async move {
        let mut head = b"HTTP/1.1 200 OK\r\n".to_vec();
        let line = format!("X-Pad: {}\r\n", "a".repeat(1000));
        while head.len() < 10 * 1024 * 1024 {
            head.extend_from_slice(line.as_bytes());
        }
        head.extend_from_slice(b"Content-Length: 0\r\n\r\n");
        reply_and_close(tcp, head).await;
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn one_huge_header_value() {
    let e = plain_failure(|tcp| async move {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'v', 10 * 1024 * 1024));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        reply_and_close(tcp, head).await;
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn invalid_bytes_in_header_name() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 200 OK\r\nX\x01Bad Name: v\r\nContent-Length: 0\r\n\r\n".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn nul_and_control_bytes_in_header_value() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 200 OK\r\nX-Bad: a\x00b\x7f\r\nContent-Length: 0\r\n\r\n".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn plain_garbage_instead_of_http() {
    let e = plain_failure(|tcp| {
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        reply_and_close(tcp, garbage)
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn http09_style_answer() {
    let e = plain_failure(|tcp| reply_and_close(tcp, b"hello\n".to_vec())).await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn endless_garbage_without_a_line_break() {
    // The head never ends; the client's head-size limit (or the timeout) must stop it.
    let e = plain_failure(|mut tcp| async move {
        if read_head(&mut tcp).await {
            let chunk = vec![b'z'; 64 * 1024];
            for _ in 0..16 * 1024 {
                if tcp.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        }
    })
    .await;
    assert!(
        matches!(e, NetError::Protocol(_) | NetError::TimedOut),
        "{e:?}"
    );
}

#[tokio::test]
async fn close_without_answering() {
    let e = plain_failure(|mut tcp| async move {
        read_head(&mut tcp).await;
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

// ---------------------------------------------------------------------------------------
// Lying lengths and endless bodies

#[tokio::test]
async fn content_length_longer_than_the_body() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly twenty bytes...".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn conflicting_content_lengths() {
    let e = plain_failure(|tcp| {
        reply_and_close(
            tcp,
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello".to_vec(),
        )
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn content_length_shorter_than_the_body_reads_the_declared_length() {
    // Chromium reads exactly Content-Length bytes and does not reuse the connection; the
    // surplus is never taken for the next response. Not a network error: a success with
    // the declared body, and a second fetch on the same browser that is just as fine.
    let conns = Arc::new(AtomicUsize::new(0));
    let c = conns.clone();
    let server = raw_server(move |mut tcp| {
        c.fetch_add(1, Ordering::SeqCst);
        async move {
            // Answer up to two requests on the connection, each with surplus bytes.
            for _ in 0..2 {
                if !read_head(&mut tcp).await {
                    return;
                }
                let r = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n\r\n";
                if tcp.write_all(r).await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    let browser = Browser::builder()
        .limits(limits())
        .only_resolved_hosts()
        .resolve("bad.example", 80, server.addr)
        .build();
    let page = browser.page("http://bad.example/").unwrap();
    for _ in 0..2 {
        let res = tokio::time::timeout(
            REQUEST_TIMEOUT + SLACK,
            page.fetch(Request::get("http://bad.example/x")),
        )
        .await
        .expect("no hang");
        let res = res.expect("the declared body is a valid response");
        assert_eq!(res.status(), 200);
        assert_eq!(res.text(), "hello");
    }
}

/// A server that answers with a chunked body that never ends, writing `chunk` every
/// `pause` (bounded by [`HANDLER_CAP`] and by the client going away).
async fn endless_chunked(chunk_len: usize, pause: Duration) -> RawServer {
    raw_server(move |mut tcp| async move {
        if !read_head(&mut tcp).await {
            return;
        }
        if tcp
            .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
        let mut chunk = format!("{chunk_len:x}\r\n").into_bytes();
        chunk.extend(std::iter::repeat_n(b'x', chunk_len));
        chunk.extend_from_slice(b"\r\n");
        let deadline = Instant::now() + HANDLER_CAP;
        while Instant::now() < deadline {
            if tcp.write_all(&chunk).await.is_err() {
                return;
            }
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
        }
    })
    .await
}

#[tokio::test]
async fn endless_body_hits_max_body_bytes() {
    // As fast as loopback goes: the size limit must stop it well before the timeout.
    let server = endless_chunked(16 * 1024, Duration::ZERO).await;
    let small = Limits {
        max_body_bytes: 256 * 1024,
        // Long enough that only the size limit can end this fetch in time.
        request_timeout: Duration::from_secs(30),
        ..limits()
    };
    let (res, _) = fetch(
        "http://bad.example/x",
        server.addr,
        small,
        None,
        Duration::from_secs(10),
    )
    .await;
    let e = network_error(res);
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn endless_declared_body_hits_max_body_bytes() {
    // A Content-Length far above the limit, then bytes that keep coming.
    let server = raw_server(|mut tcp| async move {
        if !read_head(&mut tcp).await {
            return;
        }
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n";
        if tcp.write_all(head).await.is_err() {
            return;
        }
        let chunk = vec![b'y'; 64 * 1024];
        let deadline = Instant::now() + HANDLER_CAP;
        while Instant::now() < deadline {
            if tcp.write_all(&chunk).await.is_err() {
                return;
            }
        }
    })
    .await;
    let small = Limits {
        max_body_bytes: 256 * 1024,
        request_timeout: Duration::from_secs(30),
        ..limits()
    };
    let (res, _) = fetch(
        "http://bad.example/x",
        server.addr,
        small,
        None,
        Duration::from_secs(10),
    )
    .await;
    let e = network_error(res);
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn endless_slow_body_hits_the_request_timeout() {
    // 1 KiB every 20 ms never reaches the size limit within the timeout.
    let server = endless_chunked(1024, Duration::from_millis(20)).await;
    let (res, elapsed) = fetch(
        "http://bad.example/x",
        server.addr,
        limits(),
        None,
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    assert_eq!(network_error(res), NetError::TimedOut);
    assert!(elapsed >= REQUEST_TIMEOUT, "{elapsed:?}");
}

#[tokio::test]
async fn close_delimited_body_that_never_closes() {
    // No length, no chunking: the body runs until close, which never comes.
    let e = plain_failure(|mut tcp| async move {
        if !read_head(&mut tcp).await {
            return;
        }
        if tcp
            .write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstart")
            .await
            .is_err()
        {
            return;
        }
        for _ in 0..1000 {
            if tcp.write_all(b"more").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(e, NetError::TimedOut);
}

// ---------------------------------------------------------------------------------------
// Stalls and resets

#[tokio::test]
async fn slowloris_accepts_and_says_nothing() {
    let e = plain_failure(|mut tcp| async move {
        read_head(&mut tcp).await;
        tokio::time::sleep(HANDLER_CAP).await;
        drop(tcp);
    })
    .await;
    assert_eq!(e, NetError::TimedOut);
}

#[tokio::test]
async fn slowloris_half_a_status_line() {
    let e = plain_failure(|mut tcp| async move {
        if read_head(&mut tcp).await {
            let _ = tcp.write_all(b"HTTP/1.1 20").await;
            tokio::time::sleep(HANDLER_CAP).await;
        }
    })
    .await;
    assert_eq!(e, NetError::TimedOut);
}

#[tokio::test]
async fn slowloris_one_header_byte_at_a_time() {
    let e = plain_failure(|mut tcp| async move {
        if !read_head(&mut tcp).await {
            return;
        }
        let _ = tcp.write_all(b"HTTP/1.1 200 OK\r\n").await;
        for _ in 0..1000 {
            if tcp.write_all(b"X").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(e, NetError::TimedOut);
}

#[tokio::test]
async fn slowloris_headers_then_no_body() {
    let e = plain_failure(|mut tcp| async move {
        if read_head(&mut tcp).await {
            let _ = tcp
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                .await;
            tokio::time::sleep(HANDLER_CAP).await;
        }
    })
    .await;
    assert_eq!(e, NetError::TimedOut);
}

/// Closes with a TCP reset instead of a FIN.
fn reset(tcp: TcpStream) {
    let _ = tcp.set_zero_linger();
    drop(tcp);
}

#[tokio::test]
async fn reset_mid_body() {
    let e = plain_failure(|mut tcp| async move {
        if read_head(&mut tcp).await {
            let _ = tcp
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
                .await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            reset(tcp);
        }
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn reset_mid_head() {
    let e = plain_failure(|mut tcp| async move {
        if read_head(&mut tcp).await {
            let _ = tcp.write_all(b"HTTP/1.1 200 OK\r\nX-A: ").await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            reset(tcp);
        }
    })
    .await;
    assert!(is_protocol(&e), "{e:?}");
}

#[tokio::test]
async fn reset_on_accept() {
    let e = plain_failure(|tcp| async move { reset(tcp) }).await;
    assert!(
        matches!(e, NetError::Protocol(_) | NetError::ConnectionFailed(_)),
        "{e:?}"
    );
}

#[tokio::test]
async fn nothing_listening() {
    // A port that was bound and released: connection refused.
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        l.local_addr().unwrap()
    };
    let (res, _) = fetch(
        "http://bad.example/x",
        addr,
        limits(),
        None,
        CONNECT_TIMEOUT + SLACK,
    )
    .await;
    assert!(
        matches!(network_error(res), NetError::ConnectionFailed(_)),
        "refused"
    );
}

// ---------------------------------------------------------------------------------------
// TLS

/// A TLS server on 127.0.0.1 presenting a certificate for `cert_host` from `ca`, answering
/// every request with 200 "ok".
async fn tls_server(ca: &TestCa, cert_host: &str) -> RawServer {
    let (chain, key) = ca.issue(&[cert_host]).expect("issue");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("cert");
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    raw_server(move |tcp| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = tls.read(&mut buf).await;
            let _ = tls
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .await;
            let _ = tls.shutdown().await;
        }
    })
    .await
}

async fn https_failure(server: &RawServer, ca: &TestCa, bound: Duration) -> NetError {
    let (res, _) = fetch(
        "https://api.example/x",
        server.addr,
        limits(),
        Some(ca),
        bound,
    )
    .await;
    network_error(res)
}

#[tokio::test]
async fn tls_control_a_trusted_certificate_works() {
    // The control for the TLS cases: the same server with the right name succeeds.
    let ca = TestCa::new().unwrap();
    let server = tls_server(&ca, "api.example").await;
    let (res, _) = fetch(
        "https://api.example/x",
        server.addr,
        limits(),
        Some(&ca),
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    assert_eq!(res.expect("trusted").text(), "ok");
}

#[tokio::test]
async fn tls_certificate_for_another_name() {
    let ca = TestCa::new().unwrap();
    let server = tls_server(&ca, "other.example").await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert!(matches!(e, NetError::Tls(_)), "{e:?}");
}

#[tokio::test]
async fn tls_certificate_from_an_untrusted_ca() {
    let ca = TestCa::new().unwrap();
    let stranger = TestCa::new().unwrap();
    let server = tls_server(&stranger, "api.example").await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert!(matches!(e, NetError::Tls(_)), "{e:?}");
}

#[tokio::test]
async fn tls_port_answering_plain_http() {
    let ca = TestCa::new().unwrap();
    let server = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 1024];
        let _ = tcp.read(&mut buf).await;
        let _ = tcp
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
        let _ = tcp.shutdown().await;
    })
    .await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert!(matches!(e, NetError::Tls(_)), "{e:?}");
}

#[tokio::test]
async fn tls_port_answering_garbage() {
    let ca = TestCa::new().unwrap();
    let server = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 1024];
        let _ = tcp.read(&mut buf).await;
        let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 3) as u8).collect();
        let _ = tcp.write_all(&garbage).await;
        let _ = tcp.shutdown().await;
    })
    .await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert!(matches!(e, NetError::Tls(_)), "{e:?}");
}

#[tokio::test]
async fn tls_handshake_that_stalls_hits_the_connect_timeout() {
    let ca = TestCa::new().unwrap();
    let server = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 1024];
        let _ = tcp.read(&mut buf).await;
        tokio::time::sleep(HANDLER_CAP).await;
    })
    .await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert_eq!(e, NetError::TimedOut);
}

#[tokio::test]
async fn tls_closed_during_handshake() {
    let ca = TestCa::new().unwrap();
    let server = raw_server(|mut tcp| async move {
        let mut buf = [0u8; 1024];
        let _ = tcp.read(&mut buf).await;
        reset(tcp);
    })
    .await;
    let e = https_failure(&server, &ca, CONNECT_TIMEOUT + SLACK).await;
    assert!(
        matches!(e, NetError::Tls(_) | NetError::ConnectionFailed(_)),
        "{e:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Redirect loop: not a network error but a redirect failure, still bounded.

#[tokio::test]
async fn redirect_loop_stops_at_twenty() {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let server = raw_server(move |mut tcp| {
        let h = h.clone();
        async move {
            // Keep-alive: answer every request on the connection with a redirect to itself.
            for _ in 0..100 {
                if !read_head(&mut tcp).await {
                    return;
                }
                h.fetch_add(1, Ordering::SeqCst);
                let r = b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n";
                if tcp.write_all(r).await.is_err() {
                    return;
                }
            }
        }
    })
    .await;
    let (res, _) = fetch(
        "http://bad.example/loop",
        server.addr,
        limits(),
        None,
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    let err = res.expect_err("a loop never settles");
    assert_eq!(err.message(), "Failed to fetch");
    assert!(err.console().is_empty(), "{:?}", err.console());
    assert_eq!(
        err.reason(),
        &FailureReason::Redirect(RedirectError::TooManyRedirects)
    );
    // The first request and twenty redirects followed.
    assert_eq!(hits.load(Ordering::SeqCst), 21);
}

// ---------------------------------------------------------------------------------------
// Many hostile fetches at once do not interfere or pile up.

#[tokio::test]
async fn concurrent_stalls_all_time_out_together() {
    let server = raw_server(|mut tcp| async move {
        read_head(&mut tcp).await;
        tokio::time::sleep(HANDLER_CAP).await;
    })
    .await;
    let browser = Browser::builder()
        .limits(limits())
        .only_resolved_hosts()
        .resolve("bad.example", 80, server.addr)
        .build();
    let page = browser.page("http://bad.example/").unwrap();
    let start = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..16 {
        let page = page.clone();
        set.spawn(async move {
            page.fetch(Request::get(format!("http://bad.example/{i}")))
                .await
        });
    }
    let mut n = 0;
    while let Some(r) = tokio::time::timeout(REQUEST_TIMEOUT + SLACK, set.join_next())
        .await
        .expect("no hang")
    {
        assert_eq!(network_error(r.expect("no panic")), NetError::TimedOut);
        n += 1;
    }
    assert_eq!(n, 16);
    assert!(start.elapsed() < REQUEST_TIMEOUT + SLACK);
}

// ---------------------------------------------------------------------------------------
// HTTP/2 (negotiated by ALPN with the loopback origin server)

// Multi-threaded so the server's work on 10 MB of headers does not starve the client's
// timer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2_huge_header_block() {
    use fetchguard::loopback::{CannedResponse, OriginServer, RequestLog};
    let ca = TestCa::new().unwrap();
    // 1 MB: far above the 16 KiB header list the client advertises, small enough for the
    // (debug-built) server to encode quickly.
    let big = "v".repeat(1024 * 1024);
    let server = OriginServer::start(
        "https://api.example",
        Arc::new(move |_req| CannedResponse::status(200).header("x-big", &big)),
        Some(&ca),
        RequestLog::default(),
    )
    .await
    .expect("server");
    let (res, _) = fetch(
        "https://api.example/x",
        server.addr(),
        limits(),
        Some(&ca),
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    let e = network_error(res);
    // Refused by the client (Protocol), or the server too slow at encoding (TimedOut).
    assert!(
        matches!(e, NetError::Protocol(_) | NetError::TimedOut),
        "{e:?}"
    );
}

#[tokio::test]
async fn h2_garbage_after_alpn() {
    let ca = TestCa::new().unwrap();
    let (chain, key) = ca.issue(&["api.example"]).expect("issue");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .expect("cert");
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let server = raw_server(move |tcp| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                return;
            };
            let mut buf = [0u8; 4096];
            let _ = tls.read(&mut buf).await;
            let _ = tls.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot a frame").await;
            let _ = tls.shutdown().await;
        }
    })
    .await;
    let e = https_failure(&server, &ca, REQUEST_TIMEOUT + SLACK).await;
    assert!(is_protocol(&e), "{e:?}");
}

// ---------------------------------------------------------------------------------------
// Controls: large but legitimate heads that Chromium accepts (its limit is a 256 KiB
// header block, with no count limit) must not be mistaken for hostile ones.

#[tokio::test]
async fn many_small_headers_are_accepted() {
    let server = raw_server(|tcp| {
        let mut head = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n".to_vec();
        for i in 0..500 {
            head.extend_from_slice(format!("X-H{i}: {i}\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\nok");
        reply_and_close(tcp, head)
    })
    .await;
    let (res, _) = fetch(
        "http://bad.example/x",
        server.addr,
        limits(),
        None,
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    let res = res.expect("500 small headers are a valid response");
    assert_eq!(res.header("x-h499"), Some("499"));
}

#[tokio::test]
async fn h1_header_block_of_100_kib_is_accepted() {
    let server = raw_server(|tcp| {
        let mut head = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n".to_vec();
        for i in 0..50 {
            head.extend_from_slice(format!("X-H{i}: {}\r\n", "v".repeat(2000)).as_bytes());
        }
        head.extend_from_slice(b"\r\nok");
        reply_and_close(tcp, head)
    })
    .await;
    let (res, _) = fetch(
        "http://bad.example/x",
        server.addr,
        limits(),
        None,
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    assert_eq!(res.expect("100 KiB of headers").text(), "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2_header_block_of_64_kib_is_accepted() {
    use fetchguard::loopback::{CannedResponse, OriginServer, RequestLog};
    let ca = TestCa::new().unwrap();
    let server = OriginServer::start(
        "https://api.example",
        Arc::new(|_req| {
            let mut r = CannedResponse::status(200).body("ok");
            for i in 0..32 {
                r = r.header(&format!("x-h{i}"), &"v".repeat(2000));
            }
            r
        }),
        Some(&ca),
        RequestLog::default(),
    )
    .await
    .expect("server");
    let (res, _) = fetch(
        "https://api.example/x",
        server.addr(),
        limits(),
        Some(&ca),
        REQUEST_TIMEOUT + SLACK,
    )
    .await;
    assert_eq!(res.expect("64 KiB of h2 headers").text(), "ok");
}
