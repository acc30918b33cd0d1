/* SPDX-License-Identifier: MIT */
/*
 * ap_fixed.h: the fixed-point types of Vitis HLS, for kernel sources
 * compiled as models for the pynqfs sim card.
 *
 * ap_fixed<W, I, Q, O> (signed) and ap_ufixed<W, I, Q, O> hold W bits, I of
 * them above the binary point (0 <= I <= W here): the value is the W-bit
 * integer raw * 2^-(W - I). Q says how a value with more fraction bits is
 * cut to this type, O what happens when it does not fit:
 *
 *	AP_TRN		toward -inf (the default)	AP_WRAP	keep the low bits (default)
 *	AP_TRN_ZERO	toward 0			AP_SAT	the nearest end of the range
 *	AP_RND		to nearest, ties toward +inf	AP_SAT_ZERO	0
 *	AP_RND_ZERO	to nearest, ties toward 0	AP_SAT_SYM	+-max (signed: never min)
 *	AP_RND_MIN_INF	to nearest, ties toward -inf
 *	AP_RND_INF	to nearest, ties away from 0
 *	AP_RND_CONV	to nearest, ties to even
 *
 * (AP_WRAP_SM and a saturation bit count N other than 0 are not here: they
 * do not compile.) Results widen as in Vitis HLS so that nothing is lost:
 * a + b has max(I1, I2) + 1 integer bits (one more for an unsigned operand
 * beside a signed one) and max(F1, F2) fraction bits, a * b W1 + W2 bits
 * and I1 + I2, a / b (quotient cut toward zero) F1 fraction bits and I1 +
 * F2 integer bits (+1 each if b is signed). Q and O act where a value is
 * stored into a type: construction, assignment, +=. An ap_int or a C
 * integer is a fixed-point value with no fraction bits; with float or
 * double, the fixed-point value's value takes part in C's arithmetic.
 *
 * Everything is in this header and those it includes (pynq_ap/, ap_int.h);
 * nothing to link.
 */
#ifndef PYNQFS_AP_FIXED_H
#define PYNQFS_AP_FIXED_H

#include "pynq_ap/fixed_ops.h"

#endif
