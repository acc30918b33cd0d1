# SPDX-License-Identifier: MIT
"""PYNQ's Overlay over a card directory: programming, its compute units,
banks and streams as attributes, and the kernels' call/start."""
import errno
import os
import re
import struct

import numpy as np

from .buffer import PynqBuffer, free_all
from .device import Device
from .errors import PynqfsError, raise_from
from . import xclbin as _xclbin
from .registers import RegisterMap


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class MemoryBank:
    """A bank (ol.bank0, ol.HBM3): where allocate(target=...) puts buffers."""

    def __init__(self, overlay, name):
        self.name = name
        self.path = os.path.join(overlay.device.path, "banks", name)

    @property
    def tag(self):
        return os.getxattr(self.path, "user.pynq.tag").decode()

    @property
    def size(self):
        st = os.statvfs(self.path)
        return st.f_blocks * st.f_frsize

    @property
    def mem_used(self):
        st = os.statvfs(self.path)
        return (st.f_blocks - st.f_bfree) * st.f_frsize

    def __repr__(self):
        return "MemoryBank(%r)" % self.name


class Stream:
    """A kernel-to-kernel stream (ol.dc_0): its two ends."""

    def __init__(self, overlay, name):
        self.name, self._ol = name, overlay
        text = _read(os.path.join(overlay.device.path, "streams", name))
        fields = dict(w.split("=", 1) for w in text.split() if "=" in w)
        self.source, self.sink = fields.get("source", ""), fields.get("sink", "")

    @property
    def source_ip(self):
        return getattr(self._ol, self.source.split(".")[0])

    @property
    def sink_ip(self):
        return getattr(self._ol, self.sink.split(".")[0])

    def __repr__(self):
        return "Stream(%r: %s -> %s)" % (self.name, self.source, self.sink)


class RunHandle:
    """A started run (PYNQ's start() handle)."""

    def __init__(self, ip):
        self.ip = ip

    def wait(self):
        """Wait until the CU's runs started so far have ended; EIO (PynqfsError) if it failed."""
        line = self.ip._result()
        if line.startswith("error"):
            raise PynqfsError(errno.EIO, "%s: %s" % (self.ip.name, line))
        return line

    @property
    def done(self):
        """Whether every run started so far on the CU has ended."""
        fd = os.open(os.path.join(self.ip.path, "run"), os.O_RDONLY | os.O_NONBLOCK)
        try:
            os.read(fd, 320)
            return True
        except BlockingIOError:
            return False
        finally:
            os.close(fd)


class KernelIP:
    """A compute unit (ol.vadd_1)."""

    def __init__(self, overlay, name):
        self.name, self._ol = name, overlay
        self.path = os.path.join(overlay.device.path, "kernels", name)
        self.card_dir = overlay.device.path

    @property
    def signature(self):
        return _read(os.path.join(self.path, "signature")).strip()

    @property
    def args(self):
        """The args as `args` shows them: name -> value text."""
        text = _read(os.path.join(self.path, "args"))
        return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)

    @property
    def streams(self):
        d = os.path.join(self.path, "streams")
        return {p: os.path.basename(os.readlink(os.path.join(d, p)))
                for p in sorted(os.listdir(d))} if os.path.isdir(d) else {}

    @property
    def state(self):
        return _read(os.path.join(self.path, "state")).strip()

    def _host_args(self):
        """The args a caller passes: every one but the streams, in order."""
        inner = self.signature[self.signature.index("(") + 1:self.signature.rindex(")")]
        return [a.strip() for a in inner.split(",") if a.strip() and
                not a.strip().startswith("stream ")]

    @staticmethod
    def _text(v):
        if isinstance(v, PynqBuffer):
            return v.arg
        if isinstance(v, (bool, np.bool_)):
            return "1" if v else "0"
        if isinstance(v, (int, np.integer)):
            return str(int(v))
        if isinstance(v, (float, np.floating)):
            return repr(float(v))
        raise TypeError("a kernel arg is a buffer (allocate()) or a number, not %r" %
                        type(v).__name__)

    def _set_args(self, args):
        want = self._host_args()
        if len(args) != len(want):
            raise TypeError("%s takes %d args (%s), %d given" %
                            (self.name, len(want), ", ".join(want), len(args)))
        line = " ".join(self._text(a) for a in args) + "\n"
        try:
            with open(os.path.join(self.path, "args"), "w", encoding="utf-8") as f:
                f.write(line)
        except OSError as e:
            raise_from(e, self.card_dir, "%s args" % self.name)

    def _run(self, word):
        try:
            with open(os.path.join(self.path, "run"), "w", encoding="utf-8") as f:
                f.write(word + "\n")
        except OSError as e:
            raise_from(e, self.card_dir, "%s: %s" % (self.name, word))

    def _result(self):
        return _read(os.path.join(self.path, "run")).strip()

    def call(self, *args):
        """Run once with args and return when it has ended (PYNQ's call)."""
        self._set_args(args)
        self._run("call")

    def start(self, *args, waitfor=()):
        """Start a run with args; with waitfor (handles), once their CUs' runs have ended."""
        self._set_args(args)
        after = ",".join(sorted({h.ip.name for h in waitfor}))
        self._run("start after=" + after if after else "start")
        return RunHandle(self)

    def read(self, offset=0):
        """The 32-bit register at offset of the CU's control space."""
        fd = os.open(os.path.join(self.path, "registers"), os.O_RDONLY)
        try:
            return struct.unpack("<I", os.pread(fd, 4, offset))[0]
        except OSError as e:
            raise_from(e, self.card_dir, "%s.read(0x%x)" % (self.name, offset))
        finally:
            os.close(fd)

    def write(self, offset, value):
        """Write the 32-bit register at offset."""
        fd = os.open(os.path.join(self.path, "registers"), os.O_WRONLY)
        try:
            os.pwrite(fd, struct.pack("<I", value & 0xFFFFFFFF), offset)
        except OSError as e:
            raise_from(e, self.card_dir, "%s.write(0x%x)" % (self.name, offset))
        finally:
            os.close(fd)

    @property
    def register_map(self):
        """The CU's registers by name (read-only), offsets from the xclbin."""
        kernel = self.signature.split("(")[0]
        return RegisterMap(self, self._ol._info()["registers"].get(kernel, []))

    def __repr__(self):
        return "KernelIP(%r)" % self.signature


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Overlay:
    """An xclbin loaded on a card (PYNQ's Overlay)."""

    def __init__(self, xclbin, device=None, download=True):
        self.device = device if device is not None else Device.active_device
        self.xclbin = os.path.abspath(xclbin)  # relative: to the current directory
        if download:
            self.download()
        else:
            self._attach()

    def download(self):
        card = self.device.path
        with open(self.xclbin, "rb") as f:
            image = f.read()
        # As in PYNQ: a new Overlay frees what this process had on the card.
        free_all(card)
        try:
            with open(os.path.join(card, "overlay"), "wb") as f:
                f.write(image)
        except OSError as e:
            raise_from(e, card, "Overlay(%s)" % self.xclbin)
        self._attach()

    def _attach(self):
        card = self.device.path
        self.ip_dict, self.mem_dict = {}, {}
        for i, cu in enumerate(sorted(os.listdir(os.path.join(card, "kernels")))):
            ip = KernelIP(self, cu)
            kernel = ip.signature.split("(")[0]
            self.ip_dict[cu] = {"fullpath": cu, "type": kernel, "signature": ip.signature,
                                "streams": ip.streams, "index": i, "device": self.device,
                                "addr_range": os.stat(os.path.join(ip.path, "registers")).st_size,
                                "registers": {n: {"address_offset": o, "size": 8 * s}
                                              for n, o, s in self._info()["registers"].get(
                                                  kernel, [])}}
            if cu in self._info()["cus"]:
                self.ip_dict[cu]["phys_addr"] = self._info()["cus"][cu]
            self._set(cu, ip)
        for i, bank in enumerate(sorted(os.listdir(os.path.join(card, "banks")))):
            mb = MemoryBank(self, bank)
            self.mem_dict[bank] = {"tag": mb.tag, "size": mb.size, "used": 1,
                                   "streaming": False, "idx": i}
            mem = self._info()["mems"].get(mb.tag)
            if mem:  # what the xclbin says of it (a sw_emu build says nothing)
                self.mem_dict[bank].update(type=mem[0], raw_type=mem[1], base_address=mem[2])
            self._set(bank, mb)
        sdir = os.path.join(card, "streams")
        for name in sorted(os.listdir(sdir)) if os.path.isdir(sdir) else []:
            st = Stream(self, name)
            self.mem_dict[name] = {"tag": name, "used": 1, "streaming": True,
                                   "source": st.source, "sink": st.sink}
            self._set(name, st)
        self.__doc__ = _read(os.path.join(card, "summary"))

    def _info(self):
        if not hasattr(self, "_xinfo"):
            try:
                self._xinfo = _xclbin.read(self.xclbin)
            except (OSError, ValueError, struct.error):
                self._xinfo = {"registers": {}, "cus": {}, "mems": {}}
        return self._xinfo

    def _set(self, name, value):
        if _IDENT.match(name) and not hasattr(type(self), name):
            setattr(self, name, value)

    def free(self):
        """Free the design, and this process's buffers on the card first."""
        card = self.device.path
        free_all(card)
        try:
            os.truncate(os.path.join(card, "overlay"), 0)
        except OSError as e:
            raise_from(e, card, "free")

    def __repr__(self):
        return "Overlay(%r on %s)" % (self.xclbin, self.device.card)
