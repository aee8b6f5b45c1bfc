//! Benchmark 4: throughput and scale. 10,000 concurrent CORS GETs through one Browser
//! against one loopback server, released together by a gate so all are in flight at
//! once; fetches/second, peak RSS (VmHWM) and peak memory per in-flight fetch; every
//! fetch must succeed; the server's accepted connections must stay bounded and all close
//! once the Browser is dropped.
//!
//! Two runs: HTTPS with HTTP/2 (ALPN h2; one multiplexed connection, 10,000 streams), and
//! plain HTTP/1.1 (one request per connection at a time) with the in-flight fetches
//! bounded by a semaphore so client and server sockets (both in this process) stay under
//! the open-files limit.
//!
//! `cargo bench --bench scale` (`SCALE_N=…` changes the number of fetches)

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{CountingServer, proc_status_kib};
use fetchguard::{Browser, Request};

fn open_files_limit() -> String {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))
                .map(|l| {
                    l.split_whitespace()
                        .skip(3)
                        .take(2)
                        .collect::<Vec<_>>()
                        .join("/")
                })
        })
        .unwrap_or_else(|| "?".into())
}

struct Round {
    secs: f64,
    errors: usize,
    max_in_flight: usize,
}

/// Runs `n` fetches, at most `bound` at once (all at once when `bound >= n`), all
/// released together.
async fn round(page: &fetchguard::Page, url: &'static str, n: usize, bound: usize) -> Round {
    let gate = Arc::new(tokio::sync::Notify::new());
    let ready = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let sem = Arc::new(tokio::sync::Semaphore::new(bound));
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let page = page.clone();
        let (gate, ready, in_flight, max_in_flight, sem) = (
            gate.clone(),
            ready.clone(),
            in_flight.clone(),
            max_in_flight.clone(),
            sem.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let notified = gate.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            ready.fetch_add(1, Ordering::SeqCst);
            notified.await;
            let _permit = sem.acquire().await.expect("semaphore");
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            max_in_flight.fetch_max(now, Ordering::SeqCst);
            let r = page.fetch(Request::get(url)).await;
            in_flight.fetch_sub(1, Ordering::SeqCst);
            match r {
                Ok(res) if res.status() == 200 && res.text() == "{\"ok\":true}" => Ok(()),
                Ok(res) => Err(format!("status {}", res.status())),
                Err(e) => Err(format!("{e:?}")),
            }
        }));
    }
    while ready.load(Ordering::SeqCst) < n {
        tokio::task::yield_now().await;
    }
    let t0 = Instant::now();
    gate.notify_waiters();
    let mut errors = 0;
    let mut first_error = None;
    for t in tasks {
        if let Err(e) = t.await.expect("task") {
            errors += 1;
            first_error.get_or_insert(e);
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    if let Some(e) = first_error {
        eprintln!("first error: {e}");
    }
    Round {
        secs,
        errors,
        max_in_flight: max_in_flight.load(Ordering::SeqCst),
    }
}

fn run(label: &str, n: usize, bound: usize, rounds: usize, tls: bool) -> bool {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let ca = fetchguard::loopback::TestCa::new().expect("CA");
    let server = if tls {
        CountingServer::tls(&ca, "api.example", n as u32)
    } else {
        CountingServer::plain()
    };
    let (port, url, page_url) = if tls {
        (443, "https://api.example/data", "https://app.example/")
    } else {
        (80, "http://api.example/data", "http://app.example/")
    };
    let browser = Browser::builder()
        .resolve("api.example", port, server.addr)
        .only_resolved_hosts()
        .add_root_certificate_der(ca.root_der().to_vec())
        .build();
    let page = browser.page(page_url).expect("page");
    // Warm: one connection in the pool, TLS and ALPN done.
    rt.block_on(page.fetch(Request::get(url)))
        .expect("warm-up fetch");
    if tls {
        // Hold each round's responses until all n requests reached the server.
        server.stats.hold.store(n, Ordering::SeqCst);
    }
    let hwm0 = proc_status_kib("VmHWM").unwrap_or(0);
    let rss0 = proc_status_kib("VmRSS").unwrap_or(0);
    println!("\n== {label}: {n} fetches, at most {bound} in flight, {rounds} rounds");
    println!("   before: VmRSS {rss0} KiB, VmHWM {hwm0} KiB");
    let mut ok = true;
    let mut rates = Vec::new();
    let mut hwm1 = hwm0;
    let mut peak_in_flight = 0;
    let mut errors = 0;
    let mut accepted_after_first = 0;
    for i in 0..rounds {
        let r = rt.block_on(round(&page, url, n, bound));
        let rate = n as f64 / r.secs;
        rates.push(rate);
        let hwm = proc_status_kib("VmHWM").unwrap_or(0);
        if i == 0 {
            hwm1 = hwm;
            peak_in_flight = r.max_in_flight;
            accepted_after_first = server.stats.accepted.load(Ordering::SeqCst);
        }
        errors += r.errors;
        println!(
            "   round {}: {:.3} s, {:.0} fetches/s, errors {}, max in flight {}, VmHWM {} KiB, server connections accepted {} open {}",
            i + 1,
            r.secs,
            rate,
            r.errors,
            r.max_in_flight,
            hwm,
            server.stats.accepted.load(Ordering::SeqCst),
            server.stats.open.load(Ordering::SeqCst),
        );
        ok &= r.errors == 0;
    }
    let (rate_med, _) = common::median_p95(&mut rates);
    let peak_delta = hwm1.saturating_sub(hwm0);
    let per_fetch = peak_delta as f64 * 1024.0 / peak_in_flight.max(1) as f64;
    let accepted = server.stats.accepted.load(Ordering::SeqCst);
    let requests = server.stats.requests.load(Ordering::SeqCst);
    println!("   median throughput: {rate_med:.0} fetches/s");
    println!(
        "   peak RSS (round 1): VmHWM {hwm0} -> {hwm1} KiB (+{peak_delta} KiB) over {peak_in_flight} fetches in flight = {:.1} KiB per in-flight fetch (client and server side together)",
        per_fetch / 1024.0
    );
    // Drop the Browser (its pool), then the server must see every connection close.
    drop(page);
    drop(browser);
    let t0 = Instant::now();
    while server.stats.open.load(Ordering::SeqCst) > 0 && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let open_after = server.stats.open.load(Ordering::SeqCst);
    // HTTP/2: one connection. HTTP/1.1: hyper's pool may open a connection for a request
    // while an idle one is on its way back (and keeps both), so up to twice the bound;
    // later rounds must reuse them (no growth after round 1).
    let conn_bound = if tls { 1 } else { 2 * bound };
    println!(
        "   server: {requests} requests, {accepted} connections accepted (bound {conn_bound}), {open_after} open {:.0} ms after the Browser was dropped",
        t0.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "   connections accepted after round 1: {accepted_after_first}, after round {rounds}: {accepted}"
    );
    ok &= errors == 0
        && requests == n * rounds + 1
        && accepted <= conn_bound
        && accepted == accepted_after_first
        && open_after == 0;
    println!(
        "   RESULT {label}: fetches_per_s={rate_med:.0} peak_kib_per_fetch={:.1} errors={errors} accepted={accepted} open_after_drop={open_after} {}",
        per_fetch / 1024.0,
        if ok { "OK" } else { "FAILED" }
    );
    drop(rt);
    ok
}

fn main() {
    // `cargo bench` passes `--bench`; criterion-style filters are not supported here.
    let n: usize = std::env::var("SCALE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    if std::env::var_os("SCALE_MODE").is_none() {
        println!(
            "open-files limit (soft/hard): {}; nproc: {}",
            open_files_limit(),
            std::thread::available_parallelism().map_or(0, |p| p.get())
        );
    }
    // Each run in a process of its own, so that VmHWM starts fresh.
    let ok = match std::env::var("SCALE_MODE").as_deref() {
        Ok("h2") => run("https_h2_one_connection", n, n, 3, true),
        // HTTP/1.1: one socket per in-flight request on each side, both in this process.
        Ok("h1") => run("http1_bounded_1000", n, 1000, 3, false),
        _ => ["h2", "h1"].iter().all(|mode| {
            let exe = std::env::current_exe().expect("current exe");
            std::process::Command::new(exe)
                .env("SCALE_MODE", mode)
                .status()
                .is_ok_and(|s| s.success())
        }),
    };
    if !ok {
        eprintln!("scale benchmark FAILED");
        std::process::exit(1);
    }
}
