//! fetchguard's side of `benches/compare/run.sh` (not a criterion bench; `cargo bench`
//! alone does nothing here). With `COMPARE_PORT` set it times N sequential cross-origin
//! fetches from a page at `http://localhost:PORT/` to `http://127.0.0.1:PORT/data`:
//!
//! - over loopback: to the comparison's own server (benches/compare/server.js) on that port;
//! - in-process: to an axum service that answers the same bytes, with no socket.
//!
//! Each once as a simple GET and once as a preflighted `PUT` (`Content-Type:
//! application/json`; the server's `Access-Control-Max-Age: 0` makes every PUT preflight).
//! Prints one JSON line per case: `{"client", "preflight", "times_ms", "preflights",
//! "errors"}`.

use std::time::Instant;

use fetchguard::{Browser, Request};

fn service() -> axum::Router {
    use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
    use axum::routing::get;
    fn cors(h: &HeaderMap) -> [(header::HeaderName, HeaderValue); 2] {
        let origin = h
            .get(header::ORIGIN)
            .cloned()
            .unwrap_or(HeaderValue::from_static("null"));
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, origin),
            (header::VARY, HeaderValue::from_static("Origin")),
        ]
    }
    let ok = |h: HeaderMap| async move {
        (
            cors(&h),
            [(header::CONTENT_TYPE, "application/json")],
            "{\"ok\":true}",
        )
    };
    axum::Router::new().route(
        "/data",
        get(ok).put(ok).options(|h: HeaderMap| async move {
            (
                StatusCode::NO_CONTENT,
                cors(&h),
                [
                    (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, PUT"),
                    (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type"),
                    (header::ACCESS_CONTROL_MAX_AGE, "0"),
                ],
            )
        }),
    )
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let Some(port) = std::env::var("COMPARE_PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
    else {
        eprintln!("compare_fetchguard: run by benches/compare/run.sh (COMPARE_PORT unset)");
        return;
    };
    let n = env_num("COMPARE_N", 1000);
    let warm = env_num("COMPARE_WARM", 100);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let target = format!("http://127.0.0.1:{port}");
    let page_url = format!("http://localhost:{port}/");
    let url = format!("{target}/data");
    let cases = [
        (
            "fetchguard in-process",
            Browser::builder().serve(&target, service()).build(),
        ),
        ("fetchguard loopback", Browser::builder().build()),
    ];
    for (client, browser) in cases {
        let page = browser.page(&page_url).expect("page");
        for preflight in [false, true] {
            let request = || {
                if preflight {
                    Request::new("PUT", url.as_str())
                        .header("Content-Type", "application/json")
                        .body("{}")
                } else {
                    Request::get(url.as_str())
                }
            };
            let mut times = Vec::with_capacity(n);
            let (mut errors, mut preflights) = (0, 0);
            rt.block_on(async {
                for i in 0..warm + n {
                    let t0 = Instant::now();
                    let r = page.fetch(request()).await;
                    let ok = matches!(&r, Ok(res) if res.text() == "{\"ok\":true}");
                    let dt = t0.elapsed();
                    if i >= warm {
                        times.push(dt.as_secs_f64() * 1e3);
                        errors += usize::from(!ok);
                        let trace = match &r {
                            Ok(res) => res.trace(),
                            Err(e) => e.trace(),
                        };
                        preflights += usize::from(trace.preflighted());
                    }
                }
            });
            println!(
                "{}",
                serde_json::json!({
                    "client": client,
                    "preflight": preflight,
                    "times_ms": times,
                    "preflights": preflights,
                    "errors": errors,
                })
            );
        }
        rt.block_on(async { drop(browser) });
    }
}
