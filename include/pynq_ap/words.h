/* SPDX-License-Identifier: MIT */
/*
 * Word arithmetic of ap_int, and the result types of its operations.
 * Part of ap_int.h: include that.
 */
#ifndef PYNQFS_AP_WORDS_H
#define PYNQFS_AP_WORDS_H

#include <climits>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>

template <int W, bool S> struct ap_int_base;
template <int W> struct ap_int;
template <int W> struct ap_uint;
template <int W, bool S> struct ap_range_ref;
template <int W, bool S> struct ap_bit_ref;

/* Word arithmetic over little-endian arrays of 64-bit words. */
namespace pynq_ap
{
typedef uint64_t word;
typedef unsigned __int128 dword;

constexpr int words(int bits)
{
	return (bits + 63) / 64;
}
constexpr int max(int a, int b)
{
	return a > b ? a : b;
}
constexpr int min(int a, int b)
{
	return a < b ? a : b;
}

/* r = a + b (carry in c), n words; the carry out. */
inline word add(word *r, const word *a, const word *b, int n, word c = 0)
{
	for (int i = 0; i < n; i++) {
		dword s = (dword)a[i] + b[i] + c;
		r[i] = (word)s;
		c = (word)(s >> 64);
	}
	return c;
}

/* r = a - b, n words. */
inline void sub(word *r, const word *a, const word *b, int n)
{
	word borrow = 0;

	for (int i = 0; i < n; i++) {
		word d = a[i] - b[i] - borrow;
		borrow = (a[i] < b[i]) || (a[i] == b[i] && borrow);
		r[i] = d;
	}
}

inline void negate(word *a, int n)
{
	word c = 1;

	for (int i = 0; i < n; i++) {
		dword s = (dword)(word)~a[i] + c;
		a[i] = (word)s;
		c = (word)(s >> 64);
	}
}

/* r = a * b, keeping the low nr words; r must not overlap a or b. */
inline void mul(word *r, int nr, const word *a, int na, const word *b, int nb)
{
	for (int i = 0; i < nr; i++)
		r[i] = 0;
	for (int i = 0; i < na && i < nr; i++) {
		word c = 0;

		for (int j = 0; j < nb && i + j < nr; j++) {
			dword p = (dword)a[i] * b[j] + r[i + j] + c;
			r[i + j] = (word)p;
			c = (word)(p >> 64);
		}
		if (i + nb < nr)
			r[i + nb] = c;
	}
}

/* Unsigned comparison of two n-word values. */
inline int cmp(const word *a, const word *b, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	return 0;
}

/* r = a << sh, n words (sh may exceed the width: all zero). */
inline void shl(word *r, const word *a, int n, unsigned long long sh)
{
	int ws = sh >= (unsigned long long)n * 64 ? n : (int)(sh / 64), bs = (int)(sh % 64);

	for (int i = n - 1; i >= 0; i--) {
		word v = i - ws >= 0 ? a[i - ws] << bs : 0;

		if (bs && i - ws - 1 >= 0)
			v |= a[i - ws - 1] >> (64 - bs);
		r[i] = v;
	}
}

/* r = a >> sh, n words; fill is what comes in from the top (0 or ~0). */
inline void shr(word *r, const word *a, int n, unsigned long long sh, word fill)
{
	int ws = sh >= (unsigned long long)n * 64 ? n : (int)(sh / 64), bs = (int)(sh % 64);

	for (int i = 0; i < n; i++) {
		word lo = i + ws < n ? a[i + ws] : fill;
		word hi = i + ws + 1 < n ? a[i + ws + 1] : fill;

		r[i] = bs ? (lo >> bs) | (hi << (64 - bs)) : lo;
	}
}

inline bool is_zero(const word *a, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i])
			return false;
	}
	return true;
}

/* a /= d in place, n words; the remainder. */
inline word div_small(word *a, int n, word d)
{
	dword rem = 0;

	for (int i = n - 1; i >= 0; i--) {
		dword cur = (rem << 64) | a[i];
		a[i] = (word)(cur / d);
		rem = cur % d;
	}
	return (word)rem;
}

/* a = a * m + c, n words (what overflows is dropped). */
inline void mul_small_add(word *a, int n, word m, word c)
{
	for (int i = 0; i < n; i++) {
		dword p = (dword)a[i] * m + c;
		a[i] = (word)p;
		c = (word)(p >> 64);
	}
}

/* Bit length of an n-word unsigned value (0 for 0). */
inline int bit_length(const word *a, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (a[i])
			return i * 64 + 64 - __builtin_clzll(a[i]);
	}
	return 0;
}

/*
 * q = a / b, r = a % b, unsigned, n words each; b != 0. Long division a
 * bit at a time from a's highest bit: the widths kernels use keep it short.
 */
inline void divmod(word *q, word *r, const word *a, const word *b, int n)
{
	for (int i = 0; i < n; i++)
		q[i] = r[i] = 0;
	if (cmp(a, b, n) < 0) {
		for (int i = 0; i < n; i++)
			r[i] = a[i];
		return;
	}
	for (int bit = bit_length(a, n) - 1; bit >= 0; bit--) {
		word top = r[n - 1] >> 63;

		shl(r, r, n, 1);
		r[0] |= (a[bit / 64] >> (bit % 64)) & 1;
		if (top || cmp(r, b, n) >= 0) {
			sub(r, r, b, n);
			q[bit / 64] |= (word)1 << (bit % 64);
		}
	}
}

/* A C integer type's width and signedness, as an ap type sees it. */
template <class T> struct c_int {
	static const int width = std::is_same<T, bool>::value ? 1 : (int)sizeof(T) * CHAR_BIT;
	static const bool sign = std::is_signed<T>::value;
};

/* The result types of an operation on ap values of W1/S1 and W2/S2 bits. */
template <int W1, bool S1, int W2, bool S2> struct rtype {
	static const int logic_w = max(W1 + (S2 && !S1), W2 + (S1 && !S2));
	static const bool logic_s = S1 || S2;
	static const int plus_w = logic_w + 1;
	static const int mult_w = W1 + W2;
	static const int div_w = W1 + S2;
	static const int mod_w = min(W1, W2 + (!S2 && S1));
};

/* The C type holding W <= 64 bits (wider values: 64-bit words). */
template <int W> struct unit {
	typedef typename std::conditional<
		(W <= 8), uint8_t,
		typename std::conditional<
			(W <= 16), uint16_t,
			typename std::conditional<(W <= 32), uint32_t, uint64_t>::type>::type>::type
		type;
};

/* ap_int<W> or ap_uint<W>, the types results have. */
template <int W, bool S> struct make {
	typedef ap_int<W> type;
};
template <int W> struct make<W, false> {
	typedef ap_uint<W> type;
};
} // namespace pynq_ap

#endif
