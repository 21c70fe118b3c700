//! [`Client`]: the cheap, cloneable handle an app calls.

use crate::client_core::{Call, Outcome};
use crate::driver::{Command, Driver};
use crate::media_state::MediaShared;
use crate::shared::Shared;
use crate::url::parse_server_url;
use crate::{ClientError, Events, SessionInfo};
use convene_protocol::{
    validate_join_params, ChatPrivilege, ClientMsg, JoinParams, Participant, SharePrivilege, UserId,
};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How long `init` waits for a TCP connection to the server.
const INIT_REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// A Convene client: one user in at most one session at a time.
///
/// Cheap to clone; every clone is the same client (same session, same events). The state and
/// the socket belong to one background task, started by [`Client::init`], which drives the
/// client's sans-IO core; methods message it and await its answer, so none of them blocks
/// another for long.
///
/// Lifecycle (SPEC §3): [`Client::new`] → [`Client::init`] → [`Client::join`] → calls →
/// [`Client::leave`] → [`Client::destroy`]. Dropping the last handle also leaves (best effort,
/// without waiting); call `leave` or `destroy` to know it happened.
#[derive(Clone)]
#[must_use = "dropping the last Client handle leaves the session"]
pub struct Client {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    shared: Arc<Shared>,
    /// The driver's inbox; set once by the first `init`.
    driver: OnceLock<mpsc::UnboundedSender<Command>>,
    /// `destroy` or `debug_kill` was called: every call fails with [`ClientError::Destroyed`].
    destroyed: AtomicBool,
}

impl Client {
    /// A handle to the client of `inner`, while any handle lives (for the driver's own
    /// tasks, which must not keep the client alive).
    pub(crate) fn upgrade(inner: &Weak<Inner>) -> Option<Client> {
        inner.upgrade().map(|inner| Client { inner })
    }

    /// The reference a task of the client keeps without keeping the client alive.
    pub(crate) fn downgrade(&self) -> Weak<Inner> {
        Arc::downgrade(&self.inner)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.get_session_info();
        f.debug_struct("Client")
            .field("initialized", &self.inner.driver.get().is_some())
            .field("destroyed", &self.inner.destroyed.load(Ordering::Relaxed))
            .field("session", &info)
            .finish()
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

/// The join checks that need no server, for an early and clear error (5013): the rules of
/// SPEC §4 as [`convene_protocol::validate_join_params`] defines them for everyone, plus a
/// token, which only a client can require before sending (the server answers 200).
fn check_join_params(p: &JoinParams) -> Result<(), ClientError> {
    validate_join_params(p).map_err(|e| ClientError::InvalidJoinParameter(e.reason))?;
    if p.token.is_empty() {
        return Err(ClientError::InvalidJoinParameter("token is empty".into()));
    }
    Ok(())
}

impl Client {
    /// A new client, not yet initialised. Does no I/O and needs no runtime.
    ///
    /// Unlike the browser's `createClient()`, each call makes an independent client (a process
    /// may run many, the load generator does); clone a `Client` to share one.
    pub fn new() -> Self {
        Client {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared::default()),
                driver: OnceLock::new(),
                destroyed: AtomicBool::new(false),
            }),
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------

    /// Records the server (`http://host:port`, `ws://host:port`, or the full
    /// `ws://host:port/rtc/v1`) and checks it is reachable with a TCP connect. Must succeed
    /// before [`Client::join`]. Calling it again points later joins elsewhere; a session in
    /// progress keeps its server.
    ///
    /// A comma-separated list names several nodes of one cluster: the first that answers is
    /// used, and the others are where the client reconnects if that node is lost.
    ///
    /// Must be called from within a Tokio runtime: it starts the client's background task.
    pub async fn init(&self, server_url: &str) -> Result<(), ClientError> {
        self.check_alive()?;
        let urls = server_url
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(parse_server_url)
            .collect::<Result<Vec<_>, _>>()?;
        let mut failure = ClientError::InvalidUrl(format!("no URL: {server_url:?}"));
        let mut url = None;
        for u in &urls {
            match reach(&u.authority).await {
                Ok(()) => {
                    url = Some(u.ws.clone());
                    break;
                }
                Err(e) => failure = e,
            }
        }
        let Some(ws_url) = url else {
            return Err(failure);
        };
        let nodes = urls.into_iter().map(|u| u.ws).collect();
        let tx = self.inner.driver.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            let me = Arc::downgrade(&self.inner);
            tokio::spawn(Driver::new(self.inner.shared.clone(), rx, me).run());
            tx
        });
        send(tx, Call::Init { ws_url, nodes }).await.map(drop)
    }

    /// Joins (or starts) a session. Fails with `NotInitialized` before `init`, 5012 when
    /// already in a session, 5013 for a bad parameter, or the server's error (200 bad token,
    /// 3004 wrong passcode, 4005 full, 3009 removed...).
    ///
    /// On success the user list is loaded, [`Client::get_session_info`] answers, and a
    /// `connection-change {state: Connected}` event follows.
    pub async fn join(
        &self,
        topic: &str,
        token: &str,
        user_name: &str,
        passcode: Option<&str>,
        idle_timeout_mins: Option<u32>,
    ) -> Result<SessionInfo, ClientError> {
        self.join_with(JoinParams {
            topic: topic.to_string(),
            token: token.to_string(),
            user_name: user_name.to_string(),
            passcode: passcode.map(str::to_string),
            idle_timeout_mins: idle_timeout_mins.map(f64::from),
        })
        .await
    }

    /// [`Client::join`] with the wire's parameters (also what [`Client::request`] does with a
    /// `join`).
    async fn join_with(&self, params: JoinParams) -> Result<SessionInfo, ClientError> {
        check_join_params(&params)?;
        let tx = self.driver()?.ok_or(ClientError::NotInitialized)?;
        if !self.get_session_info().is_in_meeting {
            // A peer left over from an ended session is no use in a new one.
            self.inner.shared.media.close().await;
        }
        match send(&tx, Call::Join(params)).await? {
            Outcome::Joined(info) => Ok(info),
            // The core finishes a join with `Joined` or an error; anything else is a bug.
            other => Err(ClientError::Protocol(format!(
                "join finished with {other:?}"
            ))),
        }
    }

    /// Leaves the session; `end: true` ends it for everyone (host only, else 5007 and we stay).
    pub async fn leave(&self, end: bool) -> Result<(), ClientError> {
        let tx = self.driver()?.ok_or(ClientError::NotJoined)?;
        let r = send(&tx, Call::Leave { end }).await.map(drop);
        if r.is_ok() {
            self.inner.shared.media.close().await;
        }
        r
    }

    /// Leaves (if in a session) and stops the client: its event streams end and every later
    /// call fails with [`ClientError::Destroyed`]. Make a new [`Client`] to join again.
    pub async fn destroy(&self) -> Result<(), ClientError> {
        if self.inner.destroyed.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        self.stop(Call::Destroy).await;
        self.inner.shared.media.close().await;
        Ok(())
    }

    /// Every event from now on. Call before `join` to see everything the session does.
    pub fn events(&self) -> Events {
        self.inner.shared.subscribers.subscribe()
    }

    // ---- local state (answered without the server) -------------------------------------

    /// Everyone in the session, ourselves included, in join order. Empty when not in a session.
    pub fn get_all_user(&self) -> Vec<Participant> {
        self.inner.shared.read(|s| s.all_users())
    }

    /// The signaling URL of the node this client's session is on (on a cluster it may be
    /// another node than the one given to `init`); `None` when not in a session.
    pub fn current_server_url(&self) -> Option<String> {
        self.inner
            .shared
            .core(|c| c.session_url().map(str::to_owned))
    }

    /// One user, if present.
    pub fn get_user(&self, user_id: UserId) -> Option<Participant> {
        self.inner.shared.read(|s| s.user(user_id))
    }

    /// Ourselves, when in a session.
    pub fn get_current_user_info(&self) -> Option<Participant> {
        self.inner.shared.read(|s| s.me())
    }

    /// The session (all fields empty and `is_in_meeting: false` when not in one).
    pub fn get_session_info(&self) -> SessionInfo {
        self.inner.shared.read(|s| s.session_info())
    }

    /// The host, if there is one.
    pub fn get_session_host(&self) -> Option<Participant> {
        self.inner.shared.read(|s| s.host())
    }

    /// We are the host.
    pub fn is_host(&self) -> bool {
        self.get_current_user_info().is_some_and(|p| p.is_host)
    }

    /// We are a manager.
    pub fn is_manager(&self) -> bool {
        self.get_current_user_info().is_some_and(|p| p.is_manager)
    }

    /// We are the original host (first role-1 joiner of this session instance).
    pub fn is_original_host(&self) -> bool {
        self.inner.shared.read(|s| s.is_original_host())
    }

    /// The chat privilege, when in a session.
    pub fn get_chat_privilege(&self) -> Option<ChatPrivilege> {
        self.inner.shared.read(|s| s.chat_privilege())
    }

    /// The share privilege, when in a session.
    pub fn get_share_privilege(&self) -> Option<SharePrivilege> {
        self.inner.shared.read(|s| s.share_privilege())
    }

    /// Screen share is locked to the host and managers.
    pub fn is_share_locked(&self) -> bool {
        self.get_share_privilege() == Some(SharePrivilege::Locked)
    }

    // ---- requests ----------------------------------------------------------------------

    /// Sends any [`ClientMsg`] and returns the server's result as JSON. `leave` goes through
    /// [`Client::leave`] and `join` through [`Client::join`] (so a second one fails with
    /// 5012); `resume` cannot be sent this way (resuming is automatic).
    pub async fn request(&self, msg: ClientMsg) -> Result<serde_json::Value, ClientError> {
        match msg {
            ClientMsg::Leave { end } => {
                return self.leave(end).await.map(|()| serde_json::Value::Null)
            }
            ClientMsg::Join(params) => {
                let info = self.join_with(params).await?;
                return serde_json::to_value(info)
                    .map_err(|e| ClientError::Protocol(e.to_string()));
            }
            ClientMsg::Resume(_) => {
                return Err(ClientError::Unsupported(format!(
                    "{} is not available through request()",
                    msg.method()
                )))
            }
            _ => {}
        }
        let Some(tx) = self.driver()? else {
            return Err(ClientError::not_joined_for(&msg));
        };
        send(&tx, Call::Request(msg))
            .await
            .map(|outcome| match outcome {
                Outcome::Value(v) => v,
                Outcome::Joined(_) | Outcome::Done => serde_json::Value::Null,
            })
    }

    // ---- test hooks --------------------------------------------------------------------

    /// Test hook: drops the connection the way a network failure would (TCP reset, no close
    /// frame, no leave). The client then fails over by itself, as it would after a real drop.
    #[doc(hidden)]
    pub async fn debug_drop_connection(&self) {
        if let Ok(Some(tx)) = self.driver() {
            let _ = send(&tx, Call::DropConnection).await;
        }
    }

    /// Test hook: stops the client at once, without leave and without reconnecting, like a
    /// crashed process. The server sees the connection drop and keeps us in failover.
    #[doc(hidden)]
    pub async fn debug_kill(&self) {
        if self.inner.destroyed.swap(true, Ordering::SeqCst) {
            return;
        }
        self.stop(Call::Kill).await;
    }

    // ---- plumbing ----------------------------------------------------------------------

    pub(crate) fn check_alive(&self) -> Result<(), ClientError> {
        if self.inner.destroyed.load(Ordering::SeqCst) {
            Err(ClientError::Destroyed)
        } else {
            Ok(())
        }
    }

    /// The driver's inbox: `Ok(None)` before `init`.
    fn driver(&self) -> Result<Option<mpsc::UnboundedSender<Command>>, ClientError> {
        self.check_alive()?;
        Ok(self.inner.driver.get().cloned())
    }

    /// Sends `destroy` or `kill` (the `destroyed` flag is already set) and waits for the
    /// driver to finish; before `init` there is no driver, only event streams to end.
    async fn stop(&self, call: Call) {
        match self.inner.driver.get() {
            Some(tx) => {
                let _ = send(tx, call).await;
            }
            None => self.inner.shared.subscribers.close(),
        }
    }

    /// Reads the local copy of the session.
    pub(crate) fn read_state<R>(&self, f: impl FnOnce(&crate::state::LocalState) -> R) -> R {
        self.inner.shared.read(f)
    }

    /// The client's media peer and receive slots.
    pub(crate) fn media(&self) -> Arc<MediaShared> {
        self.inner.shared.media.clone()
    }

    /// Both handles are the same client.
    #[cfg(test)]
    pub(crate) fn same_as(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Hands a call to the driver and waits for its result.
/// Checks that something listens at `authority` with a TCP connect.
async fn reach(authority: &str) -> Result<(), ClientError> {
    match tokio::time::timeout(
        INIT_REACH_TIMEOUT,
        tokio::net::TcpStream::connect(authority),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(ClientError::Transport(format!("{authority}: {e}"))),
        Err(_) => Err(ClientError::Transport(format!(
            "{authority}: connect timed out"
        ))),
    }
}

async fn send(tx: &mpsc::UnboundedSender<Command>, call: Call) -> Result<Outcome, ClientError> {
    let (reply, rx) = oneshot::channel();
    tx.send(Command { call, reply })
        .map_err(|_| ClientError::Destroyed)?;
    rx.await.map_err(|_| ClientError::Destroyed)?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(topic: &str, passcode: Option<&str>, idle: Option<f64>) -> JoinParams {
        JoinParams {
            topic: topic.into(),
            token: "t".into(),
            user_name: "n".into(),
            passcode: passcode.map(Into::into),
            idle_timeout_mins: idle,
        }
    }

    #[test]
    fn join_params_are_checked_locally() {
        assert!(check_join_params(&params("a b!", Some("pass word"), Some(5.0))).is_ok());
        assert!(check_join_params(&params(&"é".repeat(150), None, None)).is_ok());
        for bad in [
            params("", None, None),
            params(&"x".repeat(151), None, None),
            params("t", Some("12345678901"), None),
            params("t", Some("pässe"), None),
            params("t", Some("tab\t"), None),
            params("t", None, Some(0.0)),
            params("a\nb", None, None),
            JoinParams {
                token: String::new(),
                ..params("t", None, None)
            },
        ] {
            assert_eq!(
                check_join_params(&bad).unwrap_err().code(),
                Some(convene_protocol::ErrorCode::InvalidJoinParameter),
                "{bad:?}"
            );
        }
    }

    #[tokio::test]
    async fn lifecycle_errors_before_init() {
        let c = Client::new();
        assert!(c.get_all_user().is_empty());
        assert!(!c.get_session_info().is_in_meeting);
        assert_eq!(
            c.join("t", "tok", "me", None, None).await.unwrap_err(),
            ClientError::NotInitialized
        );
        assert_eq!(c.reclaim_host().await.unwrap_err(), ClientError::NotJoined);
        assert_eq!(
            c.start_audio(false).await.unwrap_err(),
            ClientError::MediaNotJoined
        );
        assert_eq!(c.leave(false).await.unwrap_err(), ClientError::NotJoined);
        assert!(matches!(
            c.request(ClientMsg::Resume(convene_protocol::ResumeParams {
                session_id: "s".into(),
                user_id: UserId(1),
                resume_token: "r".into()
            }))
            .await,
            Err(ClientError::Unsupported(_))
        ));
        assert!(matches!(
            c.init("https://example:1").await,
            Err(ClientError::InvalidUrl(_))
        ));
        c.destroy().await.unwrap();
        assert_eq!(
            c.init("http://127.0.0.1:1").await,
            Err(ClientError::Destroyed)
        );
        assert_eq!(c.events().recv().await, None);
    }

    #[tokio::test]
    async fn init_fails_when_nothing_listens() {
        // Bind then drop, so the port is (almost certainly) closed.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = Client::new();
        let err = c
            .init(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_err();
        assert!(matches!(err, ClientError::Transport(_)), "{err:?}");
        assert_eq!(err.to_error_body().error_code, 1);
    }
}
