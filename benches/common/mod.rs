//! Shared pieces of the benchmarks: a minimal loopback origin server that counts its
//! connections, an axum API answering CORS, and small measuring helpers.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

/// The page's origin in every benchmark.
pub const APP: &str = "https://app.example";

/// An axum API: `GET /data` readable (with credentials too) by the requesting origin,
/// `PUT /items` answered after a preflight that allows it for 600 s.
pub fn api_router() -> axum::Router {
    use axum::http::{HeaderMap, HeaderValue, header};
    use axum::routing::get;

    fn allow(req: &HeaderMap) -> [(header::HeaderName, HeaderValue); 2] {
        let origin = req
            .get(header::ORIGIN)
            .cloned()
            .unwrap_or(HeaderValue::from_static(APP));
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
            (
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ),
        ]
    }
    axum::Router::new()
        .route(
            "/data",
            get(|h: HeaderMap| async move { (allow(&h), "{\"ok\":true}") }),
        )
        .route(
            "/items",
            axum::routing::put(|h: HeaderMap| async move { (allow(&h), "{\"stored\":true}") })
                .options(|h: HeaderMap| async move {
                    (
                        [
                            (header::ACCESS_CONTROL_ALLOW_ORIGIN, allow(&h)[0].1.clone()),
                            (
                                header::ACCESS_CONTROL_ALLOW_METHODS,
                                HeaderValue::from_static("GET, PUT"),
                            ),
                            (
                                header::ACCESS_CONTROL_ALLOW_HEADERS,
                                HeaderValue::from_static("content-type"),
                            ),
                            (
                                header::ACCESS_CONTROL_MAX_AGE,
                                HeaderValue::from_static("600"),
                            ),
                        ],
                        "",
                    )
                }),
        )
}

/// Connection counters of a [`CountingServer`].
#[derive(Default)]
pub struct ConnStats {
    /// Connections accepted so far.
    pub accepted: AtomicUsize,
    /// Connections open now.
    pub open: AtomicUsize,
    /// Requests answered.
    pub requests: AtomicUsize,
    /// When non-zero, responses are held back until this many requests have arrived
    /// (then all of that batch are answered together), so that many fetches are
    /// provably in flight at once.
    pub hold: AtomicUsize,
    held: AtomicUsize,
    released: AtomicUsize,
    release: tokio::sync::Notify,
}

impl ConnStats {
    /// Waits, under [`ConnStats::hold`], until this request's batch is complete.
    async fn gate(&self) {
        let hold = self.hold.load(Ordering::SeqCst);
        if hold == 0 {
            return;
        }
        let k = self.held.fetch_add(1, Ordering::SeqCst) + 1;
        let batch = (k - 1) / hold;
        if k.is_multiple_of(hold) {
            self.released.store(batch + 1, Ordering::SeqCst);
            self.release.notify_waiters();
            return;
        }
        loop {
            let notified = self.release.notified();
            if self.released.load(Ordering::SeqCst) > batch {
                return;
            }
            notified.await;
        }
    }
}

/// A hyper server on 127.0.0.1 answering every request with 200, a small JSON body and
/// `Access-Control-Allow-Origin: <the request's Origin>`; it runs on a thread (and a
/// runtime) of its own and stops when dropped.
pub struct CountingServer {
    pub addr: SocketAddr,
    pub stats: Arc<ConnStats>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for CountingServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl CountingServer {
    /// Plain HTTP/1.1 (and h2c by prior knowledge).
    pub fn plain() -> Self {
        Self::start(None, None)
    }

    /// HTTPS for `host` with a certificate from `ca`; ALPN offers h2 then http/1.1.
    /// `max_streams` bounds concurrent HTTP/2 streams per connection.
    pub fn tls(ca: &fetchguard::loopback::TestCa, host: &str, max_streams: u32) -> Self {
        let (chain, key) = ca.issue(&[host]).expect("issue a certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate");
        cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Self::start(
            Some(tokio_rustls::TlsAcceptor::from(Arc::new(cfg))),
            Some(max_streams),
        )
    }

    fn start(acceptor: Option<tokio_rustls::TlsAcceptor>, max_streams: Option<u32>) -> Self {
        let stats = Arc::new(ConnStats::default());
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let st = stats.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                // A deep accept queue: the scale benchmark opens thousands of connections
                // at once.
                let socket = tokio::net::TcpSocket::new_v4().expect("socket");
                socket
                    .bind("127.0.0.1:0".parse().expect("addr"))
                    .expect("bind 127.0.0.1");
                let listener = socket.listen(4096).expect("listen");
                addr_tx
                    .send(listener.local_addr().expect("local addr"))
                    .expect("send addr");
                loop {
                    let (tcp, _) = tokio::select! {
                        _ = &mut stop_rx => return,
                        a = listener.accept() => match a { Ok(a) => a, Err(_) => continue },
                    };
                    let _ = tcp.set_nodelay(true);
                    st.accepted.fetch_add(1, Ordering::SeqCst);
                    st.open.fetch_add(1, Ordering::SeqCst);
                    let st = st.clone();
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let st2 = st.clone();
                        let svc = hyper::service::service_fn(
                            move |req: hyper::Request<hyper::body::Incoming>| {
                                let st = st2.clone();
                                async move {
                                    let origin = req
                                        .headers()
                                        .get(http::header::ORIGIN)
                                        .cloned()
                                        .unwrap_or(http::HeaderValue::from_static(APP));
                                    let _ = req.into_body().collect().await;
                                    st.gate().await;
                                    st.requests.fetch_add(1, Ordering::Relaxed);
                                    let mut res = hyper::Response::new(Full::new(
                                        Bytes::from_static(b"{\"ok\":true}"),
                                    ));
                                    res.headers_mut()
                                        .insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                                    Ok::<_, Infallible>(res)
                                }
                            },
                        );
                        let mut builder = auto::Builder::new(TokioExecutor::new());
                        if let Some(n) = max_streams {
                            builder.http2().max_concurrent_streams(n);
                        }
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
                        st.open.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
        });
        let addr = addr_rx.recv().expect("server address");
        CountingServer {
            addr,
            stats,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

/// A line `Name:  value kB` of /proc/self/status, in KiB.
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Median and p95 of a sample (sorted in place).
pub fn median_p95(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

/// The CPU time this thread has used so far, in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`:
/// exact at every read, where `/proc/thread-self/schedstat` moves only at scheduler ticks
/// and quantized short batches to 4 ms); `None` if the clock is not available.
pub fn thread_cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the duration of the call.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A second measurement, robust to a loaded machine: ROUNDS rounds, in each every client
/// does BATCH fetches in turn (the order rotating), so each round's clients share the
/// same load. Prints per client the median and minimum per-fetch wall time over the
/// rounds, and the client thread's CPU time per fetch (the runtime is current-thread, so
/// that thread does all of the client's work; the server runs on its own thread), then
/// each client's ratio to the first: the median of the per-round ratios.
/// `{PREFIX}_ROUNDS` (default 30) and `{PREFIX}_BATCH` (default 200).
pub fn interleaved(prefix: &str, clients: &mut [(&str, &mut dyn FnMut() -> u16)]) {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (rounds, batch) = (
        env(&format!("{prefix}_ROUNDS"), 30),
        env(&format!("{prefix}_BATCH"), 200),
    );
    let n = clients.len();
    let mut wall = vec![Vec::new(); n];
    let mut cpu = vec![Vec::new(); n];
    for r in 0..rounds {
        for k in 0..n {
            let i = (r + k) % n;
            let f = &mut clients[i].1;
            let c0 = thread_cpu_ns();
            let t0 = std::time::Instant::now();
            for _ in 0..batch {
                assert_eq!(f(), 200);
            }
            let dt = t0.elapsed().as_secs_f64() * 1e6 / batch as f64;
            wall[i].push(dt);
            if let (Some(a), Some(b)) = (c0, thread_cpu_ns()) {
                cpu[i].push((b - a) as f64 / 1e3 / batch as f64);
            }
        }
    }
    println!("interleaved: {rounds} rounds x {batch} fetches per client, µs per fetch");
    println!(
        "{:30} {:>12} {:>10} {:>14} {:>18} {:>18}",
        "client",
        "wall median",
        "wall min",
        "client CPU med",
        "wall ratio (med)",
        "CPU ratio (med)"
    );
    for i in 0..n {
        let ratio = |v: &[Vec<f64>]| {
            let mut r: Vec<f64> = v[i].iter().zip(&v[0]).map(|(a, b)| a / b).collect();
            if r.is_empty() {
                f64::NAN
            } else {
                median(&mut r)
            }
        };
        let (wr, cr) = (ratio(&wall), ratio(&cpu));
        let mut w = wall[i].clone();
        let min = w.iter().copied().fold(f64::INFINITY, f64::min);
        let mut c = cpu[i].clone();
        println!(
            "{:30} {:>12.1} {:>10.1} {:>14.1} {:>18.2} {:>18.2}",
            clients[i].0,
            median(&mut w),
            min,
            if c.is_empty() {
                f64::NAN
            } else {
                median(&mut c)
            },
            wr,
            cr
        );
    }
}
