//! A scripted signaling server: each test plays the server side by hand, message by message,
//! so the client's behaviour is checked against exact wire traffic.

use convene_protocol::{
    ChatPrivilege, ClientMsg, ErrorBody, Event, JoinResult, Participant, Reply, Request, ServerMsg,
    SharePrivilege, UserId,
};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Generous bound on each wait, so a broken test fails instead of hanging.
pub(crate) const WAIT: Duration = Duration::from_secs(5);

pub(crate) struct FakeServer {
    pub(crate) url: String,
    conns: mpsc::UnboundedReceiver<Conn>,
}

impl FakeServer {
    pub(crate) async fn start() -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, conns) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    // `init`'s reachability probe connects and closes without a handshake.
                    if let Ok(ws) = tokio_tungstenite::accept_async(tcp).await {
                        let _ = tx.send(Conn { ws });
                    }
                });
            }
        });
        FakeServer { url, conns }
    }

    /// The next WebSocket connection, without a deadline (the caller sets one).
    pub(crate) async fn accept_quiet(&mut self) -> Option<Conn> {
        self.conns.recv().await
    }

    /// The next WebSocket connection.
    pub(crate) async fn accept(&mut self) -> Conn {
        tokio::time::timeout(WAIT, self.conns.recv())
            .await
            .expect("client did not connect")
            .unwrap()
    }
}

pub(crate) struct Conn {
    ws: WebSocketStream<TcpStream>,
}

impl Conn {
    /// The next request (pings are answered and skipped). `None` when the socket ended.
    pub(crate) async fn try_request(&mut self) -> Option<Request> {
        loop {
            let msg = tokio::time::timeout(WAIT, self.ws.next())
                .await
                .expect("no message from client");
            match msg {
                Some(Ok(Message::Text(t))) => {
                    let req: Request = serde_json::from_str(t.as_str()).unwrap();
                    if req.msg == ClientMsg::Ping {
                        self.reply(req.id, serde_json::Value::Null).await;
                        continue;
                    }
                    return Some(req);
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    pub(crate) async fn request(&mut self) -> Request {
        self.try_request().await.expect("socket ended")
    }

    async fn send(&mut self, msg: ServerMsg) {
        let text = serde_json::to_string(&msg).unwrap();
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    pub(crate) async fn reply(&mut self, id: u64, result: serde_json::Value) {
        self.send(ServerMsg::Reply(Reply::ok(id, result))).await;
    }

    pub(crate) async fn reply_err(&mut self, id: u64, error: ErrorBody) {
        self.send(ServerMsg::Reply(Reply::err(id, error))).await;
    }

    pub(crate) async fn push(&mut self, event: Event) {
        self.send(ServerMsg::Event(event)).await;
    }

    pub(crate) async fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }
}

pub(crate) fn user(id: u32, name: &str) -> Participant {
    Participant::new(UserId(id), name)
}

pub(crate) fn host(id: u32, name: &str) -> Participant {
    Participant {
        is_host: true,
        ..user(id, name)
    }
}

pub(crate) fn join_result(me: u32, users: Vec<Participant>) -> serde_json::Value {
    serde_json::to_value(JoinResult {
        session_id: "sess-1".into(),
        topic: "Daily".into(),
        user_id: UserId(me),
        password: String::new(),
        is_original_host: false,
        users,
        chat_privilege: ChatPrivilege::All,
        share_privilege: SharePrivilege::Unlocked,
        rename_allowed: true,
        resume_token: "secret".into(),
        recording: Default::default(),
        live_stream: Default::default(),
        can_record: false,
    })
    .unwrap()
}
