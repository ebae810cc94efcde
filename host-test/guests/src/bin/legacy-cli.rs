//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that reports what its host gave
//! it: arguments, an environment variable, stdin read to EOF, its terminals, and then exits
//! as its first argument says (`ok`, `err`, or a number passed to `exit`).

use rc_guests::cmd::cli::{terminal_stderr, terminal_stdin, terminal_stdout};
use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("args {args:?}");
    println!("env RC_GREETING={:?}", std::env::var("RC_GREETING").ok());
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .expect("read stdin");
    println!(
        "stdin {} bytes, sum {}",
        input.len(),
        input.iter().map(|&b| b as u64).sum::<u64>()
    );
    println!(
        "terminals stdin={} stdout={} stderr={}",
        terminal_stdin::get_terminal_stdin().is_some(),
        terminal_stdout::get_terminal_stdout().is_some(),
        terminal_stderr::get_terminal_stderr().is_some(),
    );
    eprintln!("a line on stderr");
    std::io::stdout().flush().unwrap();
    match args.first().map(String::as_str) {
        Some("err") => std::process::exit(1),
        Some(code) if code.parse::<i32>().is_ok() => std::process::exit(code.parse().unwrap()),
        _ => {}
    }
}
