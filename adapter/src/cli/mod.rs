//! `wasi:cli@0.2.0-rc-2023-11-10` and `wasi:cli@0.2.0-rc-2023-12-05`. The two versions have
//! the same interfaces (the 12-05 streams are the 11-10 ones), so each file implements both
//! with `both_versions!`.

/// Expands its items twice: once with `cli` naming the 11-10 exports, once the 12-05 ones.
macro_rules! both_versions {
    ($($item:item)*) => {
        mod v2023_11_10 {
            #[allow(unused_imports)]
            use super::*;
            use crate::cli_rc as cli;
            $($item)*
        }
        mod v2023_12_05 {
            #[allow(unused_imports)]
            use super::*;
            use crate::cli_dec as cli;
            $($item)*
        }
    };
}

mod environment;
mod exit;
mod stdio;
mod terminal;
