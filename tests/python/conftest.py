# SPDX-License-Identifier: MIT
"""A pynqfs mount for the Python package's tests: two sim cards."""
import errno
import os
import subprocess
import sys
import tempfile

import pytest

SRC = os.environ["PYNQFS_SRC"]
BUILD = os.environ["PYNQFS_BUILD"]
sys.path.insert(0, os.path.join(SRC, "python"))


def design(name):
    """An xclbin the build made: examples/NAME.xclbin or tests/NAME.xclbin."""
    for d in ("examples", "tests"):
        p = os.path.join(BUILD, d, name + ".xclbin")
        if os.path.exists(p):
            return p
    raise FileNotFoundError(name)


@pytest.fixture(scope="session")
def mount():
    work = tempfile.mkdtemp(prefix="pynqfs-pytest.")
    mnt = os.path.join(work, "mnt")
    os.mkdir(mnt)
    conf = os.path.join(work, "pynqfs.conf")
    with open(conf, "w") as f:
        f.write("""cards = ( { backend = "sim"; name = "xilinx_u200_gen3x16_xdma_2_202110_1"; any_shell = true; },
          { backend = "sim"; name = "xilinx_u280_gen3x16_xdma_1_202211_1"; any_shell = true; } );
sim = { kernel_path = [ "%s/tests/kernels", "%s/examples/kernels" ]; run_timeout_ms = 60000; };
""" % (BUILD, BUILD))
    env = dict(os.environ, ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:log_path=%s/asan" % work)
    subprocess.run([os.path.join(BUILD, "pynqfs"), "-o", "config=" + conf, mnt], check=True,
                   env=env)
    os.environ["PYNQFS_MOUNT"] = mnt
    yield mnt
    subprocess.run(["fusermount3", "-u", mnt], check=False)
    reports = [f for f in os.listdir(work) if f.startswith("asan")]
    assert not reports, "sanitizer reports: %s" % reports


def _free_overlay(path):
    """Free a card's design. Beside a CPU hog, np.memmap's teardown once got
    EBUSY: an unmapped buffer's RELEASE the daemon's 2 s wait did not see
    in time (likely the kernel holding it back past close(2) while its own
    page-cache requests for the file were in flight; not pinned down).
    Ask again, a few times."""
    for tries in range(10):
        try:
            os.truncate(path, 0)
            return
        except OSError as e:
            if e.errno != errno.EBUSY or tries == 9:
                raise


@pytest.fixture
def pynq(mount):
    import pynqfs

    yield pynqfs
    # Each test leaves its cards empty: its buffers, then its designs.
    for dev in pynqfs.Device.devices:
        from pynqfs.buffer import free_all

        free_all(dev.path)
        for root, _, files in os.walk(os.path.join(dev.path, "banks")):
            for f in files:
                os.unlink(os.path.join(root, f))
        _free_overlay(os.path.join(dev.path, "overlay"))
