//! The cluster's shared state in Redis, and nothing else: typed operations on its keys,
//! each bounded by [`OP_TIMEOUT`] so an unreachable Redis is an error, never a hang.
//!
//! Keys (`{k}` is a session key: app and lower-cased topic, length-prefixed):
//! - `convene:place:{k}` → `NODE|URL`: the session's owner, under a lease (`PX`) its keeper
//!   renews. Set with `NX`: of concurrent claims exactly one wins.
//! - `convene:state:{k}` → the session's [`Snapshot`] (JSON), kept a while after the lease so
//!   that a node taking the session over finds it.
//! - `convene:sid:{session id}` → `{k}`'s app and topic (JSON): a `resume` names only the id.
//! - `convene:sessions:{app}` → hash of session id → [`Listed`] (JSON): the cluster view.
//! - `convene:node:{id}` → [`NodeInfo`] (JSON) under a short TTL, and the set `convene:nodes`.

use crate::handle::SessionKey;
use convene_session::Snapshot;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Longest wait for one Redis operation.
pub(super) const OP_TIMEOUT: Duration = Duration::from_secs(1);

/// A Redis operation that failed or took too long.
#[derive(Debug)]
pub(super) struct StoreError(pub(super) String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redis: {}", self.0)
    }
}

/// A node as it advertises itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct NodeInfo {
    pub(super) id: String,
    /// Signaling URL (`ws://…/rtc/v1`).
    pub(super) url: String,
    pub(super) users: usize,
    pub(super) sessions: usize,
    /// Peers on its SFU (cascading places media by it).
    #[serde(default)]
    pub(super) peers: usize,
}

impl NodeInfo {
    /// The value of a place this node owns.
    pub(super) fn place(&self) -> String {
        place_value(&self.id, &self.url)
    }
}

/// A place's value: `NODE|URL`.
pub(super) fn place_value(node: &str, url: &str) -> String {
    format!("{node}|{url}")
}

/// A place's owner and its URL.
pub(super) fn parse_place(v: &str) -> Option<(&str, &str)> {
    v.split_once('|')
}

/// One session in the cluster view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Listed {
    pub(super) topic: String,
    pub(super) node: String,
    pub(super) started_ms: u64,
    pub(super) users: usize,
}

#[derive(Serialize, Deserialize)]
struct KeyJson {
    app: String,
    topic: String,
}

fn k(kind: &str, key: &SessionKey) -> String {
    format!("convene:{kind}:{}:{}:{}", key.app.len(), key.app, key.topic)
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// Renews a lease only if this node still holds it.
const RENEW: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
/// Deletes a key only if it still holds the expected value.
const RELEASE: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) else return 0 end";

/// The cluster's Redis.
#[derive(Clone)]
pub(super) struct Store {
    conn: ConnectionManager,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// A store for `url`; it connects on first use and reconnects by itself.
    pub(super) fn new(url: &str) -> Result<Store, StoreError> {
        use redis::IntoConnectionInfo;
        let info = url
            .into_connection_info()
            .map_err(|e| StoreError(e.to_string()))?;
        // Small commands, each awaited before the next: no Nagle delay on them.
        let tcp = redis::io::tcp::TcpSettings::default().set_nodelay(true);
        let client = redis::Client::open(info.set_tcp_settings(tcp))
            .map_err(|e| StoreError(e.to_string()))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(OP_TIMEOUT))
            .set_response_timeout(Some(OP_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| StoreError(e.to_string()))?;
        Ok(Store { conn })
    }

    async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        match tokio::time::timeout(OP_TIMEOUT, cmd.query_async(&mut conn)).await {
            Ok(r) => r.map_err(|e| StoreError(e.to_string())),
            Err(_) => Err(StoreError("timed out".into())),
        }
    }

    async fn script(&self, code: &str, key: &str, args: &[String]) -> Result<i64, StoreError> {
        let script = redis::Script::new(code);
        let mut inv = script.key(key);
        for a in args {
            inv.arg(a);
        }
        let mut conn = self.conn.clone();
        match tokio::time::timeout(OP_TIMEOUT, inv.invoke_async(&mut conn)).await {
            Ok(r) => r.map_err(|e| StoreError(e.to_string())),
            Err(_) => Err(StoreError("timed out".into())),
        }
    }

    /// The owner of `key`'s session, as `NODE|URL`.
    pub(super) async fn place(&self, key: &SessionKey) -> Result<Option<String>, StoreError> {
        self.run(redis::cmd("GET").arg(k("place", key))).await
    }

    /// Makes `value` the owner of `key` if nobody is; `true` when it did.
    pub(super) async fn claim(
        &self,
        key: &SessionKey,
        value: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let set: Option<String> = self
            .run(
                redis::cmd("SET")
                    .arg(k("place", key))
                    .arg(value)
                    .arg("NX")
                    .arg("PX")
                    .arg(ms(lease)),
            )
            .await?;
        Ok(set.is_some())
    }

    /// Extends `value`'s lease on `key`; `false` when it no longer holds it.
    pub(super) async fn renew(
        &self,
        key: &SessionKey,
        value: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let args = [value.to_owned(), ms(lease).to_string()];
        Ok(self.script(RENEW, &k("place", key), &args).await? == 1)
    }

    /// Gives up `value`'s lease on `key`; `false` when another node holds it.
    pub(super) async fn release(&self, key: &SessionKey, value: &str) -> Result<bool, StoreError> {
        Ok(self
            .script(RELEASE, &k("place", key), &[value.to_owned()])
            .await?
            == 1)
    }

    /// Saves a session's snapshot and its listing, kept for `keep`.
    pub(super) async fn save(
        &self,
        snap: &Snapshot,
        json: &str,
        listed: &Listed,
        keep: Duration,
    ) -> Result<(), StoreError> {
        let key = SessionKey::new(&snap.app, &snap.topic);
        let sid = snap.session_id.to_string();
        let key_json = serde_json::to_string(&KeyJson {
            app: key.app.clone(),
            topic: key.topic.clone(),
        })
        .map_err(|e| StoreError(e.to_string()))?;
        let listed = serde_json::to_string(listed).map_err(|e| StoreError(e.to_string()))?;
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(k("state", &key))
            .arg(json)
            .arg("PX")
            .arg(ms(keep))
            .ignore()
            .cmd("SET")
            .arg(format!("convene:sid:{sid}"))
            .arg(key_json)
            .arg("PX")
            .arg(ms(keep))
            .ignore()
            .cmd("HSET")
            .arg(format!("convene:sessions:{}", key.app))
            .arg(&sid)
            .arg(listed)
            .ignore();
        let mut conn = self.conn.clone();
        match tokio::time::timeout(OP_TIMEOUT, pipe.query_async::<()>(&mut conn)).await {
            Ok(r) => r.map_err(|e| StoreError(e.to_string())),
            Err(_) => Err(StoreError("timed out".into())),
        }
    }

    /// Keeps an unchanged session's snapshot and id for another `keep`.
    pub(super) async fn touch(&self, snap: &Snapshot, keep: Duration) -> Result<(), StoreError> {
        let key = SessionKey::new(&snap.app, &snap.topic);
        self.run::<()>(redis::cmd("PEXPIRE").arg(k("state", &key)).arg(ms(keep)))
            .await?;
        self.run(
            redis::cmd("PEXPIRE")
                .arg(format!("convene:sid:{}", snap.session_id))
                .arg(ms(keep)),
        )
        .await
    }

    /// The snapshot of `key`'s session, if one is kept.
    pub(super) async fn snapshot(&self, key: &SessionKey) -> Result<Option<Snapshot>, StoreError> {
        let json: Option<String> = self.run(redis::cmd("GET").arg(k("state", key))).await?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Forgets an ended session: its snapshot, id and listing.
    pub(super) async fn forget(&self, key: &SessionKey, sid: &str) -> Result<(), StoreError> {
        self.run::<()>(
            redis::cmd("DEL")
                .arg(k("state", key))
                .arg(format!("convene:sid:{sid}")),
        )
        .await?;
        self.run(
            redis::cmd("HDEL")
                .arg(format!("convene:sessions:{}", key.app))
                .arg(sid),
        )
        .await
    }

    /// The session key of a session id, while its snapshot is kept.
    pub(super) async fn key_of(&self, sid: &str) -> Result<Option<SessionKey>, StoreError> {
        let json: Option<String> = self
            .run(redis::cmd("GET").arg(format!("convene:sid:{sid}")))
            .await?;
        Ok(json
            .and_then(|j| serde_json::from_str::<KeyJson>(&j).ok())
            .map(|j| SessionKey::new(&j.app, &j.topic)))
    }

    /// The cluster view of `app`'s sessions (by session id).
    pub(super) async fn listed(&self, app: &str) -> Result<Vec<(String, Listed)>, StoreError> {
        let all: std::collections::HashMap<String, String> = self
            .run(redis::cmd("HGETALL").arg(format!("convene:sessions:{app}")))
            .await?;
        Ok(all
            .into_iter()
            .filter_map(|(sid, v)| Some((sid, serde_json::from_str(&v).ok()?)))
            .collect())
    }

    /// Advertises this node for `ttl`.
    pub(super) async fn heartbeat(&self, me: &NodeInfo, ttl: Duration) -> Result<(), StoreError> {
        let json = serde_json::to_string(me).map_err(|e| StoreError(e.to_string()))?;
        self.run::<()>(
            redis::cmd("SET")
                .arg(format!("convene:node:{}", me.id))
                .arg(json)
                .arg("PX")
                .arg(ms(ttl)),
        )
        .await?;
        self.run(redis::cmd("SADD").arg("convene:nodes").arg(&me.id))
            .await
    }

    /// Takes this node out of the cluster at once (a drain).
    pub(super) async fn leave(&self, id: &str) -> Result<(), StoreError> {
        self.run::<()>(redis::cmd("DEL").arg(format!("convene:node:{id}")))
            .await?;
        self.run(redis::cmd("SREM").arg("convene:nodes").arg(id))
            .await
    }

    /// The live nodes (those whose advertisement has not lapsed), by id.
    pub(super) async fn nodes(&self) -> Result<Vec<NodeInfo>, StoreError> {
        let ids: Vec<String> = self
            .run(redis::cmd("SMEMBERS").arg("convene:nodes"))
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = ids.iter().map(|i| format!("convene:node:{i}")).collect();
        let vals: Vec<Option<String>> = self.run(redis::cmd("MGET").arg(&keys)).await?;
        let mut live = Vec::new();
        for (id, v) in ids.iter().zip(vals) {
            match v.and_then(|v| serde_json::from_str::<NodeInfo>(&v).ok()) {
                Some(n) => live.push(n),
                // Its advertisement lapsed: it is gone.
                None => {
                    self.run(redis::cmd("SREM").arg("convene:nodes").arg(id))
                        .await?
                }
            }
        }
        live.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(live)
    }
}
