//! Benchmark 5: how the cost of a fetch grows with the size of the browser's state.
//!
//! - cookies: an in-process credentialed CORS GET (third-party cookies allowed, so the
//!   jar is consulted and 3 cookies are sent) with 10 … 100,000 other cookies in the jar,
//!   one per domain `d{i}.example`;
//! - preflight cache: `PreflightCache::lookup` (a hit) on an uncapped
//!   `PreflightCache::new()` holding 10 … 100,000 entries (the Browser's own cache is
//!   capped at Chromium's 32).
//!
//! `cargo bench --bench growth`

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fetchguard::cors::{CacheLookup, PreflightCache, PreflightResult};
use fetchguard::{Browser, CookieJar, Credentials, Origin, Request, ThirdPartyCookies};
use std::hint::black_box;
use std::time::{Duration, SystemTime};
use url::Url;

const SIZES: [usize; 5] = [10, 100, 1_000, 10_000, 100_000];

fn jar_with(n: usize) -> CookieJar {
    let mut jar = CookieJar::new();
    for i in 0..n {
        let u = Url::parse(&format!("https://d{i}.example/")).expect("url");
        jar.set(
            &u,
            "c=1; SameSite=None; Secure; Path=/",
            std::time::SystemTime::now(),
        )
        .expect("cookie");
    }
    let api = Url::parse("https://api.example/").expect("url");
    for name in ["a", "b", "sid"] {
        jar.set(
            &api,
            &format!("{name}=1; SameSite=None; Secure; Path=/"),
            std::time::SystemTime::now(),
        )
        .expect("cookie");
    }
    jar
}

fn cookies(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut g = c.benchmark_group("fetch_vs_cookies");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    let url = "https://api.example/data";
    for n in SIZES {
        let browser = Browser::builder()
            .third_party_cookies(ThirdPartyCookies::Allow)
            .cookie_jar(jar_with(n))
            .serve("https://api.example", common::api_router())
            .build();
        let page = browser.page("https://app.example/").expect("page");
        let req = || Request::get(url).credentials(Credentials::Include);
        let r = rt.block_on(page.fetch(req())).expect("allowed");
        let sent = r.trace().to_string().lines().any(|l| l.contains("sid"));
        assert!(sent, "the target's cookies are sent:\n{}", r.trace());
        g.bench_with_input(BenchmarkId::new("credentials_include", n), &n, |b, _| {
            b.to_async(&rt)
                .iter(|| async { black_box(page.fetch(req()).await.expect("allowed").status()) })
        });
        if n == *SIZES.last().expect("sizes") {
            // Control: the same jar, a fetch that does not consult it.
            g.bench_with_input(BenchmarkId::new("credentials_omit", n), &n, |b, _| {
                b.to_async(&rt).iter(|| async {
                    let r = page.fetch(Request::get(url).credentials(Credentials::Omit));
                    black_box(r.await.expect("allowed").status())
                })
            });
        }
    }
    g.finish();
}

fn preflight_cache(c: &mut Criterion) {
    let mut g = c.benchmark_group("preflight_cache_lookup");
    g.sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1));
    let app = Origin::parse("https://app.example").expect("origin");
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let names = vec!["content-type".to_string()];
    for n in SIZES {
        let mut cache = PreflightCache::new();
        for i in 0..n {
            let u = Url::parse(&format!("https://api.example/r{i}")).expect("url");
            let result = PreflightResult {
                methods: vec!["PUT".into()],
                headers: vec!["content-type".into()],
                credentials: false,
                max_age: Duration::from_secs(600),
            };
            cache.store(&app, &u, result, t0);
        }
        assert_eq!(cache.len(), n);
        let target = Url::parse(&format!("https://api.example/r{}", n / 2)).expect("url");
        g.bench_with_input(BenchmarkId::new("hit", n), &n, |b, _| {
            b.iter(|| {
                let r = cache.lookup(&app, &target, false, "PUT", &names, t0);
                debug_assert_eq!(r, CacheLookup::Hit);
                black_box(r)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, cookies, preflight_cache);
criterion_main!(benches);
