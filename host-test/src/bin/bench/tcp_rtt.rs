//! `bench tcp-rtt`: TCP round trips through a 2023 command (`legacy-tcp-echo`) run by the real
//! CLIs, plugged on wasmtime 50.0.1. Baselines in the same run: the same program built for
//! native WASI 0.2.12 (`tcp-echo-p2`) on the same wasmtime 50, which isolates the adapter; and
//! the 2023 command unplugged on wasmtime 15.0.1, the host it was built for, when
//! `scripts/compare-wasmtime15.sh` has installed it in target/wasmtime15. The host writes 64
//! bytes and times the echo. `block` waits in `blocking-read` (forwarded to 0.2.x); `poll`
//! waits in one rc `poll` over the stream and a timer: the adapter's wait on a host pollable.

use anyhow::{Context, Result, bail};
use host_test::artifacts::{self, Era};
use host_test::bench::stats::{Percentiles, ms};
use host_test::wasmtime_cli;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARMUP: usize = 200;

fn round_trips(
    cli: &Path,
    flags: &[String],
    component: &Path,
    mode: &str,
    n: usize,
) -> Result<Percentiles> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port().to_string();
    let total = (WARMUP + n).to_string();
    let mut child = Command::new(cli)
        .arg("run")
        .args(flags)
        .arg(component)
        .args([port.as_str(), mode, total.as_str()])
        .stdout(Stdio::null())
        .spawn()
        .with_context(|| format!("running {}", cli.display()))?;
    let (mut conn, _) = listener.accept()?;
    conn.set_nodelay(true)?;
    let mut samples = Vec::with_capacity(n);
    let (out, mut back) = ([7u8; 64], [0u8; 64]);
    for i in 0..WARMUP + n {
        let start = Instant::now();
        conn.write_all(&out)?;
        conn.read_exact(&mut back)?;
        if i >= WARMUP {
            samples.push(start.elapsed());
        }
    }
    if !child.wait()?.success() {
        bail!("{} {mode}: the guest failed", cli.display());
    }
    Ok(Percentiles::of(&samples))
}

pub fn run(quick: bool) -> Result<()> {
    let n = if quick { 500 } else { 5000 };
    let fixed = artifacts::legacy_plugged("legacy-tcp-echo", Era::Nov2023)?;
    let native = artifacts::guest("tcp-echo-p2")?;
    let legacy = artifacts::legacy("legacy-tcp-echo", Era::Nov2023)?;
    let old = artifacts::repo_root().join("target/wasmtime15/bin/wasmtime");
    let new_cli = Path::new("wasmtime");
    let new_flags = wasmtime_cli::readme_flags(wasmtime_cli::plugged_with_udp03(&fixed)?)?;
    let old_flags: Vec<String> = ["-W", "component-model", "-S", "inherit-network"]
        .map(String::from)
        .into();
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("TCP echo of 64 bytes over 127.0.0.1, {n} round trips after {WARMUP} warm-up");
    for mode in ["block", "poll"] {
        let adapter = round_trips(new_cli, &new_flags, &fixed, mode, n)?;
        let mut rows = vec![("wasmtime 50 + adapter", adapter)];
        rows.push((
            "wasmtime 50, native p2",
            round_trips(new_cli, &new_flags, &native, mode, n)?,
        ));
        if old.exists() {
            rows.push((
                "wasmtime 15, unplugged",
                round_trips(&old, &old_flags, &legacy, mode, n)?,
            ));
        }
        for (label, p) in &rows {
            println!(
                "  {mode:5} {label:24} p50 {}  p99 {}   adapter / this: p50 {:.2}  p99 {:.2}",
                ms(p.p50),
                ms(p.p99),
                ratio(adapter.p50, p.p50),
                ratio(adapter.p99, p.p99)
            );
        }
        if !old.exists() {
            println!("  (no wasmtime 15 row: run scripts/compare-wasmtime15.sh once to build it)");
        }
    }
    Ok(())
}
