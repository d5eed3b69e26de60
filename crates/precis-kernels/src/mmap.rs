//! [`MappedFile`]: a file read through a read-only memory map, whose pages
//! can be handed back to the OS once read.

use std::fs::File;
use std::io;
use std::path::Path;

use memmap2::Mmap;

/// A file mapped read-only into memory: its bytes come from the page cache
/// when first read, with no copy into this process's memory up front.
///
/// Like every file mapping, it relies on nobody modifying or truncating the
/// file while it is mapped (the bytes would change under their borrowers,
/// or fault): it is for model files, which nothing writes while a model
/// loads from them.
#[derive(Debug)]
pub struct MappedFile(Mmap);

impl MappedFile {
    /// Maps the whole file at `path`.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = File::open(path)?;
        // SAFETY: the map is read-only and private to `MappedFile`, which
        // only lends it out as `&[u8]`; that the file is not changed while
        // mapped is the type's documented premise, as for every mapped
        // safetensors loader.
        let map = unsafe { Mmap::map(&file) }?;
        Ok(Self(map))
    }

    /// The file's bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Drops the whole pages inside `bytes`, a part of this file's bytes,
    /// from this process's memory; a later read faults the same bytes back
    /// in from the page cache. A loader that copies what it reads out of the
    /// map thus holds the data once, not twice. Bytes outside this mapping
    /// are left alone, and so is everything off Unix.
    pub fn release_pages(&self, bytes: &[u8]) {
        #[cfg(unix)]
        {
            let map = self.as_bytes().as_ptr_range();
            let range = bytes.as_ptr_range();
            if range.start < map.start || range.end > map.end {
                return;
            }
            // SAFETY: sysconf has no preconditions.
            let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            let page = usize::try_from(page).unwrap_or(4096);
            let start = (range.start as usize).next_multiple_of(page);
            let end = range.end as usize / page * page;
            if end > start {
                // SAFETY: [start, end) is whole pages of this read-only file
                // mapping (which starts on a page). MADV_DONTNEED on such a
                // mapping only unmaps the pages: a later read faults the
                // file's same bytes back in, so no borrowed byte changes.
                // An advice that fails leaves the pages mapped, which is
                // harmless.
                let _ = unsafe {
                    self.0.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        start - map.start as usize,
                        end - start,
                    )
                };
            }
        }
        #[cfg(not(unix))]
        let _ = bytes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Released pages read back as the file's bytes, and bytes that are not
    /// the mapping's (whose pages `MADV_DONTNEED` would zero) are untouched.
    #[test]
    fn released_pages_read_back_and_other_memory_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let data: Vec<u8> = (0..5 * 4096 + 100).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let map = MappedFile::open(&path).unwrap();
        assert_eq!(map.as_bytes(), data);
        map.release_pages(&map.as_bytes()[100..4 * 4096 + 7]);
        map.release_pages(map.as_bytes());
        assert_eq!(map.as_bytes(), data);
        let heap = vec![7u8; 5 * 4096];
        map.release_pages(&heap);
        assert!(heap.iter().all(|&b| b == 7));
        assert!(MappedFile::open(&dir.path().join("missing")).is_err());
    }
}
