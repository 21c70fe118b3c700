//! The Janus API as this tool uses it: request builders and a reply reader, no I/O.
//!
//! Every request carries a client-chosen `transaction`. Synchronous requests answer
//! `success` (or `error`); asynchronous VideoRoom requests (`join`, `publish`, `start`,
//! `configure`) answer `ack` and later an `event` with the same transaction, read by
//! long-polling the session. The session and handle ids travel in the HTTP path.

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Value};

/// The VideoRoom plugin's package name.
pub const VIDEOROOM: &str = "janus.plugin.videoroom";

/// `create`: a new Janus session.
pub fn create_session(transaction: &str) -> Value {
    json!({"janus": "create", "transaction": transaction})
}

/// `attach`: a handle on `plugin` in the session of the URL.
pub fn attach(transaction: &str, plugin: &str) -> Value {
    json!({"janus": "attach", "plugin": plugin, "transaction": transaction})
}

/// `message`: a plugin request `body`, with an SDP (`jsep`) when it negotiates.
pub fn message(transaction: &str, body: Value, jsep: Option<Value>) -> Value {
    let mut m = json!({"janus": "message", "transaction": transaction, "body": body});
    if let Some(jsep) = jsep {
        m["jsep"] = jsep;
    }
    m
}

/// `keepalive`: keeps the session past `session_timeout`.
pub fn keepalive(transaction: &str) -> Value {
    json!({"janus": "keepalive", "transaction": transaction})
}

/// `destroy`: ends the session and its handles.
pub fn destroy_session(transaction: &str) -> Value {
    json!({"janus": "destroy", "transaction": transaction})
}

/// A jsep object. `trickle: false` because every candidate is in the SDP.
pub fn jsep(kind: &str, sdp: &str) -> Value {
    json!({"type": kind, "sdp": sdp, "trickle": false})
}

/// VideoRoom `create`: a room for `publishers` senders, Opus and VP8, no bitrate cap and no
/// periodic keyframe requests (the load generator's publishers send keyframes on request).
pub fn create_room(room: u64, publishers: usize) -> Value {
    json!({
        "request": "create", "room": room, "publishers": publishers, "bitrate": 0,
        "audiocodec": "opus", "videocodec": "vp8", "fir_freq": 0,
    })
}

/// VideoRoom `destroy`.
pub fn destroy_room(room: u64) -> Value {
    json!({"request": "destroy", "room": room})
}

/// VideoRoom `join` as a publisher.
pub fn join_publisher(room: u64, display: &str) -> Value {
    json!({"request": "join", "ptype": "publisher", "room": room, "display": display})
}

/// VideoRoom `publish` (sent with the offer).
pub fn publish() -> Value {
    json!({"request": "publish", "audio": true, "video": true})
}

/// VideoRoom `join` as a subscriber to every stream of each feed, on one PeerConnection.
pub fn join_subscriber(room: u64, feeds: &[u64]) -> Value {
    let streams: Vec<Value> = feeds.iter().map(|f| json!({"feed": f})).collect();
    json!({"request": "join", "ptype": "subscriber", "room": room, "streams": streams})
}

/// VideoRoom `start` (sent with the subscriber's answer).
pub fn start() -> Value {
    json!({"request": "start"})
}

/// VideoRoom `configure` for a subscriber: receive simulcast layer `substream` (0 = lowest)
/// on each of the video `mids`.
pub fn configure_substream(mids: &[String], substream: u8) -> Value {
    let streams: Vec<Value> = mids
        .iter()
        .map(|m| json!({"mid": m, "substream": substream}))
        .collect();
    json!({"request": "configure", "streams": streams})
}

/// One reply or event, with what this tool needs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// `success`, `ack`, `event`, `webrtcup`, `media`, `keepalive`, ...
    pub janus: String,
    /// The request's transaction; `None` for unsolicited events.
    pub transaction: Option<String>,
    /// `data.id`: the new session's or handle's id.
    pub id: Option<u64>,
    /// `plugindata.data`: the plugin's answer.
    pub plugin: Option<Value>,
    /// `jsep.sdp`.
    pub sdp: Option<String>,
}

impl Reply {
    /// Reads one reply. A Janus `error`, or a plugin answer with `error_code`, is an error.
    pub fn parse(text: &str) -> Result<Reply> {
        let v: Value = serde_json::from_str(text)?;
        let janus = v["janus"]
            .as_str()
            .ok_or_else(|| anyhow!("not a Janus reply: {text}"))?
            .to_string();
        if janus == "error" {
            bail!("Janus error: {}", v["error"]);
        }
        let plugin = v.pointer("/plugindata/data").cloned();
        if let Some(p) = &plugin {
            if p.get("error_code").is_some() {
                bail!("VideoRoom error {}: {}", p["error_code"], p["error"]);
            }
        }
        Ok(Reply {
            janus,
            transaction: v["transaction"].as_str().map(str::to_string),
            id: v.pointer("/data/id").and_then(Value::as_u64),
            plugin,
            sdp: v
                .pointer("/jsep/sdp")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// `plugindata.data.<key>` as an integer (e.g. a publisher's feed `id`).
    pub fn plugin_u64(&self, key: &str) -> Option<u64> {
        self.plugin.as_ref()?.get(key)?.as_u64()
    }

    /// The mids of the video streams in a subscriber's `attached` event.
    pub fn video_mids(&self) -> Vec<String> {
        let Some(streams) = self
            .plugin
            .as_ref()
            .and_then(|p| p.get("streams"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        streams
            .iter()
            .filter(|s| s["type"] == "video")
            .filter_map(|s| s["mid"].as_str().map(str::to_string))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_what_janus_expects() {
        let m = message("t3", publish(), Some(jsep("offer", "v=0")));
        assert_eq!(m["janus"], "message");
        assert_eq!(m["transaction"], "t3");
        assert_eq!(m["body"]["request"], "publish");
        assert_eq!(m["jsep"]["trickle"], false);
        assert!(message("t", start(), None).get("jsep").is_none());
        let j = join_subscriber(7, &[11, 12]);
        assert_eq!(j["streams"], json!([{"feed": 11}, {"feed": 12}]));
        let c = configure_substream(&["1".into(), "3".into()], 1);
        assert_eq!(c["streams"][1], json!({"mid": "3", "substream": 1}));
        assert_eq!(create_room(5, 4)["publishers"], 4);
    }

    #[test]
    fn replies_are_read_and_errors_surface() {
        let ok =
            Reply::parse(r#"{"janus":"success","transaction":"t1","data":{"id":42}}"#).unwrap();
        assert_eq!((ok.janus.as_str(), ok.id), ("success", Some(42)));
        assert_eq!(ok.transaction.as_deref(), Some("t1"));

        let ev = Reply::parse(
            r#"{"janus":"event","transaction":"t5","plugindata":{"plugin":"janus.plugin.videoroom",
            "data":{"videoroom":"attached","streams":[{"mid":"0","type":"audio"},{"mid":"1","type":"video"},
            {"mid":"2","type":"audio"},{"mid":"3","type":"video"}]}},"jsep":{"type":"offer","sdp":"v=0"}}"#,
        )
        .unwrap();
        assert_eq!(ev.video_mids(), vec!["1".to_string(), "3".to_string()]);
        assert_eq!(ev.sdp.as_deref(), Some("v=0"));

        let joined = Reply::parse(
            r#"{"janus":"event","transaction":"t4","plugindata":{"data":{"videoroom":"joined","id":9001}}}"#,
        )
        .unwrap();
        assert_eq!(joined.plugin_u64("id"), Some(9001));

        let full = r#"{"janus":"event","plugindata":{"data":{"error_code":432,"error":"Maximum number of publishers"}}}"#;
        assert!(Reply::parse(full).unwrap_err().to_string().contains("432"));
        assert!(Reply::parse(r#"{"janus":"error","error":{"code":458}}"#).is_err());
        assert!(Reply::parse("[]").is_err());
    }
}
