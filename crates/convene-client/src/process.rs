//! The process's one client, as the browser SDK's `createClient()` (SPEC §3).

use crate::Client;

/// The process's one client, as the browser SDK's `createClient()`: every call returns the
/// same instance until [`destroy_client`]. Use [`Client::new`] for several independent
/// clients in one process (bots, load tests).
pub fn create_client() -> Client {
    let mut slot = PROCESS_CLIENT.lock().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(Client::new).clone()
}

/// Destroys the process's client (leaving its session); the next [`create_client`] makes a
/// new one that can join again.
pub async fn destroy_client() {
    let client = PROCESS_CLIENT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(c) = client {
        let _ = c.destroy().await;
    }
}

static PROCESS_CLIENT: std::sync::Mutex<Option<Client>> = std::sync::Mutex::new(None);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClientError;

    #[tokio::test]
    async fn create_client_is_one_instance_until_destroyed() {
        let a = create_client();
        let b = create_client();
        assert!(a.same_as(&b));
        destroy_client().await;
        let c = create_client();
        assert!(!a.same_as(&c));
        assert!(matches!(a.check_alive(), Err(ClientError::Destroyed)));
        assert!(c.check_alive().is_ok());
        destroy_client().await;
    }
}
