//! `bench bulk [--mib N] [--rounds R] [--only CASE]`: bulk data through a 2023 command on the
//! wasmtime 50.0.1 CLI, against the same program run natively, side by side in one run.
//!
//! One program (`host-test/guests/src/programs/bulk.rs`), built for wasm32-wasip1:
//! - **A**: `legacy-bulk`, with cargo-component 0.5.0's preview1 adapter, plugged with the
//!   build `rc-adapter` picks for it (it cannot use rc UDP: the 0.2.x build);
//! - **A+udp**: `legacy-bulk-udp`, which can also use rc UDP, so it imports the whole rc world
//!   as every componentize-py program does, plugged with its default (the 0.3 build);
//! - **B**: `bulk-p2`, its stdio and files through std as in A, its TCP against 0.2.12, with
//!   wasmtime 50.0.1's own preview1 adapter: how the program runs on wasmtime 50 natively.
//!
//! `file-pread` and `file-pwrite` read and write with preview1 `fd_pread` and `fd_pwrite`,
//! which the 2023 preview1 adapter serves with rc `descriptor.read` and `write`, not streams:
//! the host's own functions once plugged, with the file rights kept inside the component
//! (`docs/design.md`, "What carries the bytes").
//!
//! Each run is a whole `wasmtime run` with the line `rc-adapter` prints (compiled modules come
//! from wasmtime's cache after the warm-up), moving `--mib` MiB (default 256) in 4 KiB, 64 KiB
//! and 1 MiB pieces. The flavors take turns, `--rounds` times (default 5). The table gives
//! each one's median wall time of the whole run, the median of the per-round ratios of those
//! to B's, and the throughput of the transfer alone (timed by the guest, so without what
//! starting and ending the process costs) as a share of B's: B's time over A's.

use anyhow::{Context, Result, bail, ensure};
use host_test::artifacts::{self, Era};
use host_test::wasmtime_cli;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub mib: usize,
    pub rounds: usize,
    /// Run only the cases whose name starts with this.
    pub only: Option<String>,
}

const CASES: [&str; 8] = [
    "stdout",
    "stdin",
    "file-write",
    "file-read",
    "file-pread",
    "file-pwrite",
    "tcp-send",
    "tcp-recv",
];
const CHUNKS: [usize; 3] = [4 << 10, 64 << 10, 1 << 20];

struct Flavor {
    label: &'static str,
    component: PathBuf,
    flags: Vec<String>,
}

pub fn run(options: &Options) -> Result<()> {
    let plugged = |name| -> Result<Flavor> {
        let component = artifacts::legacy_plugged(name, Era::Nov2023)?;
        let flags = wasmtime_cli::readme_flags(wasmtime_cli::plugged_with_udp03(&component)?)?;
        Ok(Flavor {
            label: "",
            component,
            flags,
        })
    };
    let flavors = [
        Flavor {
            label: "A",
            ..plugged("legacy-bulk")?
        },
        Flavor {
            label: "A+udp",
            ..plugged("legacy-bulk-udp")?
        },
        Flavor {
            label: "B",
            component: artifacts::native_p1("bulk-p2")?,
            flags: wasmtime_cli::readme_flags(false)?,
        },
    ];
    let dir = artifacts::temp_dir("bench-bulk");
    let total = options.mib << 20;
    // The file `file-read` reads.
    std::fs::write(dir.join("in.bin"), vec![b'x'; total])?;
    println!(
        "bulk data, {} MiB a run, wasmtime 50.0.1 CLI; median wall time of {} rounds, and the \
         median per-round ratio to B",
        options.mib, options.rounds
    );
    println!(
        "{:<11} {:>7}  {:>8} {:>8} {:>8}  {:>6} {:>7}  {:>7} {:>9}",
        "", "", "wall", "", "", "wall/B", "", "thr./B", ""
    );
    println!(
        "{:<11} {:>7}  {:>8} {:>8} {:>8}  {:>6} {:>7}  {:>7} {:>9}",
        "case", "chunk", "A", "A+udp", "B", "A", "A+udp", "A", "A+udp"
    );
    for case in CASES {
        if options
            .only
            .as_deref()
            .is_some_and(|o| !case.starts_with(o))
        {
            continue;
        }
        for chunk in CHUNKS {
            // A warm-up run of each fills wasmtime's compilation cache.
            for flavor in &flavors {
                run_case(flavor, case, options.mib, chunk, &dir)?;
            }
            // Per round and flavor: (whole run, transfer alone), in seconds.
            let mut times: Vec<[(f64, f64); 3]> = Vec::new();
            for _ in 0..options.rounds {
                let mut round = [(0.0, 0.0); 3];
                for (i, flavor) in flavors.iter().enumerate() {
                    let (wall, transfer) = run_case(flavor, case, options.mib, chunk, &dir)?;
                    round[i] = (wall.as_secs_f64(), transfer.as_secs_f64());
                }
                times.push(round);
            }
            let wall = |i: usize| median(times.iter().map(|t| t[i].0).collect());
            let wall_ratio = |i: usize| median(times.iter().map(|t| t[i].0 / t[2].0).collect());
            let share = |i: usize| median(times.iter().map(|t| t[2].1 / t[i].1).collect());
            println!(
                "{case:<11} {:>7}  {:>7.3}s {:>7.3}s {:>7.3}s  {:>6.2} {:>7.2}  {:>7.2} {:>9.2}",
                format_chunk(chunk),
                wall(0),
                wall(1),
                wall(2),
                wall_ratio(0),
                wall_ratio(1),
                share(0),
                share(1)
            );
        }
    }
    Ok(())
}

fn format_chunk(chunk: usize) -> String {
    match chunk {
        c if c >= 1 << 20 => format!("{} MiB", c >> 20),
        c => format!("{} KiB", c >> 10),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One `wasmtime run` of `case`; checks that every byte arrived. Returns the whole run's wall
/// time and the transfer's, as the guest timed it.
fn run_case(
    flavor: &Flavor,
    case: &str,
    mib: usize,
    chunk: usize,
    dir: &Path,
) -> Result<(Duration, Duration)> {
    let total = mib << 20;
    let mut args = vec![case.to_string(), mib.to_string(), chunk.to_string()];
    let listener = TcpListener::bind("127.0.0.1:0")?;
    match case {
        "file-write" | "file-pwrite" => args.push("/bulk/out.bin".into()),
        "file-read" | "file-pread" => args.push("/bulk/in.bin".into()),
        "tcp-send" | "tcp-recv" => args.push(listener.local_addr()?.port().to_string()),
        _ => {}
    }
    let mut command = Command::new("wasmtime");
    command
        .arg("run")
        .args(&flavor.flags)
        .arg("--dir")
        .arg(format!("{}::/bulk", dir.display()))
        .arg(&flavor.component)
        .args(&args)
        .stdin(if case == "stdin" {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().context("running wasmtime")?;
    let stdin = child.stdin.take();
    let mut stdout = child.stdout.take().unwrap();
    // The host side of the transfer, on its own thread: it counts what it receives.
    let host_side = case.to_string();
    let peer = std::thread::spawn(move || -> Result<usize> {
        Ok(match host_side.as_str() {
            "stdout" => count(&mut stdout)?,
            "stdin" => send(&mut stdin.unwrap(), total)?,
            "tcp-send" => count(&mut listener.accept()?.0)?,
            "tcp-recv" => send(&mut listener.accept()?.0, total)?,
            _ => 0,
        })
    });
    let out = child.wait_with_output()?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "{} {case}: {stderr}", flavor.label);
    let peer = peer.join().unwrap()?;
    let moved = format!("moved {total} bytes in ");
    let took = stderr
        .lines()
        .find_map(|l| l.strip_prefix(&moved))
        .and_then(|rest| rest.strip_suffix(" ns"))
        .and_then(|ns| ns.parse::<u64>().ok())
        .with_context(|| format!("{} {case}: {stderr}", flavor.label))?;
    match case {
        "stdout" | "tcp-send" => ensure!(peer == total, "{case}: the host got {peer} bytes"),
        "file-write" | "file-pwrite" => {
            let len = std::fs::metadata(dir.join("out.bin"))?.len() as usize;
            ensure!(len == total, "{case}: the file has {len} bytes");
        }
        _ => {}
    }
    if took == 0 {
        bail!("{} {case}: the guest measured no time", flavor.label);
    }
    Ok((elapsed, Duration::from_nanos(took)))
}

fn count(from: &mut impl Read) -> Result<usize> {
    let mut buf = vec![0; 1 << 16];
    let mut total = 0;
    loop {
        match from.read(&mut buf)? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

fn send(to: &mut impl Write, total: usize) -> Result<usize> {
    let buf = vec![b'x'; 1 << 16];
    let mut sent = 0;
    while sent < total {
        let n = buf.len().min(total - sent);
        to.write_all(&buf[..n])?;
        sent += n;
    }
    Ok(sent)
}
