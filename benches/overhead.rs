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
    common::interleaved(
        "OVERHEAD",
        &mut [
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
            // The same fetch in cache mode `no-store`: the HTTP cache is not consulted and
            // nothing is stored (Chromium stores every GET response, even one without
            // caching headers), so the difference is the cache's share of the overhead.
            // The request also carries `Pragma` and `Cache-Control: no-cache`.
            ("fetchguard_no_store", &mut || {
                rt.block_on(async {
                    black_box(
                        page.fetch(Request::get(url).cache(fetchguard::CacheMode::NoStore))
                            .await
                            .expect("allowed")
                            .status(),
                    )
                })
            }),
        ],
    );
    let accepted = server
        .stats
        .accepted
        .load(std::sync::atomic::Ordering::SeqCst);
    eprintln!("server accepted {accepted} connections (keep-alive: expect 2)");
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
