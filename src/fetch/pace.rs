//! Pacing requests to stay inside AWS's per-account quotas instead of provoking throttling:
//! each quota class hands out start slots at a fixed rate, shared by every task.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// At most `rate` request starts per second; `0` (or less) means no pacing.
    pub fn per_second(rate: f64) -> Pacer {
        let interval = if rate > 0.0 { Duration::from_secs_f64(1.0 / rate) } else { Duration::ZERO };
        Pacer { interval, next: Mutex::new(Instant::now()) }
    }

    /// Waits for this caller's start slot.
    pub async fn wait(&self) {
        if self.interval.is_zero() {
            return;
        }
        let slot = {
            let mut next = self.next.lock().await;
            let slot = (*next).max(Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_starts_at_the_rate() {
        let pacer = Pacer::per_second(10.0);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        // Five starts at 10/s: the fifth waits four intervals.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }
}
