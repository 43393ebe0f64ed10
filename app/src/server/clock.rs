//! An injectable "now", so services stamp rows with a time tests can control.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Source of the current time, in milliseconds since the Unix epoch.
#[derive(Clone, Debug, Default)]
pub enum Clock {
    /// The machine's clock.
    #[default]
    System,
    /// A settable clock for tests.
    Fixed(Arc<AtomicI64>),
}

impl Clock {
    /// A test clock stopped at `millis`.
    pub fn fixed(millis: i64) -> Self {
        Clock::Fixed(Arc::new(AtomicI64::new(millis)))
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
            Clock::Fixed(at) => at.load(Ordering::SeqCst),
        }
    }

    /// Moves a test clock forward; does nothing on the system clock.
    pub fn advance_ms(&self, by: i64) {
        if let Clock::Fixed(at) = self {
            at.fetch_add(by, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_only_moves_when_told() {
        let clock = Clock::fixed(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance_ms(500);
        assert_eq!(clock.now_ms(), 1_500);
    }

    #[test]
    fn the_system_clock_is_after_2025() {
        assert!(Clock::System.now_ms() > 1_735_689_600_000);
    }
}
