//! `rc-adapter plug` and `rc-adapter inspect` (`rc-adapter --help`).

mod cli;

use cli::args::{self, BuildChoice, HELP, Invocation, USAGE};
use cli::{output, report};
use rc_adapter::{Build, PlugError, PlugOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why the tool stopped: the exit status says which kind.
enum Failure {
    /// Exit status 2: the command line is wrong.
    Usage(String),
    /// Exit status 1: the input (or where to write) is. `hint` says what to do.
    Input {
        path: PathBuf,
        reason: String,
        hint: Option<String>,
    },
}

impl Failure {
    fn input(path: &Path, reason: impl ToString) -> Failure {
        Failure::Input {
            path: path.to_path_buf(),
            reason: reason.to_string(),
            hint: None,
        }
    }

    fn plug(path: &Path, error: PlugError) -> Failure {
        Failure::Input {
            path: path.to_path_buf(),
            reason: error.to_string(),
            hint: error.hint(),
        }
    }
}

fn main() -> ExitCode {
    let result = match args::parse(std::env::args().skip(1)) {
        Ok(Invocation::Help) => {
            println!("{HELP}");
            Ok(())
        }
        Ok(Invocation::Version) => {
            println!("rc-adapter {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Ok(Invocation::Plug {
            input,
            output,
            choice,
        }) => plug(&input, output, choice),
        Ok(Invocation::Inspect { input, choice }) => inspect(&input, choice),
        Err(usage) => Err(Failure::Usage(usage)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(reason)) => {
            eprintln!("error: {reason}\n{USAGE}\nFor more, try `rc-adapter --help`.");
            ExitCode::from(2)
        }
        Err(Failure::Input { path, reason, hint }) => {
            eprintln!("error: {}: {reason}", path.display());
            if let Some(hint) = hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(1)
        }
    }
}

fn options(choice: BuildChoice) -> PlugOptions {
    let options = match choice.build {
        Some(build) => PlugOptions::new().with_build(build),
        None => PlugOptions::new(),
    };
    match choice.whole_world {
        true => options.with_whole_world(),
        false => options,
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    if path.is_dir() {
        return Err(Failure::input(path, "a directory, not a component"));
    }
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::input(path, "no such file"),
        _ => Failure::input(path, e),
    })
}

fn plug(input: &Path, output: Option<PathBuf>, choice: BuildChoice) -> Result<(), Failure> {
    let output = output.unwrap_or_else(|| output::default_output(input));
    let to_stdout = output == Path::new("-");
    if to_stdout && std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "will not write a binary component to a terminal; pass -o OUT.wasm".to_string(),
        ));
    }
    if output::same_file(input, &output) {
        return Err(Failure::Usage(format!(
            "will not write over the input {}; pass another -o",
            input.display()
        )));
    }
    let bytes = read_input(input)?;
    let plugged =
        rc_adapter::plug(&bytes, &options(choice)).map_err(|e| Failure::plug(input, e))?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&plugged.bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::input(&output, format!("cannot write: {e}")))?;
    } else {
        output::write_whole(&output, &plugged.bytes)
            .map_err(|e| Failure::input(&output, format!("cannot write: {e}")))?;
    }
    let shown = if to_stdout {
        Path::new("OUT.wasm")
    } else {
        &output
    };
    let inspection = &plugged.inspection;
    let into = match to_stdout {
        true => "stdout".to_string(),
        false => output.display().to_string(),
    };
    eprintln!(
        "plugged {} rc interfaces into {into}: build {}, {}",
        inspection.rc_imports.len(),
        plugged.build,
        inspection.reason()
    );
    if let Some(made) = report::made(inspection) {
        eprintln!("made {made}");
    }
    eprintln!("run it with: {}", plugged.command.line(shown));
    if plugged.build == Build::Udp03 && inspection.can_use_udp() {
        eprintln!("{UDP03_WARNING}");
    }
    Ok(())
}

const UDP03_WARNING: &str = "warning: if this component serves UDP for long, plug it with \
    --udp 0.2: over WASI 0.3 an idle socket parks host memory (about 0.8 MiB and 25 store \
    handles a second), and an idle server stops after about 65 minutes under wasmtime's \
    default handle limit";

fn inspect(input: &Path, choice: BuildChoice) -> Result<(), Failure> {
    let bytes = read_input(input)?;
    let inspection =
        rc_adapter::inspect(&bytes, &options(choice)).map_err(|e| Failure::plug(input, e))?;
    print!("{}", report::report(input, &inspection));
    match inspection.refusal {
        Some(refusal) => Err(Failure::plug(input, refusal)),
        None => Ok(()),
    }
}
