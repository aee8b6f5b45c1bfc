//! The request body as the socket transport hands it to hyper.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// A request body, sent whole. An empty one is *no* body: it announces no length, so hyper
/// adds no `Content-Length: 0` of its own over HTTP/2 (it does for every method but GET,
/// HEAD, DELETE and CONNECT when a body's exact size is 0).
///
/// CHROMIUM: a request without a body carries `Content-Length: 0` only for POST and PUT
/// (observed over HTTP/1.1 and HTTP/2 alike: PATCH, DELETE, OPTIONS, preflights and custom
/// methods carry none); the engine writes that header itself
/// (`policy::wire_headers::empty_body_content_length`).
#[derive(Debug, Default)]
pub(crate) struct WireBody(Option<Bytes>);

impl WireBody {
    pub(crate) fn new(bytes: Bytes) -> Self {
        WireBody((!bytes.is_empty()).then_some(bytes))
    }
}

impl http_body::Body for WireBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.get_mut().0.take().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Some(b) => SizeHint::with_exact(b.len() as u64),
            // No exact size: "no body", not "a body of length 0".
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body;

    #[test]
    fn an_empty_body_announces_no_length() {
        let b = WireBody::new(Bytes::new());
        assert!(b.is_end_stream());
        assert_eq!(b.size_hint().exact(), None);
        let b = WireBody::new(Bytes::from_static(b"abc"));
        assert!(!b.is_end_stream());
        assert_eq!(b.size_hint().exact(), Some(3));
    }
}
