//! `wasi:filesystem/types` (rc) over `wasi:filesystem/types@0.2.12`. The two have the same
//! shape, so most methods forward; the type pairs are declared in `same_shape`'s table.
//! File streams are not children of their descriptor on either host, so they may outlive it.
//!
//! A file's read and write rights are wasmtime 15's: what `open-at` asked for. wasmtime 50
//! also grants write to a file opened with `create` (or `truncate`), and read to one opened
//! with neither right, and reports them in `get-flags`, from which a 2023 preview1 adapter
//! derives a descriptor's rights. So `get-flags` reports, and the calls below check, only
//! what was asked for, with wasmtime 15's error codes. Directories keep their preopen's
//! rights on both hosts.
//!
//! `rc-adapter plug` gives a command the host's own files instead, with the same rights kept
//! by stubs inside it (`rc-adapter/src/direct/stubs/rights.rs`), so that `read` and `write`
//! move bytes at the host's speed; these serve a command the stubs cannot go into, and
//! anyone who composes the adapter by other means.

use crate::fs_p2::types as p2;
use crate::fs_rc::types::{
    Advice, Descriptor, DescriptorBorrow, DescriptorFlags, DescriptorStat, DescriptorType,
    DirectoryEntry, DirectoryEntryStream, ErrorCode, Filesize, Guest, GuestDescriptor,
    GuestDirectoryEntryStream, InputStream, MetadataHashValue, NewTimestamp, OpenFlags,
    OutputStream, PathFlags,
};
use crate::same_shape::{Conv, Lend};
use std::cell::Cell;

pub struct DescriptorRep {
    host: p2::Descriptor,
    /// The read and write asked for at `open-at`; `None` for a preopen: all the host grants.
    asked: Option<DescriptorFlags>,
    /// Whether it is a directory, once asked.
    is_dir: Cell<Option<bool>>,
}
pub struct DirectoryEntryStreamRep(p2::DirectoryEntryStream);

impl DescriptorRep {
    fn host(&self) -> &p2::Descriptor {
        &self.host
    }

    /// Whether wasmtime 15 would refuse `right` (`READ` or `WRITE`) on it: a file opened
    /// without asking for it.
    fn lacks(&self, right: DescriptorFlags) -> bool {
        match self.asked {
            Some(asked) if !has(asked, right) => !self.is_dir(),
            _ => false,
        }
    }

    fn is_dir(&self) -> bool {
        let is_dir = self
            .is_dir
            .get()
            .unwrap_or_else(|| matches!(self.host.get_type(), Ok(p2::DescriptorType::Directory)));
        self.is_dir.set(Some(is_dir));
        is_dir
    }

    /// `Err(code)` where wasmtime 15 refused the call for want of `right`.
    fn check(&self, right: DescriptorFlags, code: ErrorCode) -> Result<(), ErrorCode> {
        if self.lacks(right) { Err(code) } else { Ok(()) }
    }
}

impl DirectoryEntryStreamRep {
    fn host(&self) -> &p2::DirectoryEntryStream {
        &self.0
    }
}

impl Guest for crate::Adapter {
    type Descriptor = DescriptorRep;
    type DirectoryEntryStream = DirectoryEntryStreamRep;

    fn filesystem_error_code(err: &crate::io_p2::error::Error) -> Option<ErrorCode> {
        // The proxy build has no files: no stream error is a file's.
        if cfg!(feature = "proxy") {
            return None;
        }
        p2::filesystem_error_code(err).conv()
    }
}

impl GuestDescriptor for DescriptorRep {
    fn read_via_stream(&self, offset: Filesize) -> Result<InputStream, ErrorCode> {
        self.check(DescriptorFlags::READ, ErrorCode::BadDescriptor)?;
        self.host.read_via_stream(offset).conv()
    }

    fn write_via_stream(&self, offset: Filesize) -> Result<OutputStream, ErrorCode> {
        self.check(DescriptorFlags::WRITE, ErrorCode::BadDescriptor)?;
        self.host.write_via_stream(offset).conv()
    }

    fn append_via_stream(&self) -> Result<OutputStream, ErrorCode> {
        self.check(DescriptorFlags::WRITE, ErrorCode::BadDescriptor)?;
        self.host.append_via_stream().conv()
    }

    fn get_flags(&self) -> Result<DescriptorFlags, ErrorCode> {
        let mut flags: DescriptorFlags = self.host.get_flags().conv()?;
        for right in [DescriptorFlags::READ, DescriptorFlags::WRITE] {
            if has(flags, right) && self.lacks(right) {
                flags = DescriptorFlags::from_bits_retain(flags.bits() & !right.bits());
            }
        }
        Ok(flags)
    }

    fn set_size(&self, size: Filesize) -> Result<(), ErrorCode> {
        self.check(DescriptorFlags::WRITE, ErrorCode::NotPermitted)?;
        self.host.set_size(size).conv()
    }

    fn set_times(&self, atime: NewTimestamp, mtime: NewTimestamp) -> Result<(), ErrorCode> {
        self.check(DescriptorFlags::WRITE, ErrorCode::NotPermitted)?;
        self.host.set_times(atime.lend(), mtime.lend()).conv()
    }

    fn read(&self, length: Filesize, offset: Filesize) -> Result<(Vec<u8>, bool), ErrorCode> {
        self.check(DescriptorFlags::READ, ErrorCode::NotPermitted)?;
        self.host.read(length, offset).conv()
    }

    fn write(&self, buffer: Vec<u8>, offset: Filesize) -> Result<Filesize, ErrorCode> {
        self.check(DescriptorFlags::WRITE, ErrorCode::NotPermitted)?;
        self.host.write(&buffer, offset).conv()
    }

    fn open_at(
        &self,
        path_flags: PathFlags,
        path: String,
        open_flags: OpenFlags,
        flags: DescriptorFlags,
    ) -> Result<Descriptor, ErrorCode> {
        let host = self
            .host
            .open_at(path_flags.lend(), &path, open_flags.lend(), flags.lend())
            .map_err(Conv::conv)?;
        let rights = DescriptorFlags::READ.bits() | DescriptorFlags::WRITE.bits();
        Ok(Descriptor::new(DescriptorRep {
            host,
            asked: Some(DescriptorFlags::from_bits_retain(flags.bits() & rights)),
            is_dir: Cell::new(None),
        }))
    }

    forward! {
        fn advise(&self, offset: Filesize, length: Filesize, advice: Advice) -> Result<(), ErrorCode>;
        fn sync_data(&self) -> Result<(), ErrorCode>;
        fn get_type(&self) -> Result<DescriptorType, ErrorCode>;
        fn read_directory(&self) -> Result<DirectoryEntryStream, ErrorCode>;
        fn sync(&self) -> Result<(), ErrorCode>;
        fn create_directory_at(&self, path: String) -> Result<(), ErrorCode>;
        fn stat(&self) -> Result<DescriptorStat, ErrorCode>;
        fn stat_at(&self, path_flags: PathFlags, path: String) -> Result<DescriptorStat, ErrorCode>;
        fn set_times_at(
            &self, path_flags: PathFlags, path: String, atime: NewTimestamp, mtime: NewTimestamp
        ) -> Result<(), ErrorCode>;
        fn link_at(
            &self, old_flags: PathFlags, old_path: String, new_descriptor: DescriptorBorrow<'_>,
            new_path: String
        ) -> Result<(), ErrorCode>;
        fn readlink_at(&self, path: String) -> Result<String, ErrorCode>;
        fn remove_directory_at(&self, path: String) -> Result<(), ErrorCode>;
        fn rename_at(
            &self, old_path: String, new_descriptor: DescriptorBorrow<'_>, new_path: String
        ) -> Result<(), ErrorCode>;
        fn symlink_at(&self, old_path: String, new_path: String) -> Result<(), ErrorCode>;
        fn unlink_file_at(&self, path: String) -> Result<(), ErrorCode>;
        fn is_same_object(&self, other: DescriptorBorrow<'_>) -> bool;
        fn metadata_hash(&self) -> Result<MetadataHashValue, ErrorCode>;
        fn metadata_hash_at(
            &self, path_flags: PathFlags, path: String
        ) -> Result<MetadataHashValue, ErrorCode>;
    }
}

impl GuestDirectoryEntryStream for DirectoryEntryStreamRep {
    forward! {
        fn read_directory_entry(&self) -> Result<Option<DirectoryEntry>, ErrorCode>;
    }
}

/// A preopen: all the host grants.
impl Conv<Descriptor> for p2::Descriptor {
    fn conv(self) -> Descriptor {
        Descriptor::new(DescriptorRep {
            host: self,
            asked: None,
            is_dir: Cell::new(Some(true)),
        })
    }
}

impl Conv<DirectoryEntryStream> for p2::DirectoryEntryStream {
    fn conv(self) -> DirectoryEntryStream {
        DirectoryEntryStream::new(DirectoryEntryStreamRep(self))
    }
}

impl<'a> Lend<'a, &'a p2::Descriptor> for DescriptorBorrow<'_> {
    fn lend(&'a self) -> &'a p2::Descriptor {
        self.get::<DescriptorRep>().host()
    }
}

/// Whether `flags` has every bit of `right`.
fn has(flags: DescriptorFlags, right: DescriptorFlags) -> bool {
    flags.bits() & right.bits() == right.bits()
}
