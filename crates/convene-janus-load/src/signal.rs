//! One Janus session with one VideoRoom handle: what each simulated client signals through.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{anyhow, bail, Result};
use serde_json::Value;

use crate::http::Endpoint;
use crate::janus::{self, Reply};

/// Transactions are unique in the process.
static NEXT_TRANSACTION: AtomicU64 = AtomicU64::new(1);

fn transaction() -> String {
    format!("t{}", NEXT_TRANSACTION.fetch_add(1, Ordering::Relaxed))
}

/// A session and its VideoRoom handle.
#[derive(Debug, Clone)]
pub struct Session {
    endpoint: Endpoint,
    id: u64,
    handle: u64,
}

impl Session {
    /// Creates a session and attaches a VideoRoom handle.
    pub async fn open(endpoint: &Endpoint) -> Result<Session> {
        let r = Reply::parse(
            &endpoint
                .post("", &janus::create_session(&transaction()).to_string())
                .await?,
        )?;
        let id = r.id.ok_or_else(|| anyhow!("create: no session id"))?;
        let attach = janus::attach(&transaction(), janus::VIDEOROOM).to_string();
        let r = Reply::parse(&endpoint.post(&format!("/{id}"), &attach).await?)?;
        let handle = r.id.ok_or_else(|| anyhow!("attach: no handle id"))?;
        Ok(Session {
            endpoint: endpoint.clone(),
            id,
            handle,
        })
    }

    /// Sends a VideoRoom request and returns its answer: the `success` of a synchronous
    /// request, or the `event` that follows an asynchronous one's `ack`.
    pub async fn request(&self, body: Value, jsep: Option<Value>) -> Result<Reply> {
        let tx = transaction();
        let m = janus::message(&tx, body, jsep).to_string();
        let path = format!("/{}/{}", self.id, self.handle);
        let r = Reply::parse(&self.endpoint.post(&path, &m).await?)?;
        match r.janus.as_str() {
            "success" => Ok(r),
            "ack" => self.event_for(&tx).await,
            other => bail!("unexpected reply {other} to {m}"),
        }
    }

    /// Long-polls the session until the event of `tx` arrives; other events are dropped.
    async fn event_for(&self, tx: &str) -> Result<Reply> {
        for _ in 0..20 {
            let text = self.endpoint.get(&format!("/{}?maxev=1", self.id)).await?;
            let r = Reply::parse(&text)?;
            if r.transaction.as_deref() == Some(tx) && r.janus == "event" {
                return Ok(r);
            }
        }
        bail!("no event for transaction {tx}")
    }

    /// Keeps the session alive past Janus's `session_timeout`.
    pub async fn keepalive(&self) -> Result<()> {
        let m = janus::keepalive(&transaction()).to_string();
        self.endpoint.post(&format!("/{}", self.id), &m).await?;
        Ok(())
    }

    /// Destroys the session (Janus hangs up its PeerConnection).
    pub async fn close(&self) -> Result<()> {
        let m = janus::destroy_session(&transaction()).to_string();
        self.endpoint.post(&format!("/{}", self.id), &m).await?;
        Ok(())
    }
}
