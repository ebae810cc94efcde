//! A 2023 command (wasm32-wasip1 + the 2023 preview1 adapter) that checks
//! `wasi:random@0.2.0-rc-2023-11-10` and the wall clock. Its argument is the host's time in
//! seconds since the epoch.

use rc_guests::cmd::clocks::wall_clock;
use rc_guests::cmd::random::{insecure, insecure_seed, random};
use rc_guests::{check, check_that, finish};

fn main() {
    for len in [0u64, 1, 4096, (64 << 20) + 1] {
        check(
            &format!("random bytes {len}"),
            random::get_random_bytes(len).len() as u64,
            len,
        );
        check(
            &format!("insecure bytes {len}"),
            insecure::get_insecure_random_bytes(len).len() as u64,
            len,
        );
    }
    let (a, b) = (random::get_random_u64(), random::get_random_u64());
    check_that("two random u64s differ", a != b, (a, b));
    let bytes = random::get_random_bytes(64);
    check_that(
        "random bytes are not all zero",
        bytes.iter().any(|&b| b != 0),
        &bytes,
    );
    let _ = insecure::get_insecure_random_u64();
    let _ = insecure_seed::insecure_seed();

    let host_now: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("host time");
    let now = wall_clock::now();
    check_that(
        "wall clock within 60 s of the host's",
        now.seconds.abs_diff(host_now) <= 60,
        (now.seconds, host_now),
    );
    check_that(
        "nanoseconds below 1e9",
        now.nanoseconds < 1_000_000_000,
        now.nanoseconds,
    );
    let res = wall_clock::resolution();
    check_that(
        "resolution is positive",
        res.seconds > 0 || res.nanoseconds > 0,
        (res.seconds, res.nanoseconds),
    );
    let std_now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    check_that(
        "std's clock agrees",
        std_now.as_secs().abs_diff(now.seconds) <= 1,
        std_now,
    );
    finish();
}
