//! Benchmark 3: a preflighted PUT (`Content-Type: application/json`) from
//! https://app.example, with a cold preflight cache (a manual clock moved past the
//! 600 s max-age before each fetch, so every fetch sends OPTIONS first) vs a warm one
//! (the cached preflight covers it). In-process (the guard's own cost) and over a
//! loopback HTTP/1.1 socket (where the preflight costs a round trip).
//!
//! `cargo bench --bench preflight`

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use fetchguard::clock::Clock;
use fetchguard::{Browser, FetchAssertions, Request, Serving};
use std::hint::black_box;
use std::time::Duration;

fn put(url: &str) -> Request {
    Request::put(url)
        .header("Content-Type", "application/json")
        .body("{}")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("preflighted_put");
    for (serving, page_url, url) in [
        (
            Serving::InProcess,
            "https://app.example/",
            "https://api.example/items",
        ),
        (
            Serving::Loopback,
            "http://app.example/",
            "http://api.example/items",
        ),
    ] {
        let tag = match serving {
            Serving::InProcess => "in_process",
            Serving::Loopback => "loopback_http1",
        };
        let origin = url.trim_end_matches("/items");
        let browser = Browser::builder()
            .clock(Clock::manual())
            .serve_with(origin, common::api_router(), serving)
            .build();
        let page = browser.page(page_url).expect("page");
        // Sanity: first fetch preflights, second is served from the cache.
        rt.block_on(async {
            page.fetch(put(url))
                .await
                .assert_preflighted()
                .assert_readable();
            page.fetch(put(url))
                .await
                .assert_not_preflighted()
                .assert_readable();
            browser.advance(Duration::from_secs(601));
            page.fetch(put(url))
                .await
                .assert_preflighted()
                .assert_readable();
        });

        g.bench_function(format!("{tag}/cold_cache"), |b| {
            b.to_async(&rt).iter(|| async {
                browser.advance(Duration::from_secs(601));
                let r = page.fetch(put(url)).await.expect("allowed");
                debug_assert!(r.trace().preflighted());
                black_box(r.status())
            })
        });
        g.bench_function(format!("{tag}/warm_cache"), |b| {
            b.to_async(&rt).iter(|| async {
                let r = page.fetch(put(url)).await.expect("allowed");
                debug_assert!(!r.trace().preflighted());
                black_box(r.status())
            })
        });
        rt.block_on(async { drop(page) });
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
