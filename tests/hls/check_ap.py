#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check ap_ops' lines (stdin) against Python's integers and the widening
rules of Vitis HLS; print TAP, one test per operation kind."""
import sys


def wrap(v, w, s):
    v &= (1 << w) - 1
    return v - (1 << w) if s and v >> (w - 1) else v


def tdiv(a, b):
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def expect(op, w1, s1, w2, s2, a, b):
    """(width, signed, value) as Vitis HLS gives them."""
    logic_w = max(w1 + (s2 and not s1), w2 + (s1 and not s2))
    sign = s1 or s2
    if op == "+":
        return logic_w + 1, sign, a + b
    if op == "-":
        return logic_w + 1, True, a - b
    if op == "*":
        return w1 + w2, sign, a * b
    if op == "/":
        return w1 + s2, sign, tdiv(a, b)
    if op == "%":
        return min(w1, w2 + (s1 and not s2)), s1, a - tdiv(a, b) * b
    if op in "&|^":
        f = {"&": lambda x, y: x & y, "|": lambda x, y: x | y, "^": lambda x, y: x ^ y}
        return logic_w, sign, f[op](a, b)
    if op == "<<":
        return w1, s1, a << b
    if op == ">>":
        return w1, s1, a >> b
    if op == "neg":
        return w1 + 1, True, -a
    if op == "not":
        return w1, s1, ~a
    raise ValueError(op)


def main():
    bad = {}
    count = {}
    for line in sys.stdin:
        f = line.split()
        op = f[0]
        w1, s1, w2, s2 = (int(x) for x in f[1:5])
        a = int(f[5])
        count[op] = count.get(op, 0) + 1
        if op == "cmp":
            b = int(f[6])
            ok = [int(x) for x in f[7:10]] == [a < b, a == b, a >= b]
        elif op == "range":
            b = int(f[6])
            hi, lo = int(f[3]), int(f[4])
            n = hi - lo + 1
            bits = a & ((1 << w1) - 1)
            got_get, got_set = int(f[9]), int(f[10])
            want_set = (bits & ~(((1 << n) - 1) << lo)) | ((b & ((1 << n) - 1)) << lo)
            ok = got_get == (bits >> lo) & ((1 << n) - 1) and got_set == wrap(want_set, w1, s1)
        elif op == "text":
            ok = f[6] == hex(a & ((1 << w1) - 1)) and f[9] == "1"
        else:
            b = int(f[6])
            rw, rs, v = expect(op, w1, bool(s1), w2, bool(s2), a, b)
            ok = (int(f[7]), int(f[8])) == (rw, int(rs)) and int(f[9]) == wrap(v, rw, rs)
        if not ok:
            bad.setdefault(op, []).append(line.strip())
    n = 0
    for op in sorted(count):
        n += 1
        status = "ok" if op not in bad else "not ok"
        print(f"{status} {n} - ap_int {op}: {count[op]} cases match Python's integers")
        for line in bad.get(op, [])[:5]:
            print(f"#   {line}")
    print(f"1..{n}")
    return 1 if bad or not count else 0


if __name__ == "__main__":
    sys.exit(main())
