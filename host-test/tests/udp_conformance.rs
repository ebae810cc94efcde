//! Runs the rc conformance scenarios (host-test/guests/src/bin/rc-conformance.rs) plugged
//! with each adapter build (rc UDP over 0.3 and over 0.2.x), over 127.0.0.1 and ::1. Each
//! scenario checks rc results and error codes inside the guest; here we require a clean exit
//! and the guest's own tally, the same on both builds.

use host_test::artifacts::{self, AdapterBuild, Era};
use host_test::runner::{self, RunOutput, Stdout};

async fn scenario(build: AdapterBuild, args: &[&str]) -> RunOutput {
    run_guest(build, "rc-conformance", args).await
}

async fn run_guest(build: AdapterBuild, guest: &str, args: &[&str]) -> RunOutput {
    // Built as a 2023 component: wasm32-wasip1 + the 2023 preview1 adapter.
    let component = artifacts::legacy_plugged_with(guest, Era::Nov2023, Some(build)).unwrap();
    let engine = runner::engine().unwrap();
    runner::run(&engine, &component, args, Stdout::Capture)
        .await
        .unwrap()
}

/// Requires exit 0, no failed check and at least `min_checks` passed ones.
async fn passes(build: AdapterBuild, args: &[&str], min_checks: usize) {
    guest_passes(build, "rc-conformance", args, min_checks).await
}

async fn guest_passes(build: AdapterBuild, guest: &str, args: &[&str], min_checks: usize) {
    let out = run_guest(build, guest, args).await;
    let stdout = out.assert_success();
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let passed = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(passed >= min_checks, "only {passed} checks ran:\n{stdout}");
    assert!(
        stdout.contains(&format!("{passed} passed, 0 failed")),
        "{stdout}"
    );
}

/// Declares each test once per adapter build, in modules `udp03` and `udp02`.
macro_rules! on_both_builds {
    ($($test:item)*) => {
        mod udp03 {
            use host_test::artifacts::AdapterBuild;
            const BUILD: AdapterBuild = AdapterBuild::Udp03;
            $($test)*
        }
        mod udp02 {
            use host_test::artifacts::AdapterBuild;
            const BUILD: AdapterBuild = AdapterBuild::Udp02;
            $($test)*
        }
    };
}

macro_rules! both_families {
    ($($name:ident: $scenario:literal, $min:literal;)*) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread")]
            async fn ipv4() { crate::passes(super::BUILD, &[$scenario, "ipv4"], $min).await }
            #[tokio::test(flavor = "multi_thread")]
            async fn ipv6() { crate::passes(super::BUILD, &[$scenario, "ipv6"], $min).await }
        }
    )*};
}

on_both_builds! {
    both_families! {
        bind_states: "bind", 19;
        options: "options", 13;
        two_socket_exchange: "exchange", 17;
        send_errors: "send-errors", 11;
        poll_mixes_sockets_and_timers: "poll-mix", 10;
        refused_error_wakes_a_wait: "refused", 4;
    }

    /// `ipv6-only` off (the default): one IPv6 socket talks to IPv4 and IPv6 peers over
    /// 127.0.0.1 and ::1, IPv4 peers show as `::ffff:127.0.0.1`, and mapped addresses are
    /// refused where the rc spec says.
    #[tokio::test(flavor = "multi_thread")]
    async fn dual_stack() {
        crate::guest_passes(BUILD, "rc-dual-stack", &[], 45).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn monotonic_clock() {
        crate::passes(BUILD, &["clock"], 3).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn rule_breaking_calls_trap() {
        crate::rule_breaking_calls_trap(BUILD).await
    }

    /// The bad-input catalogue (`rc-bad-input.rs`): each bad value gets wasmtime 15's error
    /// code, and the same sockets exchange datagrams afterwards.
    #[tokio::test(flavor = "multi_thread")]
    async fn bad_input_catalogue_ipv4() {
        crate::guest_passes(BUILD, "rc-bad-input", &["ipv4"], 70).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn bad_input_catalogue_ipv6() {
        crate::guest_passes(BUILD, "rc-bad-input", &["ipv6"], 60).await
    }
}

/// The rc spec: `send` without a permit, or past it, must trap. wasmtime 15 also trapped on
/// a second `%stream` while the first streams live (so old streams can never be used after
/// a new `%stream`) and on dropping a socket before its streams.
async fn rule_breaking_calls_trap(build: AdapterBuild) {
    for case in [
        "send-unpermitted",
        "send-past-permit",
        "stream-twice",
        "drop-socket-first",
    ] {
        for fam in ["ipv4", "ipv6"] {
            let out = scenario(build, &[case, fam]).await;
            let err = out.outcome.as_ref().expect_err(case);
            assert!(
                format!("{err:?}").contains("unreachable"),
                "{case} {fam}: {err:?}"
            );
            assert!(
                !out.stdout.contains("send returned"),
                "{case} {fam}: {}",
                out.stdout
            );
            assert!(
                !out.stdout.contains("socket dropped"),
                "{case} {fam}: {}",
                out.stdout
            );
        }
    }
}
