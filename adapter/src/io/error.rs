//! `wasi:io/error` (rc) over `wasi:io/error@0.2.12`.

use crate::io_p2::error as p2;
use crate::io_rc::error::{Error, Guest, GuestError};
use crate::same_shape::Conv;

pub struct ErrorRep(p2::Error);

impl ErrorRep {
    pub fn host(&self) -> &p2::Error {
        &self.0
    }
}

impl GuestError for ErrorRep {
    forward! {
        fn to_debug_string(&self) -> String;
    }
}

impl Guest for crate::Adapter {
    type Error = ErrorRep;
}

impl Conv<Error> for p2::Error {
    fn conv(self) -> Error {
        Error::new(ErrorRep(self))
    }
}
