# SPDX-License-Identifier: MIT
"""PYNQ programs on pynqfs: the package's API over a real mount (sim cards)."""
import os
import platform
import signal
import subprocess
import sys

import numpy as np
import pytest

from conftest import SRC, design


def test_vadd_flow(pynq):
    ol = pynq.Overlay(design("vadd"))
    assert "IP Blocks" in ol.__doc__ and "vadd_1" in ol.ip_dict and "bank0" in ol.mem_dict
    assert ol.ip_dict["vadd_1"]["phys_addr"] == 0x1800000  # examples/designs/vadd.cfg
    assert ol.ip_dict["vadd_1"]["registers"]["size"]["address_offset"] == 0x34
    assert ol.mem_dict["bank0"]["type"] == "DDR4" and ol.mem_dict["bank0"]["size"] == 16 << 30
    assert ol.mem_dict["bank0"]["base_address"] == 0x4000000000
    a = pynq.allocate(1024, "i4", target=ol.bank0)
    b = pynq.allocate(1024, "i4", target=ol.bank0)
    c = pynq.allocate(1024, "i4", target=ol.bank1)
    a[:] = np.arange(1024)
    b[:] = 10 * np.arange(1024)
    a.sync_to_device()
    b.sync_to_device()
    ol.vadd_1.call(a, b, c, 1024)
    c.sync_from_device()
    assert np.array_equal(c, 11 * np.arange(1024))
    assert ol.vadd_1.read(0x10) == a.device_address & 0xFFFFFFFF
    assert ol.vadd_1.signature.startswith("vadd(")
    rm = ol.vadd_1.register_map
    assert rm.in1 == a.device_address and rm.out_r == c.device_address and rm.size == 1024
    assert list(rm)[:5] == ["CTRL", "GIER", "IP_IER", "IP_ISR", "in1"]
    assert "size (0x34) = 0x400" in repr(rm)


def test_slices_as_args_and_partial_syncs(pynq):
    ol = pynq.Overlay(design("vadd"))
    a = pynq.allocate(1000, "i4", target=ol.bank0)
    c = pynq.allocate(1000, "i4", target=ol.bank1)
    a[:] = np.arange(1000)
    a.sync_to_device()
    a[100:200] = -1  # host side only, until synced
    a[100:200].sync_to_device()
    assert a[100:200].device_address == a.device_address + 400
    ol.vadd_1.call(a[100:300], a[100:300], c[500:700], 200)
    c.sync_from_device()
    want = np.zeros(1000, "i4")
    want[500:600] = -2
    want[600:700] = 2 * np.arange(200, 300)
    assert np.array_equal(c, want)
    assert a[100:300].arg.endswith("[400:1200]") and a.arg == a[:].arg
    assert ol.vadd_1.args["in1"] == a[100:300].arg
    assert ol.vadd_1.args["out_r"] == c[500:700].arg and c[500:700].arg.endswith("[2000:2800]")
    with pytest.raises(ValueError):
        a[::2].sync_to_device()


def test_start_waitfor(pynq):
    ol = pynq.Overlay(design("faulty"))
    s = pynq.allocate(1, "i4", target=ol.bank0)
    z = pynq.allocate(1, "i4", target=ol.bank0)
    out = pynq.allocate(1, "i4", target=ol.bank1)
    h = ol.sleeper_1.start(s, 300)  # writes 300 into s after 300 ms
    h2 = ol.vadd_1.start(s, z, out, 1, waitfor=(h,))
    h2.wait()
    assert h.done and h2.done
    out.sync_from_device()
    assert out[0] == 300


def test_failed_run_raises_with_the_log_line(pynq):
    ol = pynq.Overlay(design("faulty"))
    buf = pynq.allocate(4, "i4", target=ol.bank0)
    with pytest.raises(pynq.PynqfsError) as e:
        ol.crash_1.call(buf, 1)
    assert e.value.errno == 5 and "kernels/crash_1: run failed" in e.value.log_line


def test_wrong_bank_is_refused_with_why(pynq):
    ol = pynq.Overlay(design("vadd"))
    a = pynq.allocate(4, "i4", target=ol.bank1)  # in1's port connects to bank0
    with pytest.raises(pynq.PynqfsError) as e:
        ol.vadd_1.call(a, a, a, 4)
    assert "connects to bank0" in e.value.log_line
    with pytest.raises(TypeError):
        ol.vadd_1.call(a, a)


def test_streams(pynq):
    ol = pynq.Overlay(design("k2k_streams"))
    assert ol.dc_0.source == "vadd_stream_1.out_c"
    assert ol.dc_0.sink == "vmult_stream_1.in_a"
    assert ol.dc_0.source_ip is ol.vadd_stream_1 and ol.dc_0.sink_ip is ol.vmult_stream_1
    assert ol.mem_dict["dc_0"]["streaming"]


def test_several_cards(pynq):
    devs = pynq.Device.devices
    assert [d.card for d in devs] == ["card0", "card1"]
    assert devs[1].name == "xilinx_u280_gen3x16_xdma_1_202211_1"
    ol = pynq.Overlay(design("vadd"), device=devs[1])
    a = pynq.allocate(16, "i4", target=ol.bank0)
    assert a.arg.startswith("banks/bank0/")
    assert os.path.exists(os.path.join(devs[1].path, a.arg))
    old = pynq.Device.active_device
    pynq.Device.active_device = devs[1]
    try:
        assert pynq.Device.active_device == devs[1]
    finally:
        pynq.Device.active_device = old


def test_buffers_go_with_a_killed_process(pynq, mount):
    ol = pynq.Overlay(design("vadd"))
    script = """
import os, signal, sys
sys.path.insert(0, %r)
import pynqfs as pynq
ol = pynq.Overlay(%r, download=False)
bufs = [pynq.allocate(4096, "u1", target=ol.bank0) for _ in range(2)]
os.kill(os.getpid(), signal.SIGKILL)
""" % (os.path.join(SRC, "python"), design("vadd"))
    p = subprocess.run([sys.executable, "-c", script], env=dict(os.environ))
    assert p.returncode == -signal.SIGKILL
    # A fresh Overlay on that card is not refused for the dead process's buffers.
    ol = pynq.Overlay(design("vadd"))
    assert os.listdir(ol.bank0.path) == []


def test_freebuffer_and_context_manager(pynq):
    ol = pynq.Overlay(design("vadd"))
    with pynq.allocate(8, "i4", target=ol.bank0) as a:
        path = os.path.join(ol.device.path, a.arg)
        assert os.path.exists(path)
    ol.free()  # waits for the release on its way: nothing left
    assert not os.path.exists(path)
    with pytest.raises(ValueError):
        a.sync_to_device()


def test_readme_example_runs_as_shown(pynq, tmp_path):
    """The README's Python block, run as it stands, from a tree with build/."""
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("```python", text.index("## PYNQ and pynqfs")) + len("```python")
    block = text[start:text.index("```", start)]
    os.symlink(os.path.dirname(os.path.dirname(design("vadd"))), tmp_path / "build")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(here)


def _linux_maps_direct_io():
    major, minor = (int(x) for x in platform.release().split(".")[:2])
    return (major, minor) >= (6, 6)


@pytest.mark.skipif(not _linux_maps_direct_io(),
                    reason="Linux before 6.6 can't map direct_io FUSE files")
def test_np_memmap_sees_the_kernels_output(pynq):
    ol = pynq.Overlay(design("vadd"))
    bank0, bank1 = ol.bank0.path, ol.bank1.path
    for p, v in ((os.path.join(bank0, "a"), np.arange(256)), (os.path.join(bank0, "b"),
                                                              np.arange(256))):
        v.astype("<i4").tofile(p)
    c_path = os.path.join(bank1, "c")
    with open(c_path, "wb") as f:
        f.truncate(1024)
    a = np.memmap(os.path.join(bank0, "a"), dtype="<i4", mode="r+")
    c = np.memmap(c_path, dtype="<i4", mode="r+")
    assert c[5] == 0  # mapped, and its page read, before the run
    a[:] = 3 * np.arange(256)
    a.flush()  # msync: the stores reach the device
    with open(os.path.join(ol.vadd_1.path, "args"), "w") as f:
        f.write("banks/bank0/a banks/bank0/b banks/bank1/c 256\n")
    with open(os.path.join(ol.vadd_1.path, "run"), "w") as f:
        f.write("call\n")
    assert np.array_equal(c, 4 * np.arange(256))
    del a, c
