//! `wasi:sockets/udp@0.2.0-rc-2023-11-10`: the rc layer, over either UDP backend
//! (`udp_backend`): bind and stream states, send permits and the rc address checks.
//!
//! Error codes and their order of checks follow wasmtime 15's host (`preview2/host/udp.rs`),
//! the host these components were built for.

use crate::clocks::monotonic_clock as clocks;
use crate::conv;
use crate::io::poll::{PollableRep, Readiness};
use crate::rc::network::{ErrorCode, IpAddressFamily, IpSocketAddress, NetworkBorrow};
use crate::rc::udp::{
    Guest, GuestIncomingDatagramStream, GuestOutgoingDatagramStream, GuestUdpSocket,
    IncomingDatagram, IncomingDatagramStream, OutgoingDatagram, OutgoingDatagramStream, Pollable,
};
use crate::state::{self, BindState, SendPermit};
use crate::udp_backend::{HostSocket, HostUdp, Outgoing, SendStop, Sent, settle};
use crate::udp_core::{self, SocketCore};
use core::net::SocketAddr;
use std::cell::Cell;
use std::rc::Rc;

/// The largest payload the rc host accepted (it did not subtract IP/UDP headers).
const MAX_DATAGRAM_SIZE: usize = u16::MAX as usize;

impl Guest for crate::Adapter {
    type UdpSocket = UdpSocketRep;
    type IncomingDatagramStream = IncomingRep;
    type OutgoingDatagramStream = OutgoingRep;
}

pub struct UdpSocketRep {
    core: Rc<SocketCore>,
    family: IpAddressFamily,
    state: Cell<BindState>,
    /// An IPv6 socket with `ipv6-only` off. Our default, as on the Linux hosts these components
    /// ran on: `docs/design.md`, "Dual-stack".
    dual_stack: Cell<bool>,
}

impl UdpSocketRep {
    pub fn new(family: IpAddressFamily) -> Result<Self, ErrorCode> {
        Ok(UdpSocketRep {
            core: SocketCore::new(family)?,
            family,
            state: Cell::default(),
            dual_stack: Cell::new(family == IpAddressFamily::Ipv6),
        })
    }

    fn check_family(&self, addr: &SocketAddr) -> Result<(), ErrorCode> {
        conv::check_family(addr, self.family, self.dual_stack.get())
    }
}

impl GuestUdpSocket for UdpSocketRep {
    fn start_bind(
        &self,
        _network: NetworkBorrow<'_>,
        local_address: IpSocketAddress,
    ) -> Result<(), ErrorCode> {
        self.state.get().check_start_bind()?;
        let addr = conv::from_rc(local_address);
        self.check_family(&addr)?;
        // Host sockets bind in one step; the rc host also bound in `start-bind`.
        self.core.bind(addr, self.dual_stack.get())?;
        self.state.set(BindState::BindStarted);
        Ok(())
    }

    fn finish_bind(&self) -> Result<(), ErrorCode> {
        self.state.set(self.state.get().finish_bind()?);
        Ok(())
    }

    fn stream(
        &self,
        remote_address: Option<IpSocketAddress>,
    ) -> Result<(IncomingDatagramStream, OutgoingDatagramStream), ErrorCode> {
        // The rc host refused to hand out a second pair while the first was alive.
        assert!(
            self.core.live_streams.get() == 0,
            "UDP streams not dropped yet"
        );
        self.state.get().check_stream()?;
        settle();
        // Disconnect and reconnect as two steps, like the rc host, so that a failed connect
        // leaves a consistent, unconnected socket.
        if self.state.get() == BindState::Connected {
            self.core.disconnect()?;
            self.state.set(BindState::Bound);
        }
        let remote = remote_address.map(conv::from_rc);
        if let Some(addr) = remote {
            conv::check_remote(&addr)?;
            self.check_family(&addr)?;
            self.core.connect(addr)?;
            self.state.set(BindState::Connected);
        }
        self.core.live_streams.set(2);
        let incoming = IncomingRep {
            core: self.core.clone(),
            remote,
        };
        let outgoing = OutgoingRep {
            core: self.core.clone(),
            remote,
            family: self.family,
            dual_stack: self.dual_stack.get(),
            permit: Rc::default(),
        };
        Ok((
            IncomingDatagramStream::new(incoming),
            OutgoingDatagramStream::new(outgoing),
        ))
    }

    fn local_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        self.state.get().check_local_address()?;
        Ok(conv::to_rc(self.core.local_address()?))
    }

    fn remote_address(&self) -> Result<IpSocketAddress, ErrorCode> {
        if self.state.get() != BindState::Connected {
            return Err(ErrorCode::InvalidState);
        }
        Ok(conv::to_rc(self.core.remote_address()?))
    }

    fn address_family(&self) -> IpAddressFamily {
        self.family
    }

    fn ipv6_only(&self) -> Result<bool, ErrorCode> {
        conv::ipv6_only(self.family, self.dual_stack.get())
    }

    fn set_ipv6_only(&self, value: bool) -> Result<(), ErrorCode> {
        match self.family {
            IpAddressFamily::Ipv4 => Err(ErrorCode::NotSupported),
            IpAddressFamily::Ipv6 => {
                self.state.get().check_set_ipv6_only()?;
                self.dual_stack.set(!value);
                Ok(())
            }
        }
    }

    fn unicast_hop_limit(&self) -> Result<u8, ErrorCode> {
        self.core.unicast_hop_limit()
    }

    fn set_unicast_hop_limit(&self, value: u8) -> Result<(), ErrorCode> {
        if value == 0 {
            return Err(ErrorCode::InvalidArgument);
        }
        self.core.set_unicast_hop_limit(value)
    }

    fn receive_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.core.receive_buffer_size()
    }

    /// 0 is refused; the host clamps anything else to what the kernel allows.
    fn set_receive_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        if value == 0 {
            return Err(ErrorCode::InvalidArgument);
        }
        self.core.set_receive_buffer_size(value)
    }

    fn send_buffer_size(&self) -> Result<u64, ErrorCode> {
        self.core.send_buffer_size()
    }

    fn set_send_buffer_size(&self, value: u64) -> Result<(), ErrorCode> {
        if value == 0 {
            return Err(ErrorCode::InvalidArgument);
        }
        self.core.set_send_buffer_size(value)
    }

    fn subscribe(&self) -> Pollable {
        Pollable::new(PollableRep(Readiness::Always))
    }
}

impl Drop for UdpSocketRep {
    /// The rc host kept streams as children of their socket in its resource table, and
    /// dropping a parent with live children trapped. Legacy guests never relied on anything
    /// else, so the adapter traps too rather than invent semantics.
    fn drop(&mut self) {
        assert!(
            self.core.live_streams.get() == 0,
            "udp-socket dropped while its streams live"
        );
    }
}

pub struct IncomingRep {
    core: Rc<SocketCore>,
    /// The peer this stream is associated with, if any.
    remote: Option<SocketAddr>,
}

impl IncomingRep {
    /// Moves queued datagrams from this stream's peer into `datagrams`, up to `max`.
    fn pop_into(&self, datagrams: &mut Vec<IncomingDatagram>, max: u64) {
        while (datagrams.len() as u64) < max {
            let Some(d) = self.core.pop_from(self.remote) else {
                return;
            };
            datagrams.push(IncomingDatagram {
                data: d.data,
                remote_address: conv::to_rc(d.from),
            });
        }
    }
}

impl GuestIncomingDatagramStream for IncomingRep {
    /// Never blocks. Queued datagrams come first; the host is asked when nothing is queued,
    /// or, on a busy socket (a full read-ahead was queued) where an empty host receive costs
    /// nothing lasting (`HostUdp::CHEAP_RECEIVE`: not an empty 0.3 probe, which parks host
    /// memory), also to fill up the batch.
    fn receive(&self, max_results: u64) -> Result<Vec<IncomingDatagram>, ErrorCode> {
        settle();
        let mut datagrams = Vec::new();
        if max_results == 0 {
            return Ok(datagrams);
        }
        self.pop_into(&mut datagrams, max_results);
        let room = max_results - datagrams.len() as u64;
        let busy = datagrams.len() as u64 >= udp_core::READ_AHEAD;
        if datagrams.is_empty() || (room > 0 && busy && HostSocket::CHEAP_RECEIVE) {
            if datagrams.is_empty()
                && let Some(error) = self.core.take_error()
            {
                return Err(error);
            }
            self.core.fetch(clocks::now(), 1, room);
            self.pop_into(&mut datagrams, max_results);
            if datagrams.is_empty()
                && let Some(error) = self.core.take_error()
            {
                return Err(error);
            }
        }
        Ok(datagrams)
    }

    fn subscribe(&self) -> Pollable {
        Pollable::new(PollableRep(Readiness::Incoming(self.core.clone())))
    }
}

impl Drop for IncomingRep {
    fn drop(&mut self) {
        self.core.live_streams.set(self.core.live_streams.get() - 1);
    }
}

pub struct OutgoingRep {
    core: Rc<SocketCore>,
    remote: Option<SocketAddr>,
    family: IpAddressFamily,
    dual_stack: bool,
    permit: Rc<Cell<SendPermit>>,
}

impl OutgoingRep {
    /// Checks one datagram the way the rc host did; returns it addressed for the host socket
    /// (`None` for the connected peer).
    fn check(&self, datagram: OutgoingDatagram) -> Result<Outgoing, ErrorCode> {
        if datagram.data.len() > MAX_DATAGRAM_SIZE {
            return Err(ErrorCode::DatagramTooLarge);
        }
        let given = datagram.remote_address.map(conv::from_rc);
        let addr = match (self.remote, given) {
            (None, Some(addr)) => addr,
            (Some(addr), None) => addr,
            (Some(connected), Some(given)) if connected == given => connected,
            _ => return Err(ErrorCode::InvalidArgument),
        };
        conv::check_remote(&addr)?;
        conv::check_family(&addr, self.family, self.dual_stack)?;
        let to = (self.remote != Some(addr)).then_some(addr);
        Ok(Outgoing {
            data: datagram.data,
            to,
        })
    }
}

impl GuestOutgoingDatagramStream for OutgoingRep {
    fn check_send(&self) -> Result<u64, ErrorCode> {
        let mut permit = self.permit.get();
        let granted = permit.check_send(clocks::now());
        self.permit.set(permit);
        Ok(granted)
    }

    fn send(&self, datagrams: Vec<OutgoingDatagram>) -> Result<u64, ErrorCode> {
        let mut permit = self.permit.get();
        if let Err(violation) = permit.begin_send(datagrams.len() as u64) {
            // The rc spec: "Implementations must trap if either `check-send` was not called
            // or `datagrams` contains more items than `check-send` permitted."
            panic!("unpermitted send: {violation:?}");
        }
        self.permit.set(permit);
        settle();
        // The datagrams up to the first the rc host would have refused go out as one batch.
        let mut batch = Vec::with_capacity(datagrams.len());
        let mut refused = None;
        for datagram in datagrams {
            match self.check(datagram) {
                Ok(d) => batch.push(d),
                Err(e) => {
                    refused = Some(SendStop::Failed(e));
                    break;
                }
            }
        }
        let Sent { sent, stop } = self.core.send(batch);
        let sent = sent as u64;
        match stop.or(refused) {
            None => Ok(sent),
            Some(SendStop::WouldBlock) => {
                // The backend cannot say when the socket is writable: retry on the next tick.
                permit.would_block(clocks::now() + state::HOST_TICK);
                self.permit.set(permit);
                Ok(sent)
            }
            // "If at least one datagram has been sent successfully, this function never
            // returns an error."
            Some(SendStop::Failed(_)) if sent > 0 => Ok(sent),
            Some(SendStop::Failed(error)) => Err(error),
        }
    }

    fn subscribe(&self) -> Pollable {
        Pollable::new(PollableRep(Readiness::Outgoing(self.permit.clone())))
    }
}

impl Drop for OutgoingRep {
    fn drop(&mut self) {
        self.core.live_streams.set(self.core.live_streams.get() - 1);
    }
}
