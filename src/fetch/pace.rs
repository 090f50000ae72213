//! Pacing requests to stay inside AWS's per-account quotas instead of provoking throttling.
//!
//! Each quota class (Lambda `GetPolicy`, the other Lambda calls, IAM) has one [`Pacer`]
//! shared by every task, and every attempt (first tries and re-reads alike) takes a start
//! slot from it. The rate adapts to what the account has left, since other tools share the
//! same quota (AIMD, as TCP does for bandwidth):
//!
//! * a throttling answer cuts the rate to [`CUT`] of what it was, at most once per round
//!   trip: only a request sent after the last cut can cause another, so a burst of
//!   throttles from requests already in flight counts once;
//! * every success raises it again by [`RECOVERY`] of the configured rate per second since
//!   the last rise, never above the configured rate (the ceiling, AWS's published quota).
//!
//! A gentle cut (×0.8, not TCP's ×0.5) keeps the average close to what the account allows:
//! the rate saws between the limit and 80 % of it, about 90 % on average.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A throttle multiplies the rate by this.
pub const CUT: f64 = 0.8;
/// Each second of successes adds this share of the ceiling back.
pub const RECOVERY: f64 = 0.05;

#[derive(Debug)]
pub struct Pacer {
    /// Requests per second AWS allows; `None` means no pacing at all.
    ceiling: Option<f64>,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    rate: f64,
    next: Instant,
    last_cut: Instant,
    last_rise: Instant,
}

impl Pacer {
    /// At most `rate` request starts per second; `0` means no pacing (local test servers).
    pub fn per_second(rate: f64) -> Pacer {
        let now = Instant::now();
        let ceiling = (rate.is_finite() && rate > 0.0).then_some(rate);
        let rate = ceiling.unwrap_or(0.0);
        Pacer { ceiling, state: Mutex::new(State { rate, next: now, last_cut: now, last_rise: now }) }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current rate (requests per second); `None` when unpaced.
    pub fn rate(&self) -> Option<f64> {
        self.ceiling.map(|_| self.state().rate)
    }

    /// Waits for this caller's start slot.
    pub async fn wait(&self) {
        if self.ceiling.is_none() {
            return;
        }
        let slot = {
            let mut s = self.state();
            let slot = s.next.max(Instant::now());
            s.next = slot + Duration::from_secs_f64(1.0 / s.rate);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// A request sent at `sent` was throttled: slow down, once per round trip.
    pub fn throttled(&self, sent: Instant) {
        let Some(ceiling) = self.ceiling else { return };
        let mut s = self.state();
        if sent < s.last_cut {
            return;
        }
        let now = Instant::now();
        s.rate = (s.rate * CUT).max(floor(ceiling));
        s.last_cut = now;
        s.last_rise = now;
        // Slots already handed out were spaced for the old rate: the next one waits a full
        // new interval.
        s.next = s.next.max(now + Duration::from_secs_f64(1.0 / s.rate));
    }

    /// A request succeeded: recover towards the ceiling.
    pub fn succeeded(&self) {
        let Some(ceiling) = self.ceiling else { return };
        let mut s = self.state();
        let now = Instant::now();
        // At most one second counts, so a pause does not jump straight back to the ceiling.
        let elapsed = now.duration_since(s.last_rise).as_secs_f64().min(1.0);
        s.rate = (s.rate + ceiling * RECOVERY * elapsed).min(ceiling);
        s.last_rise = now;
    }
}

/// The slowest a class is ever paced: a crawl must keep moving however hard it is throttled.
fn floor(ceiling: f64) -> f64 {
    (ceiling / 64.0).max(0.05).min(ceiling)
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

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_throttles_cuts_once_per_round_trip() {
        let pacer = Pacer::per_second(10.0);
        let sent = Instant::now();
        tokio::time::advance(Duration::from_millis(10)).await;
        // Three answers to requests sent before the cut: one cut.
        for _ in 0..3 {
            pacer.throttled(sent);
        }
        assert_eq!(pacer.rate(), Some(8.0));
        // A request sent after the cut may cut again.
        tokio::time::advance(Duration::from_millis(10)).await;
        pacer.throttled(Instant::now());
        assert!((pacer.rate().unwrap_or(0.0) - 6.4).abs() < 1e-9);
    }

    #[tokio::test(start_paused = true)]
    async fn successes_recover_gradually_up_to_the_ceiling() {
        let pacer = Pacer::per_second(10.0);
        pacer.throttled(Instant::now());
        assert_eq!(pacer.rate(), Some(8.0));
        // One second of successes gives back 5 % of the ceiling.
        for _ in 0..10 {
            tokio::time::advance(Duration::from_millis(100)).await;
            pacer.succeeded();
        }
        assert!((pacer.rate().unwrap_or(0.0) - 8.5).abs() < 1e-9, "{:?}", pacer.rate());
        for _ in 0..100 {
            tokio::time::advance(Duration::from_secs(1)).await;
            pacer.succeeded();
        }
        assert_eq!(pacer.rate(), Some(10.0));
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_never_stops_the_crawl() {
        let pacer = Pacer::per_second(15.0);
        for _ in 0..200 {
            tokio::time::advance(Duration::from_millis(1)).await;
            pacer.throttled(Instant::now());
        }
        assert!((pacer.rate().unwrap_or(0.0) - 15.0 / 64.0).abs() < 1e-9);
        let unpaced = Pacer::per_second(0.0);
        unpaced.throttled(Instant::now());
        assert_eq!(unpaced.rate(), None);
    }
}
