#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check fixed_ops' lines (stdin) against exact rational arithmetic and the
result shapes and modes of Vitis HLS; print TAP, one test per kind."""
import math
import sys
from fractions import Fraction

Q = ["AP_RND", "AP_RND_ZERO", "AP_RND_MIN_INF", "AP_RND_INF", "AP_RND_CONV", "AP_TRN", "AP_TRN_ZERO"]
O = ["AP_SAT", "AP_SAT_ZERO", "AP_SAT_SYM", "AP_WRAP"]


def wrap(v, w, s):
    v &= (1 << w) - 1
    return v - (1 << w) if s and v >> (w - 1) else v


def fit(x, w, i, s, q, o):
    """The raw bits of Fraction x stored in a (w, i, s) type with modes q, o."""
    y = x * (1 << (w - i))
    fl = math.floor(y)
    rem = y - fl
    half = Fraction(1, 2)
    neg = x < 0
    inc = {
        "AP_TRN": False,
        "AP_TRN_ZERO": neg and rem != 0,
        "AP_RND": rem >= half,
        "AP_RND_ZERO": rem > half or (rem == half and neg),
        "AP_RND_MIN_INF": rem > half,
        "AP_RND_INF": rem > half or (rem == half and not neg),
        "AP_RND_CONV": rem > half or (rem == half and fl % 2 == 1),
    }[q]
    r = fl + inc
    hi, lo = ((1 << (w - 1)) - 1, -(1 << (w - 1))) if s else ((1 << w) - 1, 0)
    if r > hi or r < lo:
        if o == "AP_WRAP":
            return wrap(r, w, s)
        if o == "AP_SAT_ZERO":
            return 0
        if o == "AP_SAT_SYM" and s:
            return hi if r > hi else -hi
        return hi if r > hi else lo
    if o == "AP_SAT_SYM" and s and r == lo:
        return -hi
    return r


def shapes(op, w1, i1, s1, w2, i2, s2):
    f1, f2 = w1 - i1, w2 - i2
    li = max(i1 + (s2 and not s1), i2 + (s1 and not s2))
    sign = s1 or s2
    if op in "+-":
        return li + 1 + max(f1, f2), li + 1, True if op == "-" else sign
    if op == "*":
        return w1 + w2, i1 + i2, sign
    if op == "/":
        return s2 + w1 + max(f2, 0), s2 + i1 + f2, sign
    return li + max(f1, f2), li, sign


def main():
    bad, count = {}, {}
    for line in sys.stdin:
        f = line.split()
        op = f[0]
        count[op] = count.get(op, 0) + 1
        w1, i1, s1, r1 = int(f[1]), int(f[2]), int(f[3]), int(f[4])
        a = Fraction(r1, 1 << (w1 - i1))
        if op == "fit":
            w2, i2, s2, q, o, got = (int(x) for x in f[5:11])
            ok = got == fit(a, w2, i2, bool(s2), Q[q], O[o])
        elif op == "dbl":
            w, i, s, q, o = w1, i1, s1, r1, int(f[5])
            x = Fraction(float.fromhex(f[6]))
            ok = int(f[7]) == fit(x, w, i, bool(s), Q[q], O[o])
        else:
            w2, i2, s2, r2 = int(f[5]), int(f[6]), int(f[7]), int(f[8])
            b = Fraction(r2, 1 << (w2 - i2))
            if op == "cmp":
                ok = [int(x) for x in f[9:12]] == [a < b, a == b, a >= b]
            else:
                rw, ri, rs = shapes(op, w1, i1, bool(s1), w2, i2, bool(s2))
                if op == "/":
                    num, den = r1 * (1 << (w2 - i2)), r2
                    qv = abs(num) // abs(den)
                    v = Fraction(-qv if (num < 0) != (den < 0) else qv, 1 << (w1 - i1))
                elif op in "&|^":
                    fr = rw - ri
                    x, y = r1 << (fr - (w1 - i1)), r2 << (fr - (w2 - i2))
                    v = Fraction({"&": x & y, "|": x | y, "^": x ^ y}[op], 1 << fr)
                else:
                    v = {"+": a + b, "-": a - b, "*": a * b}[op]
                want = wrap(int(v * (1 << (rw - ri))), rw, rs)
                ok = [int(x) for x in f[9:12]] == [rw, ri, int(rs)] and int(f[12]) == want
        if not ok:
            bad.setdefault(op, []).append(line.strip())
    for n, op in enumerate(sorted(count), 1):
        print(f"{'not ok' if op in bad else 'ok'} {n} - ap_fixed {op}: {count[op]} cases exact")
        for line in bad.get(op, [])[:5]:
            print(f"#   {line}")
    print(f"1..{len(count)}")
    return 1 if bad or not count else 0


if __name__ == "__main__":
    sys.exit(main())
