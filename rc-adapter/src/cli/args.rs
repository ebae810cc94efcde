//! The command line, parsed by hand: two subcommands and two options do not need a parser
//! crate, and the install stays small.

use rc_adapter::Build;
use std::path::PathBuf;

pub const USAGE: &str =
    "usage: rc-adapter plug IN.wasm [-o OUT.wasm] [--udp 0.3|0.2] [--world proxy|command]
       rc-adapter inspect IN.wasm [--udp 0.3|0.2] [--world proxy|command]";

pub const HELP: &str = "\
rc-adapter: makes a component built against WASI 0.2.0-rc-2023-11-10 (or the -12-05
wasi:cli) run on wasmtime 50, by plugging an adapter component into it that serves the
2023 interfaces over the ratified WASI ones.

Usage:
  rc-adapter plug IN.wasm [-o OUT.wasm] [--udp 0.3|0.2] [--world proxy|command]
  rc-adapter inspect IN.wasm [--udp 0.3|0.2] [--world proxy|command]

Commands:
  plug       Plugs the adapter into IN.wasm, keeps every export (an rc wasi:cli/run is
             exported again as wasi:cli/run@0.2.0, which wasmtime runs; an rc
             wasi:http/incoming-handler as wasi:http/incoming-handler@0.2.0, which
             wasmtime serve serves), writes the result and prints the wasmtime command to
             run it with.
  inspect    Says what IN.wasm is: the rc versions it imports, proxy, command or reactor,
             what the adapter serves, which build it would get and why, and the command
             line.

Options:
  -o, --output OUT.wasm  Where plug writes (default: IN.plugged.wasm; `-` for stdout).
                         Written whole or not at all; never over IN.wasm.
      --udp 0.3|0.2      What rc UDP stands on. 0.3 (WASI 0.3.0) is the default for a
                         component that can use rc UDP (a core module imports
                         create-udp-socket); it needs -W component-model-more-async-builtins=y,
                         and an idle socket parks host memory. 0.2 (WASI 0.2.x) is the
                         default for every other component; it needs no -W flag and idles
                         for free: pick it for a UDP server that runs for long.
      --world proxy|command
                         What the result imports. proxy, the default for an HTTP proxy:
                         only what wasi:http/proxy@0.2.x gives (no WASI 0.3, no files, no
                         network, no environment), so a plain `wasmtime serve` and other
                         wasi:http 0.2 hosts run it. command, the default for everything
                         else: the whole rc world on the host's, for a proxy that needs
                         files or sockets (served with `wasmtime serve -S cli`).
                         A proxy is made in place where it can be: its rc imports become
                         the host's own, and a small core module inside it serves what a
                         proxy host lacks; no adapter component, so a request costs five
                         core instances where composing costs nine. Otherwise it is
                         composed with the proxy adapter, and inspect says why.
  -h, --help             Prints this.
  -V, --version          Prints the version.

Examples:
  rc-adapter plug legacy.wasm -o fixed.wasm
  wasmtime run -S inherit-network=y -S allow-ip-name-lookup=y fixed.wasm

  rc-adapter plug udp-server.wasm -o fixed.wasm --udp 0.2
  rc-adapter plug proxy.wasm -o fixed.wasm
  wasmtime serve fixed.wasm

  rc-adapter inspect legacy.wasm

Exit status: 0 on success, 1 on input that cannot be plugged, 2 on a usage error.";

/// What was asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Invocation {
    Plug {
        input: PathBuf,
        output: Option<PathBuf>,
        choice: BuildChoice,
    },
    Inspect {
        input: PathBuf,
        choice: BuildChoice,
    },
    Help,
    Version,
}

/// The build asked for: a build (`--udp`, `--world proxy`), a whole-world one by the UDP
/// rule (`--world command`), or the default.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BuildChoice {
    pub build: Option<Build>,
    pub whole_world: bool,
}

/// Parses the arguments after the program name; `Err` is a usage error, in one line.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Invocation, String> {
    let mut args = args.into_iter();
    let subcommand = match args.next().as_deref() {
        None => return Err("no command given".to_string()),
        Some("-h" | "--help" | "help") => return Ok(Invocation::Help),
        Some("-V" | "--version") => return Ok(Invocation::Version),
        Some(s @ ("plug" | "inspect")) => s.to_string(),
        Some(other) => return Err(format!("unknown command `{other}`")),
    };
    let (mut inputs, mut output) = (Vec::new(), None);
    let (mut udp_build, mut world) = (None, None);
    let mut options_done = false;
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            _ if options_done || !arg.starts_with('-') || arg == "-" => inputs.push(arg),
            "--" => options_done = true,
            "-h" | "--help" => return Ok(Invocation::Help),
            "-V" | "--version" => return Ok(Invocation::Version),
            "-o" | "--output" if subcommand == "plug" => {
                output = Some(PathBuf::from(value("-o")?));
            }
            "--udp" => {
                let udp = value("--udp")?;
                udp_build = Some(
                    Build::from_udp(&udp)
                        .ok_or_else(|| format!("--udp takes 0.3 or 0.2, not `{udp}`"))?,
                );
            }
            "--world" => {
                let name = value("--world")?;
                world = match name.as_str() {
                    "proxy" | "command" => Some(name),
                    _ => return Err(format!("--world takes proxy or command, not `{name}`")),
                };
            }
            _ => return Err(format!("unknown option `{arg}` for {subcommand}")),
        }
    }
    let input = match <[String; 1]>::try_from(inputs) {
        Ok([input]) => PathBuf::from(input),
        Err(inputs) if inputs.is_empty() => return Err("no input file given".to_string()),
        Err(inputs) => return Err(format!("one input file, not {}", inputs.len())),
    };
    let choice = match (world.as_deref(), udp_build) {
        (Some("proxy"), Some(_)) => {
            return Err("--udp picks a whole-world build, not --world proxy".to_string());
        }
        (Some("proxy"), None) => BuildChoice {
            build: Some(Build::Proxy),
            whole_world: false,
        },
        (world, build) => BuildChoice {
            build,
            whole_world: world == Some("command"),
        },
    };
    Ok(match subcommand.as_str() {
        "plug" => Invocation::Plug {
            input,
            output,
            choice,
        },
        _ => Invocation::Inspect { input, choice },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Invocation, String> {
        parse(line.split_whitespace().map(str::to_string))
    }

    #[test]
    fn plug_and_inspect_take_their_options_anywhere() {
        let plug = |output: &str, build| Invocation::Plug {
            input: "in.wasm".into(),
            output: Some(output.into()),
            choice: BuildChoice {
                build,
                whole_world: false,
            },
        };
        assert_eq!(
            parse_line("plug in.wasm -o out.wasm"),
            Ok(plug("out.wasm", None))
        );
        assert_eq!(
            parse_line("plug --udp 0.2 --output=out.wasm in.wasm"),
            Ok(plug("out.wasm", Some(Build::Udp02)))
        );
        assert_eq!(parse_line("plug in.wasm -o -"), Ok(plug("-", None)));
        assert_eq!(
            parse_line("inspect --udp=0.3 in.wasm"),
            Ok(Invocation::Inspect {
                input: "in.wasm".into(),
                choice: BuildChoice {
                    build: Some(Build::Udp03),
                    whole_world: false
                }
            })
        );
        assert_eq!(
            parse_line("plug in.wasm -o out.wasm --world proxy"),
            Ok(plug("out.wasm", Some(Build::Proxy)))
        );
        assert_eq!(
            parse_line("inspect in.wasm --world command"),
            Ok(Invocation::Inspect {
                input: "in.wasm".into(),
                choice: BuildChoice {
                    build: None,
                    whole_world: true
                }
            })
        );
        assert_eq!(parse_line("plug -- -odd.wasm").map(|_| ()), Ok(()));
        assert_eq!(parse_line("inspect x.wasm --help"), Ok(Invocation::Help));
        assert_eq!(parse_line("--version"), Ok(Invocation::Version));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        for (line, says) in [
            ("", "no command given"),
            ("pug in.wasm", "unknown command `pug`"),
            ("plug", "no input file given"),
            ("plug a.wasm b.wasm", "one input file, not 2"),
            (
                "plug in.wasm --udp 0.4",
                "--udp takes 0.3 or 0.2, not `0.4`",
            ),
            ("plug in.wasm --udp", "--udp needs a value"),
            (
                "plug in.wasm --world http",
                "--world takes proxy or command, not `http`",
            ),
            (
                "plug in.wasm --world proxy --udp 0.2",
                "--udp picks a whole-world build, not --world proxy",
            ),
            ("plug in.wasm -o", "-o needs a value"),
            (
                "inspect in.wasm -o x.wasm",
                "unknown option `-o` for inspect",
            ),
            ("plug in.wasm --force", "unknown option `--force` for plug"),
        ] {
            assert_eq!(parse_line(line), Err(says.to_string()), "{line}");
        }
    }
}
