//! Long-lived connections (live-update streams) counted per process and per client, in
//! a bounded structure: one client cannot take every slot and shut everybody else out.
//! A client is an IPv4 address or an IPv6 /64 (what one household or one attacker gets).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of one process.
#[derive(Debug)]
pub struct ClientSlots {
    total: Arc<Semaphore>,
    per_client: usize,
    /// Open slots per client; an entry exists only while its client holds a slot, so it
    /// never holds more entries than there are slots.
    held: Mutex<HashMap<String, usize>>,
}

/// Why no slot was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every slot of the process is taken (503).
    Full,
    /// This client holds its share already (429).
    ClientFull,
}

/// A slot, given back when dropped.
#[derive(Debug)]
pub struct Slot {
    owner: Arc<ClientSlots>,
    client: String,
    _permit: OwnedSemaphorePermit,
}

impl ClientSlots {
    pub fn new(total: usize, per_client: usize) -> Arc<ClientSlots> {
        Arc::new(ClientSlots {
            total: Arc::new(Semaphore::new(total)),
            per_client,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for `client` (its address as text; anything unparsable counts as one
    /// client), unless the client or the process has none left.
    pub fn try_take(self: &Arc<Self>, client: &str) -> Result<Slot, Refusal> {
        let client = client_key(client);
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mine = held.get(&client).copied().unwrap_or(0);
        if mine >= self.per_client {
            return Err(Refusal::ClientFull);
        }
        let permit = self
            .total
            .clone()
            .try_acquire_owned()
            .map_err(|_| Refusal::Full)?;
        held.insert(client.clone(), mine + 1);
        Ok(Slot {
            owner: self.clone(),
            client,
            _permit: permit,
        })
    }

    /// Slots `client` holds now.
    pub fn held_by(&self, client: &str) -> usize {
        let held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.get(&client_key(client)).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self
            .owner
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = held.get_mut(&self.client) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.client);
            }
        }
    }
}

/// IPv4 addresses as they are, IPv6 addresses by their /64.
fn client_key(client: &str) -> String {
    match client.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => "unknown".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_cannot_take_every_slot() {
        let slots = ClientSlots::new(5, 2);
        let a1 = slots.try_take("203.0.113.1").unwrap();
        let _a2 = slots.try_take("203.0.113.1").unwrap();
        assert_eq!(
            slots.try_take("203.0.113.1").unwrap_err(),
            Refusal::ClientFull
        );
        // Another address of the same IPv6 /64 is the same client.
        let _b1 = slots.try_take("2001:db8:1:2::1").unwrap();
        let _b2 = slots.try_take("2001:db8:1:2::ffff").unwrap();
        assert_eq!(
            slots.try_take("2001:db8:1:2:3::9").unwrap_err(),
            Refusal::ClientFull
        );
        let _c = slots.try_take("198.51.100.7").unwrap();
        assert_eq!(slots.try_take("192.0.2.1").unwrap_err(), Refusal::Full);
        drop(a1);
        assert_eq!(slots.held_by("203.0.113.1"), 1);
        let _again = slots.try_take("192.0.2.1").unwrap();
    }

    #[test]
    fn a_client_gone_leaves_no_entry_behind() {
        let slots = ClientSlots::new(10, 3);
        let slot = slots.try_take("203.0.113.1").unwrap();
        drop(slot);
        assert!(slots.held.lock().unwrap().is_empty());
    }
}
