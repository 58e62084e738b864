//! Deflate that is fast, small and bounded in memory, hashing in the same pass.
//!
//! Every entry is cut into pieces whose length depends only on the entry's
//! size ([`piece_len`]). Each piece is compressed on its own by libdeflate,
//! which at the same level is both faster than zlib and smaller than it
//! (measured in docs/performance.md). The pieces run on a pool of threads.
//! Every piece but the last is then made joinable ([`blocks::unfinish`]): its
//! final block loses BFINAL and it ends on a sync flush. So the outputs,
//! concatenated in order, form one valid raw deflate stream. A piece starts
//! with no history, which costs a few hundred bytes per piece, about 0.1%.
//! The pieces are fixed by the size, so the output is the same whatever the
//! number of threads. Only a bounded number of pieces is in flight, so memory
//! does not grow with the input's size. CRC-32 and SHA-256 are computed on the
//! reading thread as pieces arrive, while the pool compresses.

mod blocks;

use std::io::{self, Read, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// Pieces per entry, for entries between 8 × [`MIN_PIECE`] and 8 × [`MAX_PIECE`]:
/// enough to keep 8 cores busy on one binary.
const PIECES: u64 = 8;
/// Smaller pieces would cost more in size than they save in time.
const MIN_PIECE: u64 = 256 << 10;
/// Larger pieces would cost memory: a few pieces per thread are in flight.
const MAX_PIECE: u64 = 2 << 20;

/// What the writer needs to know after compressing an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    pub crc32: u32,
    pub size: u64,
    pub compressed_size: u64,
    pub sha256: [u8; 32],
}

/// The length of the pieces an entry of `size` bytes is cut into: an eighth
/// of it, rounded up to 64 KiB, within [`MIN_PIECE`]..=[`MAX_PIECE`].
pub fn piece_len(size: u64) -> usize {
    let eighth = size.div_ceil(PIECES).div_ceil(64 << 10) * (64 << 10);
    eighth.clamp(MIN_PIECE, MAX_PIECE) as usize
}

/// Compress `input` (expected to be `size` bytes) as raw deflate at `level`
/// (1–9) into `out`. Level 0 copies the bytes unchanged (a stored entry).
/// The output depends only on the input, `size` and the level, never on
/// `threads`.
pub fn compress<R: Read, W: Write + Send>(
    mut input: R,
    size: u64,
    out: &mut W,
    level: u32,
    threads: usize,
) -> io::Result<Compressed> {
    let piece = piece_len(size);
    let mut hashes = Hashes::default();
    if level == 0 {
        loop {
            let data = read_piece(&mut input, piece)?;
            if data.is_empty() {
                return Ok(hashes.finish(hashes.size));
            }
            hashes.update(&data);
            out.write_all(&data)?;
        }
    }
    let level = libdeflater::CompressionLvl::new(level as i32)
        .map_err(|_| io::Error::other(format!("bad compression level {level}")))?;
    let mut current = read_piece(&mut input, piece)?;
    let mut next = if current.len() == piece {
        read_piece(&mut input, piece)?
    } else {
        Vec::new()
    };

    // One piece, or one thread: no pool needed.
    if next.is_empty() || threads <= 1 {
        let mut deflater = Deflater::new(level);
        let mut compressed_size = 0;
        loop {
            let last = next.is_empty();
            hashes.update(&current);
            let data = deflater.piece(&current, last)?;
            compressed_size += data.len() as u64;
            out.write_all(&data)?;
            if last {
                return Ok(hashes.finish(compressed_size));
            }
            current = std::mem::replace(&mut next, read_piece(&mut input, piece)?);
        }
    }

    // Each piece goes to the pool with its own one-slot reply channel, and the
    // reply channel to the writer, in order, through a bounded queue: so the
    // writer writes pieces in order, and at most 2 × threads + 2 pieces are
    // ever in flight however slow one of them is.
    type Reply = Receiver<io::Result<Vec<u8>>>;
    type Job = (Vec<u8>, bool, SyncSender<io::Result<Vec<u8>>>);
    let (job_tx, job_rx) = sync_channel::<Job>(threads);
    let (order_tx, order_rx) = sync_channel::<Reply>(threads);
    let job_rx = Arc::new(Mutex::new(job_rx));

    std::thread::scope(|scope| -> io::Result<Compressed> {
        for _ in 0..threads {
            let job_rx = Arc::clone(&job_rx);
            scope.spawn(move || {
                let mut deflater = Deflater::new(level);
                loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((data, last, reply)) = job else {
                        return;
                    };
                    let result = deflater.piece(&data, last);
                    drop(data);
                    // A closed reply means the writer stopped; its error is reported.
                    let _ = reply.send(result);
                }
            });
        }
        let writer = scope.spawn(move || write_in_order(order_rx, out));

        let mut feed = || -> io::Result<()> {
            loop {
                let last = next.is_empty();
                hashes.update(&current);
                let (reply_tx, reply_rx) = sync_channel(1);
                let job = (std::mem::take(&mut current), last, reply_tx);
                if job_tx.send(job).is_err() || order_tx.send(reply_rx).is_err() || last {
                    return Ok(()); // on a send error the writer failed; its error is reported below
                }
                current = std::mem::replace(&mut next, read_piece(&mut input, piece)?);
            }
        };
        let fed = feed();
        drop(job_tx);
        drop(order_tx);
        let written = writer
            .join()
            .map_err(|_| io::Error::other("compression writer panicked"))?;
        fed?;
        Ok(hashes.finish(written?))
    })
}

/// CRC-32, SHA-256 and size of an entry's bytes.
#[derive(Default)]
struct Hashes {
    crc: crc32fast::Hasher,
    sha: Sha256,
    size: u64,
}

impl Hashes {
    fn update(&mut self, data: &[u8]) {
        self.crc.update(data);
        self.sha.update(data);
        self.size += data.len() as u64;
    }

    fn finish(&self, compressed_size: u64) -> Compressed {
        Compressed {
            crc32: self.crc.clone().finalize(),
            size: self.size,
            compressed_size,
            sha256: self.sha.clone().finalize().into(),
        }
    }
}

/// One thread's libdeflate compressor, reused from piece to piece.
struct Deflater {
    compressor: libdeflater::Compressor,
}

impl Deflater {
    fn new(level: libdeflater::CompressionLvl) -> Self {
        Deflater {
            compressor: libdeflater::Compressor::new(level),
        }
    }

    /// Compress one piece; every piece but the last is made joinable.
    fn piece(&mut self, data: &[u8], last: bool) -> io::Result<Vec<u8>> {
        // The bound leaves room for the 5 bytes of the sync flush.
        let mut out = vec![0; self.compressor.deflate_compress_bound(data.len()) + 8];
        let n = self
            .compressor
            .deflate_compress(data, &mut out)
            .map_err(|e| io::Error::other(format!("deflate failed: {e:?}")))?;
        out.truncate(n);
        if !last {
            blocks::unfinish(&mut out)?;
        }
        Ok(out)
    }
}

/// Write compressed pieces to `out` in the order their replies were queued;
/// returns the bytes written.
fn write_in_order<W: Write>(
    order: Receiver<Receiver<io::Result<Vec<u8>>>>,
    out: &mut W,
) -> io::Result<u64> {
    let mut written = 0u64;
    for reply in order {
        let data = reply
            .recv()
            .map_err(|_| io::Error::other("compression lost a piece"))??;
        out.write_all(&data)?;
        written += data.len() as u64;
    }
    Ok(written)
}

/// Read up to `len` bytes (fewer only at the end of the input).
fn read_piece(input: &mut impl Read, len: usize) -> io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(len);
    input.take(len as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;

    const MIN: usize = MIN_PIECE as usize;

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

    /// Compress with `size` as the size hint, check that it decodes back and
    /// that the hashes and sizes are right.
    fn roundtrip_sized(data: &[u8], size: u64, level: u32, threads: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let c = compress(data, size, &mut out, level, threads).unwrap();
        let mut back = Vec::new();
        if level == 0 {
            back = out.clone();
        } else {
            DeflateDecoder::new(&out[..])
                .read_to_end(&mut back)
                .unwrap();
        }
        assert!(back == data, "level {level} threads {threads}");
        assert_eq!(c.size, data.len() as u64);
        assert_eq!(c.compressed_size, out.len() as u64);
        assert_eq!(c.crc32, crc32fast::hash(data));
        assert_eq!(c.sha256, <[u8; 32]>::from(Sha256::digest(data)));
        out
    }

    fn roundtrip(data: &[u8], level: u32, threads: usize) -> Vec<u8> {
        roundtrip_sized(data, data.len() as u64, level, threads)
    }

    #[test]
    fn pieces_depend_on_the_size_only() {
        assert_eq!(piece_len(0), MIN);
        assert_eq!(piece_len(8 * MIN_PIECE), MIN);
        // A typical 6.6 MB Go binary: eight pieces of 832 KiB.
        assert_eq!(piece_len(6_652_028), 13 << 16);
        assert_eq!(6_652_028usize.div_ceil(piece_len(6_652_028)), 8);
        assert_eq!(piece_len(200 << 20), MAX_PIECE as usize);
        assert_eq!(piece_len(u64::MAX), MAX_PIECE as usize);
    }

    #[test]
    fn roundtrips_at_every_size_level_and_thread_count() {
        for len in [0, 1, 1000, MIN - 1, MIN, MIN + 1, 3 * MIN + 17, 9 * MIN] {
            let data = sample(len);
            let one = roundtrip(&data, 6, 1);
            for threads in [2, 3, 8] {
                let many = roundtrip(&data, 6, threads);
                assert!(one == many, "output must not depend on threads (len {len})");
            }
            for level in [0, 1, 9] {
                roundtrip(&data, level, 2);
            }
        }
    }

    #[test]
    fn a_wrong_size_hint_changes_the_pieces_not_the_bytes() {
        let data = sample(5 * MIN + 3);
        for hint in [0, 1, 40 * MIN_PIECE, u64::MAX] {
            roundtrip_sized(&data, hint, 6, 2);
        }
    }

    #[test]
    fn pieces_cost_little_in_size() {
        let data = sample(16 * MIN);
        let ours = roundtrip(&data, 6, 2);
        let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::new(6).unwrap());
        let mut whole = vec![0; c.deflate_compress_bound(data.len())];
        let whole = c.deflate_compress(&data, &mut whole).unwrap();
        assert!(
            ours.len() <= whole + whole / 200,
            "8 pieces {} vs one {whole}",
            ours.len()
        );
    }

    #[test]
    fn read_and_write_errors_surface() {
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
        for threads in [1, 2] {
            for len in [10, 3 * MIN] {
                let err = compress(Failing(len), len as u64, &mut Vec::new(), 6, threads);
                assert_eq!(err.unwrap_err().to_string(), "disk on fire");
            }
        }
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let data = sample(20 * MIN);
        for threads in [1, 2, 4] {
            let err = compress(&data[..], data.len() as u64, &mut Full, 6, threads);
            assert_eq!(err.unwrap_err().to_string(), "disk full");
        }
    }
}
