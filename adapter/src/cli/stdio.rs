//! `wasi:cli/{stdin, stdout, stderr}` (rc) over their 0.2.x successors: 0.3 stdio is a
//! `stream<u8>`, whose reads do not finish inside a sync-typed call (`docs/design.md`).

use crate::cli_p2::{stderr, stdin, stdout};
use crate::same_shape::Conv;

both_versions! {
    impl cli::stdin::Guest for crate::Adapter {
        fn get_stdin() -> cli::stdin::InputStream {
            stdin::get_stdin().conv()
        }
    }

    impl cli::stdout::Guest for crate::Adapter {
        fn get_stdout() -> cli::stdout::OutputStream {
            stdout::get_stdout().conv()
        }
    }

    impl cli::stderr::Guest for crate::Adapter {
        fn get_stderr() -> cli::stderr::OutputStream {
            stderr::get_stderr().conv()
        }
    }
}
