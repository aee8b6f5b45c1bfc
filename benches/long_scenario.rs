//! Long scenarios: per-fetch time and live heap per recorded fetch, for generated scenarios
//! of 1,000, 10,000 and 100,000 fetches (not a criterion bench: a `harness = false`
//! program; `cargo bench --bench long_scenario`, sizes with `LONG_SIZES=1000,10000`).
//!
//! The scenario is the one `benches/long/gen.py` writes: one https API, every third fetch
//! a `PUT` with `Content-Type: application/json` whose preflight answer says
//! `Access-Control-Max-Age: 0` (so a third of the fetches are preflighted), the others CORS
//! GETs. It is parsed from memory and run with `scenario::run_scenario` on a
//! current-thread runtime, as `fetchguard run` does.
//!
//! Memory is the live heap, counted by a global allocator: the bytes still allocated
//! after the run with the report held, minus the bytes allocated before it, divided by the
//! number of fetches. Then each part of the report is dropped in turn (the traces, the
//! observations) to say where the bytes are.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use fetchguard::scenario::{self, ScenarioReport};
use fetchguard::trace::Trace;

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counter is only
// arithmetic on the sizes it was given.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, forwarded.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: ptr came from System.alloc with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same layout, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: ptr came from System with this layout; new_size is the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The text of an `n`-fetch scenario (as `benches/long/gen.py` writes it).
fn scenario_text(n: usize) -> String {
    let mut s = String::from(
        r#"name = "long"
[page]
url = "https://app.example/"
[[server]]
origin = "https://api.example"
[[server.route]]
path = "/items"
method = "OPTIONS"
status = 204
headers = [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type"], ["Access-Control-Max-Age", "0"]]
[[server.route]]
path = "/items"
headers = [["Content-Type", "application/json"], ["Access-Control-Allow-Origin", "https://app.example"]]
body = '{"ok": true}'
"#,
    );
    for i in 0..n {
        if i % 3 == 2 {
            s.push_str(
                "[[fetch]]\nurl = \"https://api.example/items\"\nmethod = \"PUT\"\nheaders = [[\"Content-Type\", \"application/json\"]]\nbody = '{}'\n",
            );
        } else {
            s.push_str("[[fetch]]\nurl = \"https://api.example/items\"\n");
        }
    }
    s
}

fn per(bytes: isize, n: usize) -> f64 {
    bytes as f64 / n as f64
}

fn main() {
    let sizes: Vec<usize> = std::env::var("LONG_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // `cargo test --benches` runs this too: keep that short.
    let sizes = if std::env::args().any(|a| a == "--bench") {
        sizes
    } else {
        vec![30]
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "{:>8} {:>10} {:>12} {:>14} {:>12} {:>12} {:>10}",
        "fetches", "wall_s", "us_per_fetch", "bytes_per_fetch", "trace", "observation", "rest"
    );
    for n in sizes {
        let text = scenario_text(n);
        let loaded = scenario::parse_str("long.toml", &text).expect("generated scenario parses");
        drop(text);
        let before = live() as isize;
        let start = Instant::now();
        let mut report: ScenarioReport = rt.block_on(scenario::run_scenario(&loaded));
        let wall = start.elapsed();
        assert!(report.setup_error.is_none(), "{:?}", report.setup_error);
        assert_eq!(report.fetches.len(), n);
        let bad = report
            .fetches
            .iter()
            .filter(|f| f.observed.outcome != "response")
            .count();
        assert_eq!(bad, 0, "every fetch gets a response");
        let preflights = report
            .fetches
            .iter()
            .filter(|f| f.trace.preflighted())
            .count();
        assert_eq!(preflights, n / 3, "a third of the fetches preflight");
        let held = live() as isize;
        for f in &mut report.fetches {
            f.trace = Trace::new();
        }
        let no_trace = live() as isize;
        for f in &mut report.fetches {
            f.observed = Default::default();
        }
        let no_obs = live() as isize;
        drop(report);
        let after = live() as isize;
        println!(
            "{:>8} {:>10.3} {:>12.1} {:>14.0} {:>12.0} {:>12.0} {:>10.0}",
            n,
            wall.as_secs_f64(),
            wall.as_secs_f64() * 1e6 / n as f64,
            per(held - before, n),
            per(held - no_trace, n),
            per(no_trace - no_obs, n),
            per(no_obs - after, n),
        );
    }
}
