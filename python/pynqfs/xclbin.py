# SPDX-License-Identifier: MIT
"""The xclbin file as PYNQ reads it on the host: each kernel's register
offsets (EMBEDDED_METADATA), each CU's base (IP_LAYOUT), each memory's type
and base (MEM_TOPOLOGY). Sections an xclbin leaves out (a sw_emu build's)
give nothing."""
import struct
import xml.etree.ElementTree as ET

_SECTIONS = 0x1C8  # headers: kind u32, name[16], pad, offset u64, size u64
_METADATA, _MEM_TOPOLOGY, _IP_LAYOUT = 2, 6, 8
MEM_TYPES = ("DDR3", "DDR4", "DRAM", "STREAMING", "PREALLOCATED_GLOB", "ARE", "HBM", "BRAM",
             "URAM", "STREAMING_CONNECTION", "HOST", "PS_KERNEL")


def _sections(img):
    if img[:7] != b"xclbin2":
        raise ValueError("not an xclbin")
    nsec = struct.unpack_from("<I", img, 0x1C0)[0]
    out = {}
    for i in range(nsec):
        kind, = struct.unpack_from("<I", img, _SECTIONS + 40 * i)
        off, size = struct.unpack_from("<QQ", img, _SECTIONS + 40 * i + 24)
        out.setdefault(kind, img[off:off + size])
    return out


def _name(raw):
    return raw.split(b"\0", 1)[0].decode(errors="replace")


def read(path):
    """{"registers": {kernel: [(arg, offset, bytes)]}, "cus": {cu: base},
    "mems": {tag: (type name, raw type, base, bytes)}}."""
    with open(path, "rb") as f:
        secs = _sections(f.read())
    info = {"registers": {}, "cus": {}, "mems": {}}
    if _METADATA in secs:
        for k in ET.fromstring(secs[_METADATA].split(b"\0", 1)[0]).iter("kernel"):
            info["registers"][k.get("name")] = [
                (a.get("name"), int(a.get("offset", "0"), 0), int(a.get("size", "4"), 0))
                for a in k.iter("arg") if a.get("addressQualifier") != "4"]
    if _IP_LAYOUT in secs:
        s = secs[_IP_LAYOUT]
        for i in range(struct.unpack_from("<i", s, 0)[0]):
            _, _, base = struct.unpack_from("<IIQ", s, 8 + 80 * i)
            name = _name(s[8 + 80 * i + 16:8 + 80 * i + 80])
            info["cus"][name.split(":")[-1]] = base
    if _MEM_TOPOLOGY in secs:
        s = secs[_MEM_TOPOLOGY]
        for i in range(struct.unpack_from("<i", s, 0)[0]):
            t, used, size_kb, base = struct.unpack_from("<BB6xQQ", s, 8 + 40 * i)
            tag = _name(s[8 + 40 * i + 24:8 + 40 * i + 40])
            tname = MEM_TYPES[t] if t < len(MEM_TYPES) else str(t)
            info["mems"][tag] = (tname, t, base, size_kb * 1024)
    return info
