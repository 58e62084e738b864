"""What a wheel's binaries really need, read without binwheel.

An independent, minimal reader of ELF, Mach-O and PE (standard library only)
that decides whether a wheel's platform tags are true, so that the corpus
test can tell a false alarm of `binwheel check` from a real false tag. It
shares no code and no table with binwheel's Rust reader; it is kept small on
purpose and reads only what the verdict needs:

- ELF: class, byte order, e_type, e_machine, EI_OSABI, PT_INTERP, and through
  PT_DYNAMIC (so that binaries without section headers read too) DT_NEEDED
  and the versions required from each library (DT_VERNEED: GLIBC_2.17 ...).
- Mach-O, thin or fat: per slice cputype, filetype, the minimum macOS
  (LC_BUILD_VERSION, else LC_VERSION_MIN_MACOSX) and LC_CODE_SIGNATURE, whose
  CodeDirectory page hashes are checked against the slice's bytes.
- PE: the COFF machine and the imported DLLs.

Which members count: a file the wheel presents as runnable (issue 17's
definition): an executable or shared library (ET_EXEC/ET_DYN,
MH_EXECUTE/MH_DYLIB/MH_BUNDLE, a PE image) that has an execute bit, is in
`.data/scripts/`, in a `_bin/` or `*.libs` directory, or is needed by another
such file; a PE image named `.exe`, `.dll` or `.pyd` (wheels built on Windows
carry no modes). Everything else is data.

A tag is false when a machine it admits cannot run a runnable member: the
wrong architecture or OS, musl against a manylinux tag, glibc against a
musllinux tag, GLIBC_ versions above the manylinux floor, a macOS floor
(minos) above the tag's, an arm64 slice with no signature or with page hashes
that do not match (Apple Silicon kills both at launch). Running by
emulation (an x86_64 Mach-O on an arm64 Mac: Rosetta 2; x86_64 or i686 PE on
Windows on Arm; i686 PE on x64 Windows) is not a false tag: it is listed
among the remarks.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

# ---------------------------------------------------------------------------
# ELF

ELF_MACHINES = {3: "i686", 62: "x86_64", 183: "aarch64", 40: "armv7l", 22: "s390x", 243: "riscv64", 8: "mips", 20: "ppc", 21: "ppc64"}
ELF_OSABI = {0: "sysv", 3: "linux", 6: "solaris", 9: "freebsd", 12: "openbsd", 2: "netbsd"}
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
DT_NEEDED, DT_STRTAB, DT_VERNEED, DT_VERNEEDNUM = 1, 5, 0x6FFFFFFE, 0x6FFFFFFF


@dataclass
class Elf:
    kind: str  # "exec", "dyn", "rel", "core", "other"
    arch: str
    osabi: str
    interp: Optional[str]
    needed: list[str]
    versions: dict[str, set[str]]  # library -> version names needed from it

    @property
    def musl(self) -> bool:
        libs = self.needed + ([self.interp] if self.interp else [])
        return any("ld-musl-" in posixpath.basename(l) or posixpath.basename(l).startswith("libc.musl-") for l in libs)

    @property
    def glibc(self) -> bool:
        if any(v.startswith("GLIBC_") for vs in self.versions.values() for v in vs):
            return True
        libs = self.needed + ([self.interp] if self.interp else [])
        return any(posixpath.basename(l) in ("libc.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "ld-linux.so.2", "ld-linux-armhf.so.3") for l in libs)

    @property
    def glibc_floor(self) -> Optional[tuple[int, int]]:
        best = None
        for vs in self.versions.values():
            for v in vs:
                m = re.fullmatch(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?", v)
                if m:
                    t = (int(m[1]), int(m[2]))
                    best = t if best is None or t > best else best
        return best


def read_elf(data: bytes) -> Optional[Elf]:
    if len(data) < 64 or data[:4] != b"\x7fELF":
        return None
    cls, endian = data[4], data[5]
    if cls not in (1, 2) or endian not in (1, 2):
        return None
    e = "<" if endian == 1 else ">"
    is64 = cls == 2
    e_type, e_machine = struct.unpack_from(e + "HH", data, 16)
    if is64:
        e_phoff, = struct.unpack_from(e + "Q", data, 32)
        e_phentsize, e_phnum = struct.unpack_from(e + "HH", data, 54)
    else:
        e_phoff, = struct.unpack_from(e + "I", data, 28)
        e_phentsize, e_phnum = struct.unpack_from(e + "HH", data, 42)
    arch = ELF_MACHINES.get(e_machine, f"machine-{e_machine}")
    if arch == "ppc64" and endian == 1:
        arch = "ppc64le"
    kind = {1: "rel", 2: "exec", 3: "dyn", 4: "core"}.get(e_type, "other")
    loads, dynamic, interp = [], None, None
    for i in range(e_phnum):
        off = e_phoff + i * e_phentsize
        if off + e_phentsize > len(data):
            break
        if is64:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(e + "IIQQQQ", data, off)
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(e + "IIIII", data, off)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
        elif p_type == PT_INTERP:
            interp = data[p_offset:p_offset + p_filesz].split(b"\0", 1)[0].decode("latin-1")

    def at(vaddr: int) -> Optional[int]:
        for v, o, size in loads:
            if v <= vaddr < v + size:
                return o + (vaddr - v)
        return None

    needed: list[str] = []
    versions: dict[str, set[str]] = {}
    if dynamic:
        entries, fmt = [], e + ("qQ" if is64 else "iI")
        step = struct.calcsize(fmt)
        for off in range(dynamic[0], min(dynamic[0] + dynamic[1], len(data) - step + 1), step):
            tag, val = struct.unpack_from(fmt, data, off)
            if tag == 0:
                break
            entries.append((tag, val))
        strtab = next((at(v) for t, v in entries if t == DT_STRTAB), None)

        def string(offset: int) -> str:
            start = strtab + offset
            return data[start:data.index(b"\0", start)].decode("latin-1")

        if strtab is not None:
            needed = [string(v) for t, v in entries if t == DT_NEEDED]
            verneed = next((at(v) for t, v in entries if t == DT_VERNEED), None)
            count = next((v for t, v in entries if t == DT_VERNEEDNUM), 0)
            off = verneed
            for _ in range(count if off is not None else 0):
                _ver, cnt, file_, aux, nxt = struct.unpack_from(e + "HHIII", data, off)
                names = versions.setdefault(string(file_), set())
                a = off + aux
                for _ in range(cnt):
                    _hash, _flags, _other, name, anext = struct.unpack_from(e + "IHHII", data, a)
                    names.add(string(name))
                    if not anext:
                        break
                    a += anext
                if not nxt:
                    break
                off += nxt
    return Elf(kind, arch, ELF_OSABI.get(data[7], f"osabi-{data[7]}"), interp, needed, versions)


# ---------------------------------------------------------------------------
# Mach-O

MACHO_CPUS = {0x01000007: "x86_64", 0x0100000C: "arm64", 7: "i386", 12: "arm", 18: "ppc", 0x0200000C: "arm64_32"}
MH_KINDS = {1: "object", 2: "execute", 6: "dylib", 8: "bundle", 7: "dylinker", 9: "dylib_stub", 10: "dsym"}
LC_CODE_SIGNATURE, LC_VERSION_MIN_MACOSX, LC_BUILD_VERSION, LC_LOAD_DYLIB = 0x1D, 0x24, 0x32, 0xC


@dataclass
class Slice:
    arch: str
    kind: str
    minos: Optional[tuple[int, int]]
    signed: bool
    # None: unsigned or the signature is unreadable; else whether every
    # page hash of the CodeDirectory matches the bytes
    hashes_match: Optional[bool]
    libs: list[str]


def _version(v: int) -> tuple[int, int]:
    return (v >> 16, (v >> 8) & 0xFF)


def read_slice(data: bytes) -> Optional[Slice]:
    magic = data[:4]
    if magic in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe"):
        e = "<"
    elif magic in (b"\xfe\xed\xfa\xcf", b"\xfe\xed\xfa\xce"):
        e = ">"
    else:
        return None
    is64 = magic in (b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf")
    cputype, _sub, filetype, ncmds, _size = struct.unpack_from(e + "iIIII", data, 4)
    off = 32 if is64 else 28
    minos = None
    signature = None
    libs = []
    for _ in range(ncmds):
        if off + 8 > len(data):
            break
        cmd, cmdsize = struct.unpack_from(e + "II", data, off)
        if cmd == LC_BUILD_VERSION:
            platform, vmin = struct.unpack_from(e + "II", data, off + 8)
            if platform == 1:  # PLATFORM_MACOS
                minos = _version(vmin)
        elif cmd == LC_VERSION_MIN_MACOSX and minos is None:
            minos = _version(struct.unpack_from(e + "I", data, off + 8)[0])
        elif cmd == LC_CODE_SIGNATURE:
            signature = struct.unpack_from(e + "II", data, off + 8)
        elif cmd == LC_LOAD_DYLIB:
            name_off, = struct.unpack_from(e + "I", data, off + 8)
            libs.append(data[off + name_off:off + cmdsize].split(b"\0", 1)[0].decode("latin-1"))
        if cmdsize < 8:
            break
        off += cmdsize
    hashes = _code_hashes_match(data, *signature) if signature else None
    return Slice(MACHO_CPUS.get(cputype & 0xFFFFFFFF, f"cpu-{cputype:#x}"), MH_KINDS.get(filetype, f"type-{filetype}"), minos, signature is not None, hashes, libs)


def _code_hashes_match(data: bytes, dataoff: int, datasize: int) -> Optional[bool]:
    """Whether each page hash of the (best) CodeDirectory in the signature
    at data[dataoff:dataoff+datasize] matches the bytes it covers."""
    blob = data[dataoff:dataoff + datasize]
    if len(blob) < 12 or blob[:4] != b"\xfa\xde\x0c\xc0":  # CSMAGIC_EMBEDDED_SIGNATURE
        return None
    _magic, _length, count = struct.unpack_from(">III", blob, 0)
    results = []
    for i in range(count):
        _type, offset = struct.unpack_from(">II", blob, 12 + 8 * i)
        if blob[offset:offset + 4] != b"\xfa\xde\x0c\x02":  # CSMAGIC_CODEDIRECTORY
            continue
        (_m, _len, _ver, _flags, hash_off, _ident, _nspecial, ncode, code_limit,
         hash_size, hash_type, _platform, page_log) = struct.unpack_from(">IIIIIIIIIBBBB", blob, offset)
        algo = {1: "sha1", 2: "sha256", 3: "sha256", 4: "sha384"}.get(hash_type)
        if algo is None:
            continue
        page = 1 << page_log if page_log else code_limit
        ok = True
        for n in range(ncode):
            start = n * page
            want = blob[offset + hash_off + n * hash_size:offset + hash_off + (n + 1) * hash_size]
            got = hashlib.new(algo, data[start:min(start + page, code_limit)]).digest()[:hash_size]
            if got != want:
                ok = False
                break
        results.append(ok)
    return all(results) if results else None


def read_macho(data: bytes) -> Optional[list[Slice]]:
    if data[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf"):
        wide = data[3] == 0xBF
        nfat, = struct.unpack_from(">I", data, 4)
        if not 0 < nfat < 20:  # a Java class file has the same magic
            return None
        slices = []
        for i in range(nfat):
            if wide:
                _cpu, _sub, offset, size, _align, _res = struct.unpack_from(">iIQQII", data, 8 + 32 * i)
            else:
                _cpu, _sub, offset, size, _align = struct.unpack_from(">iIIII", data, 8 + 20 * i)
            s = read_slice(data[offset:offset + size])
            if s:
                slices.append(s)
        return slices or None
    s = read_slice(data)
    return [s] if s else None


# ---------------------------------------------------------------------------
# PE

PE_MACHINES = {0x14C: "x86", 0x8664: "x86_64", 0xAA64: "arm64", 0x1C4: "arm"}


def read_pe(data: bytes) -> Optional[str]:
    """The COFF machine of a PE image, or None."""
    if data[:2] != b"MZ" or len(data) < 64:
        return None
    lfanew, = struct.unpack_from("<I", data, 0x3C)
    if data[lfanew:lfanew + 4] != b"PE\0\0":
        return None
    machine, = struct.unpack_from("<H", data, lfanew + 4)
    return PE_MACHINES.get(machine, f"machine-{machine:#x}")


def pe_imports(data: bytes) -> list[str]:
    """The DLLs a PE image imports (its import directory), as written."""
    lfanew, = struct.unpack_from("<I", data, 0x3C)
    nsections, = struct.unpack_from("<H", data, lfanew + 6)
    opt_size, = struct.unpack_from("<H", data, lfanew + 20)
    opt = lfanew + 24
    magic, = struct.unpack_from("<H", data, opt)
    dirs = opt + (112 if magic == 0x20B else 96)  # PE32+ or PE32
    import_rva, _size = struct.unpack_from("<II", data, dirs + 8)
    sections = []
    for i in range(nsections):
        _vsize, vaddr, rawsize, rawptr = struct.unpack_from("<IIII", data, opt + opt_size + 40 * i + 8)
        sections.append((vaddr, max(rawsize, _vsize), rawptr))

    def at(rva: int) -> Optional[int]:
        for vaddr, size, rawptr in sections:
            if vaddr <= rva < vaddr + size:
                return rawptr + rva - vaddr
        return None

    out, off = [], at(import_rva) if import_rva else None
    while off is not None and off + 20 <= len(data):
        name_rva, = struct.unpack_from("<I", data, off + 12)
        if not name_rva:
            break
        name_off = at(name_rva)
        if name_off is not None:
            out.append(data[name_off:data.index(b"\0", name_off)].decode("latin-1"))
        off += 20
    return out


# ---------------------------------------------------------------------------
# a wheel


@dataclass
class Member:
    name: str
    mode: int
    elf: Optional[Elf] = None
    macho: Optional[list[Slice]] = None
    pe: Optional[str] = None
    imports: list[str] = field(default_factory=list)

    @property
    def executable_kind(self) -> bool:
        if self.elf:
            return self.elf.kind in ("exec", "dyn")
        if self.macho:
            return all(s.kind in ("execute", "dylib", "bundle") for s in self.macho)
        return self.pe is not None


@dataclass
class Verdict:
    tags: list[str]
    runnable: list[str] = field(default_factory=list)
    data: int = 0  # binaries the wheel holds as data
    false_tags: list[str] = field(default_factory=list)  # a machine the tags admit cannot run a file
    defects: list[str] = field(default_factory=list)  # true, but no false tag (e.g. killed at launch everywhere)
    remarks: list[str] = field(default_factory=list)  # runs, by emulation and the like

    def member_of(self, entry: str) -> str:
        """The member an entry of false_tags, defects or remarks is about
        (they read "TAG: MEMBER: why" or "MEMBER: why")."""
        parts = entry.split(": ")
        return parts[1] if parts[0] in self.tags else parts[0]

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def wheel_tags(filename: str) -> list[str]:
    return filename[:-4].split("-")[-1].split(".")


def members(path: Path, broken: Optional[list] = None) -> list[Member]:
    """The ELF, Mach-O and PE members of the wheel at `path`; a member that
    does not decompress is appended to `broken` (pip cannot install it)."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            try:
                with zf.open(info) as f:
                    head = f.read(4)
                if head[:4] not in (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf", b"\xfe\xed\xfa\xcf") and head[:2] != b"MZ":
                    continue
                data = zf.read(info)
            except (zlib.error, zipfile.BadZipFile, EOFError) as e:
                if broken is not None:
                    broken.append(f"{info.filename}: does not decompress ({e}); no installer can unpack the wheel")
                continue
            m = Member(info.filename, (info.external_attr >> 16) & 0o7777)
            m.elf = read_elf(data)
            m.macho = None if m.elf else read_macho(data)
            m.pe = None if (m.elf or m.macho) else read_pe(data)
            if m.pe:
                m.imports = pe_imports(data)
            if m.elf or m.macho or m.pe:
                out.append(m)
    return out


def runnable(ms: list[Member]) -> tuple[list[Member], int]:
    def presented(m: Member) -> bool:
        parts = m.name.split("/")
        if m.mode & 0o111 or ".data/scripts/" in m.name or "_bin" in parts[:-1] or any(p.endswith(".libs") for p in parts[:-1]):
            return True
        return m.pe is not None and m.name.lower().endswith((".exe", ".dll", ".pyd")) and "testdata" not in parts
    cands = [m for m in ms if m.executable_kind]
    run = {m.name for m in cands if presented(m)}
    # what a runnable file loads is runnable too
    changed = True
    while changed:
        changed = False
        wanted = set()
        for m in cands:
            if m.name in run:
                if m.elf:
                    wanted |= set(m.elf.needed)
                for s in m.macho or []:
                    wanted |= {posixpath.basename(l) for l in s.libs}
        for m in cands:
            if m.name not in run and posixpath.basename(m.name) in wanted:
                run.add(m.name)
                changed = True
    chosen = [m for m in cands if m.name in run]
    return chosen, len(ms) - len(chosen)


def judge_wheel(path: Path) -> Verdict:
    tags = wheel_tags(path.name)
    verdict = Verdict(tags)
    broken: list[str] = []
    chosen, verdict.data = runnable(members(path, broken))
    verdict.defects += broken
    for m in chosen:
        verdict.runnable.append(m.name)
        for tag in tags:
            for problem in _problems(tag, m, verdict):
                verdict.false_tags.append(f"{tag}: {m.name}: {problem}")
        for dll in m.imports:
            if re.fullmatch(r"(?i)vcruntime140(_1)?\.dll", dll):
                verdict.remarks.append(f"{m.name}: imports {dll} (the Visual C++ runtime: CPython installs it, a bare Windows may lack it)")
        for s in m.macho or []:
            if s.arch == "arm64" and not s.signed:
                verdict.defects.append(f"{m.name}: arm64 slice has no code signature")
            if s.hashes_match is False:
                verdict.defects.append(f"{m.name}: {s.arch} slice modified after signing (page hashes differ)")
    for field_ in ("false_tags", "defects", "remarks"):
        setattr(verdict, field_, sorted(set(getattr(verdict, field_))))
    return verdict


def _problems(tag: str, m: Member, verdict: Verdict) -> list[str]:
    out = []
    if tag == "any":
        return ["a binary in a pure-Python (any) wheel"]
    m_linux = re.fullmatch(r"(manylinux_(\d+)_(\d+)|manylinux1|manylinux2010|manylinux2014|musllinux_(\d+)_(\d+)|linux)_(\w+)", tag)
    m_mac = re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", tag)
    m_win = re.fullmatch(r"win32|win_amd64|win_arm64", tag)
    if m_linux:
        family, arch = m_linux[1], m_linux[6]
        if not m.elf:
            return [f"a {'Mach-O' if m.macho else 'PE'} file in a Linux wheel"]
        e = m.elf
        if e.osabi not in ("sysv", "linux"):
            out.append(f"an ELF for {e.osabi}")
        if e.arch != arch:
            out.append(f"{e.arch}, not {arch}")
        if family.startswith("manylinux"):
            floor = LEGACY.get(family) or (int(m_linux[2]), int(m_linux[3]))
            if e.musl:
                out.append("linked against musl (" + ", ".join(n for n in e.needed + [e.interp or ""] if "musl" in n) + ")")
            elif e.glibc_floor and e.glibc_floor > floor:
                out.append(f"needs GLIBC_{e.glibc_floor[0]}.{e.glibc_floor[1]}, above the tag's glibc {floor[0]}.{floor[1]}")
        elif family.startswith("musllinux") and e.glibc and not e.musl:
            out.append("linked against glibc (" + ", ".join(sorted({n for n in e.needed if n.startswith("libc.so")} | ({"GLIBC_ versions"} if e.glibc_floor else set()))) + ")")
        return out
    if m_mac:
        floor, arch = (int(m_mac[1]), int(m_mac[2])), m_mac[3]
        if not m.macho:
            return [f"an {'ELF' if m.elf else 'PE'} file in a macOS wheel"]
        want = {"universal2": {"x86_64", "arm64"}, "intel": {"x86_64", "i386"}, "universal": {"x86_64", "i386"}}.get(arch, {arch})
        have = {s.arch: s for s in m.macho}
        for a in sorted(want):
            s = have.get(a)
            if s is None:
                if a == "arm64" and "x86_64" in have:
                    verdict.remarks.append(f"{tag}: {m.name}: x86_64 only; runs on arm64 under Rosetta 2")
                    s = have["x86_64"]
                else:
                    out.append(f"no {a} slice (has {', '.join(sorted(have))})")
                    continue
            # every Mac that runs arm64 code has macOS 11 or later
            admitted = max(floor, (11, 0)) if s.arch == "arm64" else floor
            if s.minos and s.minos > admitted:
                out.append(f"{s.arch} slice needs macOS {s.minos[0]}.{s.minos[1]}, above the tag's {admitted[0]}.{admitted[1]}")
        return out
    if m_win:
        if not m.pe:
            return [f"an {'ELF' if m.elf else 'Mach-O'} file in a Windows wheel"]
        want = {"win32": "x86", "win_amd64": "x86_64", "win_arm64": "arm64"}[tag]
        if m.pe != want:
            emulated = (want == "arm64" and m.pe in ("x86_64", "x86")) or (want == "x86_64" and m.pe == "x86")
            if emulated:
                verdict.remarks.append(f"{tag}: {m.name}: {m.pe} PE; runs by emulation")
            else:
                out.append(f"a {m.pe} PE, not {want}")
        return out
    return [f"a tag binwheel's evidence does not judge: {tag}"]
