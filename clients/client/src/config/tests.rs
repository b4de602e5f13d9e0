//! Unit tests of the backoff schedule: exponential, capped, with jitter in the upper half.

use std::time::Duration;

use super::RetryPolicy;

#[test]
fn backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
    let policy = RetryPolicy {
        max_retries: 10,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
    };
    let expected_base = [100, 200, 400, 800, 1000, 1000];
    for (retry, base) in expected_base.into_iter().enumerate() {
        let base = Duration::from_millis(base);
        for random in [0, 1, 12_345_678, u64::MAX] {
            let wait = policy.backoff(retry as u32, random);
            assert!(
                wait >= base / 2 && wait < base,
                "retry {retry}: {wait:?} outside [{:?}, {base:?})",
                base / 2
            );
        }
    }
    assert_eq!(policy.backoff(0, 0), Duration::from_millis(50));
    // Huge retry numbers saturate instead of overflowing.
    assert!(policy.backoff(u32::MAX, 7) < Duration::from_secs(1));
    let zero = RetryPolicy {
        initial_backoff: Duration::ZERO,
        ..policy
    };
    assert_eq!(zero.backoff(3, 99), Duration::ZERO);
}
