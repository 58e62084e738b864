//! Walk the blocks of a raw deflate stream, so that a complete stream can be
//! turned into one that more data may follow.
//!
//! libdeflate compresses a buffer into a complete stream: its last block has
//! BFINAL set and ends at whatever bit it ends. To join independently
//! compressed pieces into one stream (the way pigz joins zlib's sync-flushed
//! pieces), every piece but the last must not be final and must end on a byte
//! boundary. [`unfinish`] does that: it decodes the block structure (headers,
//! Huffman tables and symbols, skipping the extra bits; nothing is
//! decompressed into a buffer), clears BFINAL on the last block and appends
//! an empty non-final stored block, which is exactly what zlib's sync flush
//! emits. No crate exposes block boundaries of a deflate stream, so this is
//! written here; it is checked against flate2's decoder in the tests.
//!
//! Only libdeflate's own output is ever walked, but a malformed stream gives an
//! error, never a panic or an endless loop: every step consumes bits and every
//! read is bounds-checked.

use std::io;

/// Bits looked up in one step; longer codes (rare by construction) take the
/// bit-by-bit canonical path.
const FAST_BITS: usize = 11;
const MAX_BITS: usize = 15;

/// Extra bits after length symbols 257..=285.
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Extra bits after distance symbols 0..=29.
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order in which code-length code lengths are stored.
const CODELEN_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

fn invalid(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("invalid deflate stream: {what}"),
    )
}

/// Make a complete raw deflate stream joinable: its last block is no longer
/// final, and it ends byte-aligned with an empty stored block (a sync flush).
/// Decoding the result followed by a complete stream gives both inputs in
/// order.
pub fn unfinish(stream: &mut Vec<u8>) -> io::Result<()> {
    let mut bits = Bits {
        data: stream,
        pos: 0,
    };
    let final_header = loop {
        let header = bits.pos;
        let last = bits.take(1)? == 1;
        match bits.take(2)? {
            0 => bits.skip_stored()?,
            1 => {
                let (lit, dist) = fixed_codes();
                bits.skip_symbols(&lit, &dist)?;
            }
            2 => {
                let (lit, dist) = bits.read_dynamic_codes()?;
                bits.skip_symbols(&lit, &dist)?;
            }
            _ => return Err(invalid("reserved block type 3")),
        }
        if last {
            break header;
        }
    };
    let end = bits.pos;
    if end.div_ceil(8) != stream.len() {
        return Err(invalid("data after the final block"));
    }
    stream[final_header / 8] &= !(1 << (final_header % 8));
    // An empty stored block: three zero header bits (not final, type 00),
    // zero padding to the byte boundary, then LEN = 0 and NLEN = 0xFFFF.
    let header_end = end + 3;
    stream.resize(header_end.div_ceil(8), 0);
    for bit in end..stream.len() * 8 {
        stream[bit / 8] &= !(1 << (bit % 8));
    }
    stream.extend_from_slice(&[0, 0, 0xff, 0xff]);
    Ok(())
}

/// A little-endian bit reader over a byte slice.
struct Bits<'a> {
    data: &'a [u8],
    /// Position in bits.
    pos: usize,
}

impl Bits<'_> {
    /// The next 56 or more bits (zeros past the end), lowest bit first.
    fn peek(&self) -> u64 {
        let byte = self.pos / 8;
        let mut buf = [0u8; 8];
        if let Some(src) = self.data.get(byte..byte + 8) {
            buf.copy_from_slice(src);
        } else if let Some(src) = self.data.get(byte..) {
            buf[..src.len()].copy_from_slice(src);
        }
        u64::from_le_bytes(buf) >> (self.pos % 8)
    }

    fn consume(&mut self, n: usize) -> io::Result<()> {
        self.pos += n;
        if self.pos > self.data.len() * 8 {
            return Err(invalid("the stream ends inside a block"));
        }
        Ok(())
    }

    fn take(&mut self, n: usize) -> io::Result<u32> {
        debug_assert!(n <= 32);
        let value = (self.peek() & ((1u64 << n) - 1)) as u32;
        self.consume(n)?;
        Ok(value)
    }

    fn skip_stored(&mut self) -> io::Result<()> {
        self.pos = self.pos.div_ceil(8) * 8;
        let len = self.take(16)?;
        let nlen = self.take(16)?;
        if len != !nlen & 0xffff {
            return Err(invalid("stored block length and its complement differ"));
        }
        self.consume(len as usize * 8)
    }

    /// Decode one symbol of `code`, consuming its bits.
    fn symbol(&mut self, code: &Code) -> io::Result<usize> {
        let entry = code.entry(self.peek())?;
        self.consume((entry & BITS_MASK) as usize)?;
        Ok((entry >> SYMBOL_SHIFT) as usize)
    }

    fn read_dynamic_codes(&mut self) -> io::Result<(Code, Code)> {
        let nlit = self.take(5)? as usize + 257;
        let ndist = self.take(5)? as usize + 1;
        let ncode = self.take(4)? as usize + 4;
        if nlit > 286 || ndist > 30 {
            return Err(invalid("too many literal/length or distance codes"));
        }
        let mut codelen_lengths = [0u8; 19];
        for &i in &CODELEN_ORDER[..ncode] {
            codelen_lengths[i] = self.take(3)? as u8;
        }
        let codelen = Code::new(&codelen_lengths, Alphabet::CodeLength)?;
        let mut lengths = [0u8; 286 + 30];
        let mut i = 0;
        while i < nlit + ndist {
            let symbol = self.symbol(&codelen)?;
            let (value, repeat) = match symbol {
                0..=15 => (symbol as u8, 1),
                16 => {
                    let previous = *i
                        .checked_sub(1)
                        .and_then(|p| lengths.get(p))
                        .ok_or_else(|| invalid("a repeat with no length before it"))?;
                    (previous, 3 + self.take(2)? as usize)
                }
                17 => (0, 3 + self.take(3)? as usize),
                _ => (0, 11 + self.take(7)? as usize),
            };
            if i + repeat > nlit + ndist {
                return Err(invalid("code lengths run past the table"));
            }
            lengths[i..i + repeat].fill(value);
            i += repeat;
        }
        if lengths[256] == 0 {
            return Err(invalid("a block with no end-of-block code"));
        }
        Ok((
            Code::new(&lengths[..nlit], Alphabet::LiteralLength)?,
            Code::new(&lengths[nlit..nlit + ndist], Alphabet::Distance)?,
        ))
    }

    /// Skip literal/length and distance symbols up to the end of the block.
    /// This is the hot loop, so the next bits are kept in a register and
    /// reloaded only when fewer are left than the longest symbol needs; one
    /// table lookup covers a symbol and its extra bits.
    fn skip_symbols(&mut self, lit: &Code, dist: &Code) -> io::Result<()> {
        let end = self.data.len() * 8;
        let (mut ahead, mut left) = (self.peek(), 56);
        loop {
            if left < 15 + 5 {
                (ahead, left) = (self.peek(), 56);
            }
            let entry = lit.entry(ahead)?;
            let n = entry & BITS_MASK;
            (ahead, left, self.pos) = (ahead >> n, left - n, self.pos + n as usize);
            match entry & KIND_MASK {
                LITERAL => continue,
                LENGTH => {
                    if left < 15 + 13 {
                        (ahead, left) = (self.peek(), 56);
                    }
                    let entry = dist.entry(ahead)?;
                    if entry & KIND_MASK != LITERAL {
                        return Err(invalid("a distance symbol out of range"));
                    }
                    let n = entry & BITS_MASK;
                    (ahead, left, self.pos) = (ahead >> n, left - n, self.pos + n as usize);
                }
                END => break,
                _ => return Err(invalid("a length symbol out of range")),
            }
            // Past the end the reader sees zeros, which may decode; stop there.
            if self.pos > end {
                break;
            }
        }
        match self.pos <= end {
            true => Ok(()),
            false => Err(invalid("the stream ends inside a block")),
        }
    }
}

/// Which alphabet a code encodes: it decides what a table entry holds.
#[derive(Clone, Copy)]
enum Alphabet {
    /// Code lengths 0..=18; their extra bits are read by the caller.
    CodeLength,
    /// Literals, end of block and lengths 0..=287 (286 and 287 are invalid).
    LiteralLength,
    /// Distances 0..=31 (30 and 31 are invalid).
    Distance,
}

// A table entry: the bits to consume (the code's length plus, for lengths
// and distances, the extra bits), the kind of symbol, and the symbol.
const BITS_MASK: u32 = 0x1f;
const KIND_MASK: u32 = 0x60;
const LITERAL: u32 = 0x00;
const LENGTH: u32 = 0x20;
const END: u32 = 0x40;
const INVALID: u32 = 0x60;
const SYMBOL_SHIFT: u32 = 8;

impl Alphabet {
    fn entry(self, symbol: usize, len: usize) -> u32 {
        let (extra, kind) = match self {
            Alphabet::CodeLength => (0, LITERAL),
            Alphabet::LiteralLength => match symbol {
                0..=255 => (0, LITERAL),
                256 => (0, END),
                257..=285 => (LENGTH_EXTRA[symbol - 257], LENGTH),
                _ => (0, INVALID),
            },
            Alphabet::Distance => match DIST_EXTRA.get(symbol) {
                Some(&extra) => (extra, LITERAL),
                None => (0, INVALID),
            },
        };
        (symbol as u32) << SYMBOL_SHIFT | kind | (len as u32 + extra as u32)
    }
}

/// A canonical Huffman code: a lookup table for codes up to [`FAST_BITS`]
/// long, and counts plus symbols in code order for the rest.
struct Code {
    /// Indexed by the next FAST_BITS bits: the entry ([`Alphabet::entry`]),
    /// or 0 if the code there is longer (or unused).
    fast: Vec<u32>,
    count: [u16; MAX_BITS + 1],
    symbols: Vec<u16>,
    alphabet: Alphabet,
}

impl Code {
    fn new(lengths: &[u8], alphabet: Alphabet) -> io::Result<Code> {
        let mut count = [0u16; MAX_BITS + 1];
        for &len in lengths {
            count[len as usize] += 1;
        }
        count[0] = 0;
        let mut left: i32 = 1;
        for &c in &count[1..] {
            left = (left << 1) - c as i32;
            if left < 0 {
                return Err(invalid("an over-subscribed Huffman code"));
            }
        }
        let mut offsets = [0usize; MAX_BITS + 2];
        for len in 1..=MAX_BITS {
            offsets[len + 1] = offsets[len] + count[len] as usize;
        }
        let mut symbols = vec![0u16; offsets[MAX_BITS + 1]];
        for (symbol, &len) in lengths.iter().enumerate() {
            if len != 0 {
                symbols[offsets[len as usize]] = symbol as u16;
                offsets[len as usize] += 1;
            }
        }
        let mut fast = vec![0u32; 1 << FAST_BITS];
        let (mut code, mut index) = (0usize, 0usize);
        for (len, &n) in count.iter().enumerate().take(FAST_BITS + 1).skip(1) {
            for _ in 0..n {
                let reversed = reverse(code, len);
                let entry = alphabet.entry(symbols[index] as usize, len);
                for slot in (reversed..1 << FAST_BITS).step_by(1 << len) {
                    fast[slot] = entry;
                }
                code += 1;
                index += 1;
            }
            code <<= 1;
        }
        Ok(Code {
            fast,
            count,
            symbols,
            alphabet,
        })
    }

    /// The table entry of the symbol whose code starts `ahead` (the next bits).
    #[inline(always)]
    fn entry(&self, ahead: u64) -> io::Result<u32> {
        let entry = self.fast[(ahead as usize) & ((1 << FAST_BITS) - 1)];
        if entry != 0 {
            return Ok(entry);
        }
        self.slow(ahead)
    }

    /// Canonical decoding of a code longer than the table, one bit at a time
    /// (as in zlib's puff); `ahead` holds the next bits.
    #[cold]
    fn slow(&self, ahead: u64) -> io::Result<u32> {
        let (mut value, mut first, mut index) = (0usize, 0usize, 0usize);
        for len in 1..=MAX_BITS {
            value |= ((ahead >> (len - 1)) & 1) as usize;
            let count = self.count[len] as usize;
            if value < first + count {
                let symbol = self.symbols[index + value - first] as usize;
                return Ok(self.alphabet.entry(symbol, len));
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        Err(invalid("a code that is not in the block's table"))
    }
}

fn reverse(code: usize, len: usize) -> usize {
    (code.reverse_bits() >> (usize::BITS as usize - len)) & ((1 << len) - 1)
}

/// The fixed codes of block type 1.
fn fixed_codes() -> (Code, Code) {
    let mut lit = [0u8; 288];
    lit[..144].fill(8);
    lit[144..256].fill(9);
    lit[256..280].fill(7);
    lit[280..].fill(8);
    // Both are complete codes, so building them cannot fail.
    let lit = Code::new(&lit, Alphabet::LiteralLength).expect("the fixed literal code is valid");
    let dist = Code::new(&[5; 32], Alphabet::Distance).expect("the fixed distance code is valid");
    (lit, dist)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;
    use std::io::Read;

    fn libdeflate(data: &[u8], level: i32) -> Vec<u8> {
        let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level).unwrap());
        let mut out = vec![0; c.deflate_compress_bound(data.len())];
        let n = c.deflate_compress(data, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        DeflateDecoder::new(stream).read_to_end(&mut back).unwrap();
        back
    }

    /// Pseudo-random data with a tunable share of repetition, so that
    /// libdeflate picks every block type: stored (random), fixed (tiny) and
    /// dynamic (everything else).
    fn sample(len: usize, seed: u32, repetitive: u32) -> Vec<u8> {
        let mut x = seed;
        (0..len)
            .map(|i| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                if (x >> 16) % 100 < repetitive {
                    (i / 7 % 17) as u8
                } else {
                    (x >> 24) as u8
                }
            })
            .collect()
    }

    #[test]
    fn joined_pieces_decode_to_the_whole() {
        let mut cases = 0;
        for (seed, repetitive) in [(1, 0), (2, 50), (3, 90), (4, 100), (5, 99)] {
            for len in [0, 1, 2, 100, 5000, 70_000, 400_000] {
                for level in [1, 6, 9, 12] {
                    let a = sample(len, seed, repetitive);
                    let b = sample(len / 2 + 3, seed + 7, repetitive);
                    let mut joined = libdeflate(&a, level);
                    unfinish(&mut joined).unwrap();
                    let mut middle = libdeflate(&a, 1);
                    unfinish(&mut middle).unwrap();
                    joined.extend(middle);
                    joined.extend(libdeflate(&b, level));
                    let mut expected = a.clone();
                    expected.extend(&a);
                    expected.extend(&b);
                    assert_eq!(inflate(&joined), expected, "len {len} level {level}");
                    cases += 1;
                }
            }
        }
        assert_eq!(cases, 140);
    }

    #[test]
    fn stored_and_fixed_blocks_are_walked() {
        // Level 0 is all stored blocks; a few bytes at a low level make a
        // fixed-code block.
        for (data, level) in [(sample(200_000, 9, 0), 0), (b"ab".to_vec(), 1)] {
            let mut s = libdeflate(&data, level);
            unfinish(&mut s).unwrap();
            s.extend(libdeflate(b"end", 6));
            let mut expected = data.clone();
            expected.extend(b"end");
            assert_eq!(inflate(&s), expected);
        }
        // A hand-made fixed-code stream: BFINAL=1, BTYPE=01, then EOB (7 zero bits).
        let mut s = vec![0b0000_0011, 0];
        unfinish(&mut s).unwrap();
        s.extend(libdeflate(b"x", 6));
        assert_eq!(inflate(&s), b"x");
    }

    #[test]
    fn malformed_streams_are_errors_not_panics() {
        let good = libdeflate(&sample(50_000, 3, 60), 6);
        assert!(unfinish(&mut good[..good.len() - 1].to_vec()).is_err());
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(unfinish(&mut trailing).is_err());
        assert!(unfinish(&mut vec![0b111]).is_err()); // reserved block type
        assert!(unfinish(&mut Vec::new()).is_err());
        // Random bytes and bit flips of a real stream: any result but a panic.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut data = if round % 2 == 0 {
                let n = (x % 300) as usize;
                (0..n).map(|i| (x >> (i % 56)) as u8 ^ i as u8).collect()
            } else {
                let mut d = good.clone();
                let bit = (x as usize) % (d.len() * 8);
                d[bit / 8] ^= 1 << (bit % 8);
                d
            };
            let _ = unfinish(&mut data);
        }
    }
}
