//! The driver task: the thin async shell around the sans-IO [`ClientCore`].
//!
//! It owns the WebSocket and turns I/O into core inputs (a command from a handle, a connect
//! that finished, a frame, a closed socket, a deadline that passed) and the core's outputs
//! back into I/O (connect, send, close, deliver an event, answer a handle). After every input
//! it drains the core, then sleeps until the next I/O or the core's next deadline; it has no
//! timer of its own and no polling tick.

use crate::client::Inner;
use crate::client_core::{Call, CallId, ClientCore, CloseMode, Input, Outcome, Output};
use crate::shared::Shared;
use crate::{Client, ClientError, ClientEvent};
use convene_protocol::Event;
use futures_util::{SinkExt, StreamExt};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type ConnectFuture = Pin<Box<dyn Future<Output = Result<Ws, String>> + Send>>;

/// Where a handle waits for its call's result.
pub(crate) type Reply = oneshot::Sender<Result<Outcome, ClientError>>;

/// How long a graceful close may take before the socket is just dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_millis(500);

/// A call from a [`crate::Client`] handle.
pub(crate) struct Command {
    pub(crate) call: Call,
    pub(crate) reply: Reply,
}

pub(crate) struct Driver {
    shared: Arc<Shared>,
    cmds: mpsc::UnboundedReceiver<Command>,
    /// False once every handle is gone.
    cmds_open: bool,
    ws: Option<Ws>,
    connecting: Option<ConnectFuture>,
    /// Handles waiting for a call to finish.
    waiters: HashMap<CallId, Reply>,
    next_call: CallId,
    stopped: bool,
    /// The client's handles, for tasks the driver starts (its media after a move).
    client: Weak<Inner>,
}

impl Driver {
    pub(crate) fn new(
        shared: Arc<Shared>,
        cmds: mpsc::UnboundedReceiver<Command>,
        client: Weak<Inner>,
    ) -> Self {
        Driver {
            shared,
            cmds,
            cmds_open: true,
            ws: None,
            connecting: None,
            waiters: HashMap::new(),
            next_call: 1,
            stopped: false,
            client,
        }
    }

    /// Runs until destroyed, killed, or every handle is dropped (then it leaves first).
    pub(crate) async fn run(mut self) {
        loop {
            self.drain().await;
            if self.stopped {
                break;
            }
            let deadline = self.shared.core(|c| c.poll_timeout());
            tokio::select! {
                cmd = self.cmds.recv(), if self.cmds_open => match cmd {
                    Some(Command { call, reply }) => {
                        let id = self.call_id();
                        self.waiters.insert(id, reply);
                        self.input(Input::Call(id, call));
                    }
                    None => {
                        // Every handle is gone: leave cleanly (STYLE rule 10).
                        self.cmds_open = false;
                        let id = self.call_id();
                        self.input(Input::Call(id, Call::Destroy));
                    }
                },
                msg = next_message(&mut self.ws) => self.on_socket(msg),
                res = finish_connect(&mut self.connecting) => match res {
                    Ok(ws) => {
                        self.ws = Some(ws);
                        self.input(Input::Opened);
                    }
                    Err(e) => self.input(Input::ConnectFailed(e)),
                },
                () = sleep_until(deadline) => self.input(Input::Timeout),
            }
        }
        for (_, reply) in self.waiters.drain() {
            let _ = reply.send(Err(ClientError::Destroyed));
        }
        self.shared.subscribers.close();
    }

    fn call_id(&mut self) -> CallId {
        let id = self.next_call;
        self.next_call += 1;
        id
    }

    fn input(&self, input: Input) {
        let now = Instant::now().into_std();
        self.shared.core(|c| c.handle_input(now, input));
    }

    fn on_socket(&mut self, msg: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>) {
        match msg {
            Some(Ok(Message::Text(t))) => self.input(Input::Frame(t.as_str().to_owned())),
            Some(Ok(Message::Close(_))) | None => {
                self.ws = None;
                self.input(Input::Closed("connection closed".into()));
            }
            Some(Err(e)) => {
                self.ws = None;
                self.input(Input::Closed(e.to_string()));
            }
            // Pings are answered by tungstenite; nothing else is expected.
            Some(Ok(_)) => {}
        }
    }

    /// Performs every output of the core, in order. The core is locked only to take each one.
    async fn drain(&mut self) {
        while let Some(out) = self.shared.core(ClientCore::poll_output) {
            match out {
                Output::Connect(url) => self.connecting = Some(connect(url)),
                Output::Send(text) => self.send(text).await,
                Output::Close(mode) => self.close(mode).await,
                Output::Event(event) => {
                    if let Event::MediaSlot { mid, user_id, kind } = &event {
                        self.shared.media.set_slot(mid, *user_id, *kind);
                    }
                    self.shared.subscribers.emit(ClientEvent::Session(event));
                }
                Output::Local(event) => self.shared.subscribers.emit(event),
                Output::Complete(id, result) => {
                    if let Some(reply) = self.waiters.remove(&id) {
                        let _ = reply.send(result);
                    }
                }
                Output::Moved(was) => {
                    // Requests of its own: not from this loop, which answers them.
                    if let Some(client) = Client::upgrade(&self.client) {
                        tokio::spawn(async move {
                            if let Ok(media) = client.get_media_stream() {
                                media.restore_after_move(was).await;
                            }
                        });
                    }
                }
                Output::Stopped => self.stopped = true,
            }
        }
    }

    async fn send(&mut self, text: String) {
        let Some(ws) = self.ws.as_mut() else {
            self.input(Input::Closed("no socket".into()));
            return;
        };
        if let Err(e) = ws.send(Message::Text(text.into())).await {
            tracing::debug!(error = %e, "signaling send failed");
            self.ws = None;
            self.input(Input::Closed(e.to_string()));
        }
    }

    async fn close(&mut self, mode: CloseMode) {
        self.connecting = None;
        let Some(mut ws) = self.ws.take() else {
            return;
        };
        match mode {
            CloseMode::Graceful => {
                let _ = tokio::time::timeout(CLOSE_TIMEOUT, ws.close(None)).await;
            }
            CloseMode::Drop => drop(ws),
            CloseMode::Reset => {
                if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
                    // A zero linger makes close() send RST at once; it never blocks.
                    let _ = tcp.set_zero_linger();
                }
                drop(ws);
            }
        }
    }
}

/// Bytes the signaling socket reads at once: tungstenite zero-fills and keeps its read buffer
/// (128 KiB by default), which would be most of a client's memory; a longer frame grows it.
const READ_BUFFER: usize = 8 * 1024;

/// Opens the signaling socket (the core keeps the deadline).
fn connect(url: String) -> ConnectFuture {
    Box::pin(async move {
        let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .read_buffer_size(READ_BUFFER);
        match tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true).await {
            Ok((ws, _response)) => Ok(ws),
            Err(e) => Err(format!("{url}: {e}")),
        }
    })
}

async fn next_message(
    ws: &mut Option<Ws>,
) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
    match ws.as_mut() {
        Some(ws) => ws.next().await,
        None => std::future::pending().await,
    }
}

async fn finish_connect(connecting: &mut Option<ConnectFuture>) -> Result<Ws, String> {
    match connecting.as_mut() {
        Some(fut) => {
            let res = fut.await;
            *connecting = None;
            res
        }
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<std::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}
