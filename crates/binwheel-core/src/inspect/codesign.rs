//! Mach-O code signatures: `LC_CODE_SIGNATURE` → SuperBlob → CodeDirectory.
//!
//! An embedded signature is a SuperBlob (big-endian, whatever the slice's
//! byte order) indexing blobs: one CodeDirectory (SHA-1 or SHA-256 on older
//! signatures), alternate CodeDirectories with other hash types, the
//! requirements, entitlements and, unless the signature is ad hoc, a CMS
//! blob with the certificates. A CodeDirectory holds one hash per page of
//! the slice up to its code limit; the kernel checks each page as it maps it
//! and kills the process on a mismatch.
//!
//! Here: read that structure into [`CodeSignature`] facts (kind, hash type,
//! page size, code limit, Team ID) and verify every page hash of the
//! strongest CodeDirectory (the one macOS uses) against the slice's bytes.
//! Every directory must be well formed. Reading is bounded (the blobs come
//! through the same capped reads as every header); verifying streams the
//! pages through a fixed buffer, so memory never grows with the file or with
//! what the directory claims. The CMS blob (who signed) is not verified: that needs
//! Apple's trust roots, and Gatekeeper, not the kernel, decides on it.

use std::io::{Read, Seek, SeekFrom};

use object::read::ReadRef;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384};

use super::{Fields, Input, InspectErrorKind};

pub(super) const LC_CODE_SIGNATURE: u32 = 0x1d;

const CSMAGIC_EMBEDDED_SIGNATURE: u32 = 0xfade_0cc0;
const CSMAGIC_CODEDIRECTORY: u32 = 0xfade_0c02;
const CSSLOT_CODEDIRECTORY: u32 = 0;
const CSSLOT_ALTERNATE_CODEDIRECTORIES: u32 = 0x1000;
const CSSLOT_ALTERNATE_END: u32 = 0x1005;
const CS_ADHOC: u32 = 0x2;
const CS_LINKER_SIGNED: u32 = 0x2_0000;
/// A SuperBlob indexes a handful of blobs; more is a corrupt count.
const MAX_BLOBS: u32 = 64;
/// Pages are 4 KiB or 16 KiB; the field is a power of two, and a claim above
/// this is corrupt.
const MAX_PAGE_LOG: u8 = 24;
/// What verification streams through at a time.
const CHUNK: usize = 64 << 10;

/// The code signature of one Mach-O slice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSignature {
    pub kind: SignatureKind,
    /// The hash type of the strongest CodeDirectory (the one macOS uses).
    pub hash: HashType,
    /// The hash types of every CodeDirectory, in the SuperBlob's order.
    pub hashes: Vec<HashType>,
    /// CodeDirectory version, e.g. 0x20400.
    pub version: u32,
    /// CodeDirectory flags (`CS_ADHOC` 0x2, `CS_LINKER_SIGNED` 0x20000…).
    pub flags: u32,
    /// Bytes per page hash (4096 or 16384); the code limit for one page.
    pub page_size: u64,
    /// Bytes of the slice the pages cover, from its start.
    pub code_limit: u64,
    /// The signing identifier (`hello`, `com.example.tool`).
    pub identifier: Option<String>,
    pub status: SignatureStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureKind {
    /// No certificate: `codesign -s -`, or the linker's own signature (Go, zig, ld64).
    AdHoc,
    /// Signed with a certificate that names this Apple Team ID.
    TeamId(String),
    /// Signed with a certificate, no Team ID recorded.
    Certificate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashType {
    Sha1,
    Sha256,
    /// SHA-256 cut to 20 bytes.
    Sha256Truncated,
    Sha384,
    Unknown(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Every page hash of the strongest CodeDirectory matches.
    Verified { pages: u64 },
    /// Page `page` (from 0) hashes differently from what was signed; it
    /// starts `offset` bytes into the slice.
    Mismatch { page: u64, offset: u64 },
    /// The signature is structurally broken (macOS refuses it): why.
    Invalid(String),
    /// Readable, but binwheel cannot verify it: why.
    Unchecked(String),
}

impl SignatureKind {
    /// "ad hoc", "Team ID ABCDE12345", "certificate (no Team ID)".
    pub fn describe(&self) -> String {
        match self {
            SignatureKind::AdHoc => "ad hoc".into(),
            SignatureKind::TeamId(t) => format!("Team ID {t}"),
            SignatureKind::Certificate => "certificate (no Team ID)".into(),
        }
    }
}

impl HashType {
    fn from_code(code: u8) -> HashType {
        match code {
            1 => HashType::Sha1,
            2 => HashType::Sha256,
            3 => HashType::Sha256Truncated,
            4 => HashType::Sha384,
            other => HashType::Unknown(other),
        }
    }

    /// "sha1", "sha256", "sha256-truncated", "sha384", "hash type 9".
    pub fn name(self) -> String {
        match self {
            HashType::Sha1 => "sha1".into(),
            HashType::Sha256 => "sha256".into(),
            HashType::Sha256Truncated => "sha256-truncated".into(),
            HashType::Sha384 => "sha384".into(),
            HashType::Unknown(code) => format!("hash type {code}"),
        }
    }

    fn size(self) -> Option<usize> {
        match self {
            HashType::Sha1 | HashType::Sha256Truncated => Some(20),
            HashType::Sha256 => Some(32),
            HashType::Sha384 => Some(48),
            HashType::Unknown(_) => None,
        }
    }

    /// How macOS ranks them: it uses the strongest directory it knows.
    fn rank(self) -> u8 {
        match self {
            HashType::Unknown(_) => 0,
            HashType::Sha1 => 1,
            HashType::Sha256Truncated => 2,
            HashType::Sha256 => 3,
            HashType::Sha384 => 4,
        }
    }
}

impl CodeSignature {
    /// Whether the linker made it (`CS_LINKER_SIGNED`), rather than `codesign`.
    pub fn linker_signed(&self) -> bool {
        self.flags & CS_LINKER_SIGNED != 0
    }
}

/// The page hashes of one CodeDirectory, to verify once the headers are read.
#[derive(Debug)]
pub(super) struct Directory {
    hash: HashType,
    page_log: u8,
    code_limit: u64,
    /// `n` code slots of the hash type's size, copied out of the directory.
    slots: Vec<u8>,
}

/// What verification still has to do for one slice: its directories and
/// where the slice starts in the file.
#[derive(Debug)]
pub(super) struct Pending {
    pub slice: usize,
    pub base: u64,
    pub directories: Vec<Directory>,
}

/// Read the signature `LC_CODE_SIGNATURE` points at (`dataoff`, `datasize`
/// in the slice). Never fails: a broken signature is a fact about the slice.
pub(super) fn read<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    dataoff: u32,
    datasize: u32,
) -> (CodeSignature, Vec<Directory>) {
    let mut sig = CodeSignature {
        kind: SignatureKind::AdHoc,
        hash: HashType::Unknown(0),
        hashes: Vec::new(),
        version: 0,
        flags: 0,
        page_size: 0,
        code_limit: 0,
        identifier: None,
        status: SignatureStatus::Unchecked("not verified".into()),
    };
    match read_blobs(input, dataoff, datasize, &mut sig) {
        Ok(directories) => {
            if directories.is_empty() && !sig.hashes.is_empty() {
                sig.status = SignatureStatus::Unchecked(format!(
                    "no CodeDirectory with a hash type binwheel verifies ({})",
                    names(&sig.hashes)
                ));
            }
            (sig, directories)
        }
        Err(why) => {
            sig.status = SignatureStatus::Invalid(why);
            (sig, Vec::new())
        }
    }
}

fn names(hashes: &[HashType]) -> String {
    let names: Vec<String> = hashes.iter().map(|h| h.name()).collect();
    names.join(", ")
}

/// The SuperBlob and each CodeDirectory in it; the strongest directory
/// whose hash type binwheel can compute is returned for verification.
fn read_blobs<'a, R: ReadRef<'a>>(
    input: &Input<'a, R>,
    dataoff: u32,
    datasize: u32,
    sig: &mut CodeSignature,
) -> Result<Vec<Directory>, String> {
    let at = (u64::from(dataoff), u64::from(datasize));
    let blob = match input.bytes(at.0, at.1, "the code signature") {
        Ok(blob) => blob,
        // Past the end of the slice: broken. Too large for binwheel's read
        // caps, or unreadable: not binwheel's to judge.
        Err(e) if e.kind == InspectErrorKind::Truncated => return Err(e.to_string()),
        Err(e) => {
            sig.status = SignatureStatus::Unchecked(e.to_string());
            return Ok(Vec::new());
        }
    };
    let sb = Fields::new(blob, true);
    if blob.len() < 12 || sb.u32(0) != CSMAGIC_EMBEDDED_SIGNATURE {
        return Err(format!(
            "LC_CODE_SIGNATURE points at {} bytes that are not an embedded signature (magic {:#010x})",
            blob.len(),
            sb.u32(0)
        ));
    }
    let length = (sb.u32(4) as usize).min(blob.len());
    let count = sb.u32(8);
    if count > MAX_BLOBS || 12 + count as usize * 8 > length {
        return Err(format!(
            "the signature's SuperBlob lists {count} blobs in {length} bytes"
        ));
    }
    let mut best: Option<u8> = None;
    let mut directories = Vec::new();
    for i in 0..count as usize {
        let (slot, offset) = (sb.u32(12 + i * 8), sb.u32(16 + i * 8) as usize);
        let Some(body) = blob[..length].get(offset..).filter(|b| b.len() >= 8) else {
            return Err(format!("blob {i} of the signature starts outside it"));
        };
        let is_cd = slot == CSSLOT_CODEDIRECTORY
            || (CSSLOT_ALTERNATE_CODEDIRECTORIES..CSSLOT_ALTERNATE_END).contains(&slot);
        if !is_cd {
            continue;
        }
        let cd = directory(body, input.len, sig, &mut best)?;
        directories.extend(cd);
    }
    if sig.hashes.is_empty() {
        return Err("the signature has no CodeDirectory".into());
    }
    // Every directory must be well formed, but macOS checks pages against the
    // strongest one it knows, and so does binwheel.
    let strongest = directories.into_iter().max_by_key(|d| d.hash.rank());
    Ok(strongest.into_iter().collect())
}

/// One CodeDirectory: its facts go into `sig` when it is the strongest so
/// far; its page hashes are returned if binwheel can compute them.
fn directory(
    body: &[u8],
    slice_len: u64,
    sig: &mut CodeSignature,
    best: &mut Option<u8>,
) -> Result<Option<Directory>, String> {
    let f = Fields::new(body, true);
    if f.u32(0) != CSMAGIC_CODEDIRECTORY || body.len() < 44 {
        return Err(format!(
            "a CodeDirectory slot holds magic {:#010x}, not a CodeDirectory",
            f.u32(0)
        ));
    }
    let length = f.u32(4) as usize;
    let Some(cd) = body.get(..length).filter(|_| length >= 44) else {
        return Err(format!(
            "a CodeDirectory claims {length} bytes, but {} remain in the signature",
            body.len()
        ));
    };
    let f = Fields::new(cd, true);
    let version = f.u32(8);
    let flags = f.u32(12);
    let (hash_offset, n_slots) = (u64::from(f.u32(16)), u64::from(f.u32(28)));
    let mut code_limit = u64::from(f.u32(32));
    if version >= 0x20300 && cd.len() >= 64 && f.u64(56) != 0 {
        code_limit = f.u64(56);
    }
    let (hash_size, hash, page_log) = (f.u8(36), HashType::from_code(f.u8(37)), f.u8(39));
    sig.hashes.push(hash);
    if best.is_none_or(|rank| hash.rank() > rank) {
        *best = Some(hash.rank());
        sig.hash = hash;
        sig.version = version;
        sig.flags = flags;
        sig.code_limit = code_limit;
        sig.page_size = if page_log == 0 {
            code_limit
        } else {
            1u64 << page_log.min(63)
        };
        sig.identifier = cstr(cd, f.u32(20) as usize);
        let team = (version >= 0x20200 && cd.len() >= 52)
            .then(|| f.u32(48) as usize)
            .filter(|&at| at != 0)
            .and_then(|at| cstr(cd, at));
        sig.kind = match team {
            _ if flags & CS_ADHOC != 0 => SignatureKind::AdHoc,
            Some(team) => SignatureKind::TeamId(team),
            None => SignatureKind::Certificate,
        };
    }
    let Some(size) = hash.size() else {
        return Ok(None);
    };
    if usize::from(hash_size) != size {
        return Err(format!(
            "a {} CodeDirectory says its hashes are {hash_size} bytes",
            hash.name()
        ));
    }
    if page_log > MAX_PAGE_LOG {
        return Err(format!(
            "a CodeDirectory claims pages of 2^{page_log} bytes"
        ));
    }
    if code_limit > slice_len {
        return Err(format!(
            "a CodeDirectory covers {code_limit} bytes, but the slice has {slice_len}"
        ));
    }
    let pages = match page_log {
        0 => u64::from(code_limit > 0),
        log => code_limit.div_ceil(1u64 << log),
    };
    if n_slots != pages {
        return Err(format!(
            "a CodeDirectory has {n_slots} page hashes for {code_limit} bytes ({pages} pages)"
        ));
    }
    let end = hash_offset + n_slots * size as u64;
    let Some(slots) = cd.get(hash_offset as usize..).and_then(|s| {
        usize::try_from(end - hash_offset)
            .ok()
            .and_then(|n| s.get(..n))
    }) else {
        return Err(format!(
            "a CodeDirectory's page hashes (bytes {hash_offset}..{end}) run past its {} bytes",
            cd.len()
        ));
    };
    Ok(Some(Directory {
        hash,
        page_log,
        code_limit,
        slots: slots.to_vec(),
    }))
}

/// A NUL-terminated string at `at` inside `cd`.
fn cstr(cd: &[u8], at: usize) -> Option<String> {
    let rest = cd.get(at..).filter(|_| at != 0)?;
    let end = rest.iter().position(|&b| b == 0)?;
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Verify each pending slice's page hashes against `reader`, streaming, and
/// record the outcome in its signature.
pub(super) fn settle<Rd: Read + Seek>(
    slices: &mut [super::MachoSlice],
    pending: Vec<Pending>,
    mut reader: Rd,
) {
    let mut buf = vec![0u8; CHUNK];
    for p in pending {
        let Some(sig) = slices.get_mut(p.slice).and_then(|s| s.signature.as_mut()) else {
            continue;
        };
        let mut status = None;
        for d in &p.directories {
            let outcome = match d.hash {
                HashType::Sha1 => verify::<Sha1, _>(&mut reader, p.base, d, &mut buf),
                HashType::Sha256 | HashType::Sha256Truncated => {
                    verify::<Sha256, _>(&mut reader, p.base, d, &mut buf)
                }
                HashType::Sha384 => verify::<Sha384, _>(&mut reader, p.base, d, &mut buf),
                HashType::Unknown(_) => continue,
            };
            let this = match outcome {
                Ok(Ok(pages)) => SignatureStatus::Verified { pages },
                Ok(Err(page)) => SignatureStatus::Mismatch {
                    page,
                    offset: page << d.page_log,
                },
                Err(e) => SignatureStatus::Unchecked(format!("cannot read the code pages: {e}")),
            };
            // A mismatch in any directory wins; then whatever was not verified.
            status = Some(match (status, this) {
                (Some(m @ SignatureStatus::Mismatch { .. }), _) => m,
                (_, m @ SignatureStatus::Mismatch { .. }) => m,
                (Some(u @ SignatureStatus::Unchecked(_)), _) => u,
                (_, this) => this,
            });
        }
        if let Some(status) = status {
            sig.status = status;
        }
    }
}

/// Hash each page of `d` from the slice at `base`: the number of pages, or
/// the first page whose hash differs.
fn verify<D: Digest, Rd: Read + Seek>(
    reader: &mut Rd,
    base: u64,
    d: &Directory,
    buf: &mut [u8],
) -> std::io::Result<Result<u64, u64>> {
    reader.seek(SeekFrom::Start(base))?;
    let size = d.hash.size().unwrap_or(0);
    let page_size = if d.page_log == 0 {
        d.code_limit
    } else {
        1u64 << d.page_log
    };
    let mut page = 0u64;
    let mut left_in_file = d.code_limit;
    for want in d.slots.chunks_exact(size.max(1)) {
        let mut left = page_size.min(left_in_file);
        left_in_file -= left;
        let mut hasher = D::new();
        while left > 0 {
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            reader.read_exact(&mut buf[..n])?;
            hasher.update(&buf[..n]);
            left -= n as u64;
        }
        if hasher.finalize().get(..size) != Some(want) {
            return Ok(Err(page));
        }
        page += 1;
    }
    Ok(Ok(page))
}

#[cfg(test)]
mod tests {
    use super::super::inspect_bytes;
    use super::*;

    /// One CodeDirectory to sign with: hash type code, its size, page log,
    /// flags and team.
    struct Cd {
        hash: u8,
        size: u8,
        page_log: u8,
        flags: u32,
        team: Option<&'static str>,
    }

    fn cd(hash: u8, size: u8) -> Cd {
        Cd {
            hash,
            size,
            page_log: 12,
            flags: CS_ADHOC,
            team: None,
        }
    }

    fn digest(hash: u8, data: &[u8]) -> Vec<u8> {
        match hash {
            1 => Sha1::digest(data).to_vec(),
            4 => Sha384::digest(data).to_vec(),
            _ => Sha256::digest(data).to_vec(),
        }
    }

    /// A thin arm64 Mach-O of `code` bytes (header and LC_CODE_SIGNATURE
    /// included) signed with `cds`, the first in the CodeDirectory slot.
    fn signed(code: usize, cds: &[Cd]) -> Vec<u8> {
        let mut d = Vec::new();
        for v in [0xfeed_facf_u32, 0x0100_000c, 0, 2, 1, 16, 0, 0] {
            d.extend(v.to_le_bytes());
        }
        for v in [LC_CODE_SIGNATURE, 16, code as u32, 0] {
            d.extend(v.to_le_bytes());
        }
        d.extend((d.len()..code).map(|i| (i * 7 % 251) as u8));
        // The signature's size is in the signed header: size it, then sign.
        let size = superblob(&d, cds).len() as u32;
        d[44..48].copy_from_slice(&size.to_le_bytes());
        let sb = superblob(&d, cds);
        d.extend(sb);
        d
    }

    fn superblob(d: &[u8], cds: &[Cd]) -> Vec<u8> {
        let code = d.len();
        let mut blobs = Vec::new();
        for c in cds {
            let page = if c.page_log == 0 {
                code
            } else {
                1 << c.page_log
            };
            let hashes: Vec<u8> = d
                .chunks(page)
                .flat_map(|p| digest(c.hash, p)[..usize::from(c.size)].to_vec())
                .collect();
            let ident = b"t\0";
            let team = c.team.map(|t| [t.as_bytes(), b"\0"].concat());
            let team_len = team.as_ref().map_or(0, Vec::len);
            let hash_offset = 88 + ident.len() + team_len;
            let mut b = Vec::new();
            for v in [
                CSMAGIC_CODEDIRECTORY,
                (hash_offset + hashes.len()) as u32,
                0x20400,
                c.flags,
                hash_offset as u32,
                88,
                0,
                (hashes.len() / usize::from(c.size)) as u32,
                code as u32,
            ] {
                b.extend(v.to_be_bytes());
            }
            b.extend([c.size, c.hash, 0, c.page_log]);
            b.extend([0u8; 4 * 3]); // spare2, scatter, team (below)
            if team.is_some() {
                b[48..52].copy_from_slice(&(88 + ident.len() as u32).to_be_bytes());
            }
            b.resize(88, 0);
            b.extend(ident);
            b.extend(team.unwrap_or_default());
            b.extend(hashes);
            blobs.push(b);
        }
        let mut sb = Vec::new();
        let mut at = 12 + 8 * blobs.len();
        let total = at + blobs.iter().map(Vec::len).sum::<usize>();
        for v in [CSMAGIC_EMBEDDED_SIGNATURE, total as u32, blobs.len() as u32] {
            sb.extend(v.to_be_bytes());
        }
        for (i, b) in blobs.iter().enumerate() {
            let slot = if i == 0 {
                CSSLOT_CODEDIRECTORY
            } else {
                CSSLOT_ALTERNATE_CODEDIRECTORIES + i as u32 - 1
            };
            sb.extend(slot.to_be_bytes());
            sb.extend((at as u32).to_be_bytes());
            at += b.len();
        }
        for b in blobs {
            sb.extend(b);
        }
        sb
    }

    fn signature(data: &[u8]) -> CodeSignature {
        let facts = inspect_bytes(data).unwrap();
        facts.macho.unwrap().slices[0].signature.clone().unwrap()
    }

    #[test]
    fn every_hash_type_verifies() {
        let sig = signature(&signed(10_000, &[cd(1, 20), cd(2, 32)]));
        assert_eq!(sig.hashes, [HashType::Sha1, HashType::Sha256]);
        assert_eq!(sig.hash, HashType::Sha256, "the strongest directory");
        assert_eq!(sig.status, SignatureStatus::Verified { pages: 3 });
        assert_eq!((sig.page_size, sig.code_limit), (4096, 10_000));
        assert_eq!(sig.identifier.as_deref(), Some("t"));
        assert_eq!(sig.kind, SignatureKind::AdHoc);

        let sig = signature(&signed(10_000, &[cd(3, 20), cd(4, 48)]));
        assert_eq!(sig.hash, HashType::Sha384);
        assert_eq!(sig.status, SignatureStatus::Verified { pages: 3 });

        // Page size 0: the whole code limit is one page.
        let one = Cd {
            page_log: 0,
            ..cd(2, 32)
        };
        let sig = signature(&signed(5000, &[one]));
        assert_eq!(sig.status, SignatureStatus::Verified { pages: 1 });
    }

    #[test]
    fn pages_are_checked_against_the_strongest_directory() {
        // SHA-1 directory at 10_000 + 28, SHA-256 one at 10_000 + 178; each
        // has its first page hash 90 bytes in.
        let mut data = signed(10_000, &[cd(1, 20), cd(2, 32)]);
        data[10_000 + 28 + 90] ^= 1;
        assert_eq!(
            signature(&data).status,
            SignatureStatus::Verified { pages: 3 }
        );
        data[10_000 + 178 + 90] ^= 1;
        assert_eq!(
            signature(&data).status,
            SignatureStatus::Mismatch { page: 0, offset: 0 }
        );
    }

    #[test]
    fn a_changed_byte_is_found() {
        let mut data = signed(10_000, &[cd(1, 20), cd(2, 32)]);
        data[9000] ^= 1;
        assert_eq!(
            signature(&data).status,
            SignatureStatus::Mismatch {
                page: 2,
                offset: 8192
            }
        );
        // The header is signed too (here: its flags).
        let mut data = signed(10_000, &[cd(2, 32)]);
        data[24] ^= 1;
        assert!(matches!(
            signature(&data).status,
            SignatureStatus::Mismatch { page: 0, .. }
        ));
    }

    #[test]
    fn team_id_and_certificate_kinds() {
        let team = Cd {
            flags: 0x1_0000,
            team: Some("ABCDE12345"),
            ..cd(2, 32)
        };
        let sig = signature(&signed(6000, &[team]));
        assert_eq!(sig.kind, SignatureKind::TeamId("ABCDE12345".into()));
        assert_eq!(sig.kind.describe(), "Team ID ABCDE12345");
        assert!(matches!(sig.status, SignatureStatus::Verified { .. }));
        let plain = Cd {
            flags: 0,
            ..cd(2, 32)
        };
        assert_eq!(
            signature(&signed(6000, &[plain])).kind,
            SignatureKind::Certificate
        );
    }

    #[test]
    fn unknown_hashes_are_unchecked_and_broken_directories_invalid() {
        let sig = signature(&signed(6000, &[cd(9, 32)]));
        assert_eq!(sig.hash, HashType::Unknown(9));
        assert!(
            matches!(&sig.status, SignatureStatus::Unchecked(why) if why.contains("hash type 9")),
            "{sig:?}"
        );
        // A known directory beside an unknown one is still verified.
        let sig = signature(&signed(6000, &[cd(9, 32), cd(2, 32)]));
        assert_eq!(sig.status, SignatureStatus::Verified { pages: 2 });

        let invalid = |data: &[u8], want: &str| match signature(data).status {
            SignatureStatus::Invalid(why) => assert!(why.contains(want), "{why}"),
            other => panic!("{other:?}"),
        };
        let good = signed(6000, &[cd(2, 32)]);
        let cd_at = 6000 + 20;
        // The page count does not match the code limit.
        let mut data = good.clone();
        data[cd_at + 28..cd_at + 32].copy_from_slice(&9u32.to_be_bytes());
        invalid(&data, "9 page hashes for 6000 bytes (2 pages)");
        // A code limit past the end of the slice.
        let mut data = good.clone();
        data[cd_at + 32..cd_at + 36].copy_from_slice(&u32::MAX.to_be_bytes());
        invalid(&data, "covers 4294967295 bytes");
        // A hash size that is not the hash type's.
        let mut data = good.clone();
        data[cd_at + 36] = 20;
        invalid(&data, "says its hashes are 20 bytes");
        // Not a SuperBlob at all.
        let mut data = good.clone();
        data[6000] = 0;
        invalid(&data, "not an embedded signature");
        // A hostile blob count.
        let mut data = good.clone();
        data[6008..6012].copy_from_slice(&u32::MAX.to_be_bytes());
        invalid(&data, "lists 4294967295 blobs");
        // A signature past the end of the file.
        invalid(&good[..good.len() - 1], "runs past the end");
        // One larger than binwheel reads for a table: not judged.
        let mut data = good.clone();
        data.resize(6000 + (17 << 20), 0);
        data[44..48].copy_from_slice(&(17u32 << 20).to_le_bytes());
        let sig = signature(&data);
        assert!(
            matches!(&sig.status, SignatureStatus::Unchecked(why) if why.contains("16 MiB")),
            "{sig:?}"
        );
    }
}
