# SPDX-License-Identifier: MIT
"""PYNQ's register_map: a CU's registers by name, with the offsets the
xclbin's EMBEDDED_METADATA gives each arg (read from the xclbin file, as
PYNQ reads it), values read through the CU's `registers` file."""
import struct
import xml.etree.ElementTree as ET

_AXLF_SECTIONS = 0x1C8  # section headers: kind u32, name[16], pad, offset u64, size u64
_METADATA = 2

# The block-level registers every HLS kernel has.
_CONTROL = (("CTRL", 0x0, 4), ("GIER", 0x4, 4), ("IP_IER", 0x8, 4), ("IP_ISR", 0xC, 4))


def kernel_registers(xclbin_path):
    """{kernel name: [(arg name, offset, bytes)]} from an xclbin's metadata."""
    with open(xclbin_path, "rb") as f:
        img = f.read()
    if img[:7] != b"xclbin2":
        raise ValueError("%s is not an xclbin" % xclbin_path)
    nsec = struct.unpack_from("<I", img, 0x1C0)[0]
    for i in range(nsec):
        kind, = struct.unpack_from("<I", img, _AXLF_SECTIONS + 40 * i)
        off, size = struct.unpack_from("<QQ", img, _AXLF_SECTIONS + 40 * i + 24)
        if kind == _METADATA:
            xml = img[off:off + size].split(b"\0", 1)[0]
            break
    else:
        return {}
    out = {}
    for k in ET.fromstring(xml).iter("kernel"):
        regs = []
        for a in k.iter("arg"):
            if a.get("addressQualifier") == "4":  # a stream: no register
                continue
            regs.append((a.get("name"), int(a.get("offset", "0"), 0),
                         int(a.get("size", "4"), 0)))
        out[k.get("name")] = regs
    return out


class RegisterMap:
    """Read-only: each register an attribute whose value is read when asked."""

    def __init__(self, ip, args):
        object.__setattr__(self, "_ip", ip)
        object.__setattr__(self, "_regs", list(_CONTROL) + list(args))

    def _value(self, off, size):
        v = 0
        for w in range(0, max(size, 4), 4):
            v |= self._ip.read(off + w) << (8 * w)
        return v

    def __getattr__(self, name):
        for n, off, size in self._regs:
            if n == name:
                return self._value(off, size)
        raise AttributeError("%s has no register %s" % (self._ip.name, name))

    def __setattr__(self, name, value):
        raise AttributeError("register_map is read-only here: use write(offset, value)")

    def __iter__(self):
        return iter(n for n, _, _ in self._regs)

    def __repr__(self):
        lines = ["RegisterMap {"]
        for n, off, size in self._regs:
            lines.append("  %s (0x%x) = 0x%x," % (n, off, self._value(off, size)))
        return "\n".join(lines) + "\n}"
