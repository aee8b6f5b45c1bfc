//! The network edge: one [`Transport`] trait, and the hyper + rustls implementation.
//!
//! The fetch algorithms hand a fully built [`WireRequest`] to the transport and get back
//! the raw [`WireResponse`] (redirects are *not* followed here: that is the guard's job).

mod client;
pub(crate) mod decode;
pub(crate) mod service;

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http::HeaderMap;
use url::Url;

use crate::errors::NetError;

pub use client::{HyperTransport, Limits, Resolution};
pub use service::{OriginService, Serving};

/// A request exactly as it goes on the wire.
#[derive(Clone, Debug)]
pub struct WireRequest {
    /// The method, as sent (case preserved).
    pub method: http::Method,
    /// The URL.
    pub url: Url,
    /// The headers.
    pub headers: HeaderMap,
    /// The body (empty for none).
    pub body: Bytes,
}

/// A response as the server sent it, body fully read.
#[derive(Clone, Debug)]
pub struct WireResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A boxed future, as the transport returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that can carry a request to a server and bring back its response.
///
/// ```
/// use fetchguard::net::{Transport, WireRequest, WireResponse, BoxFuture};
/// use fetchguard::NetError;
/// struct Refuse;
/// impl Transport for Refuse {
///     fn send(&self, _req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>> {
///         Box::pin(async { Err(NetError::ConnectionFailed("refused".into())) })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends one request; does not follow redirects.
    fn send(&self, req: WireRequest) -> BoxFuture<'_, Result<WireResponse, NetError>>;
}
