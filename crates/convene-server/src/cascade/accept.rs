//! The accepting side of a cascade link, on a node that is an *edge* of another node's
//! session: `GET /cluster/media`, a WebSocket that node opens (with an API token of an app
//! this node serves) to run peers of this node's SFU. Each [`Down`] is applied to this
//! node's media plane as a session task of its own would apply it; the events of those
//! peers go back as [`Up`]s. When the link closes, its peers go with it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use super::wire::{Down, Up};
use crate::api::ApiApp;
use crate::edge::{Upgrade, WebSocket};
use crate::media_plane::MediaPlane;
use crate::state::AppState;
use convene_sfu::{Command, PeerId, RoomId};

/// Peers one link may hold on this node's SFU (a session's users placed here, and relays).
pub(crate) const MAX_LINK_PEERS: usize = 20_000;
/// Events queued towards the owner; beyond, they are dropped (as for a session's inbox).
const UP_QUEUE: usize = 4096;
/// The largest message a link carries (an SDP offer of a client with many slots).
const MAX_MESSAGE: usize = 256 * 1024;

/// `GET /cluster/media`: the upgrade, for a node holding an API token of one of this node's
/// apps.
pub(crate) async fn accept(
    ws: Upgrade,
    ApiApp(app): ApiApp,
    State(state): State<Arc<AppState>>,
) -> Response {
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let plane = state.media.clone();
    ws.on_upgrade(config, move |socket| serve(socket, plane, app))
}

async fn serve(socket: WebSocket, plane: MediaPlane, app: String) {
    let (mut sink, mut stream) = socket.split();
    let (up_tx, mut up_rx) = mpsc::channel::<Up>(UP_QUEUE);
    let mut link = Link {
        plane,
        app,
        up: up_tx,
        peers: HashMap::new(),
    };
    tracing::info!("cascade link opened by another node");
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<Down>(&text) {
                    Ok(down) => link.apply(down),
                    Err(e) => tracing::warn!("cascade link: bad message: {e}"),
                },
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            up = up_rx.recv() => {
                let Some(up) = up else { break };
                let text = serde_json::to_string(&up).unwrap_or_default();
                if sink.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!(
        peers = link.peers.len(),
        "cascade link closed; its peers go"
    );
    link.close();
}

/// One link's peers: the owner's id → this SFU's.
struct Link {
    plane: MediaPlane,
    /// The app whose token opened the link: its peers are in that app's rooms only.
    app: String,
    up: mpsc::Sender<Up>,
    peers: HashMap<u64, PeerId>,
}

impl Link {
    fn apply(&mut self, down: Down) {
        let control = self.plane.control();
        match down {
            Down::Add {
                peer,
                room,
                user,
                allowed,
            } => {
                if self.peers.contains_key(&peer) {
                    return;
                }
                if self.peers.len() >= MAX_LINK_PEERS {
                    let _ = self.up.try_send(Up::Disconnected { peer });
                    return;
                }
                // Rooms of cascaded sessions are kept apart from this node's own sessions,
                // and from other apps' (a link reaches its own app's rooms only).
                let room = RoomId(format!("cascade:{}:{room}", self.app));
                let local = self
                    .plane
                    .add_link_peer(&self.up, peer, &room, user, allowed);
                self.peers.insert(peer, local);
            }
            Down::Remove { peer } => {
                if let Some(local) = self.peers.remove(&peer) {
                    self.plane.remove_link_peer(local);
                }
            }
            Down::Allowed {
                peer,
                kind,
                allowed,
            } => self.with(peer, |p| control.set_allowed(p, kind.into(), allowed)),
            Down::AudioSlots { peer, slots } => {
                self.with(peer, |p| control.set_audio_slots(p, slots));
            }
            Down::RelaySource { peer, user } => {
                self.with(peer, |p| control.set_relay_source(p, user));
            }
            Down::Attach {
                peer,
                user,
                quality,
            } => self.with(peer, |p| control.attach_video(p, user, quality)),
            Down::Detach { peer, user } => self.with(peer, |p| control.detach_video(p, user)),
            Down::Offer {
                peer,
                sdp,
                share_mids,
            } => self.command(peer, |peer| Command::Offer {
                peer,
                sdp,
                share_mids,
            }),
            Down::Candidate { peer, candidate } => {
                self.command(peer, |peer| Command::Candidate { peer, candidate });
            }
        }
    }

    fn with(&self, peer: u64, f: impl FnOnce(PeerId)) {
        if let Some(local) = self.peers.get(&peer) {
            f(*local);
        }
    }

    /// Queues an offer or candidate; a full queue answers the owner at once.
    fn command(&self, peer: u64, c: impl FnOnce(PeerId) -> Command) {
        let Some(local) = self.peers.get(&peer) else {
            return;
        };
        if self.plane.send(c(*local)).is_err() {
            let _ = self.up.try_send(Up::Error {
                peer,
                bad_offer: true,
                reason: "the edge's media plane is busy; offer again".into(),
            });
        }
    }

    fn close(self) {
        for local in self.peers.into_values() {
            self.plane.remove_link_peer(local);
        }
    }
}
