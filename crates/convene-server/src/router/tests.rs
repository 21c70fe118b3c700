//! The conformance suite against [`LocalRouter`].

use super::conformance::{self, context};
use super::{LocalRouter, Router};
use std::sync::Arc;

async fn local(config: convene_session::Config) -> Arc<dyn Router> {
    Arc::new(LocalRouter::new(context(config).await))
}

#[tokio::test]
async fn concurrent_first_joins_make_one_session() {
    conformance::concurrent_first_joins_make_one_session(local(Default::default()).await).await;
}

#[tokio::test]
async fn listing() {
    conformance::listing(local(Default::default()).await).await;
}

#[tokio::test]
async fn ended_sessions_are_gone() {
    conformance::ended_sessions_are_gone(local(Default::default()).await).await;
}

#[tokio::test]
async fn idle_sessions_are_gone() {
    conformance::idle_sessions_are_gone(local(conformance::fast_idle_config()).await).await;
}
