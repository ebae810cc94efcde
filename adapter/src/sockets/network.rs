//! `wasi:sockets/network` and `wasi:sockets/instance-network` (rc). 0.3 has no network
//! capability handle: a UDP socket may use the network the host granted the component. TCP
//! and name lookup stand on 0.2.x, which wants its own `network`: we ask for it on first use.

use crate::rc::instance_network;
use crate::rc::network::{Guest, GuestNetwork, NetworkBorrow};
use crate::same_shape::Lend;
use crate::sockets_p2::{instance_network as p2_instance, network as p2};
use std::cell::OnceCell;

#[derive(Default)]
pub struct NetworkRep {
    host: OnceCell<p2::Network>,
}

impl NetworkRep {
    pub fn host(&self) -> &p2::Network {
        self.host.get_or_init(p2_instance::instance_network)
    }
}

impl GuestNetwork for NetworkRep {}

impl Guest for crate::Adapter {
    type Network = NetworkRep;
}

impl instance_network::Guest for crate::Adapter {
    fn instance_network() -> instance_network::Network {
        instance_network::Network::new(NetworkRep::default())
    }
}

impl<'a> Lend<'a, &'a p2::Network> for NetworkBorrow<'_> {
    fn lend(&'a self) -> &'a p2::Network {
        self.get::<NetworkRep>().host()
    }
}
