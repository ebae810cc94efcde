//! The command line's parts: its arguments, how it writes, and what `inspect` prints.

pub mod args;
pub mod output;
pub mod report;
