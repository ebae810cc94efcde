//! `wasi:sockets/network` and `wasi:sockets/instance-network` (rc). 0.3 has no network
//! capability handle: a socket may use the network the host granted the component, so the
//! rc `network` is an empty token.

use crate::rc::instance_network;
use crate::rc::network::{Guest, GuestNetwork};

pub struct NetworkRep;

impl GuestNetwork for NetworkRep {}

impl Guest for crate::Adapter {
    type Network = NetworkRep;
}

impl instance_network::Guest for crate::Adapter {
    fn instance_network() -> instance_network::Network {
        instance_network::Network::new(NetworkRep)
    }
}
