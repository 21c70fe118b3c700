use super::*;

const B: &str = "ws://127.0.0.2:9/rtc/v1";
const C: &str = "ws://127.0.0.3:9/rtc/v1";

fn redirect(h: &mut Harness, id: u64, url: &str) -> Vec<Output> {
    h.frame(&ServerMsg::Reply(Reply::err(id, ErrorBody::redirect(url))))
}

#[test]
fn a_join_follows_a_redirect_to_the_node_that_hosts_the_session() {
    let mut h = Harness::new();
    let call = h.call(Call::Join(params()));
    assert_eq!(h.drain(), vec![Output::Connect(URL.into())]);
    h.input(Input::Opened);
    let first = only_request(&h.drain());
    // The node list is kept, not shown to the app.
    assert_eq!(
        h.push(Event::ClusterNodes {
            urls: vec![URL.into(), B.into(), C.into()]
        }),
        vec![]
    );
    let out = redirect(&mut h, first.id, B);
    assert_eq!(
        out,
        vec![Output::Close(CloseMode::Drop), Output::Connect(B.into())]
    );
    h.input(Input::Opened);
    let again = only_request(&h.drain());
    assert_eq!(again.msg, first.msg, "the same join, at the new node");
    let out = h.reply(again.id, join_result(vec![host(1, "Ann"), user(2, "Bob")]));
    assert!(matches!(&out[0], Output::Complete(c, Ok(Outcome::Joined(_))) if *c == call));
}

#[test]
fn redirects_are_bounded() {
    let mut h = Harness::new();
    let call = h.call(Call::Join(params()));
    h.drain();
    let mut last = Vec::new();
    for _ in 0..=MAX_REDIRECTS {
        h.input(Input::Opened);
        let req = only_request(&h.drain());
        last = redirect(&mut h, req.id, B);
    }
    assert!(
        matches!(&last[0], Output::Complete(c, Err(ClientError::Server(e)))
            if *c == call && e.code() == Some(ErrorCode::SessionOnOtherNode)),
        "{last:?}"
    );
}

#[test]
fn failover_tries_each_node_in_turn_and_follows_a_resume_redirect() {
    let mut h = Harness::new();
    h.join();
    h.push(Event::ClusterNodes {
        urls: vec![URL.into(), B.into(), C.into()],
    });
    h.input(Input::Closed("node died".into()));
    h.drain();
    let mut tried = Vec::new();
    for _ in 0..4 {
        match h.fire().as_slice() {
            [Output::Connect(u)] => tried.push(u.clone()),
            other => panic!("{other:?}"),
        }
        h.input(Input::ConnectFailed("refused".into()));
        h.drain();
    }
    assert_eq!(tried, vec![URL, B, C, URL]);
    // Through B: the session moved to C.
    h.fire();
    h.input(Input::Opened);
    let resume = only_request(&h.drain());
    let out = redirect(&mut h, resume.id, C);
    assert_eq!(out, vec![Output::Close(CloseMode::Drop)]);
    assert_eq!(h.fire(), vec![Output::Connect(C.into())], "at once, to C");
    h.input(Input::Opened);
    let resume = only_request(&h.drain());
    let out = h.reply(resume.id, join_result(vec![host(1, "Ann"), user(2, "Bob")]));
    assert!(out.contains(&connection(ConnectionState::Connected, None)));
    assert_eq!(h.core.session_url(), Some(C), "C is our node now");
    // C took the session over without its media: the media starts again, as we were.
    let moved: Vec<_> = out
        .iter()
        .filter(|o| matches!(o, Output::Moved(_)))
        .collect();
    assert!(
        matches!(moved.as_slice(), [Output::Moved(Some(_))]),
        "one move, with who we were: {out:?}"
    );
}

#[test]
fn a_resume_at_the_node_lost_is_not_a_move() {
    let mut h = Harness::new();
    h.join();
    h.input(Input::Closed("socket dropped".into()));
    h.drain();
    assert_eq!(h.fire(), vec![Output::Connect(URL.into())]);
    h.input(Input::Opened);
    let resume = only_request(&h.drain());
    let out = h.reply(resume.id, join_result(vec![host(1, "Ann"), user(2, "Bob")]));
    assert!(out.contains(&connection(ConnectionState::Connected, None)));
    assert!(
        !out.iter().any(|o| matches!(o, Output::Moved(_))),
        "the node kept our media: {out:?}"
    );
}

#[test]
fn a_resume_through_another_node_makes_it_our_node() {
    let mut h = Harness::new();
    h.join();
    h.push(Event::ClusterNodes {
        urls: vec![URL.into(), B.into()],
    });
    h.input(Input::Closed("node died".into()));
    h.drain();
    assert_eq!(h.fire(), vec![Output::Connect(URL.into())]);
    h.input(Input::ConnectFailed("refused".into()));
    h.drain();
    assert_eq!(h.fire(), vec![Output::Connect(B.into())]);
    h.input(Input::Opened);
    let resume = only_request(&h.drain());
    h.reply(resume.id, join_result(vec![host(1, "Ann"), user(2, "Bob")]));
    assert_eq!(h.core.session_url(), Some(B));
}
