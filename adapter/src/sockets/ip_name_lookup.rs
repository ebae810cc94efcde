//! `wasi:sockets/ip-name-lookup` (rc) over `wasi:sockets/ip-name-lookup@0.2.12`: a 0.3
//! lookup is async and does not finish inside a sync-typed call (`docs/design.md`).

use crate::rc::ip_name_lookup::{
    ErrorCode, Guest, GuestResolveAddressStream, IpAddress, NetworkBorrow, Pollable,
    ResolveAddressStream,
};
use crate::same_shape::{Conv, Lend};
use crate::sockets_p2::ip_name_lookup as p2;

pub struct ResolveAddressStreamRep(p2::ResolveAddressStream);

impl ResolveAddressStreamRep {
    fn host(&self) -> &p2::ResolveAddressStream {
        &self.0
    }
}

impl Guest for crate::Adapter {
    type ResolveAddressStream = ResolveAddressStreamRep;

    fn resolve_addresses(
        network: NetworkBorrow<'_>,
        name: String,
    ) -> Result<ResolveAddressStream, ErrorCode> {
        if cfg!(feature = "proxy") {
            return Err(crate::sockets::NO_NETWORK);
        }
        p2::resolve_addresses(network.lend(), &name).conv()
    }
}

impl GuestResolveAddressStream for ResolveAddressStreamRep {
    forward! {
        fn resolve_next_address(&self) -> Result<Option<IpAddress>, ErrorCode>;
        fn subscribe(&self) -> Pollable;
    }
}

impl Conv<ResolveAddressStream> for p2::ResolveAddressStream {
    fn conv(self) -> ResolveAddressStream {
        ResolveAddressStream::new(ResolveAddressStreamRep(self))
    }
}
