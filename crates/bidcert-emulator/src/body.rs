//! Response bodies: whole, or cut short on purpose (the truncated-body fault).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};

/// A response body.
#[derive(Debug)]
pub(crate) enum Body {
    /// The whole body, sent once.
    Full(Option<Bytes>),
    /// Part of a body whose `Content-Length` promised more: sent, flushed, then the body fails,
    /// which makes hyper close the connection.
    Truncated(Truncation),
}

#[derive(Debug)]
pub(crate) struct Truncation {
    part: Option<Bytes>,
    flushed: bool,
}

impl Body {
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Body::Full(Some(bytes.into()))
    }

    pub(crate) fn truncated(part: impl Into<Bytes>) -> Self {
        Body::Truncated(Truncation {
            part: Some(part.into()),
            flushed: false,
        })
    }
}

/// The error that ends a truncated body.
#[derive(Debug)]
pub(crate) struct Cut;

impl fmt::Display for Cut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("body truncated by an injected fault")
    }
}

impl std::error::Error for Cut {}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Cut;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Cut>>> {
        match self.get_mut() {
            Body::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Truncated(t) => {
                if let Some(part) = t.part.take() {
                    return Poll::Ready(Some(Ok(Frame::data(part))));
                }
                if !t.flushed {
                    // Yield once so hyper flushes the part before the error closes the
                    // connection (it drops unflushed bytes on a body error).
                    t.flushed = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(Cut)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Body::Full(None) => SizeHint::with_exact(0),
            Body::Truncated(_) => SizeHint::default(),
        }
    }
}
