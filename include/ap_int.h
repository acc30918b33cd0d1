/* SPDX-License-Identifier: MIT */
/*
 * ap_int.h: the arbitrary-precision integers of Vitis HLS C++, for kernel
 * sources compiled as models for the pynqfs sim card:
 *
 *	g++ -shared -fPIC -O2 -I/usr/local/include kernel.cpp -o kernel.so
 *
 * ap_int<W> and ap_uint<W> hold W bits (any W from 1; the widest result
 * of an operation on two 4096-bit values is fine too), in two's
 * complement, and wrap on overflow as hardware does. Results widen as in
 * Vitis HLS, so that `auto` keeps every bit: for operands of W1 and W2
 * bits (a C integer counts as its own width and signedness),
 *
 *	a + b, a - b	max(W1 (+1 if only b is signed), W2 (+1 if only a
 *			is signed)) + 1 bits; a - b is always signed
 *	a * b		W1 + W2 bits
 *	a / b		W1 (+1 if b is signed) bits
 *	a % b		min(W1, W2 (+1 if a is signed and b is not)), a's sign
 *	a & b, |, ^	as a + b without the +1
 *	a << n, a >> n	a's own type (bits shifted out are lost)
 *
 * signed when either operand is (but see % and -). Comparisons compare
 * values, whatever the widths and signs. Division and remainder round
 * toward zero as in C; dividing by zero raises SIGFPE, as C does.
 *
 * Bits and ranges: a[i] and a.bit(i) (a reference to one bit), a.range(hi,
 * lo) and a(hi, lo) (a reference to bits hi..lo; hi < lo reverses them),
 * both readable and assignable; (a, b) is the value of a's bits above b's
 * (a concatenation; it cannot be assigned to). a.to_string(radix) gives
 * "0b..." (radix 2, the default: all W bits), "0o..." (8), "0x..." (16) of
 * the bits, or the signed decimal value (10); `std::cout << a` prints the
 * decimal value (hex or octal bits under std::hex, std::oct).
 *
 * Everything is in this header and those it includes (pynq_ap/), for
 * C++11 and later; nothing to link.
 */
#ifndef PYNQFS_AP_INT_H
#define PYNQFS_AP_INT_H

#ifndef __cplusplus
#error "ap_int.h is C++: compile the kernel with g++"
#endif

/*
 * Vitis HLS pragmas mean nothing to a model: no warnings for them (clang,
 * GCC 13 and later; GCC 12 warns under -Wall before this takes effect:
 * add -Wno-unknown-pragmas there).
 */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

#include "pynq_ap/int_ops.h"

#endif
