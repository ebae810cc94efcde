//! `wasmtime serve` 50.0.1, the real CLI, on a loopback port it picks itself, and a plain
//! HTTP/1.1 client that shows what a client sees: status, headers, body and trailers, or a
//! response cut short.

use anyhow::{Context, Result, bail};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A running `wasmtime serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// The port it serves on.
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    /// `wasmtime serve FLAGS --addr 127.0.0.1:0 COMPONENT`, once it says it is serving.
    pub fn start(component: &Path, flags: &[String]) -> Result<Server> {
        crate::wasmtime_cli::check_version()?;
        let mut command = Command::new("wasmtime");
        command
            .arg("serve")
            .args(flags)
            .args(["--addr", "127.0.0.1:0"])
            .arg(component);
        Server::spawn(command, "Serving HTTP on http://127.0.0.1:")
    }

    /// `jco serve --host 127.0.0.1 --port 0 COMPONENT` (jco 1.35.0 on Node, which
    /// `scripts/setup.sh` installs into `target/jco`), once it listens.
    pub fn start_jco(component: &Path) -> Result<Server> {
        let jco = crate::artifacts::repo_root().join("target/jco/node_modules/.bin/jco");
        if !jco.exists() {
            bail!("no jco at {} (scripts/setup.sh installs it)", jco.display());
        }
        // Its transpiled output goes to a directory of ours, not to a new one in /tmp.
        let name = component.file_name().unwrap_or_default().to_string_lossy();
        let out = crate::artifacts::temp_dir(&format!("jco-{name}"));
        let mut command = Command::new(jco);
        command
            .args(["serve", "--host", "127.0.0.1", "--port", "0", "--jco-dir"])
            .arg(out)
            .arg(component);
        Server::spawn(command, "Server listening @ 127.0.0.1:")
    }

    /// Starts `command` and waits for the line that starts with `ready` (the port follows
    /// it, or is 0 and is then read from /proc).
    fn spawn(mut command: Command, ready: &str) -> Result<Server> {
        use std::os::unix::process::CommandExt;
        // Its own process group, so dropping it stops any worker it started (jco does).
        let mut child = command
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("running {command:?}"))?;
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let (log, port_tx, ready) = (log.clone(), port_tx.clone(), ready.to_string());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(rest) = line.strip_prefix(&ready) {
                        let digits = rest.trim_start_matches(|c: char| !c.is_ascii_digit());
                        let digits: String =
                            digits.chars().take_while(char::is_ascii_digit).collect();
                        let _ = port_tx.send(digits.parse::<u16>().ok());
                    }
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
                let _ = port_tx.send(None);
            });
        }
        // Both output threads end (and say `None`) if it exits before it serves.
        let port = port_rx.iter().flatten().next();
        let port = match port {
            Some(0) => listening_port(child.id()),
            port => port,
        };
        match port {
            Some(port) => Ok(Server { child, port, log }),
            None => {
                let _ = child.wait();
                bail!("wasmtime serve did not start:\n{}", log.lock().unwrap())
            }
        }
    }

    /// What it printed so far (stdout and stderr).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// `request`, to this server.
    pub fn request(&self, request: &Request) -> Result<Response> {
        request.send(self.port)
    }

    /// A GET of `path`.
    pub fn get(&self, path: &str) -> Result<Response> {
        self.request(&Request::get(path))
    }

    /// Its process id (the `wasmtime serve` process).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// A kept-alive HTTP/1.1 connection, for many requests one after another (the benchmark's
/// client): it sends a request with a known body and reads the whole response back.
pub struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Connection {
    pub fn open(port: u16) -> Result<Connection> {
        let writer = TcpStream::connect(("127.0.0.1", port))?;
        writer.set_nodelay(true)?;
        Ok(Connection {
            reader: BufReader::new(writer.try_clone()?),
            writer,
        })
    }

    /// Sends `method path` with `body`, returns the status and the body's length.
    pub fn exchange(&mut self, method: &str, path: &str, body: &[u8]) -> Result<(u16, usize)> {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        self.writer.write_all(head.as_bytes())?;
        self.writer.write_all(body)?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let (mut chunked, mut length) = (false, 0usize);
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            chunked |= header == "transfer-encoding: chunked";
            if let Some(n) = header.strip_prefix("content-length:") {
                length = n.trim().parse()?;
            }
        }
        if !chunked {
            self.reader.read_exact(&mut vec![0; length])?;
            return Ok((status, length));
        }
        let mut total = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim_end(), 16)
                .with_context(|| format!("bad chunk size {line:?}"))?;
            if size == 0 {
                // Trailers, then the empty line.
                loop {
                    line.clear();
                    self.reader.read_line(&mut line)?;
                    if line.trim_end().is_empty() {
                        return Ok((status, total));
                    }
                }
            }
            let mut chunk = vec![0; size + 2];
            self.reader.read_exact(&mut chunk)?;
            total += size;
        }
    }
}

/// What `hold_open` saw: how many of the requests held open at once were served (200) and
/// how many refused (500: `wasmtime serve` could not make an instance for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub served: usize,
    pub refused: usize,
}

/// Opens `n` requests to `port`, one after another, and holds them all open: each a `POST
/// /echo` of two bytes of which only the first is sent. The echo handler answers before it
/// reads the body, so the status line of a served request arrives while its instance waits
/// for the second byte; a request the server has no instance for gets a 500. Once all are
/// counted, each gets its second byte and ends. Nothing here depends on timing: the
/// requests are open together because none can end before its last byte.
pub fn hold_open(port: u16, n: usize) -> Result<Held> {
    let mut held = Vec::with_capacity(n);
    let mut count = Held {
        served: 0,
        refused: 0,
    };
    for _ in 0..n {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream
            .write_all(b"POST /echo HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 2\r\n\r\na")?;
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line)?;
        match line.split(' ').nth(1) {
            Some("200") => count.served += 1,
            Some("500") => count.refused += 1,
            _ => bail!("held request: {line:?}"),
        }
        held.push(stream);
    }
    for mut stream in held {
        // A refused request's connection may be closed already.
        let _ = stream.write_all(b"b");
    }
    Ok(count)
}

/// The number of core instances `wasmtime serve` 50.0.1 counts in `component` (its pooling
/// allocator's check, which counts fused-adapter modules too): what each request costs of
/// the thousand it allows in all. Asked with a limit of one, `serve` refuses the component
/// and says how many it has (a component of one core instance would be served instead: no
/// component here is one).
pub fn core_instances(component: &Path) -> Result<u32> {
    crate::wasmtime_cli::check_version()?;
    let out = Command::new("wasmtime")
        .args(["serve", "-S", "cli", "--addr", "127.0.0.1:0"])
        .args(["-O", "pooling-max-core-instances-per-component=1"])
        .arg(component)
        .stdout(Stdio::null())
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let count = stderr
        .split("transitively contains ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok());
    match count {
        Some(n) => Ok(n),
        None => bail!("wasmtime serve did not count core instances: {stderr}"),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: a plain syscall; the group is the child's own (`process_group(0)`).
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// The TCP port a process or one of its descendants listens on (Linux: /proc), for a server
/// told to pick one that does not say which.
fn listening_port(root: u32) -> Option<u16> {
    let mut pids = vec![root];
    let mut i = 0;
    while i < pids.len() {
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // The parent pid is the second field after the parenthesised name.
            let ppid = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().nth(1));
            if ppid.and_then(|p| p.parse::<u32>().ok()) == Some(pids[i]) {
                pids.push(pid);
            }
        }
        i += 1;
    }
    let mut inodes = Vec::new();
    for pid in pids {
        for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let target = std::fs::read_link(fd.path()).unwrap_or_default();
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|t| t.strip_suffix(']'))
            {
                inodes.push(inode.to_string());
            }
        }
    }
    // /proc/net/tcp: `sl local rem st ... uid timeout inode`; state 0A is LISTEN.
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
        if *state != "0A" || !inodes.iter().any(|i| i == inode) {
            return None;
        }
        u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
    })
}

/// An HTTP/1.1 request. With `trailers`, the body goes chunked and the trailers after it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub trailers: Vec<(String, String)>,
}

/// What came back. `complete` is false where the body was cut short (the connection closed
/// before the last chunk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub trailers: Vec<(String, String)>,
    pub complete: bool,
}

impl Response {
    /// The first header of this name (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Request {
    pub fn get(path: &str) -> Request {
        Request {
            method: "GET".into(),
            path: path.into(),
            ..Request::default()
        }
    }

    pub fn post(path: &str, body: Vec<u8>) -> Request {
        Request {
            method: "POST".into(),
            path: path.into(),
            body,
            ..Request::default()
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn trailer(mut self, name: &str, value: &str) -> Request {
        self.trailers.push((name.into(), value.into()));
        self
    }

    /// Sends it on a fresh connection (`connection: close`) and reads the whole response.
    pub fn send(&self, port: u16) -> Result<Response> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\nte: trailers\r\n",
            self.method, self.path
        );
        for (k, v) in &self.headers {
            head += &format!("{k}: {v}\r\n");
        }
        let chunked = !self.trailers.is_empty();
        if chunked {
            let names: Vec<&str> = self.trailers.iter().map(|(k, _)| k.as_str()).collect();
            head += &format!("trailer: {}\r\n", names.join(", "));
        }
        head += &match chunked {
            true => "transfer-encoding: chunked\r\n\r\n".to_string(),
            false => format!("content-length: {}\r\n\r\n", self.body.len()),
        };
        // The body goes from another thread: a server that streams its answer while it
        // reads would otherwise deadlock on a large body.
        let mut writer = stream.try_clone()?;
        let (body, trailers) = (self.body.clone(), self.trailers.clone());
        let sender = std::thread::spawn(move || -> std::io::Result<()> {
            writer.write_all(head.as_bytes())?;
            if !chunked {
                return writer.write_all(&body);
            }
            for chunk in body.chunks(16 * 1024) {
                writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                writer.write_all(chunk)?;
                writer.write_all(b"\r\n")?;
            }
            writer.write_all(b"0\r\n")?;
            for (k, v) in &trailers {
                writer.write_all(format!("{k}: {v}\r\n").as_bytes())?;
            }
            writer.write_all(b"\r\n")
        });
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes)?;
        // The server may answer (and close) before it reads all of a body it does not want.
        let _ = sender.join();
        parse(&bytes)
    }
}

fn parse(bytes: &[u8]) -> Result<Response> {
    let end = find(bytes, b"\r\n\r\n").context("no end of headers in the response")?;
    let head = std::str::from_utf8(&bytes[..end])?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("bad status line {status_line:?}"))?;
    let headers = fields(lines);
    let rest = &bytes[end + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let (body, trailers, complete) = match (chunked, length) {
        (true, _) => dechunk(rest),
        (false, Some(n)) => (
            rest[..n.min(rest.len())].to_vec(),
            Vec::new(),
            rest.len() >= n,
        ),
        (false, None) => (rest.to_vec(), Vec::new(), true),
    };
    Ok(Response {
        status,
        headers,
        body,
        trailers,
        complete,
    })
}

fn fields<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// A chunked body: its bytes, its trailers, and whether the last chunk came.
fn dechunk(mut rest: &[u8]) -> (Vec<u8>, Vec<(String, String)>, bool) {
    let mut body = Vec::new();
    loop {
        let Some(eol) = find(rest, b"\r\n") else {
            return (body, Vec::new(), false);
        };
        let size = std::str::from_utf8(&rest[..eol])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok());
        let Some(size) = size else {
            return (body, Vec::new(), false);
        };
        rest = &rest[eol + 2..];
        if size == 0 {
            let text = String::from_utf8_lossy(rest);
            let trailers = fields(text.split("\r\n").take_while(|l| !l.is_empty()));
            return (body, trailers, text.ends_with("\r\n"));
        }
        if rest.len() < size + 2 {
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            return (body, Vec::new(), false);
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
