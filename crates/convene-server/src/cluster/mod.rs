//! Several nodes sharing sessions through Redis (`convene serve --redis`).
//!
//! Each session lives on one node, its *owner*, which runs its task and its media. Redis
//! holds who owns what, under leases the owner renews (`store.rs`), and what must outlive
//! the owner: each session's [`convene_session::Snapshot`]. [`RedisRouter`] answers a join
//! on any node: here, when this node owns the session or claims it; elsewhere (the SDK
//! follows the redirect), when another node does. When an owner dies its leases lapse, and
//! the first node its users reach takes the session over from its snapshot (`router.rs`).
//! The keeper (`keeper.rs`) renews this node's leases, saves snapshots and advertises the
//! node. `docs/scale-out.md` tells the whole design.

mod keeper;
mod router;
mod store;
#[cfg(test)]
mod tests;

pub(crate) use router::RedisRouter;

/// How this node joins a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// `redis://HOST:PORT/`.
    pub redis_url: String,
    /// This node's name, unique in the cluster.
    pub node_id: String,
    /// How clients and other nodes reach this node's HTTP/WebSocket, e.g.
    /// `http://10.0.0.5:8080`.
    pub public_url: String,
    /// Cascading: once this node's SFU holds this many peers, a new user's media of a
    /// session owned here goes to another node's SFU (`--cascade-above`). 0: never.
    pub cascade_above: usize,
}

impl ClusterConfig {
    /// The signaling URL derived from the public URL: `ws(s)://…/rtc/v1`.
    pub fn signaling_url(&self) -> String {
        let base = self.public_url.trim_end_matches('/');
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_owned()
        };
        format!("{ws}/rtc/v1")
    }
}
