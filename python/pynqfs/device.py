# SPDX-License-Identifier: MIT
"""Cards as PYNQ's Device: Device.devices, Device.active_device."""
import os

from ._mount import mount_point


class _DeviceMeta(type):
    @property
    def devices(cls):
        """Every card of the mount, in order (the mount's ``cards`` file)."""
        root = mount_point()
        with open(os.path.join(root, "cards"), encoding="utf-8") as f:
            return [Device(line.split()[0], root) for line in f if line.strip()]

    @property
    def active_device(cls):
        """The card ``active`` points to."""
        root = mount_point()
        return Device(os.readlink(os.path.join(root, "active")).rstrip("/"), root)

    @active_device.setter
    def active_device(cls, device):
        """Point ``active`` at device: a new link renamed onto it, as pynqfs takes it."""
        root = mount_point()
        tmp = os.path.join(root, ".active-%d" % os.getpid())
        os.symlink(device.card, tmp)
        os.rename(tmp, os.path.join(root, "active"))


class Device(metaclass=_DeviceMeta):
    """One card: ``cardN`` of the mount."""

    def __init__(self, card, root=None):
        self.card = card
        self.path = os.path.join(root or mount_point(), card)

    @property
    def name(self):
        """The card's shell (platform) name, as XRT reports it."""
        with open(os.path.join(self.path, "name"), encoding="utf-8") as f:
            return f.read().strip()

    @property
    def backend(self):
        with open(os.path.join(self.path, "backend"), encoding="utf-8") as f:
            return f.read().strip()

    @property
    def sensors(self):
        raise NotImplementedError("pynqfs shows no sensors: the sim has none, and its xrt "
                                  "backend reads none (use xbutil examine on a real card)")

    def __eq__(self, other):
        return isinstance(other, Device) and other.path == self.path

    def __hash__(self):
        return hash(self.path)

    def __repr__(self):
        return "Device(%r)" % self.card
