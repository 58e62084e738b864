//! Deflate that is fast, small and bounded in memory, hashing in the same pass.
//!
//! Entries up to [`WHOLE_LIMIT`] (almost every binary) are compressed in one
//! piece with libdeflate, which at the same level is both faster than zlib
//! and smaller than it (measured in docs/performance.md). Larger entries are
//! streamed so that memory stays bounded whatever their size: the input is
//! cut into fixed chunks. Each chunk is compressed on its own
//! (on a pool of threads) with the previous chunk's last 32 KiB as its preset
//! dictionary, and ends on a sync flush, so the outputs concatenated in order
//! form one valid raw deflate stream that is as small as a single-threaded
//! one to within a few bytes per chunk. The chunking is fixed, so the output
//! is the same whatever the number of threads. Only a bounded number of
//! chunks is in flight, so memory does not grow with the input's size.
//! CRC-32 and SHA-256 are computed on the reading thread as chunks arrive.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use flate2::{Compress, Compression, FlushCompress, Status};
use sha2::{Digest, Sha256};

/// Bytes per independently compressed chunk.
pub const CHUNK: usize = 1 << 20;
/// Entries up to this size are compressed whole with libdeflate; larger ones
/// stream through the chunked compressor. Peak memory for one entry is about
/// twice this.
pub const WHOLE_LIMIT: u64 = 32 << 20;
/// Deflate's window: how much of the previous chunk primes the next.
const WINDOW: usize = 32 * 1024;

/// What the writer needs to know after compressing an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    pub crc32: u32,
    pub size: u64,
    pub compressed_size: u64,
    pub sha256: [u8; 32],
}

/// Compress `input` (expected to be `size` bytes) as raw deflate at `level`
/// (1–9) into `out`. Level 0 copies the bytes unchanged (a stored entry).
/// The output depends only on the input and the level, never on `threads`.
pub fn compress<R: Read, W: Write + Send>(
    input: R,
    size: u64,
    out: &mut W,
    level: u32,
    threads: usize,
) -> io::Result<Compressed> {
    if level > 0 && size <= WHOLE_LIMIT {
        compress_whole(input, size, out, level)
    } else {
        compress_chunked(input, out, level, threads)
    }
}

/// One-shot libdeflate compression of an entry held in memory.
fn compress_whole<R: Read, W: Write>(
    input: R,
    size: u64,
    out: &mut W,
    level: u32,
) -> io::Result<Compressed> {
    let mut data = Vec::with_capacity(size as usize);
    input.take(WHOLE_LIMIT + 1).read_to_end(&mut data)?;
    if data.len() as u64 > WHOLE_LIMIT {
        return Err(io::Error::other("the file grew while it was being read"));
    }
    let lvl = libdeflater::CompressionLvl::new(level as i32)
        .map_err(|_| io::Error::other(format!("bad compression level {level}")))?;
    let mut compressor = libdeflater::Compressor::new(lvl);
    let mut compressed = vec![0; compressor.deflate_compress_bound(data.len())];
    let n = compressor
        .deflate_compress(&data, &mut compressed)
        .map_err(|e| io::Error::other(format!("deflate failed: {e:?}")))?;
    out.write_all(&compressed[..n])?;
    Ok(Compressed {
        crc32: crc32fast::hash(&data),
        size: data.len() as u64,
        compressed_size: n as u64,
        sha256: Sha256::digest(&data).into(),
    })
}

/// Streaming compression in chunks on up to `threads` threads.
fn compress_chunked<R: Read, W: Write + Send>(
    mut input: R,
    out: &mut W,
    level: u32,
    threads: usize,
) -> io::Result<Compressed> {
    let mut crc = crc32fast::Hasher::new();
    let mut sha = Sha256::new();
    let mut size = 0u64;
    let mut compressed_size = 0u64;
    let mut current = read_chunk(&mut input)?;

    if level == 0 {
        while !current.is_empty() {
            crc.update(&current);
            sha.update(&current);
            size += current.len() as u64;
            out.write_all(&current)?;
            current = read_chunk(&mut input)?;
        }
        return Ok(Compressed {
            crc32: crc.finalize(),
            size,
            compressed_size: size,
            sha256: sha.finalize().into(),
        });
    }

    let mut next = if current.len() == CHUNK {
        read_chunk(&mut input)?
    } else {
        Vec::new()
    };
    // One chunk, or one thread: no pool needed.
    if next.is_empty() || threads <= 1 {
        let mut dictionary: Option<Arc<Vec<u8>>> = None;
        loop {
            let last = next.is_empty();
            crc.update(&current);
            sha.update(&current);
            size += current.len() as u64;
            let data = compress_chunk(
                &current,
                dictionary.as_deref().map(Vec::as_slice),
                level,
                last,
            )?;
            compressed_size += data.len() as u64;
            out.write_all(&data)?;
            if last {
                break;
            }
            dictionary = Some(Arc::new(tail(&current)));
            current = std::mem::replace(&mut next, read_chunk(&mut input)?);
        }
        return Ok(Compressed {
            crc32: crc.finalize(),
            size,
            compressed_size,
            sha256: sha.finalize().into(),
        });
    }

    type Job = (usize, Arc<Vec<u8>>, Option<Arc<Vec<u8>>>, bool);
    let (job_tx, job_rx) = sync_channel::<Job>(threads * 2);
    let (done_tx, done_rx) = sync_channel::<(usize, io::Result<Vec<u8>>)>(threads * 2);
    let job_rx = Arc::new(Mutex::new(job_rx));

    std::thread::scope(|scope| -> io::Result<Compressed> {
        for _ in 0..threads {
            let job_rx = Arc::clone(&job_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                let job = match job_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((index, data, dictionary, last)) = job else {
                    return;
                };
                let result =
                    compress_chunk(&data, dictionary.as_deref().map(Vec::as_slice), level, last);
                if done_tx.send((index, result)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let writer = scope.spawn(move || write_in_order(done_rx, out));

        let mut index = 0;
        let mut dictionary: Option<Arc<Vec<u8>>> = None;
        let mut feed = || -> io::Result<()> {
            loop {
                let last = next.is_empty();
                crc.update(&current);
                sha.update(&current);
                size += current.len() as u64;
                let data = Arc::new(std::mem::take(&mut current));
                let dict_for_next = (!last).then(|| Arc::new(tail(&data)));
                if job_tx.send((index, data, dictionary.take(), last)).is_err() {
                    return Ok(()); // the writer failed; its error is reported below
                }
                index += 1;
                if last {
                    return Ok(());
                }
                dictionary = dict_for_next;
                current = std::mem::replace(&mut next, read_chunk(&mut input)?);
            }
        };
        let fed = feed();
        drop(job_tx);
        let written = writer
            .join()
            .map_err(|_| io::Error::other("compression writer panicked"))?;
        fed?;
        compressed_size = written?;
        Ok(Compressed {
            crc32: crc.clone().finalize(),
            size,
            compressed_size,
            sha256: sha.clone().finalize().into(),
        })
    })
}

/// Write compressed chunks to `out` in index order; returns the bytes written.
fn write_in_order<W: Write>(
    done: Receiver<(usize, io::Result<Vec<u8>>)>,
    out: &mut W,
) -> io::Result<u64> {
    let mut pending: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    let mut expected = 0;
    let mut written = 0u64;
    for (index, result) in done {
        pending.insert(index, result?);
        while let Some(data) = pending.remove(&expected) {
            out.write_all(&data)?;
            written += data.len() as u64;
            expected += 1;
        }
    }
    if !pending.is_empty() {
        return Err(io::Error::other("compression lost a chunk"));
    }
    Ok(written)
}

/// Read up to [`CHUNK`] bytes (fewer only at the end of the input).
fn read_chunk(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(CHUNK);
    input.take(CHUNK as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

fn tail(data: &[u8]) -> Vec<u8> {
    data[data.len().saturating_sub(WINDOW)..].to_vec()
}

/// Compress one chunk as raw deflate; the last one finishes the stream, the
/// others end byte-aligned on a sync flush so they can be concatenated.
fn compress_chunk(
    data: &[u8],
    dictionary: Option<&[u8]>,
    level: u32,
    last: bool,
) -> io::Result<Vec<u8>> {
    let mut c = Compress::new(Compression::new(level), false);
    if let Some(dict) = dictionary {
        c.set_dictionary(dict).map_err(io::Error::other)?;
    }
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    loop {
        let consumed = c.total_in() as usize;
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(4096));
        }
        let status = c
            .compress_vec(&data[consumed..], &mut out, flush)
            .map_err(io::Error::other)?;
        let done = c.total_in() as usize == data.len();
        match status {
            Status::StreamEnd => break,
            Status::Ok | Status::BufError if done && !last && out.len() < out.capacity() => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;

    /// Data that compresses like code: repetitive but not trivially so.
    fn sample(len: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        (0..len)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if i % 7 < 4 {
                    (i / 13 % 251) as u8
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    }

    fn roundtrip(data: &[u8], level: u32, threads: usize) -> (Vec<u8>, Compressed) {
        roundtrip_with(data, level, threads, |d, out| {
            compress_chunked(d, out, level, threads)
        })
    }

    fn roundtrip_with(
        data: &[u8],
        level: u32,
        threads: usize,
        f: impl Fn(&[u8], &mut Vec<u8>) -> io::Result<Compressed>,
    ) -> (Vec<u8>, Compressed) {
        let mut out = Vec::new();
        let c = f(data, &mut out).unwrap();
        let mut back = Vec::new();
        if level == 0 {
            back = out.clone();
        } else {
            DeflateDecoder::new(&out[..])
                .read_to_end(&mut back)
                .unwrap();
        }
        assert_eq!(back, data, "level {level} threads {threads}");
        assert_eq!(c.size, data.len() as u64);
        assert_eq!(c.compressed_size, out.len() as u64);
        assert_eq!(c.crc32, crc32fast::hash(data));
        assert_eq!(c.sha256, <[u8; 32]>::from(Sha256::digest(data)));
        (out, c)
    }

    #[test]
    fn roundtrips_at_every_size_and_thread_count() {
        for len in [0, 1, 1000, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let data = sample(len);
            let (one, _) = roundtrip(&data, 6, 1);
            let (four, _) = roundtrip(&data, 6, 4);
            assert_eq!(one, four, "output must not depend on threads (len {len})");
            roundtrip(&data, 0, 2);
            roundtrip(&data, 1, 2);
            roundtrip(&data, 9, 3);
        }
    }

    #[test]
    fn whole_entries_roundtrip_and_pick_libdeflate() {
        for len in [0, 1, 1000, 3 * CHUNK + 17] {
            let data = sample(len);
            let (whole, _) =
                roundtrip_with(&data, 6, 2, |d, out| compress(d, d.len() as u64, out, 6, 2));
            let (chunked, _) = roundtrip(&data, 6, 2);
            if len > 1000 {
                assert!(
                    whole.len() < chunked.len(),
                    "libdeflate should be smaller ({len})"
                );
            }
        }
        // Stored entries and entries past the limit take the streaming path.
        roundtrip_with(&sample(5000), 0, 2, |d, out| {
            compress(d, d.len() as u64, out, 0, 2)
        });
    }

    #[test]
    fn chunking_costs_almost_nothing_in_size() {
        let data = sample(4 * CHUNK);
        let (ours, _) = roundtrip(&data, 6, 2);
        let mut single = flate2::write::DeflateEncoder::new(Vec::new(), Compression::new(6));
        single.write_all(&data).unwrap();
        let single = single.finish().unwrap();
        assert!(
            ours.len() <= single.len() + single.len() / 500 + 64,
            "chunked {} vs single {}",
            ours.len(),
            single.len()
        );
    }

    #[test]
    fn read_errors_surface() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("disk on fire"));
                }
                let n = buf.len().min(self.0);
                self.0 -= n;
                buf[..n].fill(7);
                Ok(n)
            }
        }
        let err = compress_chunked(Failing(3 * CHUNK), &mut Vec::new(), 6, 2).unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
        let err = compress(Failing(CHUNK), CHUNK as u64, &mut Vec::new(), 6, 2).unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
    }
}
