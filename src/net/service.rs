//! In-process origins: a `tower::Service` (an axum `Router`, a tower-http stack) answers an
//! origin's requests directly, with no socket, through the same guard.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::future::poll_fn;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use tower_service::Service;

use super::{BoxFuture, Transport, WireRequest, WireResponse, trim_header_values};
use crate::errors::NetError;
use crate::origin::Origin;

type BoxError = Box<dyn StdError + Send + Sync>;

/// What can serve an origin in-process: any `tower::Service` taking
/// `http::Request<Full<Bytes>>` and answering `http::Response<B>` with any body — an axum
/// `Router`, a tower-http stack, a `service_fn`. Implemented for every such service.
///
/// ```
/// fn takes(_: impl fetchguard::net::OriginService) {}
/// # fn demo(router: axum_like::Router) { takes(router) }
/// # mod axum_like {
/// #     use std::{convert::Infallible, future::Ready, task::{Context, Poll}};
/// #     use bytes::Bytes; use http_body_util::Full;
/// #     #[derive(Clone)] pub struct Router;
/// #     impl tower_service::Service<http::Request<Full<Bytes>>> for Router {
/// #         type Response = http::Response<Full<Bytes>>; type Error = Infallible;
/// #         type Future = Ready<Result<Self::Response, Infallible>>;
/// #         fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> { Poll::Ready(Ok(())) }
/// #         fn call(&mut self, _: http::Request<Full<Bytes>>) -> Self::Future {
/// #             std::future::ready(Ok(http::Response::new(Full::new(Bytes::new()))))
/// #         }
/// #     }
/// # }
/// ```
pub trait OriginService:
    Service<
        http::Request<Full<Bytes>>,
        Response = http::Response<Self::Body>,
        Future: Send + 'static,
        Error: Into<BoxError>,
    > + Clone
    + Send
    + 'static
{
    /// The response body type.
    type Body: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> OriginService for S
where
    S: Service<http::Request<Full<Bytes>>, Response = http::Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Body = B;
}

/// A type-erased in-process service.
pub(crate) trait DynService: Send + Sync {
    fn call(
        &self,
        req: http::Request<Full<Bytes>>,
    ) -> BoxFuture<'static, Result<http::Response<Bytes>, NetError>>;
}

struct Erased<S> {
    service: Mutex<S>,
    max_body: usize,
}

impl<S: OriginService> DynService for Erased<S> {
    fn call(
        &self,
        req: http::Request<Full<Bytes>>,
    ) -> BoxFuture<'static, Result<http::Response<Bytes>, NetError>> {
        // Each call gets its own clone, as tower services expect (readiness is per clone).
        let mut svc = self
            .service
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let max = self.max_body;
        Box::pin(async move {
            poll_fn(|cx| svc.poll_ready(cx)).await.map_err(|e| {
                NetError::ConnectionFailed(format!("service not ready: {}", e.into()))
            })?;
            let res = svc
                .call(req)
                .await
                .map_err(|e| NetError::Protocol(format!("service failed: {}", e.into())))?;
            let (parts, body) = res.into_parts();
            let body = Limited::new(body, max)
                .collect()
                .await
                .map_err(|e| NetError::Protocol(format!("reading the body: {e}")))?
                .to_bytes();
            Ok(http::Response::from_parts(parts, body))
        })
    }
}

/// Wraps a service for the routing transport.
pub(crate) fn erase<S: OriginService>(service: S, max_body: usize) -> Arc<dyn DynService> {
    Arc::new(Erased {
        service: Mutex::new(service),
        max_body,
    })
}

/// A transport that sends some origins to in-process services and the rest to another
/// transport (sockets).
pub(crate) struct RoutingTransport {
    pub services: HashMap<Origin, Arc<dyn DynService>>,
    pub fallback: Arc<dyn Transport>,
}

impl Transport for RoutingTransport {
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
        let origin = Origin::from_url(&req.url);
        match self.services.get(&origin) {
            None => self.fallback.send(req),
            Some(svc) => {
                let svc = svc.clone();
                Box::pin(async move { call_in_process(&*svc, req).await })
            }
        }
    }

    fn known_unreachable(&self, url: &url::Url) -> bool {
        !self.services.contains_key(&Origin::from_url(url)) && self.fallback.known_unreachable(url)
    }
}

/// Sends a wire request to a service as a server would receive it: origin-form target,
/// `Host`, `Content-Length` when there is a body; and gives back what a client would read
/// from an HTTP/1.1 server (no body for HEAD, `Content-Length` on every status but 1xx,
/// 204 and 304).
async fn call_in_process(svc: &dyn DynService, req: WireRequest) -> Result<WireResponse, NetError> {
    let target = match req.url.query() {
        Some(q) => format!("{}?{q}", req.url.path()),
        None => req.url.path().to_string(),
    };
    let is_head = req.method == http::Method::HEAD;
    let mut builder = http::Request::builder().method(req.method).uri(target);
    if let Some(h) = builder.headers_mut() {
        *h = req.headers;
        let host = match req.url.port() {
            Some(p) => format!("{}:{p}", req.url.host_str().unwrap_or_default()),
            None => req.url.host_str().unwrap_or_default().to_string(),
        };
        if let Ok(v) = http::HeaderValue::from_str(&host) {
            h.insert(http::header::HOST, v);
        }
        // A body announces its length; a bodiless request keeps what the engine wrote
        // (`Content-Length: 0` on POST and PUT only, as Chromium sends).
        if !req.body.is_empty() {
            h.insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from(req.body.len()),
            );
        }
    }
    let request = builder
        .body(Full::new(req.body))
        .map_err(|e| NetError::ConnectionFailed(format!("not sent: {e}")))?;
    let res = svc.call(request).await?;
    let (mut parts, body) = res.into_parts();
    // As an HTTP/1.1 server would send it: a length on every response that may have a
    // body (the service's own when given), none on 1xx, 204 and 304.
    if !super::status_has_content_length(parts.status.as_u16()) {
        parts.headers.remove(http::header::CONTENT_LENGTH);
    } else if !parts.headers.contains_key(http::header::CONTENT_LENGTH) {
        parts.headers.insert(
            http::header::CONTENT_LENGTH,
            http::HeaderValue::from(body.len()),
        );
    }
    Ok(WireResponse {
        status: parts.status.as_u16(),
        headers: trim_header_values(parts.headers),
        body: if is_head { Bytes::new() } else { body },
    })
}

/// How `Browser::builder().serve_with(..)` reaches an origin's service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Serving {
    /// Called directly, no socket (the default).
    #[default]
    InProcess,
    /// Served by a real HTTP(S) server on 127.0.0.1 (an OS-assigned port), reached through
    /// the socket transport: the same requests, over a real connection. Needs the
    /// `loopback` feature.
    #[cfg(feature = "loopback")]
    Loopback,
}

/// Stops a loopback-served service when dropped.
pub(crate) struct ServerGuard {
    pub(crate) stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}
