//! Raw async canonical-ABI calls that wit-bindgen cannot express from a sync export.
//!
//! wit-bindgen 0.61.1 turns `receive`/`send` into `async fn`s that panic when a result is not
//! ready at once, and its `block_on` traps inside a sync-typed call. So these imports are
//! declared by hand: `[async-lower]` starts the call and returns RETURNED or STARTED;
//! a STARTED call is cancelled at once (`[async-lower][subtask-cancel]`) and parked in a
//! waitable set until the host resolves it.
//!
//! Memory layouts follow the canonical ABI for wasm32 and are checked by `const` asserts.

/// An `ip-socket-address` as the canonical ABI lays it out (32 bytes, align 4).
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct RawSocketAddress {
    pub tag: u8, // 0 = ipv4, 1 = ipv6
    _pad: [u8; 3],
    pub port: u16,
    /// ipv4: the four octets. ipv6: padding to the `flow-info` field.
    pub v4_or_pad: [u8; 2],
    pub v6_flow_info: u32,
    pub v6_segments: [u16; 8],
    pub v6_scope_id: u32,
}

impl RawSocketAddress {
    pub fn ipv4(port: u16, octets: [u8; 4]) -> Self {
        let mut raw = RawSocketAddress {
            tag: 0,
            port,
            ..Default::default()
        };
        raw.v4_or_pad = [octets[0], octets[1]];
        // Octets 2 and 3 overlap the first bytes of `v6_flow_info`.
        raw.v6_flow_info = u32::from_le_bytes([octets[2], octets[3], 0, 0]);
        raw
    }

    pub fn ipv4_octets(&self) -> [u8; 4] {
        let flow = self.v6_flow_info.to_le_bytes();
        [self.v4_or_pad[0], self.v4_or_pad[1], flow[0], flow[1]]
    }

    pub fn ipv6(port: u16, flow_info: u32, segments: [u16; 8], scope_id: u32) -> Self {
        RawSocketAddress {
            tag: 1,
            port,
            v6_flow_info: flow_info,
            v6_segments: segments,
            v6_scope_id: scope_id,
            ..Default::default()
        }
    }
}

/// `error-code` of `wasi:sockets/types@0.3.0` in memory (16 bytes, align 4).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct RawErrorCode {
    pub tag: u8,
    _pad: [u8; 3],
    /// For `other(option<string>)`: 1 when a string follows.
    pub has_message: u8,
    _pad2: [u8; 3],
    pub message_ptr: *mut u8,
    pub message_len: usize,
}

/// Tag of the `other` case of the 0.3 `error-code` variant.
pub const ERROR_CODE_OTHER: u8 = 14;

/// `result<tuple<list<u8>, ip-socket-address>, error-code>` (44 bytes, align 4).
#[repr(C)]
pub struct ReceiveResult {
    pub tag: u8, // 0 = ok, 1 = err
    _pad: [u8; 3],
    /// ok: data pointer; err: the first word of the error code.
    payload: [u32; 10],
}

/// `result<_, error-code>` (20 bytes, align 4).
#[repr(C)]
pub struct SendResult {
    pub tag: u8,
    _pad: [u8; 3],
    pub error: RawErrorCode,
}

/// Parameters of `[method]udp-socket.send`, passed by pointer because they flatten to more
/// than 4 core values (48 bytes, align 4).
#[repr(C)]
pub struct SendParams {
    pub socket: u32,
    pub data_ptr: *const u8,
    pub data_len: usize,
    pub has_address: u8,
    _pad: [u8; 3],
    pub address: RawSocketAddress,
}

#[cfg(target_arch = "wasm32")]
const _: () = {
    use core::mem::{align_of, size_of};
    assert!(size_of::<RawSocketAddress>() == 32 && align_of::<RawSocketAddress>() == 4);
    assert!(size_of::<RawErrorCode>() == 16 && align_of::<RawErrorCode>() == 4);
    assert!(size_of::<ReceiveResult>() == 44 && align_of::<ReceiveResult>() == 4);
    assert!(size_of::<SendResult>() == 20);
    assert!(size_of::<SendParams>() == 48);
};

/// What a receive returned, owned by Rust. The host allocated the buffers through
/// `cabi_realloc`, so they are reclaimed as Rust allocations.
pub enum ReceiveOutcome {
    Datagram(Vec<u8>, RawSocketAddress),
    Error(RawErrorCode),
}

impl ReceiveResult {
    pub fn new() -> Box<Self> {
        Box::new(ReceiveResult {
            tag: 0,
            _pad: [0; 3],
            payload: [0; 10],
        })
    }

    /// Reads the result the host wrote.
    ///
    /// # Safety
    /// Call once, and only after the host returned the call (RETURNED status or event).
    pub unsafe fn take(&self) -> ReceiveOutcome {
        let base = self as *const Self as *const u8;
        unsafe {
            if self.tag == 0 {
                let ptr = self.payload[0] as usize as *mut u8;
                let len = self.payload[1] as usize;
                let data = Vec::from_raw_parts(ptr, len, len);
                let addr = (base.add(12) as *const RawSocketAddress).read();
                ReceiveOutcome::Datagram(data, addr)
            } else {
                ReceiveOutcome::Error((base.add(4) as *const RawErrorCode).read())
            }
        }
    }
}

impl SendParams {
    pub fn new(socket: u32, data: &[u8], address: Option<RawSocketAddress>) -> Self {
        SendParams {
            socket,
            data_ptr: data.as_ptr(),
            data_len: data.len(),
            has_address: address.is_some() as u8,
            _pad: [0; 3],
            address: address.unwrap_or_default(),
        }
    }
}

impl SendResult {
    pub fn new() -> Box<Self> {
        Box::new(SendResult {
            tag: 0,
            _pad: [0; 3],
            error: RawErrorCode {
                tag: 0,
                _pad: [0; 3],
                has_message: 0,
                _pad2: [0; 3],
                message_ptr: core::ptr::null_mut(),
                message_len: 0,
            },
        })
    }
}

impl RawErrorCode {
    /// Frees the optional message the host allocated for `other`, returning the tag.
    pub fn into_tag(self) -> u8 {
        if self.tag == ERROR_CODE_OTHER && self.has_message == 1 {
            // SAFETY: the host allocated the string with `cabi_realloc` (align 1).
            drop(unsafe {
                Vec::from_raw_parts(self.message_ptr, self.message_len, self.message_len)
            });
        }
        self.tag
    }
}

/// How an async-lowered call came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// The result is already written.
    Returned,
    /// The host is still working; this is the subtask handle.
    Pending(u32),
}

const STATUS_STARTED: u32 = 1;
const STATUS_RETURNED: u32 = 2;

fn decode_status(status: u32) -> Started {
    match status & 0xf {
        STATUS_RETURNED => Started::Returned,
        STATUS_STARTED => Started::Pending(status >> 4),
        // STARTING would mean the host has not read our parameters yet; wasmtime's host
        // functions always read them at once, so treat it like STARTED.
        _ => Started::Pending(status >> 4),
    }
}

/// What `subtask.cancel` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelOutcome {
    /// The host will resolve the subtask later; watch for its event.
    Blocked,
    /// The call had already returned: its result is written.
    Returned,
    /// Cancelled; nothing was written.
    Cancelled,
}

/// A subtask event taken from the waitable set: (subtask handle, returned with a result).
pub type SubtaskEvent = (u32, bool);

#[cfg(target_arch = "wasm32")]
mod raw {
    #[link(wasm_import_module = "wasi:sockets/types@0.3.0")]
    unsafe extern "C" {
        #[link_name = "[async-lower][method]udp-socket.receive"]
        pub fn receive(socket: u32, result: *mut u8) -> u32;
        #[link_name = "[async-lower][method]udp-socket.send"]
        pub fn send(params: *const u8, result: *mut u8) -> u32;
    }

    #[link(wasm_import_module = "$root")]
    unsafe extern "C" {
        #[link_name = "[waitable-set-new]"]
        pub fn waitable_set_new() -> u32;
        #[link_name = "[waitable-join]"]
        pub fn waitable_join(waitable: u32, set: u32);
        #[link_name = "[waitable-set-poll]"]
        pub fn waitable_set_poll(set: u32, payload: *mut [u32; 2]) -> u32;
        #[link_name = "[subtask-drop]"]
        pub fn subtask_drop(subtask: u32);
        #[link_name = "[async-lower][subtask-cancel]"]
        pub fn subtask_cancel(subtask: u32) -> u32;
    }
}

/// Native builds (unit tests) never reach the host; these stand-ins are never called.
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::missing_safety_doc)]
mod raw {
    pub unsafe fn receive(_: u32, _: *mut u8) -> u32 {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn send(_: *const u8, _: *mut u8) -> u32 {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn waitable_set_new() -> u32 {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn waitable_join(_: u32, _: u32) {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn waitable_set_poll(_: u32, _: *mut [u32; 2]) -> u32 {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn subtask_drop(_: u32) {
        unreachable!("0.3 calls exist only in wasm")
    }
    pub unsafe fn subtask_cancel(_: u32) -> u32 {
        unreachable!("0.3 calls exist only in wasm")
    }
}

/// Starts `receive` on a 0.3 socket. The result area must stay alive until the call resolves.
pub fn start_receive(socket: u32, result: &mut ReceiveResult) -> Started {
    decode_status(unsafe { raw::receive(socket, result as *mut ReceiveResult as *mut u8) })
}

/// Starts `send`. The host copies the data before this returns (wasmtime lifts the
/// parameters of a host call at once); the result area must stay alive until it resolves.
pub fn start_send(params: &SendParams, result: &mut SendResult) -> Started {
    let params = params as *const SendParams as *const u8;
    decode_status(unsafe { raw::send(params, result as *mut SendResult as *mut u8) })
}

const BLOCKED: u32 = 0xffff_ffff;
const STATUS_START_CANCELLED: u32 = 3;
const STATUS_RETURN_CANCELLED: u32 = 4;
const EVENT_NONE: u32 = 0;
const EVENT_SUBTASK: u32 = 1;

/// Asks the host to abandon a started call. Must happen before the subtask joins a set.
pub fn cancel(subtask: u32) -> CancelOutcome {
    match unsafe { raw::subtask_cancel(subtask) } {
        BLOCKED => CancelOutcome::Blocked,
        STATUS_RETURNED => CancelOutcome::Returned,
        _ => CancelOutcome::Cancelled,
    }
}

pub fn drop_subtask(subtask: u32) {
    unsafe { raw::subtask_drop(subtask) }
}

pub fn new_waitable_set() -> u32 {
    unsafe { raw::waitable_set_new() }
}

pub fn join(subtask: u32, set: u32) {
    unsafe { raw::waitable_join(subtask, set) }
}

/// Takes one resolved subtask from the set without waiting (`waitable-set.poll` never blocks).
pub fn poll_resolved(set: u32) -> Option<SubtaskEvent> {
    let mut payload = [0u32; 2];
    loop {
        match unsafe { raw::waitable_set_poll(set, &mut payload) } {
            EVENT_NONE => return None,
            EVENT_SUBTASK => {
                let status = payload[1];
                if matches!(
                    status,
                    STATUS_RETURNED | STATUS_START_CANCELLED | STATUS_RETURN_CANCELLED
                ) {
                    return Some((payload[0], status == STATUS_RETURNED));
                }
                // STARTED progress events carry no result; keep polling.
            }
            _ => {}
        }
    }
}
