//! Forwarding between rc interfaces and their 0.2.x successors of the same shape.
//!
//! wit-bindgen generates a distinct Rust type for each package's copy of a type, so an rc
//! `error-code` and a 0.2.x `error-code` with the same cases are different enums. Two traits
//! and a few declarative macros connect them:
//! - [`Conv`] converts an owned value (results coming back, own resources wrapped in ours);
//! - [`Lend`] lends an argument to a 0.2.x call (`String` as `&str`, one of our resources as
//!   the host resource it stands on, copies of enums and flags);
//! - `same_enum!`, `same_record!`, `same_flags!` declare a pair of identically shaped types
//!   once, both ways;
//! - `forward!` declares a method that only passes its arguments on and converts the result.

/// Converts a value into the identically shaped type of another package.
pub trait Conv<T> {
    fn conv(self) -> T;
}

/// Lends an argument to a host call whose parameter type is `T`.
pub trait Lend<'a, T> {
    fn lend(&'a self) -> T;
}

macro_rules! identity {
    ($($t:ty),*) => {$(
        impl Conv<$t> for $t {
            fn conv(self) -> $t {
                self
            }
        }
        impl<'a> Lend<'a, $t> for $t {
            fn lend(&'a self) -> $t {
                *self
            }
        }
    )*};
}
identity!(bool, u8, u16, u32, u64, i64, ());

impl Conv<String> for String {
    fn conv(self) -> String {
        self
    }
}

impl<'a> Lend<'a, &'a str> for String {
    fn lend(&'a self) -> &'a str {
        self
    }
}

impl<'a> Lend<'a, &'a [u8]> for Vec<u8> {
    fn lend(&'a self) -> &'a [u8] {
        self
    }
}

impl<A: Conv<C>, B: Conv<D>, C, D> Conv<Result<C, D>> for Result<A, B> {
    fn conv(self) -> Result<C, D> {
        match self {
            Ok(a) => Ok(a.conv()),
            Err(b) => Err(b.conv()),
        }
    }
}

impl<A: Conv<B>, B> Conv<Option<B>> for Option<A> {
    fn conv(self) -> Option<B> {
        self.map(Conv::conv)
    }
}

impl<A: Conv<B>, B> Conv<Vec<B>> for Vec<A> {
    fn conv(self) -> Vec<B> {
        // For `Vec<u8>` this collects in place: no copy.
        self.into_iter().map(Conv::conv).collect()
    }
}

impl<A: Conv<C>, B: Conv<D>, C, D> Conv<(C, D)> for (A, B) {
    fn conv(self) -> (C, D) {
        (self.0.conv(), self.1.conv())
    }
}

impl<A: Conv<D>, B: Conv<E>, C: Conv<F>, D, E, F> Conv<(D, E, F)> for (A, B, C) {
    fn conv(self) -> (D, E, F) {
        (self.0.conv(), self.1.conv(), self.2.conv())
    }
}

/// Plain enums with the same cases: `same_enum!(a::T, b::T { A, B, .. })`. Declares both
/// directions, for results (`Conv`) and arguments (`Lend`).
macro_rules! same_enum {
    ($a:path, $b:path { $($case:ident),* $(,)? }) => {
        same_variant!($a, $b { $($case),* });
        same_enum!(@lend $a, $b);
        same_enum!(@lend $b, $a);
    };
    (@lend $from:path, $to:path) => {
        impl<'a> $crate::same_shape::Lend<'a, $to> for $from {
            fn lend(&'a self) -> $to {
                $crate::same_shape::Conv::conv(*self)
            }
        }
    };
}

/// Variants with the same cases: `same_variant!(a::T, b::T { A, B(x), .. })`; payloads are
/// converted with `Conv`. Declares both directions.
macro_rules! same_variant {
    ($a:path, $b:path { $($case:ident $(($x:ident))?),* $(,)? }) => {
        same_variant!(@one $a, $b { $($case $(($x))?),* });
        same_variant!(@one $b, $a { $($case $(($x))?),* });
    };
    (@one $from:path, $to:path { $($case:ident $(($x:ident))?),* }) => {
        impl $crate::same_shape::Conv<$to> for $from {
            fn conv(self) -> $to {
                type From = $from;
                type To = $to;
                match self {
                    $(From::$case $(($x))? => To::$case $(($crate::same_shape::Conv::conv($x)))?,)*
                }
            }
        }
    };
}

/// `Lend` for variants whose payloads are all `Copy`: `lend_copy!(a::T => b::T)`.
macro_rules! lend_copy {
    ($($from:path => $to:path),* $(,)?) => {$(
        impl<'a> $crate::same_shape::Lend<'a, $to> for $from {
            fn lend(&'a self) -> $to {
                $crate::same_shape::Conv::conv(*self)
            }
        }
    )*};
}

/// Records with the same fields: `same_record!(a::T, b::T { f, g })`, both directions.
macro_rules! same_record {
    ($a:path, $b:path { $($field:ident),* $(,)? }) => {
        same_record!(@one $a, $b { $($field),* });
        same_record!(@one $b, $a { $($field),* });
    };
    (@one $from:path, $to:path { $($field:ident),* }) => {
        impl $crate::same_shape::Conv<$to> for $from {
            fn conv(self) -> $to {
                type To = $to;
                To { $($field: $crate::same_shape::Conv::conv(self.$field)),* }
            }
        }
    };
}

/// Flags with the same bits in the same order: `same_flags!(a::T, b::T)`, both directions.
macro_rules! same_flags {
    ($a:path, $b:path) => {
        same_flags!(@one $a, $b);
        same_flags!(@one $b, $a);
    };
    (@one $from:path, $to:path) => {
        impl $crate::same_shape::Conv<$to> for $from {
            fn conv(self) -> $to {
                <$to>::from_bits_retain(self.bits())
            }
        }
        impl<'a> $crate::same_shape::Lend<'a, $to> for $from {
            fn lend(&'a self) -> $to {
                <$to>::from_bits_retain(self.bits())
            }
        }
    };
}

/// Methods that pass their arguments to the host resource `self.host()` stands on, with the
/// same name, and convert its result: `forward! { fn stat(&self) -> Result<Stat, ErrorCode>; }`.
macro_rules! forward {
    ($(fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {$(
        fn $name(&self $(, $arg: $ty)*) -> $ret {
            $crate::same_shape::Conv::conv(
                self.host().$name($($crate::same_shape::Lend::lend(&$arg)),*),
            )
        }
    )*};
}

// ---- The table: every pair of identically shaped rc and 0.2.x types ----

mod table {
    use super::{Conv, Lend};
    use crate::bindings::wasi::clocks0_2_12::wall_clock as clock_p2;
    use crate::clocks_rc::wall_clock as clock_rc;
    use crate::fs_p2::types as fs_p2;
    use crate::fs_rc::types as fs_rc;
    use crate::rc::{network as net_rc, tcp as tcp_rc};
    use crate::sockets_p2::{network as net_p2, tcp as tcp_p2};

    identity!((u8, u8, u8, u8), (u16, u16, u16, u16, u16, u16, u16, u16));

    same_record!(
        clock_rc::Datetime,
        clock_p2::Datetime {
            seconds,
            nanoseconds
        }
    );

    same_enum!(
        fs_rc::DescriptorType,
        fs_p2::DescriptorType {
            Unknown,
            BlockDevice,
            CharacterDevice,
            Directory,
            Fifo,
            SymbolicLink,
            RegularFile,
            Socket,
        }
    );
    same_flags!(fs_rc::DescriptorFlags, fs_p2::DescriptorFlags);
    same_flags!(fs_rc::PathFlags, fs_p2::PathFlags);
    same_flags!(fs_rc::OpenFlags, fs_p2::OpenFlags);
    same_record!(
        fs_rc::DescriptorStat,
        fs_p2::DescriptorStat {
            type_,
            link_count,
            size,
            data_access_timestamp,
            data_modification_timestamp,
            status_change_timestamp,
        }
    );
    same_variant!(fs_rc::NewTimestamp, fs_p2::NewTimestamp { NoChange, Now, Timestamp(t) });
    same_record!(fs_rc::DirectoryEntry, fs_p2::DirectoryEntry { type_, name });
    same_enum!(
        fs_rc::ErrorCode,
        fs_p2::ErrorCode {
            Access,
            WouldBlock,
            Already,
            BadDescriptor,
            Busy,
            Deadlock,
            Quota,
            Exist,
            FileTooLarge,
            IllegalByteSequence,
            InProgress,
            Interrupted,
            Invalid,
            Io,
            IsDirectory,
            Loop,
            TooManyLinks,
            MessageSize,
            NameTooLong,
            NoDevice,
            NoEntry,
            NoLock,
            InsufficientMemory,
            InsufficientSpace,
            NotDirectory,
            NotEmpty,
            NotRecoverable,
            Unsupported,
            NoTty,
            NoSuchDevice,
            Overflow,
            NotPermitted,
            Pipe,
            ReadOnly,
            InvalidSeek,
            TextFileBusy,
            CrossDevice,
        }
    );
    same_enum!(
        fs_rc::Advice,
        fs_p2::Advice {
            Normal,
            Sequential,
            Random,
            WillNeed,
            DontNeed,
            NoReuse,
        }
    );
    same_record!(
        fs_rc::MetadataHashValue,
        fs_p2::MetadataHashValue { lower, upper }
    );

    same_enum!(
        net_rc::ErrorCode,
        net_p2::ErrorCode {
            Unknown,
            AccessDenied,
            NotSupported,
            InvalidArgument,
            OutOfMemory,
            Timeout,
            ConcurrencyConflict,
            NotInProgress,
            WouldBlock,
            InvalidState,
            NewSocketLimit,
            AddressNotBindable,
            AddressInUse,
            RemoteUnreachable,
            ConnectionRefused,
            ConnectionReset,
            ConnectionAborted,
            DatagramTooLarge,
            NameUnresolvable,
            TemporaryResolverFailure,
            PermanentResolverFailure,
        }
    );
    same_enum!(
        net_rc::IpAddressFamily,
        net_p2::IpAddressFamily { Ipv4, Ipv6 }
    );
    same_variant!(net_rc::IpAddress, net_p2::IpAddress { Ipv4(a), Ipv6(a) });
    same_record!(
        net_rc::Ipv4SocketAddress,
        net_p2::Ipv4SocketAddress { port, address }
    );
    same_record!(
        net_rc::Ipv6SocketAddress,
        net_p2::Ipv6SocketAddress {
            port,
            flow_info,
            address,
            scope_id,
        }
    );
    same_variant!(net_rc::IpSocketAddress, net_p2::IpSocketAddress { Ipv4(a), Ipv6(a) });
    lend_copy!(
        fs_rc::NewTimestamp => fs_p2::NewTimestamp,
        net_rc::IpSocketAddress => net_p2::IpSocketAddress,
    );
    same_enum!(
        tcp_rc::ShutdownType,
        tcp_p2::ShutdownType {
            Receive,
            Send,
            Both
        }
    );
}

#[cfg(test)]
mod tests {
    use super::Conv;
    use crate::fs_p2::types as p2;
    use crate::fs_rc::types as rc;

    /// `same_flags!` copies bits, so each named flag must sit at the same bit in both.
    #[test]
    fn flags_keep_their_names() {
        let pairs = [
            (rc::DescriptorFlags::READ, p2::DescriptorFlags::READ),
            (rc::DescriptorFlags::WRITE, p2::DescriptorFlags::WRITE),
            (
                rc::DescriptorFlags::FILE_INTEGRITY_SYNC,
                p2::DescriptorFlags::FILE_INTEGRITY_SYNC,
            ),
            (
                rc::DescriptorFlags::DATA_INTEGRITY_SYNC,
                p2::DescriptorFlags::DATA_INTEGRITY_SYNC,
            ),
            (
                rc::DescriptorFlags::REQUESTED_WRITE_SYNC,
                p2::DescriptorFlags::REQUESTED_WRITE_SYNC,
            ),
            (
                rc::DescriptorFlags::MUTATE_DIRECTORY,
                p2::DescriptorFlags::MUTATE_DIRECTORY,
            ),
        ];
        for (a, b) in pairs {
            assert_eq!(Conv::<p2::DescriptorFlags>::conv(a), b);
        }
        let opens = [
            (rc::OpenFlags::CREATE, p2::OpenFlags::CREATE),
            (rc::OpenFlags::DIRECTORY, p2::OpenFlags::DIRECTORY),
            (rc::OpenFlags::EXCLUSIVE, p2::OpenFlags::EXCLUSIVE),
            (rc::OpenFlags::TRUNCATE, p2::OpenFlags::TRUNCATE),
        ];
        for (a, b) in opens {
            assert_eq!(Conv::<p2::OpenFlags>::conv(a), b);
        }
        assert_eq!(
            Conv::<p2::PathFlags>::conv(rc::PathFlags::SYMLINK_FOLLOW),
            p2::PathFlags::SYMLINK_FOLLOW
        );
    }
}
