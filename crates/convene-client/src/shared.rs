//! [`Shared`]: what a client's handles and its driver task both reach.

use crate::client_core::ClientCore;
use crate::event::Subscribers;
use crate::media_state::MediaShared;
use crate::state::LocalState;
use std::sync::{Arc, RwLock};

/// The core (written only by the driver, read by the getters), the event subscribers and the
/// media peer. Locks are never held across an `.await`.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    core: RwLock<ClientCore>,
    pub(crate) subscribers: Subscribers,
    /// The media peer and its receive-slot map.
    pub(crate) media: Arc<MediaShared>,
}

impl Shared {
    /// Reads the local copy of the session.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&LocalState) -> R) -> R {
        // A poisoned lock still holds a consistent core: every write is one call.
        f(self.core.read().unwrap_or_else(|e| e.into_inner()).state())
    }

    /// Runs `f` on the core. Only the driver calls this.
    pub(crate) fn core<R>(&self, f: impl FnOnce(&mut ClientCore) -> R) -> R {
        f(&mut self.core.write().unwrap_or_else(|e| e.into_inner()))
    }
}
