//! Benchmark 1: an allowed CORS GET from https://app.example to https://api.example, the
//! API (an axum Router) served in-process vs over a loopback socket (HTTPS, h2 by ALPN,
//! and plain HTTP/1.1), in one criterion group so the figures come from one run.
//!
//! `cargo bench --bench fetch_latency`

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use fetchguard::{Browser, Request, Serving};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("cors_get");

    let cases: [(&str, Browser, &str, &str); 3] = [
        (
            "in_process",
            Browser::builder()
                .serve("https://api.example", common::api_router())
                .build(),
            "https://app.example/",
            "https://api.example/data",
        ),
        (
            "loopback_https_h2",
            Browser::builder()
                .serve_with(
                    "https://api.example",
                    common::api_router(),
                    Serving::Loopback,
                )
                .build(),
            "https://app.example/",
            "https://api.example/data",
        ),
        (
            "loopback_http1",
            Browser::builder()
                .serve_with(
                    "http://api.example",
                    common::api_router(),
                    Serving::Loopback,
                )
                .build(),
            "http://app.example/",
            "http://api.example/data",
        ),
    ];
    for (name, browser, page_url, url) in cases {
        let page = browser.page(page_url).expect("page");
        // Sanity: the fetch is readable (an allowed CORS GET), and the pool is warm.
        let res = rt
            .block_on(page.fetch(Request::get(url)))
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(res.text(), "{\"ok\":true}", "{name}");
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                let r = page.fetch(Request::get(url)).await;
                black_box(r.expect("allowed").status())
            })
        });
        rt.block_on(async { drop(browser) });
    }
    g.finish();
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
