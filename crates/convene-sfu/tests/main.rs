//! Integration tests: the SFU driver on a real UDP socket on 127.0.0.1, real str0m clients
//! (`convene_media::MediaPeer`), signalling through the command/event channels.

mod harness;

mod audio;
mod bench;
mod cascade;
mod control;
mod forwarding;
mod loss;
mod probe_peer;
mod probing;
mod tcp;
mod video;
