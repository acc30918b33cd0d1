# SPDX-License-Identifier: MIT
"""PYNQ's allocate(): numpy arrays over pynqfs buffer files.

The array's memory is the host's; sync_to_device() writes its bytes to the
buffer file (each write(2) reaches the device before it returns) and
sync_from_device() reads them back (never stale). A slice is an array
whose syncs move only its bytes, and which passes to kernels as a byte
range of its buffer (PATH[START:END], an XRT sub-buffer). The buffer file
is held open and marked user.pynq.autofree: it goes when the array is
freed, closed, or when the process ends in any way.
"""
import itertools
import os
import weakref

import numpy as np

from .errors import PynqfsError, raise_from

_ids = itertools.count()
_live = weakref.WeakSet()  # this process's buffers, for Overlay's frees


class _Backing:
    """A buffer file held open; closing it (the last close) removes it."""

    def __init__(self, path, rel, card_dir, fd, host, nbytes):
        self.path, self.rel, self.card_dir, self.fd = path, rel, card_dir, fd
        self.host, self.nbytes = host, nbytes
        self.closed = False

    def close(self):
        if not self.closed:
            self.closed = True
            os.close(self.fd)


class PynqBuffer(np.ndarray):
    """An array over a device buffer (PYNQ's PynqBuffer)."""

    def __array_finalize__(self, obj):
        self._pq = getattr(obj, "_pq", None)

    def __array_wrap__(self, out, context=None):
        # What arithmetic makes is host memory of its own, not the buffer.
        return np.asarray(out) if out.shape else out[()]

    def _backing(self):
        b = self._pq
        if b is None:
            raise ValueError("this array is not a device buffer (allocate() makes them)")
        if b.closed:
            raise ValueError("the buffer was freed")
        return b

    def _span(self):
        """(offset, bytes) of this array within its buffer; contiguous ones only."""
        b = self._backing()
        off = self.__array_interface__["data"][0] - b.host
        if off < 0 or off + self.nbytes > b.nbytes:
            raise ValueError("this array is not a device buffer (a result of arithmetic?)")
        if not self.flags["C_CONTIGUOUS"]:
            raise ValueError("a strided slice is no byte range of its buffer: "
                             "copy it into a buffer of its own")
        return off, self.nbytes

    def _bytes(self):
        return memoryview(self.view(np.uint8).reshape(-1)) if self.nbytes else memoryview(b"")

    def sync_to_device(self):
        """Write this array's bytes to its buffer (all of it, or this slice's)."""
        b = self._backing()
        off, n = self._span()
        view = self._bytes()
        done = 0
        try:
            while done < n:
                done += os.pwrite(b.fd, view[done:], off + done)
        except OSError as e:
            raise_from(e, b.card_dir, "sync_to_device %s" % b.rel)

    def sync_from_device(self):
        """Read this array's bytes back from its buffer."""
        b = self._backing()
        off, n = self._span()
        view = self._bytes()
        done = 0
        try:
            while done < n:
                got = os.preadv(b.fd, [view[done:]], off + done)
                if got <= 0:
                    raise PynqfsError(5, "sync_from_device %s: short read" % b.rel)
                done += got
        except OSError as e:
            if isinstance(e, PynqfsError):
                raise
            raise_from(e, b.card_dir, "sync_from_device %s" % b.rel)

    flush = sync_to_device
    invalidate = sync_from_device

    @property
    def device_address(self):
        """The device address of this array's first byte."""
        b = self._backing()
        off, _ = self._span()
        return int(os.getxattr(b.path, "user.pynq.address").decode(), 16) + off

    physical_address = device_address

    @property
    def arg(self):
        """How `args` names this array: its buffer, or a byte range of it."""
        b = self._backing()
        off, n = self._span()
        if off == 0 and n == b.nbytes:
            return b.rel
        return "%s[%d:%d]" % (b.rel, off, off + n)

    def freebuffer(self):
        """Free the buffer now (it goes at this close: user.pynq.autofree)."""
        if self._pq is not None:
            self._pq.close()

    close = freebuffer

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.freebuffer()
        return False


def _default_bank():
    from .device import Device

    banks = os.path.join(Device.active_device.path, "banks")
    names = sorted(os.listdir(banks))
    if not names:
        raise PynqfsError(2, "allocate: the active card has no banks (load an Overlay first)")
    return os.path.join(banks, names[0])


def allocate(shape, dtype="u4", target=None, **kwargs):
    """A PynqBuffer of shape and dtype in target (a bank: ol.bank0), or the
    active card's first bank."""
    bank = target.path if target is not None else _default_bank()
    dtype = np.dtype(dtype)
    arr = np.zeros(shape, dtype=dtype).view(PynqBuffer)
    card_dir = os.path.dirname(os.path.dirname(bank))
    name = "pynq-%d-%d" % (os.getpid(), next(_ids))
    path = os.path.join(bank, name)
    rel = os.path.join("banks", os.path.basename(bank), name)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as e:
        raise_from(e, card_dir, "allocate in %s" % bank)
    try:
        os.setxattr(path, "user.pynq.autofree", b"1")
        if arr.nbytes:
            os.ftruncate(fd, arr.nbytes)
    except OSError as e:
        os.close(fd)
        os.unlink(path)
        raise_from(e, card_dir, "allocate %d bytes in %s" % (arr.nbytes, bank))
    backing = _Backing(path, rel, card_dir, fd, arr.__array_interface__["data"][0],
                       arr.nbytes)
    arr._pq = backing
    weakref.finalize(arr, backing.close)
    _live.add(backing)
    return arr


def free_all(card_dir):
    """Close every buffer this process holds on a card (a new Overlay, free())."""
    for b in list(_live):
        if b.card_dir == card_dir:
            b.close()
