//! `wasi:cli/environment` (rc) over `wasi:cli/environment@0.3.0` (sync functions). In the
//! proxy build, what a proxy host gives: nothing (`wasi:http/proxy` has no environment).

#[cfg(not(feature = "proxy"))]
use crate::bindings::wasi::cli0_3_0::environment as p3;
#[cfg(feature = "proxy")]
mod p3 {
    pub fn get_environment() -> Vec<(String, String)> {
        Vec::new()
    }
    pub fn get_arguments() -> Vec<String> {
        Vec::new()
    }
    pub fn get_initial_cwd() -> Option<String> {
        None
    }
}

both_versions! {
    impl cli::environment::Guest for crate::Adapter {
        fn get_environment() -> Vec<(String, String)> {
            p3::get_environment()
        }

        fn get_arguments() -> Vec<String> {
            p3::get_arguments()
        }

        fn initial_cwd() -> Option<String> {
            p3::get_initial_cwd()
        }
    }
}
