#!/bin/sh
# mmap(MAP_SHARED) of buffer files, as np.memmap does: stores reach the
# device at msync(MS_SYNC) and at munmap (a kernel then computes on them);
# a mapping made before a run shows what the kernel wrote once the run has
# ended; read(2) and write(2) still go to the device, and a mapping sees
# what write(2) wrote. Linux offers mmap of direct_io files from 6.6 on
# (FUSE_DIRECT_IO_ALLOW_MMAP); a single-threaded mount (-s) never asks.
. "$(dirname "$0")/../misc.sh"
PY=/usr/bin/python3
ints() { perl -e 'print pack("l<*", @ARGV)' -- "$@"; }
kernel=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$kernel" -lt 6006 ]; then
	echo "1..0 # SKIP Linux $(uname -r) can't map direct_io FUSE files (6.6 can)"
	exit 0
fi

mount_vadd
ints $(seq 1 2048) >"$B/bank0/a" && ints $(seq 1 2048) >"$B/bank0/b" && truncate -s 8192 "$B/bank1/c"

# One process maps a and c, stores into a, msyncs, runs vadd through the
# filesystem, and reads c through its mapping.
$PY - "$B/bank0/a" "$B/bank1/c" "$K/vadd_1" >"$WORK/out" 2>&1 <<'PY'
import mmap, os, struct, sys
a_path, c_path, k = sys.argv[1:]
fa = os.open(a_path, os.O_RDWR); fc = os.open(c_path, os.O_RDWR)
ma = mmap.mmap(fa, 8192, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
mc = mmap.mmap(fc, 8192, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
assert struct.unpack_from("<i", ma, 4 * 9)[0] == 10, "the mapping shows the buffer"
assert struct.unpack_from("<i", mc, 0)[0] == 0
for i in range(2048):
    struct.pack_into("<i", ma, 4 * i, 1000 * i)
ma.flush()  # msync(MS_SYNC)
with open(os.path.join(k, "args"), "w") as f:
    f.write("banks/bank0/a banks/bank0/b banks/bank1/c 2048\n")
with open(os.path.join(k, "run"), "w") as f:
    f.write("call\n")
got = struct.unpack_from("<2048i", mc, 0)
want = tuple(1000 * i + i + 1 for i in range(2048))
print("mapped c after the run:", "ok" if got == want else "stale %r" % (got[:4],))
with open(c_path, "rb") as f:
    print("read(2) of c:", "ok" if struct.unpack("<2048i", f.read()) == want else "stale")
# Stores, no msync, then munmap: they reach the device too.
struct.pack_into("<i", ma, 0, 7777)
ma.close(); mc.close(); os.close(fa); os.close(fc)
PY
grep -q "^mapped c after the run: ok" "$WORK/out"
ok_dev $? "stores through a mapping reach the device at msync; the kernel's output shows in a mapping made before the run ($(head -3 "$WORK/out" | tr '\n' ' '))"
grep -q "^read(2) of c: ok" "$WORK/out"
ok_dev $? "and read(2) of it is not stale"
grep -q Traceback "$WORK/out"
[ $? -ne 0 ]
ok $? "mmap(MAP_SHARED, PROT_READ|PROT_WRITE) of buffer files works ($(grep -m1 Error "$WORK/out"))"
echo "banks/bank0/a banks/bank0/b banks/bank1/c 1" >"$K/vadd_1/args" && echo call >"$K/vadd_1/run"
[ "$(od -An -td4 -N4 "$B/bank1/c" | tr -d ' ')" = 7778 ]
ok_dev $? "a store unmapped without msync reached the device at munmap: 7777 + 1"

# write(2) through another open reaches the device and a live mapping.
$PY - "$B/bank1/c" >"$WORK/coherent" 2>&1 <<'PY'
import mmap, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 8192, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
before = struct.unpack_from("<i", m, 8)[0]
with open(sys.argv[1], "r+b") as f:
    f.seek(8)
    f.write(struct.pack("<i", 4242))
print(before, struct.unpack_from("<i", m, 8)[0])
m.close(); os.close(fd)
PY
[ "$(cut -d' ' -f2 "$WORK/coherent")" = 4242 ]
ok $? "a mapping sees what write(2) wrote through another open ($(cat "$WORK/coherent"))"

# O_DIRECT reads come from the device, as every read does.
$PY - "$B/bank1/c" >"$WORK/direct" 2>&1 <<'PY'
import mmap, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECT)
buf = mmap.mmap(-1, 4096)  # aligned, as O_DIRECT wants
n = os.readv(fd, [buf])
print(n, struct.unpack_from("<i", buf, 0)[0])
PY
[ "$(cat "$WORK/direct")" = "4096 7778" ]
ok_dev $? "an O_DIRECT open reads the device ($(cat "$WORK/direct"))"
rm -f "$B"/*/*
unmount_pynqfs

# Single-threaded, nothing is cached, so nothing is mapped: ENODEV, as ever.
mount_vadd -s
truncate -s 4096 "$B/bank0/a"
$PY - "$B/bank0/a" >"$WORK/single" 2>&1 <<'PY'
import errno, mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    mmap.mmap(fd, 4096, mmap.MAP_SHARED)
    print("mapped")
except OSError as e:
    print(errno.errorcode[e.errno])
PY
[ "$(cat "$WORK/single")" = ENODEV ]
ok $? "-s: mmap(MAP_SHARED) of a buffer is ENODEV ($(cat "$WORK/single"))"
rm -f "$B"/*/*
unmount_pynqfs
no_sanitizer_reports
done_testing
