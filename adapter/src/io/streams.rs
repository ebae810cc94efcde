//! `wasi:io/streams` (rc): the host's `wasi:io/streams@0.2.12` itself, but for `subscribe`.
//!
//! The two interfaces have the same shape, and every rc stream is a host stream (stdio,
//! files, TCP), so `adapter/streams-shim.wat` hands the host's own functions to the legacy
//! component under the rc names: bytes cross one component boundary, as for a native
//! component, not two. (Served here, each `list<u8>` was copied into the adapter and out
//! again, by wasmtime's element-by-element list copy: 2-5 times slower, `BENCHMARKS.md`.)
//! rc `wasi:io/error` is the host's too, for `stream-error` carries it.
//!
//! `subscribe` is ours because rc pollables are: one `poll` covers host pollables and the
//! adapter's own readiness (UDP, timers, dual-stack sockets). A stream's pollable is a host
//! pollable, a child of its stream, so the host still traps where a stream is dropped before
//! its pollable, as wasmtime 15 did.

use crate::bindings::exports::rc_adapter::adapter::stream_subscribe::Guest;
use crate::io_p2::streams as p2;
use crate::io_rc::poll::Pollable;
use crate::same_shape::Conv;

impl Guest for crate::Adapter {
    fn input_stream_subscribe(stream: &p2::InputStream) -> Pollable {
        stream.subscribe().conv()
    }

    fn output_stream_subscribe(stream: &p2::OutputStream) -> Pollable {
        stream.subscribe().conv()
    }
}

/// rc interfaces hand out the host's streams as they are.
macro_rules! same_resource {
    ($($t:ty),*) => {$(
        impl Conv<$t> for $t {
            fn conv(self) -> $t {
                self
            }
        }
    )*};
}
same_resource!(p2::InputStream, p2::OutputStream);
