//! The wasmtime 50 command line a plugged component needs.

use std::ffi::OsString;
use std::fmt;
use std::path::Path;

/// The flag only an adapter that cancels 0.3 calls needs (the async `subtask.cancel`).
pub const MORE_ASYNC_BUILTINS: [&str; 2] = ["-W", "component-model-more-async-builtins=y"];
/// rc TCP and UDP need the host's network; rc `ip-name-lookup` needs lookups allowed.
pub const NETWORK: [&str; 4] = ["-S", "inherit-network=y", "-S", "allow-ip-name-lookup=y"];
/// rc `wasi:http` in a command needs the host's.
pub const HTTP: [&str; 2] = ["-S", "http"];
/// The whole command world under `wasmtime serve`, which links only the proxy world's
/// interfaces without it.
pub const CLI: [&str; 2] = ["-S", "cli"];

/// `wasmtime SUBCOMMAND FLAGS.. COMPONENT`, the command a plugged component runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WasmtimeCommand {
    /// `run` for a command or reactor, `serve` for an HTTP proxy.
    pub subcommand: &'static str,
    /// The flags between the subcommand and the component, one argument each.
    pub flags: Vec<String>,
}

impl WasmtimeCommand {
    /// The command for a proxy (`serve`) or not (`run`), plugged with the proxy build or a
    /// whole-world one (which may need the async builtins), importing rc HTTP or not.
    pub(crate) fn new(
        proxy: bool,
        proxy_build: bool,
        more_async_builtins: bool,
        http: bool,
    ) -> WasmtimeCommand {
        let mut flags: Vec<&str> = Vec::new();
        if more_async_builtins {
            flags.extend(MORE_ASYNC_BUILTINS);
        }
        // `serve` links the proxy world's interfaces only, unless `-S cli`; the proxy build
        // imports nothing else, and has no network to ask for.
        if proxy && !proxy_build {
            flags.extend(CLI);
        }
        if !proxy_build {
            flags.extend(NETWORK);
        }
        if http && !proxy {
            flags.extend(HTTP);
        }
        WasmtimeCommand {
            subcommand: if proxy { "serve" } else { "run" },
            flags: flags.into_iter().map(str::to_string).collect(),
        }
    }

    /// `wasmtime run` for a whole-world build.
    #[cfg(test)]
    fn run(more_async_builtins: bool, http: bool) -> WasmtimeCommand {
        WasmtimeCommand::new(false, false, more_async_builtins, http)
    }

    /// The arguments after `wasmtime`, ending with `component` (program arguments follow).
    pub fn args(&self, component: &Path) -> Vec<OsString> {
        let mut args = vec![OsString::from(self.subcommand)];
        args.extend(self.flags.iter().map(OsString::from));
        args.push(component.as_os_str().to_owned());
        args
    }

    /// One line for a POSIX shell, the component's path quoted where it needs it.
    pub fn line(&self, component: &Path) -> String {
        format!("{self} {}", shell_quote(&component.to_string_lossy()))
    }
}

impl fmt::Display for WasmtimeCommand {
    /// `wasmtime run FLAGS..`, without the component.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wasmtime {}", self.subcommand)?;
        for flag in &self.flags {
            write!(f, " {flag}")?;
        }
        Ok(())
    }
}

/// `word` as one word of a POSIX shell: as it is where it is plain, else in single quotes.
fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_quote_what_a_shell_would_split_or_expand() {
        let run = WasmtimeCommand::run(false, false);
        let line = |p: &str| run.line(Path::new(p));
        let flags = "-S inherit-network=y -S allow-ip-name-lookup=y";
        assert_eq!(
            line("out/fixed.wasm"),
            format!("wasmtime run {flags} out/fixed.wasm")
        );
        assert_eq!(
            line("my fixed.wasm"),
            format!("wasmtime run {flags} 'my fixed.wasm'")
        );
        assert_eq!(
            line("it's $x.wasm"),
            format!(r"wasmtime run {flags} 'it'\''s $x.wasm'")
        );
        let with_async = WasmtimeCommand::run(true, false).to_string();
        assert_eq!(
            with_async,
            format!("wasmtime run -W component-model-more-async-builtins=y {flags}")
        );
    }
}
