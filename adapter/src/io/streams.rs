//! `wasi:io/streams` (rc) over `wasi:io/streams@0.2.12`.
//!
//! Every rc stream is a host stream (stdio, files, TCP), and the two interfaces have the same
//! shape, so each method only forwards. The host keeps wasmtime 15's rules: a write past
//! `check-write` traps, pollables are children of their stream, TCP streams children of their
//! socket; we drop host resources exactly when the guest drops ours, so the order holds.

use crate::io_p2::streams as p2;
use crate::io_rc::streams::{
    Guest, GuestInputStream, GuestOutputStream, InputStream, InputStreamBorrow, OutputStream,
    Pollable, StreamError,
};
use crate::same_shape::{Conv, Lend};

pub struct InputStreamRep(p2::InputStream);
pub struct OutputStreamRep(p2::OutputStream);

impl InputStreamRep {
    pub fn host(&self) -> &p2::InputStream {
        &self.0
    }
}

impl OutputStreamRep {
    pub fn host(&self) -> &p2::OutputStream {
        &self.0
    }
}

impl Guest for crate::Adapter {
    type InputStream = InputStreamRep;
    type OutputStream = OutputStreamRep;
}

impl GuestInputStream for InputStreamRep {
    forward! {
        fn read(&self, len: u64) -> Result<Vec<u8>, StreamError>;
        fn blocking_read(&self, len: u64) -> Result<Vec<u8>, StreamError>;
        fn skip(&self, len: u64) -> Result<u64, StreamError>;
        fn blocking_skip(&self, len: u64) -> Result<u64, StreamError>;
        fn subscribe(&self) -> Pollable;
    }
}

impl GuestOutputStream for OutputStreamRep {
    forward! {
        fn check_write(&self) -> Result<u64, StreamError>;
        fn write(&self, contents: Vec<u8>) -> Result<(), StreamError>;
        fn blocking_write_and_flush(&self, contents: Vec<u8>) -> Result<(), StreamError>;
        fn flush(&self) -> Result<(), StreamError>;
        fn blocking_flush(&self) -> Result<(), StreamError>;
        fn subscribe(&self) -> Pollable;
        fn write_zeroes(&self, len: u64) -> Result<(), StreamError>;
        fn blocking_write_zeroes_and_flush(&self, len: u64) -> Result<(), StreamError>;
        fn splice(&self, src: InputStreamBorrow<'_>, len: u64) -> Result<u64, StreamError>;
        fn blocking_splice(&self, src: InputStreamBorrow<'_>, len: u64) -> Result<u64, StreamError>;
    }
}

same_variant!(@one p2::StreamError, StreamError { LastOperationFailed(e), Closed });

impl Conv<InputStream> for p2::InputStream {
    fn conv(self) -> InputStream {
        InputStream::new(InputStreamRep(self))
    }
}

impl Conv<OutputStream> for p2::OutputStream {
    fn conv(self) -> OutputStream {
        OutputStream::new(OutputStreamRep(self))
    }
}

impl<'a> Lend<'a, &'a p2::InputStream> for InputStreamBorrow<'_> {
    fn lend(&'a self) -> &'a p2::InputStream {
        self.get::<InputStreamRep>().host()
    }
}
