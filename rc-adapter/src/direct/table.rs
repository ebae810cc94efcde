//! What a proxy host gives each rc interface, declared in one table.
//!
//! Most rc interfaces a proxy imports have the shape of their `@0.2.12` successor, which
//! every `wasi:http/proxy` host links: those become the host's own, renamed. The rest
//! (files, sockets, the environment, exit, terminals) have no counterpart in a proxy host:
//! each of their functions becomes a stub that answers as the adapter's proxy build does (no
//! preopens, no network, an empty environment, no terminals, `exit` traps). A stub may also
//! stand in for one function of a host interface whose type changed (11-10's
//! `future-trailers.get`).

use super::stubs::Sig;

/// What serves one rc interface.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Serves {
    /// The host's interface of this name: the same shape, but for the renames (and any
    /// function the stubs list, which a stub serves on top of it).
    Host {
        name: &'static str,
        renames: &'static [Rename],
        stubs: &'static [(&'static str, Stub)],
    },
    /// Nothing in a proxy host: every function is a stub. A name ending in `.` stands for
    /// every method of that resource, none of which a guest can reach (no handle of it can
    /// be made).
    Stubs(&'static [(&'static str, Stub)]),
}

/// A function of an rc interface that has another name, or another parameter name, in the
/// host's. Neither changes how a core module calls it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rename {
    pub rc: &'static str,
    pub host: &'static str,
    /// `(rc, host)` parameter names.
    pub param: Option<(&'static str, &'static str)>,
}

/// What a stub does, called as the rc function it replaces would be (the canonical ABI's
/// lowered signature: results past one go through a pointer, its last parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stub {
    /// Traps (`unreachable`).
    Trap,
    /// An empty `list`.
    EmptyList,
    /// `none`, for an `option`.
    NoneOf,
    /// `err(code)`, for a `result<own<_>, error-code>` of `wasi:sockets` (an enum).
    Err(u8),
    /// A new handle of the local resource this interface exports by that name.
    NewResource(&'static str),
    /// Not a stub: the host's function of this name in `wasi:random/random@0.2.12`, of the
    /// same type, aliased in its place.
    Random(&'static str),
    /// Two `u64`s from `get-random-u64`, drawn once an instance (a host's seed is fixed).
    InsecureSeed,
    /// 11-10's `future-trailers.get` over 0.2.12's, which has one `result` more and
    /// answers once; 11-10 answered the same every time the trailers had come.
    TrailersGetNov,
    /// `descriptor.open-at`, the host's, keeping the read and write rights asked for by the
    /// new descriptor's handle (`command_stubs`).
    OpenAt,
    /// `descriptor.get-flags`, the host's, without the read or write right a file was not
    /// opened with.
    GetFlags,
    /// The host's function, unless the descriptor is a file opened without `right` (`READ`
    /// or `WRITE`): then `err(code)`, the error code at `at` in the result.
    Check { right: u8, code: u8, at: u64 },
}

/// The interface `Stub::Random`'s functions are the host's of.
pub(crate) const RANDOM_HOST: &str = RANDOM;

/// `wasi:sockets`' `access-denied`: what a proxy host, which gives no network, answers.
const ACCESS_DENIED: u8 = 1;

const RANDOM: &str = "wasi:random/random@0.2.12";
const HTTP_TYPES: &str = "wasi:http/types@0.2.12";

/// What serves `interface` (an rc name, `wasi:io/poll@0.2.0-rc-2023-11-10`), if a proxy host
/// can.
pub(crate) fn serves(interface: &str) -> Option<Serves> {
    let (name, version) = interface.split_once('@')?;
    let nov = version == "0.2.0-rc-2023-11-10";
    let dec = version == "0.2.0-rc-2023-12-05";
    // 12-05 changed only `wasi:cli` and `wasi:http`; the rest stayed at 11-10.
    let cli_or_http = name.starts_with("wasi:cli/") || name.starts_with("wasi:http/");
    if !(nov || dec && cli_or_http) {
        return None;
    }
    let host = |name| Serves::Host {
        name,
        renames: &[],
        stubs: &[],
    };
    Some(match name {
        "wasi:io/poll" => host("wasi:io/poll@0.2.12"),
        "wasi:io/error" => host("wasi:io/error@0.2.12"),
        "wasi:io/streams" => host("wasi:io/streams@0.2.12"),
        "wasi:clocks/monotonic-clock" => host("wasi:clocks/monotonic-clock@0.2.12"),
        "wasi:clocks/wall-clock" => host("wasi:clocks/wall-clock@0.2.12"),
        "wasi:random/random" => host(RANDOM),
        "wasi:cli/stdin" => host("wasi:cli/stdin@0.2.12"),
        "wasi:cli/stdout" => host("wasi:cli/stdout@0.2.12"),
        "wasi:cli/stderr" => host("wasi:cli/stderr@0.2.12"),
        "wasi:http/outgoing-handler" => host("wasi:http/outgoing-handler@0.2.12"),
        "wasi:http/types" if dec => host(HTTP_TYPES),
        "wasi:http/types" => Serves::Host {
            name: HTTP_TYPES,
            renames: HTTP_NOV_RENAMES,
            stubs: &[("[method]future-trailers.get", Stub::TrailersGetNov)],
        },
        "wasi:random/insecure" => Serves::Stubs(&[
            (
                "get-insecure-random-bytes",
                Stub::Random("get-random-bytes"),
            ),
            ("get-insecure-random-u64", Stub::Random("get-random-u64")),
        ]),
        "wasi:random/insecure-seed" => Serves::Stubs(&[("insecure-seed", Stub::InsecureSeed)]),
        "wasi:cli/environment" => Serves::Stubs(&[
            ("get-environment", Stub::EmptyList),
            ("get-arguments", Stub::EmptyList),
            ("initial-cwd", Stub::NoneOf),
        ]),
        // `wasi:http/proxy` has no exit; a handler that ends its instance ends as one that
        // traps (`wasmtime serve` answers 500 if no response was set).
        "wasi:cli/exit" => Serves::Stubs(&[("exit", Stub::Trap)]),
        "wasi:cli/terminal-input" | "wasi:cli/terminal-output" => Serves::Stubs(&[]),
        "wasi:cli/terminal-stdin" => Serves::Stubs(&[("get-terminal-stdin", Stub::NoneOf)]),
        "wasi:cli/terminal-stdout" => Serves::Stubs(&[("get-terminal-stdout", Stub::NoneOf)]),
        "wasi:cli/terminal-stderr" => Serves::Stubs(&[("get-terminal-stderr", Stub::NoneOf)]),
        "wasi:filesystem/preopens" => Serves::Stubs(&[("get-directories", Stub::EmptyList)]),
        // No descriptor can be made without a preopen, so no method is reachable; no stream
        // error is a file's.
        "wasi:filesystem/types" => Serves::Stubs(&[
            ("filesystem-error-code", Stub::NoneOf),
            ("[method]descriptor.", Stub::Trap),
            ("[method]directory-entry-stream.", Stub::Trap),
        ]),
        // No socket can be made, so no method is reachable.
        "wasi:sockets/network" => Serves::Stubs(&[]),
        "wasi:sockets/instance-network" => {
            Serves::Stubs(&[("instance-network", Stub::NewResource("network"))])
        }
        "wasi:sockets/tcp-create-socket" => {
            Serves::Stubs(&[("create-tcp-socket", Stub::Err(ACCESS_DENIED))])
        }
        "wasi:sockets/udp-create-socket" => {
            Serves::Stubs(&[("create-udp-socket", Stub::Err(ACCESS_DENIED))])
        }
        "wasi:sockets/ip-name-lookup" => Serves::Stubs(&[
            ("resolve-addresses", Stub::Err(ACCESS_DENIED)),
            ("[method]resolve-address-stream.", Stub::Trap),
        ]),
        "wasi:sockets/tcp" => Serves::Stubs(&[("[method]tcp-socket.", Stub::Trap)]),
        "wasi:sockets/udp" => Serves::Stubs(&[
            ("[method]udp-socket.", Stub::Trap),
            ("[method]incoming-datagram-stream.", Stub::Trap),
            ("[method]outgoing-datagram-stream.", Stub::Trap),
        ]),
        _ => return None,
    })
}

/// 11-10's `request-options`: `-ms` names, and a parameter named `ms`.
const HTTP_NOV_RENAMES: &[Rename] = &[
    rename("connect-timeout-ms", "connect-timeout", false),
    rename("set-connect-timeout-ms", "set-connect-timeout", true),
    rename("first-byte-timeout-ms", "first-byte-timeout", false),
    rename("set-first-byte-timeout-ms", "set-first-byte-timeout", true),
    rename("between-bytes-timeout-ms", "between-bytes-timeout", false),
    rename(
        "set-between-bytes-timeout-ms",
        "set-between-bytes-timeout",
        true,
    ),
];

const fn rename(rc: &'static str, host: &'static str, setter: bool) -> Rename {
    // `[method]request-options.` is prepended where the table is read (`Rename::names`).
    Rename {
        rc,
        host,
        param: if setter {
            Some(("ms", "duration"))
        } else {
            None
        },
    }
}

impl Rename {
    /// The rc and host export names.
    pub(crate) fn names(&self) -> (String, String) {
        let method = |name| format!("[method]request-options.{name}");
        (method(self.rc), method(self.host))
    }
}

impl Serves {
    /// The stub for `function`, if one serves it.
    pub(crate) fn stub(&self, function: &str) -> Option<Stub> {
        let stubs = match self {
            Serves::Host { stubs, .. } | Serves::Stubs(stubs) => stubs,
        };
        stubs.iter().find_map(|(name, stub)| {
            let hit = match name.strip_suffix('.') {
                Some(resource) => function
                    .strip_prefix(resource)
                    .is_some_and(|rest| rest.starts_with('.')),
                None => function == *name,
            };
            hit.then_some(*stub)
        })
    }
}

/// What a stub calls, in the order its function imports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    /// The `realloc` of the lowering the stub replaces.
    Realloc,
    /// The function the stub replaces, lowered as it was.
    Itself,
    /// `function` of the import now named `interface` (a host name in a proxy, the rc name
    /// it keeps in a command), lowered as `lowering` says, of signature `sig`.
    Func {
        interface: &'static str,
        function: &'static str,
        lowering: Lowering,
        sig: Sig,
    },
    /// `resource.new` of the resource the component now owns that the import named
    /// `interface@..` (any rc version) exported as `resource`.
    ResourceNew {
        interface: &'static str,
        resource: &'static str,
    },
}

/// How a function a stub calls is lowered: with no options, or through the memory (and the
/// `realloc`) of the lowering the stub replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lowering {
    Plain,
    Memory,
    MemoryRealloc,
}

/// What `stub` calls.
pub(crate) fn calls(stub: Stub) -> Vec<Call> {
    use wasm_encoder::ValType::{I32, I64};
    let func = |interface, function, lowering, params: &[_], results: &[_]| Call::Func {
        interface,
        function,
        lowering,
        sig: Sig {
            params: params.to_vec(),
            results: results.to_vec(),
        },
    };
    let get_type = || {
        let get_type = "[method]descriptor.get-type";
        func(FS_TYPES, get_type, Lowering::Memory, &[I32, I32], &[])
    };
    match stub {
        Stub::InsecureSeed => vec![func(RANDOM, "get-random-u64", Lowering::Plain, &[], &[I64])],
        Stub::TrailersGetNov => vec![
            Call::Realloc,
            func(
                HTTP_TYPES,
                "[method]future-trailers.get",
                Lowering::MemoryRealloc,
                &[I32, I32],
                &[],
            ),
            func(
                HTTP_TYPES,
                "[method]fields.clone",
                Lowering::Plain,
                &[I32],
                &[I32],
            ),
        ],
        // `instance-network`'s `network` is `wasi:sockets/network`'s.
        Stub::NewResource(resource) => vec![Call::ResourceNew {
            interface: "wasi:sockets/network",
            resource,
        }],
        Stub::OpenAt => vec![Call::Itself],
        Stub::GetFlags | Stub::Check { .. } => vec![Call::Itself, get_type()],
        Stub::Trap | Stub::EmptyList | Stub::NoneOf | Stub::Err(_) | Stub::Random(_) => Vec::new(),
    }
}

/// rc `wasi:filesystem/types`, the same shape as `@0.2.12`'s.
pub(crate) const FS_TYPES: &str = "wasi:filesystem/types@0.2.0-rc-2023-11-10";
/// rc `wasi:filesystem/preopens`.
pub(crate) const FS_PREOPENS: &str = "wasi:filesystem/preopens@0.2.0-rc-2023-11-10";

/// `descriptor-flags`' read and write bits.
pub(crate) const READ: u8 = 1;
pub(crate) const WRITE: u8 = 2;
/// rc `wasi:filesystem` error codes.
const BAD_DESCRIPTOR: u8 = 3;
const NOT_PERMITTED: u8 = 31;

/// The stubs a whole-world build puts inside a command, whose rc files are the host's own
/// (wired to the host's imports when it is composed): wasmtime 15 granted a file what
/// `open-at` asked for, where wasmtime 50 grants write to a file opened with `create` or
/// `truncate`, and read to one opened with neither, and checks no right in `read` and
/// `write`. A 2023 preview1 adapter derives a descriptor's rights from `get-flags`. So
/// these keep the rights asked for by the component's own handle of each descriptor, and
/// answer as wasmtime 15 did where one is missing; directories keep all the host grants.
pub(crate) fn command_stubs(interface: &str) -> &'static [(&'static str, Stub)] {
    match interface {
        FS_TYPES => COMMAND_FS_TYPES,
        _ => &[],
    }
}

const fn check(right: u8, code: u8, at: u64) -> Stub {
    Stub::Check { right, code, at }
}

const COMMAND_FS_TYPES: &[(&str, Stub)] = &[
    ("[method]descriptor.open-at", Stub::OpenAt),
    ("[method]descriptor.get-flags", Stub::GetFlags),
    // `result<own<stream>, error-code>`: the code at 4.
    (
        "[method]descriptor.read-via-stream",
        check(READ, BAD_DESCRIPTOR, 4),
    ),
    (
        "[method]descriptor.write-via-stream",
        check(WRITE, BAD_DESCRIPTOR, 4),
    ),
    (
        "[method]descriptor.append-via-stream",
        check(WRITE, BAD_DESCRIPTOR, 4),
    ),
    // `result<_, error-code>`: at 1.
    (
        "[method]descriptor.set-size",
        check(WRITE, NOT_PERMITTED, 1),
    ),
    (
        "[method]descriptor.set-times",
        check(WRITE, NOT_PERMITTED, 1),
    ),
    // `result<tuple<list<u8>, bool>, error-code>`: at 4.
    ("[method]descriptor.read", check(READ, NOT_PERMITTED, 4)),
    // `result<filesize, error-code>`: at 8.
    ("[method]descriptor.write", check(WRITE, NOT_PERMITTED, 8)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_stand_for_every_method_of_a_resource() {
        let fs = serves("wasi:filesystem/types@0.2.0-rc-2023-11-10").unwrap();
        assert_eq!(fs.stub("[method]descriptor.open-at"), Some(Stub::Trap));
        assert_eq!(fs.stub("filesystem-error-code"), Some(Stub::NoneOf));
        assert_eq!(fs.stub("[method]descriptorx.open-at"), None);
        assert_eq!(fs.stub("[static]descriptor.open-at"), None);
    }

    #[test]
    fn eras_are_told_apart() {
        assert!(serves("wasi:cli/stdout@0.2.0-rc-2023-12-05").is_some());
        // 12-05 changed only cli and http.
        assert!(serves("wasi:io/poll@0.2.0-rc-2023-12-05").is_none());
        assert!(serves("wasi:io/poll@0.2.0-rc-2023-10-18").is_none());
        let Some(Serves::Host { renames, .. }) = serves("wasi:http/types@0.2.0-rc-2023-11-10")
        else {
            panic!("11-10 http is the host's");
        };
        assert_eq!(renames.len(), 6);
        let Some(Serves::Host { renames, stubs, .. }) =
            serves("wasi:http/types@0.2.0-rc-2023-12-05")
        else {
            panic!("12-05 http is the host's");
        };
        assert!(renames.is_empty() && stubs.is_empty());
    }
}
