//! `wasi:filesystem/preopens` (rc) over `wasi:filesystem/preopens@0.2.12`.

use crate::fs_p2::preopens as p2;
use crate::fs_rc::preopens::{Descriptor, Guest};
use crate::same_shape::Conv;

impl Guest for crate::Adapter {
    fn get_directories() -> Vec<(Descriptor, String)> {
        // A proxy host gives no preopens (and the proxy build's host files are a stub).
        if cfg!(feature = "proxy") {
            return Vec::new();
        }
        p2::get_directories().conv()
    }
}
