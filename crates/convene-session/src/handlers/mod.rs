//! The handlers of requests, timeouts and media-plane news, one module per concern. Each is
//! an `impl Core` block: it checks the rules (see [`crate::privilege`]), changes the state,
//! queues the events and media actions, and, for a request, returns a typed
//! [`crate::reply::Payload`] or the refusal.

mod admin;
mod audio;
mod chat;
mod group;
mod join;
mod live;
mod media;
pub(crate) mod recording;
mod roles;
mod roster;
mod share;
mod subsession;
mod timeouts;
