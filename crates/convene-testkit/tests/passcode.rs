//! Passcode guessing is throttled per client address and session.

use convene_testkit::*;

#[tokio::test]
async fn wrong_passcodes_are_throttled_per_address_and_session() {
    let server = TestServer::start().await;
    let t = "Guarded Room";
    let opts = |p: &str| JoinOpts {
        passcode: Some(p.into()),
        ..JoinOpts::default()
    };
    let _host = Peer::join_with(&server, t, &host_token(t), "H", opts("right")).await;
    let _open = Peer::join(&server, "Open Room", Role::Host, "H2").await;

    // Five wrong guesses are each told so...
    for i in 0..5 {
        let (_c, _e, r) = try_client(
            &server,
            t,
            &participant_token(t),
            "G",
            opts(&format!("guess{i}")),
        )
        .await;
        assert_code(r, 3004, "wrong passcode");
    }
    // ...then even the right passcode is refused from this address for a while.
    let (_c, _e, r) = try_client(&server, t, &participant_token(t), "G", opts("right")).await;
    let e = r.expect_err("throttled");
    assert_eq!(code_of(&e), 3004);
    assert!(e.to_string().contains("too many wrong passcodes"), "{e}");
    // Other sessions are not affected.
    let _p = Peer::join(&server, "open room", Role::Participant, "P").await;
}
