# SPDX-License-Identifier: MIT
"""Where the pynqfs mount is."""
import os


def mount_point():
    """$PYNQFS_MOUNT, else the first pynqfs mount of /proc/self/mounts."""
    env = os.environ.get("PYNQFS_MOUNT")
    if env:
        return env
    with open("/proc/self/mounts", encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[2] == "fuse.pynqfs":
                # /proc/self/mounts escapes spaces and the like as octal
                return fields[1].encode().decode("unicode_escape")
    raise FileNotFoundError("no pynqfs mount: mount one (pynqfs MOUNTPOINT) or set "
                            "PYNQFS_MOUNT")
