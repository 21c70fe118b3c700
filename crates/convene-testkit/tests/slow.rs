//! A client that stops reading is dropped into failover, its socket closed; everyone else
//! carries on. (Its queue on the server is bounded: nothing is buffered without limit.)

use convene_testkit::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Talkers, each under the chat rate limit, flood the session with large chat messages.
const TALKERS: usize = 12;
const TALK_EVERY: Duration = Duration::from_millis(125);
const MESSAGE_BYTES: usize = 9_000;

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_the_others_carry_on() {
    let server = TestServer::start().await;
    let t = "slow-reader";
    let host = Peer::join(&server, t, Role::Host, "host").await;
    let mut slow = RawWs::connect_small(&server, 4096).await;
    let token = participant_token(t);
    let join = serde_json::json!({"id": 1, "method": "join",
        "params": {"topic": t, "token": token, "userName": "slow"}});
    slow.send_json(&join).await.expect("join sent");
    let reply = slow.reply(1).await;
    let slow_id = UserId(reply["result"]["userId"].as_u64().expect("userId") as u32);

    // From here on the slow client reads nothing.
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for i in 0..TALKERS {
        let p = Peer::join(&server, t, Role::Participant, &format!("r{i}")).await;
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let text = format!("{i}").repeat(MESSAGE_BYTES);
            while !stop.load(Ordering::Relaxed) {
                if p.client.chat_send_to_all(&text).await.is_err() {
                    break;
                }
                tokio::time::sleep(TALK_EVERY).await;
            }
            p
        }));
    }

    // The slow client's queue fills; it is dropped into failover, like a lost socket.
    let c = &host.client;
    wait_until_for(
        "the slow client is in failover",
        Duration::from_secs(30),
        || c.get_user(slow_id).is_some_and(|p| p.is_in_failover),
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let mut talkers = Vec::new();
    for task in tasks {
        talkers.push(task.await.expect("talker"));
    }

    // Everyone else carries on.
    assert_ok(
        host.client.chat_send_to_all("still here").await,
        "chat after the drop",
    );
    for r in &mut talkers {
        r.wait_for(|e| is_chat(e, "still here")).await;
    }
    // Its socket was closed: what was buffered drains, then the stream ends.
    bounded_for("the slow socket closes", Duration::from_secs(30), async {
        while slow.read().await != RawRead::Closed {}
    })
    .await;
}
