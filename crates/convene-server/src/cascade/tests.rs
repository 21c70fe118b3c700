//! The accepting side of a cascade link on a real server: refused without an app's API
//! token; with one, a peer added over the link is answered and connects to this node's
//! SFU, and goes when the link closes.

use std::time::Duration;

use convene_media::{MediaPeer, MediaPeerConfig, OfferPlan};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);

fn request(
    s: &crate::Server,
    token: Option<&str>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("ws://{}/cluster/media", s.local_addr());
    let mut req = url.into_client_request().expect("request");
    if let Some(t) = token {
        let value = format!("Bearer {t}").parse().expect("header");
        req.headers_mut().insert("authorization", value);
    }
    req
}

#[tokio::test]
async fn a_link_needs_an_apps_token_and_its_peers_go_with_it() {
    let s = crate::tests::server().await;
    let refused = tokio_tungstenite::connect_async(request(&s, None)).await;
    assert!(
        matches!(&refused, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401),
        "{refused:?}"
    );
    let other = convene_auth::AppCredentials::new("other", "other-secret-0123456789");
    let refused = tokio_tungstenite::connect_async(request(
        &s,
        Some(&convene_auth::mint_api(&other, now(), 60)),
    ))
    .await;
    assert!(
        refused.is_err(),
        "a token of an app this node does not serve"
    );

    let app = convene_auth::AppCredentials::new(crate::tests::KEY, crate::tests::SECRET);
    let token = convene_auth::mint_api(&app, now(), 60);
    let (mut ws, _) = tokio_tungstenite::connect_async(request(&s, Some(&token)))
        .await
        .expect("link");
    let add =
        json!({"op": "add", "peer": 7, "room": "s1", "user": 3, "allowed": [true, true, false]});
    ws.send(Message::text(add.to_string())).await.unwrap();
    let media = MediaPeer::start(MediaPeerConfig::new(3)).await.unwrap();
    let plan = OfferPlan {
        audio: true,
        ..OfferPlan::default()
    };
    let offer = media.create_offer(plan).await.unwrap();
    let msg = json!({"op": "offer", "peer": 7, "sdp": offer.sdp, "shareMids": []});
    ws.send(Message::text(msg.to_string())).await.unwrap();
    let answer = tokio::time::timeout(WAIT, async {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["ev"] == "answer" {
                    return v;
                }
            }
        }
        panic!("the link closed");
    })
    .await
    .expect("an answer");
    assert_eq!(answer["peer"], 7, "named by the owner's id");
    media
        .apply_answer(answer["sdp"].as_str().unwrap().to_owned())
        .await
        .unwrap();
    media
        .wait_for(WAIT, |snap| snap.connected)
        .await
        .expect("connects to this node's SFU");
    assert_eq!(s.state.media.stats().peers, 1);

    drop(ws);
    let end = tokio::time::Instant::now() + WAIT;
    while s.state.media.stats().peers != 0 {
        assert!(
            tokio::time::Instant::now() < end,
            "the link's peer outlived it"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[test]
fn the_link_goes_to_the_nodes_cluster_endpoint() {
    assert_eq!(
        super::link_url("ws://10.0.0.5:8080/rtc/v1"),
        "ws://10.0.0.5:8080/cluster/media"
    );
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}
