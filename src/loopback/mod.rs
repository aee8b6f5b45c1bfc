//! Loopback origin servers: real HTTP and HTTPS servers on 127.0.0.1 (OS-assigned ports)
//! that answer from a handler and record every request they receive. The scenario runner
//! serves its virtual origins with them, and tests use them to see the wire.

mod ca;
mod server;
mod services;

pub use ca::TestCa;
pub(crate) use ca::tls_acceptor_for;
pub(crate) use server::answer;
pub use server::{CannedResponse, Handler, OriginServer, RecordedRequest, RequestLog};
pub(crate) use services::spawn_all;
