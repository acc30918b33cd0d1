# SPDX-License-Identifier: MIT
"""PYNQ's register_map: a CU's registers by name, with the offsets the
xclbin's EMBEDDED_METADATA gives each arg (xclbin.py), values read through
the CU's `registers` file."""

# The block-level registers every HLS kernel has.
CONTROL = (("CTRL", 0x0, 4), ("GIER", 0x4, 4), ("IP_IER", 0x8, 4), ("IP_ISR", 0xC, 4))


class RegisterMap:
    """Read-only: each register an attribute whose value is read when asked."""

    def __init__(self, ip, args):
        object.__setattr__(self, "_ip", ip)
        object.__setattr__(self, "_regs", list(CONTROL) + list(args))

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
