//! What the HTTP cache costs a fetch that misses it: an allowed CORS GET to a URL never
//! fetched before (a fresh query string each time), in cache mode `default` (the cache is
//! looked up, misses, and the response is stored) beside mode `no-store` (the cache is not
//! touched at all), against the same API served in-process and over loopback (https, h2),
//! in one criterion group.
//!
//! `cargo bench --bench http_cache_miss`

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use fetchguard::{Browser, CacheMode, Request, Serving};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("http_cache_miss");
    for (name, mode, serving) in [
        (
            "in_process/default_miss",
            CacheMode::Default,
            Serving::InProcess,
        ),
        (
            "in_process/no_store",
            CacheMode::NoStore,
            Serving::InProcess,
        ),
        (
            "loopback/default_miss",
            CacheMode::Default,
            Serving::Loopback,
        ),
        ("loopback/no_store", CacheMode::NoStore, Serving::Loopback),
    ] {
        let browser = Browser::builder()
            .serve_with("https://api.example", common::api_router(), serving)
            .build();
        let page = browser.page("https://app.example/").expect("page");
        let n = AtomicU64::new(0);
        let fetch = |i: u64| {
            page.fetch(Request::get(format!("https://api.example/data?i={i}")).cache(mode))
        };
        // Sanity: readable, and in default mode a miss (nothing stored under a new URL).
        let res = rt.block_on(fetch(u64::MAX)).expect("allowed");
        assert_eq!(res.text(), "{\"ok\":true}", "{name}");
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                let i = n.fetch_add(1, Ordering::Relaxed);
                black_box(fetch(i).await.expect("allowed").status())
            })
        });
        rt.block_on(async { drop(browser) });
    }
    g.finish();
    interleaved_in_process(&rt);
}

/// Criterion's benches run one after another, so on a loaded machine their means move
/// more than the 5 % in question. This measures both modes interleaved (in each round
/// each mode does a batch in turn, the order rotating) and compares the client thread's
/// CPU time, which the load hardly changes. The `default` browser's cache is filled to
/// its bound first, so every measured miss also evicts. `CACHE_MISS_ROUNDS` and
/// `CACHE_MISS_BATCH` set the sizes (default 30 and 200).
fn interleaved_in_process(rt: &tokio::runtime::Runtime) {
    let make = || {
        Browser::builder()
            .serve_with(
                "https://api.example",
                common::api_router(),
                Serving::InProcess,
            )
            .build()
    };
    let (b_store, b_miss) = (make(), make());
    let (p_store, p_miss) = (
        b_store.page("https://app.example/").expect("page"),
        b_miss.page("https://app.example/").expect("page"),
    );
    let mut i = 0u64;
    let mut fetch = |page: &fetchguard::Page, mode: CacheMode| {
        i += 1;
        rt.block_on(page.fetch(Request::get(format!("https://api.example/data?i={i}")).cache(mode)))
            .expect("allowed")
            .status()
    };
    for _ in 0..fetchguard::http_cache::DEFAULT_MAX_ENTRIES + 100 {
        fetch(&p_miss, CacheMode::Default);
    }
    assert_eq!(
        b_miss.http_cache_entries().len(),
        fetchguard::http_cache::DEFAULT_MAX_ENTRIES
    );
    let fetch = std::cell::RefCell::new(fetch);
    common::interleaved(
        "CACHE_MISS",
        &mut [
            ("in_process/no_store", &mut || {
                fetch.borrow_mut()(&p_store, CacheMode::NoStore)
            }),
            ("in_process/default_miss", &mut || {
                fetch.borrow_mut()(&p_miss, CacheMode::Default)
            }),
        ],
    );
    assert!(b_store.http_cache_entries().is_empty());
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(60);
    targets = bench
}
criterion_main!(benches);
