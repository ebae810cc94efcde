//! The three echo-server guests (same program, same work) and how to start one.

use crate::artifacts::{self, AdapterBuild};
use crate::runner::{self, MemoryGauge, RunOptions, RunOutput, Stdout};
use anyhow::{Context, Result, bail};
use std::net::{SocketAddr, UdpSocket};
use wasmtime::Engine;
use wasmtime::component::Component;

/// The handle limit benchmark servers run with (`-S max-component-handles`, and the 0.3
/// build's `RC_ADAPTER_MAX_PARKED_CALLS` to match), as README advises for servers: every empty
/// probe holds two handles until the run ends, and a benchmark server makes tens of
/// thousands of them.
pub const SERVER_MAX_COMPONENT_HANDLES: usize = 10_000_000;

/// Which build of the echo server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// (a) the legacy rc program plugged with the adapter, rc UDP over 0.3.
    Adapter,
    /// (a2) the same, plugged with the adapter's other build: rc UDP over 0.2.x.
    Adapter02,
    /// (b) the same program against `wasi:sockets@0.2.12`, on wasmtime's native p2.
    NativeP2,
    /// (c) the same server written natively against `wasi:sockets/types@0.3.0` (async).
    NativeP3,
}

impl Flavor {
    pub const ALL: [Flavor; 4] = [
        Flavor::Adapter,
        Flavor::Adapter02,
        Flavor::NativeP2,
        Flavor::NativeP3,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Flavor::Adapter => "a: rc + adapter, UDP over 0.3",
            Flavor::Adapter02 => "a2: rc + adapter, UDP over 0.2.x",
            Flavor::NativeP2 => "b: native p2",
            Flavor::NativeP3 => "c: native p3",
        }
    }

    /// Builds (once) and loads the component.
    pub fn component(self, engine: &Engine) -> Result<Component> {
        let path = match self {
            Flavor::Adapter => artifacts::plugged("echo-server")?,
            Flavor::Adapter02 => artifacts::plugged_with("echo-server", AdapterBuild::Udp02)?,
            Flavor::NativeP2 => artifacts::guest("echo-server-p2")?,
            Flavor::NativeP3 => artifacts::guest("echo_server_p3")?,
        };
        Component::from_file(engine, &path).map_err(|e| anyhow::anyhow!("{e:?}"))
    }
}

/// Picks `count` free UDP ports on `ip` (bind, note, release).
pub fn free_ports(ip: &str, count: usize) -> Result<Vec<u16>> {
    let held: Vec<UdpSocket> = (0..count)
        .map(|_| UdpSocket::bind((ip, 0)))
        .collect::<std::io::Result<_>>()?;
    held.iter().map(|s| Ok(s.local_addr()?.port())).collect()
}

/// An echo-server guest running on the runtime, listening on `addrs`.
pub struct Server {
    pub addrs: Vec<SocketAddr>,
    /// The guest's linear memory (plugged: guest and adapter together).
    pub memory: MemoryGauge,
    task: tokio::task::JoinHandle<Result<RunOutput>>,
}

/// What the guest reported when it stopped.
#[derive(Debug, Clone, Copy)]
pub struct Tally {
    pub echoed: u64,
    /// How many of them were `hello` handshakes.
    pub hellos: u64,
    /// Times the guest found no send permit or made a short send.
    pub send_waits: u64,
}

impl Server {
    /// Starts `component` as an echo server on `sockets` loopback ports. `ipv6` picks ::1.
    /// `receive_buffer`: bytes the guest asks for each socket's receive buffer (the rc and p2
    /// echo servers only; the kernel caps it at `net.core.rmem_max`).
    pub fn start(
        rt: &tokio::runtime::Runtime,
        engine: &Engine,
        component: &Component,
        ipv6: bool,
        sockets: usize,
        batch: u64,
        receive_buffer: Option<u64>,
    ) -> Result<Server> {
        let limit = SERVER_MAX_COMPONENT_HANDLES;
        let on = (ipv6, sockets, batch, receive_buffer);
        Server::start_with_handle_limit(rt, engine, component, on, limit)
    }

    /// `start`, in a store that traps past `max_handles` live handles.
    pub fn start_with_handle_limit(
        rt: &tokio::runtime::Runtime,
        engine: &Engine,
        component: &Component,
        (ipv6, sockets, batch, receive_buffer): (bool, usize, u64, Option<u64>),
        max_handles: usize,
    ) -> Result<Server> {
        let ip = if ipv6 { "::1" } else { "127.0.0.1" };
        let ports = free_ports(ip, sockets)?;
        let addrs = ports
            .iter()
            .map(|&p| SocketAddr::new(ip.parse().unwrap(), p))
            .collect();
        let mut args = vec![
            if ipv6 { "ipv6" } else { "ipv4" }.to_string(),
            batch.to_string(),
        ];
        if let Some(bytes) = receive_buffer {
            args.extend(["--receive-buffer".to_string(), bytes.to_string()]);
        }
        args.extend(ports.iter().map(u16::to_string));
        let (engine, component) = (engine.clone(), component.clone());
        let memory = MemoryGauge::default();
        // The 0.3 build's own threshold moves with the host's limit, as README says.
        let max_parked = (max_handles / 2).saturating_sub(1_000).max(1);
        let options = RunOptions {
            max_component_handles: Some(max_handles),
            memory: memory.clone(),
            env: vec![("RC_ADAPTER_MAX_PARKED_CALLS".into(), max_parked.to_string())],
        };
        let task = rt.spawn(async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            runner::run_component_with(&engine, &component, &args, Stdout::Capture, &options)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))
        });
        Ok(Server {
            addrs,
            task,
            memory,
        })
    }

    /// After a failed workload: what the guest says, if it has exited (a trap, say).
    pub fn post_mortem(self, rt: &tokio::runtime::Runtime) -> String {
        if !self.task.is_finished() {
            self.task.abort();
            return "the guest is still running".into();
        }
        match rt.block_on(self.task) {
            Ok(Ok(out)) => format!(
                "guest ended ({:?}) with stdout:\n{}",
                out.outcome, out.stdout
            ),
            Ok(Err(e)) => format!("guest failed: {e:?}"),
            Err(e) => format!("guest task: {e}"),
        }
    }

    /// Waits for the guest to exit (after a `stop` datagram) and reads its tally.
    pub fn finish(self, rt: &tokio::runtime::Runtime) -> Result<Tally> {
        let out = rt.block_on(self.task).context("guest task")??;
        match &out.outcome {
            Ok(true) => {}
            Ok(false) => bail!("guest exited non-zero:\n{}", out.stdout),
            Err(e) => bail!("guest trapped: {e:?}\n{}", out.stdout),
        }
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with("echoed "))
            .context("no tally")?;
        let words: Vec<&str> = line.split_whitespace().collect();
        Ok(Tally {
            echoed: words[1].parse()?,
            hellos: words[3].parse()?,
            send_waits: words[5].parse()?,
        })
    }
}
