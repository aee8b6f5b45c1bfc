//! Serving a browser's `Serving::Loopback` origins: each `tower::Service` behind a real
//! HTTP(S) server on 127.0.0.1, with certificates from a CA made for that browser.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::net::service::{DynService, ServerGuard};

/// Starts a loopback server for each service (https ones with certificates from one CA
/// made for this browser, whose root joins `roots`) and points `overrides` at it. A server
/// that cannot start leaves its origin unreachable (a network error on use), never a panic.
pub(crate) fn spawn_all(
    services: Vec<(url::Url, Arc<dyn DynService>)>,
    overrides: &mut std::collections::HashMap<(String, u16), std::net::SocketAddr>,
    roots: &mut Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Vec<ServerGuard> {
    let ca = if services.iter().any(|(u, _)| u.scheme() == "https") {
        crate::loopback::TestCa::new().ok()
    } else {
        None
    };
    if let Some(ca) = &ca {
        roots.push(rustls::pki_types::CertificateDer::from(
            ca.root_der().to_vec(),
        ));
    }
    let mut guards = Vec::new();
    for (url, svc) in services {
        if let Ok((addr, guard)) = spawn_loopback(&url, svc, ca.as_ref()) {
            let host = url
                .host_str()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_ascii_lowercase();
            overrides.insert((host, url.port_or_known_default().unwrap_or(0)), addr);
            guards.push(guard);
        }
    }
    guards
}

/// Serves `svc` for `origin` on 127.0.0.1 from a thread of its own (so it needs no
/// runtime from the caller); https origins get a certificate from `ca`.
fn spawn_loopback(
    origin: &url::Url,
    svc: Arc<dyn DynService>,
    ca: Option<&crate::loopback::TestCa>,
) -> std::io::Result<(std::net::SocketAddr, ServerGuard)> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto;

    let acceptor = match (origin.scheme(), ca) {
        ("https", Some(ca)) => Some(ca.tls_acceptor(origin.host_str().unwrap_or("localhost"))?),
        ("https", None) => return Err(std::io::Error::other("no CA for https")),
        _ => None,
    };
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name(format!("fetchguard-serve-{addr}"))
        .spawn(move || {
            rt.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else {
                    return;
                };
                loop {
                    let accepted = tokio::select! {
                        _ = &mut stop_rx => return,
                        a = listener.accept() => a,
                    };
                    let Ok((tcp, _)) = accepted else { continue };
                    let _ = tcp.set_nodelay(true);
                    let svc = svc.clone();
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let handler = hyper::service::service_fn(
                            move |req: hyper::Request<hyper::body::Incoming>| {
                                let svc = svc.clone();
                                async move {
                                    let (parts, body) = req.into_parts();
                                    let body = body
                                        .collect()
                                        .await
                                        .map(|b| b.to_bytes())
                                        .unwrap_or_default();
                                    let res = match svc
                                        .call(http::Request::from_parts(parts, Full::new(body)))
                                        .await
                                    {
                                        Ok(r) => r.map(Full::new),
                                        Err(e) => {
                                            let mut r = http::Response::new(Full::new(
                                                Bytes::from(format!("{e:?}")),
                                            ));
                                            *r.status_mut() =
                                                http::StatusCode::INTERNAL_SERVER_ERROR;
                                            r
                                        }
                                    };
                                    Ok::<_, std::convert::Infallible>(res)
                                }
                            },
                        );
                        let builder = auto::Builder::new(TokioExecutor::new());
                        match acceptor {
                            Some(acc) => {
                                if let Ok(tls) = acc.accept(tcp).await {
                                    let _ =
                                        builder.serve_connection(TokioIo::new(tls), handler).await;
                                }
                            }
                            None => {
                                let _ = builder.serve_connection(TokioIo::new(tcp), handler).await;
                            }
                        }
                    });
                }
            })
        })?;
    Ok((
        addr,
        ServerGuard {
            stop: Some(stop_tx),
        },
    ))
}
