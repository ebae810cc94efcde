//! `wasi:filesystem/types` (rc) over `wasi:filesystem/types@0.2.12`. The two have the same
//! shape, so every method forwards; the type pairs are declared in `same_shape`'s table.
//! File streams are not children of their descriptor on either host, so they may outlive it.

use crate::fs_p2::types as p2;
use crate::fs_rc::types::{
    Advice, Descriptor, DescriptorBorrow, DescriptorFlags, DescriptorStat, DescriptorType,
    DirectoryEntry, DirectoryEntryStream, ErrorCode, Filesize, Guest, GuestDescriptor,
    GuestDirectoryEntryStream, InputStream, MetadataHashValue, NewTimestamp, OpenFlags,
    OutputStream, PathFlags,
};
use crate::same_shape::{Conv, Lend};

pub struct DescriptorRep(p2::Descriptor);
pub struct DirectoryEntryStreamRep(p2::DirectoryEntryStream);

impl DescriptorRep {
    fn host(&self) -> &p2::Descriptor {
        &self.0
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
        p2::filesystem_error_code(err).conv()
    }
}

impl GuestDescriptor for DescriptorRep {
    forward! {
        fn read_via_stream(&self, offset: Filesize) -> Result<InputStream, ErrorCode>;
        fn write_via_stream(&self, offset: Filesize) -> Result<OutputStream, ErrorCode>;
        fn append_via_stream(&self) -> Result<OutputStream, ErrorCode>;
        fn advise(&self, offset: Filesize, length: Filesize, advice: Advice) -> Result<(), ErrorCode>;
        fn sync_data(&self) -> Result<(), ErrorCode>;
        fn get_flags(&self) -> Result<DescriptorFlags, ErrorCode>;
        fn get_type(&self) -> Result<DescriptorType, ErrorCode>;
        fn set_size(&self, size: Filesize) -> Result<(), ErrorCode>;
        fn set_times(&self, atime: NewTimestamp, mtime: NewTimestamp) -> Result<(), ErrorCode>;
        fn read(&self, length: Filesize, offset: Filesize) -> Result<(Vec<u8>, bool), ErrorCode>;
        fn write(&self, buffer: Vec<u8>, offset: Filesize) -> Result<Filesize, ErrorCode>;
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
        fn open_at(
            &self, path_flags: PathFlags, path: String, open_flags: OpenFlags,
            flags: DescriptorFlags
        ) -> Result<Descriptor, ErrorCode>;
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

impl Conv<Descriptor> for p2::Descriptor {
    fn conv(self) -> Descriptor {
        Descriptor::new(DescriptorRep(self))
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
