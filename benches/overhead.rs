//! Benchmark 2: per-fetch overhead of the guard. The same cross-origin GET to the same
//! loopback server (plain HTTP/1.1, keep-alive), once through fetchguard (page
//! http://app.example, CORS mode, socket transport) and once with a bare hyper_util legacy
//! Client sending the same request line, Host and Origin. Both in one criterion group.
//!
//! `cargo bench --bench overhead`

mod common;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use fetchguard::{Browser, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = common::CountingServer::plain();
    let addr = server.addr;

    let browser = Browser::builder()
        .resolve("api.example", 80, addr)
        .only_resolved_hosts()
        .build();
    let page = browser.page("http://app.example/").expect("page");
    let url = "http://api.example/data";

    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    let bare: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(http);
    let bare_uri: hyper::Uri = format!("http://{addr}/data").parse().expect("uri");
    let bare_get = || {
        let req = http::Request::get(bare_uri.clone())
            .header(http::header::HOST, "api.example")
            .header(http::header::ORIGIN, "http://app.example")
            .body(Full::new(Bytes::new()))
            .expect("request");
        let bare = &bare;
        async move {
            let res = bare.request(req).await.expect("bare GET");
            let status = res.status();
            let body = res.into_body().collect().await.expect("body").to_bytes();
            (status, body)
        }
    };

    // Sanity and warm pools: both read the same body.
    let r = rt.block_on(page.fetch(Request::get(url))).expect("allowed");
    assert_eq!(r.text(), "{\"ok\":true}");
    // The exact header set fetchguard put on the wire (Chromium's: Sec-Fetch-*,
    // sec-ch-ua*, User-Agent, Accept-Language, Referer, …), for a third variant that
    // separates "bigger requests" from "the guard's own work".
    let wire_headers: Vec<(http::HeaderName, http::HeaderValue)> = r.trace().wire()[0]
        .headers
        .to_header_map()
        .into_iter()
        .filter_map(|(n, v)| Some((n?, v)))
        .collect();
    let bare_same = || {
        let mut req = http::Request::get(bare_uri.clone())
            .body(Full::new(Bytes::new()))
            .expect("request");
        for (n, v) in &wire_headers {
            req.headers_mut().append(n.clone(), v.clone());
        }
        req.headers_mut().insert(
            http::header::HOST,
            http::HeaderValue::from_static("api.example"),
        );
        let bare = &bare;
        async move {
            let res = bare.request(req).await.expect("bare GET");
            let status = res.status();
            let body = res.into_body().collect().await.expect("body").to_bytes();
            (status, body)
        }
    };
    let (s, body) = rt.block_on(bare_get());
    assert_eq!((s.as_u16(), &body[..]), (200, &b"{\"ok\":true}"[..]));

    let mut g = c.benchmark_group("overhead_http1_keepalive");
    g.bench_function("bare_hyper", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(bare_get().await) })
    });
    g.bench_function("bare_hyper_chromium_headers", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(bare_same().await) })
    });
    g.bench_function("fetchguard", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                page.fetch(Request::get(url))
                    .await
                    .expect("allowed")
                    .status(),
            )
        })
    });
    g.finish();
    interleaved(&mut [
        ("bare_hyper", &mut || {
            rt.block_on(async { black_box(bare_get().await).0.as_u16() })
        }),
        ("bare_hyper_chromium_headers", &mut || {
            rt.block_on(async { black_box(bare_same().await).0.as_u16() })
        }),
        ("fetchguard", &mut || {
            rt.block_on(async {
                black_box(
                    page.fetch(Request::get(url))
                        .await
                        .expect("allowed")
                        .status(),
                )
            })
        }),
    ]);
    let accepted = server
        .stats
        .accepted
        .load(std::sync::atomic::Ordering::SeqCst);
    eprintln!("server accepted {accepted} connections (keep-alive: expect 2)");
}

/// The CPU time this thread has used so far (Linux `/proc/thread-self/schedstat`, first
/// field, nanoseconds); `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A second measurement, robust to a loaded machine: ROUNDS rounds, in each every client
/// does BATCH fetches in turn (the order rotating), so each round's clients share the
/// same load. Prints per client the median and minimum per-fetch wall time over the
/// rounds, and the client thread's CPU time per fetch (the runtime is current-thread, so
/// that thread does all of the client's work; the server runs on its own thread), then
/// each client's ratio to the first: the median of the per-round ratios.
/// `OVERHEAD_ROUNDS` (default 30) and `OVERHEAD_BATCH` (default 200).
fn interleaved(clients: &mut [(&str, &mut dyn FnMut() -> u16)]) {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (rounds, batch) = (env("OVERHEAD_ROUNDS", 30), env("OVERHEAD_BATCH", 200));
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

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = bench
}
criterion_main!(benches);
