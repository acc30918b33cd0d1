# SPDX-License-Identifier: MIT
"""PYNQ's XRT API over a pynqfs mount.

A PYNQ-on-Alveo program runs after one change, ``import pynqfs as pynq``:
``Overlay``, ``allocate``, ``Device`` and the kernels' ``call``/``start``
do what PYNQ's do, as file operations on the mount that ``PYNQFS_MOUNT``
names (else the first pynqfs mount of ``/proc/self/mounts``).
"""
from .buffer import PynqBuffer, allocate
from .device import Device
from .errors import PynqfsError
from .overlay import KernelIP, MemoryBank, Overlay, RunHandle, Stream

__all__ = ["Device", "Overlay", "allocate", "PynqBuffer", "PynqfsError", "KernelIP",
           "MemoryBank", "Stream", "RunHandle"]
