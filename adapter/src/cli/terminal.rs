//! `wasi:cli/terminal-*` (rc) over `wasi:cli/terminal-*@0.3.0` (sync functions). The rc
//! resources only wrap the host's, which the host uses to say "this is a terminal". The proxy
//! build has no terminal (`wasi:http/proxy` has none).

#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::cli0_3_0::{
    terminal_input::TerminalInput as HostInput, terminal_output::TerminalOutput as HostOutput,
    terminal_stderr, terminal_stdin, terminal_stdout,
};
#[cfg(feature = "proxy")]
mod no_terminal {
    /// Uninhabited: no host terminal to wrap.
    pub enum HostInput {}
    pub enum HostOutput {}
    pub mod terminal_stdin {
        pub fn get_terminal_stdin() -> Option<super::HostInput> {
            None
        }
    }
    pub mod terminal_stdout {
        pub fn get_terminal_stdout() -> Option<super::HostOutput> {
            None
        }
    }
    pub mod terminal_stderr {
        pub fn get_terminal_stderr() -> Option<super::HostOutput> {
            None
        }
    }
}
#[cfg(feature = "proxy")]
use no_terminal::{HostInput, HostOutput, terminal_stderr, terminal_stdin, terminal_stdout};

pub struct TerminalInputRep(#[allow(dead_code)] HostInput);
pub struct TerminalOutputRep(#[allow(dead_code)] HostOutput);

both_versions! {
    impl cli::terminal_input::Guest for crate::Adapter {
        type TerminalInput = TerminalInputRep;
    }

    impl cli::terminal_input::GuestTerminalInput for TerminalInputRep {}

    impl cli::terminal_output::Guest for crate::Adapter {
        type TerminalOutput = TerminalOutputRep;
    }

    impl cli::terminal_output::GuestTerminalOutput for TerminalOutputRep {}

    impl cli::terminal_stdin::Guest for crate::Adapter {
        fn get_terminal_stdin() -> Option<cli::terminal_stdin::TerminalInput> {
            terminal_stdin::get_terminal_stdin()
                .map(|t| cli::terminal_stdin::TerminalInput::new(TerminalInputRep(t)))
        }
    }

    impl cli::terminal_stdout::Guest for crate::Adapter {
        fn get_terminal_stdout() -> Option<cli::terminal_stdout::TerminalOutput> {
            terminal_stdout::get_terminal_stdout()
                .map(|t| cli::terminal_stdout::TerminalOutput::new(TerminalOutputRep(t)))
        }
    }

    impl cli::terminal_stderr::Guest for crate::Adapter {
        fn get_terminal_stderr() -> Option<cli::terminal_stderr::TerminalOutput> {
            terminal_stderr::get_terminal_stderr()
                .map(|t| cli::terminal_stderr::TerminalOutput::new(TerminalOutputRep(t)))
        }
    }
}
