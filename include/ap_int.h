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
 * Everything is in this header, for C++11 and later; nothing to link.
 */
#ifndef PYNQFS_AP_INT_H
#define PYNQFS_AP_INT_H

#ifndef __cplusplus
#error "ap_int.h is C++: compile the kernel with g++"
#endif

#include <climits>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>

/*
 * Vitis HLS pragmas mean nothing to a model: no warnings for them (clang,
 * GCC 13 and later; GCC 12 warns under -Wall before this takes effect:
 * add -Wno-unknown-pragmas there).
 */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

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

template <int W, bool S> struct ap_int_base {
	static_assert(W >= 1, "an ap_int has at least one bit");
	static const int width = W;
	static const bool sign_flag = S;
	static const int N = pynq_ap::words(W); /* words of a working copy */
	typedef typename std::conditional<S, long long, unsigned long long>::type RetType;
	typedef pynq_ap::word word;

	/*
	 * The bits as a C type of the same size would hold them, so that an
	 * array of ap_uint<32> in a buffer is an array of uint32_t and one of
	 * ap_uint<512> 64 bytes an element: W <= 64 bits in the smallest of 1,
	 * 2, 4, 8 bytes, wider in 64-bit words, little-endian. The bits above
	 * W repeat the sign bit (signed) or are zero: every value has one form.
	 */
	typedef typename pynq_ap::unit<W>::type unit;
	static const int NU = W > 64 ? N : 1;
	unit s[NU];

	/* ---- the representation ---- */

	/* x's low W bits, extended to 64 by the sign (signed) or zeros. */
	static word ext(word x)
	{
		if (W >= 64)
			return x;
		const word top = (word)1 << (W >= 64 ? 63 : W - 1), mask = (top << 1) - 1;

		return (S && (x & top)) ? x | ~mask : x & mask;
	}
	bool negative() const
	{
		return S && (int64_t)word_at(N - 1) < 0;
	}
	/* Word i of the value sign- or zero-extended to any width. */
	word word_at(int i) const
	{
		if (W <= 64)
			return i == 0				   ? ext((word)s[0])
			       : S && (int64_t)ext((word)s[0]) < 0 ? ~(word)0
								   : 0;
		if (i < N)
			return (word)s[i];
		return S && (int64_t)(word)s[N - 1] < 0 ? ~(word)0 : 0;
	}
	/* A working copy: N words. */
	void load(word *v) const
	{
		for (int i = 0; i < N; i++)
			v[i] = word_at(i);
	}
	/* Take the low W bits of N words. */
	void store(const word *v)
	{
		if (W <= 64) {
			s[0] = (unit)ext(v[0]);
			return;
		}
		for (int i = 0; i < N; i++)
			s[i] = (unit)v[i];
		if (W % 64) {
			const word top = (word)1 << (W % 64 - 1), mask = (top << 1) - 1;
			word x = (word)s[N - 1];

			s[N - 1] = (unit)((S && (x & top)) ? x | ~mask : x & mask);
		}
	}

	/* ---- construction ---- */

	ap_int_base() : s()
	{
	}
	template <int W2, bool S2> ap_int_base(const ap_int_base<W2, S2> &o)
	{
		word v[N];

		for (int i = 0; i < N; i++)
			v[i] = o.word_at(i);
		store(v);
	}
	template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
	ap_int_base(T x)
	{
		const bool neg = std::is_signed<T>::value && (long long)x < 0;
		word v[N];

		v[0] = std::is_signed<T>::value ? (word)(long long)x : (word)(unsigned long long)x;
		for (int i = 1; i < N; i++)
			v[i] = neg ? ~(word)0 : 0;
		store(v);
	}
	ap_int_base(double d)
	{
		set_double(d);
	}
	ap_int_base(float f)
	{
		set_double(f);
	}
	ap_int_base(const char *str, int radix = 0)
	{
		set_string(str, radix);
	}
	ap_int_base(const std::string &str, int radix = 0)
	{
		set_string(str.c_str(), radix);
	}
	template <int W2, bool S2> ap_int_base(const ap_range_ref<W2, S2> &r)
	{
		*this = ap_int_base(r.get());
	}
	template <int W2, bool S2> ap_int_base(const ap_bit_ref<W2, S2> &b)
	{
		*this = ap_int_base((bool)b);
	}

	/* Truncated toward zero, then wrapped to W bits; NaN and infinities are 0. */
	void set_double(double d)
	{
		word v[N] = {0}, m[N] = {0};
		uint64_t bits;
		int e, exp;

		memcpy(&bits, &d, sizeof(bits));
		e = (int)((bits >> 52) & 0x7ff);
		if (e != 0x7ff && d != 0) {
			m[0] = (bits & ((1ull << 52) - 1)) | (e ? 1ull << 52 : 0);
			exp = (e ? e : 1) - 1075;
			if (exp < 0)
				v[0] = exp <= -64 ? 0 : m[0] >> -exp;
			else
				pynq_ap::shl(v, m, N, (unsigned)exp);
			if (d < 0)
				pynq_ap::negate(v, N);
		}
		store(v);
	}

	/* "123", "-42", "0x1F", "0b101", "0o17" (or digits in radix). */
	void set_string(const char *str, int radix)
	{
		word v[N] = {0};
		bool neg = false;

		while (*str == ' ' || *str == '\t')
			str++;
		if (*str == '-' || *str == '+')
			neg = *str++ == '-';
		if (str[0] == '0' && (radix == 0 || radix == 2 || radix == 8 || radix == 16)) {
			char p = (char)(str[1] | 0x20);

			if ((p == 'x' && (radix == 0 || radix == 16)) ||
			    (p == 'b' && (radix == 0 || radix == 2)) ||
			    (p == 'o' && (radix == 0 || radix == 8))) {
				radix = p == 'x' ? 16 : p == 'b' ? 2 : 8;
				str += 2;
			}
		}
		if (radix < 2 || radix > 36)
			radix = 10;
		for (; *str; str++) {
			int c = (unsigned char)*str, d;

			if (c == '_' || c == '\'')
				continue;
			d = c >= '0' && c <= '9'   ? c - '0'
			    : c >= 'a' && c <= 'z' ? c - 'a' + 10
			    : c >= 'A' && c <= 'Z' ? c - 'A' + 10
						   : 99;
			if (d >= radix)
				break;
			pynq_ap::mul_small_add(v, N, (word)radix, (word)d);
		}
		if (neg)
			pynq_ap::negate(v, N);
		store(v);
	}

	/* ---- conversions ---- */

	operator RetType() const
	{
		return (RetType)word_at(0);
	}
	bool to_bool() const
	{
		return !iszero();
	}
	int to_int() const
	{
		return (int)word_at(0);
	}
	unsigned to_uint() const
	{
		return (unsigned)word_at(0);
	}
	long to_long() const
	{
		return (long)word_at(0);
	}
	unsigned long to_ulong() const
	{
		return (unsigned long)word_at(0);
	}
	long long to_int64() const
	{
		return (long long)word_at(0);
	}
	unsigned long long to_uint64() const
	{
		return (unsigned long long)word_at(0);
	}
	double to_double() const
	{
		word m[N];
		double d = 0;

		load(m);
		if (negative())
			pynq_ap::negate(m, N);
		for (int i = N - 1; i >= 0; i--)
			d = d * 18446744073709551616.0 + (double)m[i];
		return negative() ? -d : d;
	}
	float to_float() const
	{
		return (float)to_double();
	}
	int length() const
	{
		return W;
	}

	/* ---- bits ---- */

	ap_bit_ref<W, S> operator[](int i)
	{
		return ap_bit_ref<W, S>(*this, i);
	}
	bool operator[](int i) const
	{
		return get_bit(i);
	}
	ap_bit_ref<W, S> bit(int i)
	{
		return ap_bit_ref<W, S>(*this, i);
	}
	bool bit(int i) const
	{
		return get_bit(i);
	}
	bool get_bit(int i) const
	{
		return i >= 0 && i < W && ((word_at(i / 64) >> (i % 64)) & 1);
	}
	void set_bit(int i, bool b)
	{
		word v[N];

		if (i < 0 || i >= W)
			return;
		load(v);
		if (b)
			v[i / 64] |= (word)1 << (i % 64);
		else
			v[i / 64] &= ~((word)1 << (i % 64));
		store(v);
	}
	void set(int i)
	{
		set_bit(i, true);
	}
	void clear(int i)
	{
		set_bit(i, false);
	}
	void invert(int i)
	{
		set_bit(i, !get_bit(i));
	}
	ap_range_ref<W, S> range(int hi, int lo)
	{
		return ap_range_ref<W, S>(*this, hi, lo);
	}
	ap_range_ref<W, S> operator()(int hi, int lo)
	{
		return range(hi, lo);
	}
	ap_range_ref<W, S> range()
	{
		return range(W - 1, 0);
	}
	ap_int_base<W, false> range(int hi, int lo) const
	{
		return ap_range_ref<W, S>(const_cast<ap_int_base &>(*this), hi, lo).get();
	}
	ap_int_base<W, false> operator()(int hi, int lo) const
	{
		return range(hi, lo);
	}
	ap_int_base<W, false> range() const
	{
		return range(W - 1, 0);
	}
	ap_int_base &reverse()
	{
		ap_int_base r;

		for (int i = 0; i < W; i++)
			r.set_bit(W - 1 - i, get_bit(i));
		return *this = r;
	}
	bool iszero() const
	{
		word v[N];

		load(v);
		return pynq_ap::is_zero(v, N);
	}
	bool is_zero() const
	{
		return iszero();
	}
	bool sign() const
	{
		return negative();
	}
	int countLeadingZeros() const
	{
		for (int i = W - 1; i >= 0; i--) {
			if (get_bit(i))
				return W - 1 - i;
		}
		return W;
	}
	bool and_reduce() const
	{
		for (int i = 0; i < W; i++) {
			if (!get_bit(i))
				return false;
		}
		return true;
	}
	bool or_reduce() const
	{
		return !iszero();
	}
	bool xor_reduce() const
	{
		bool x = false;

		for (int i = 0; i < W; i++)
			x ^= get_bit(i);
		return x;
	}
	bool nand_reduce() const
	{
		return !and_reduce();
	}
	bool nor_reduce() const
	{
		return !or_reduce();
	}
	bool xnor_reduce() const
	{
		return !xor_reduce();
	}

	/* ---- text ---- */

	std::string to_string(int radix = 2, bool sign = S) const
	{
		std::string out;
		word m[N];
		bool neg = sign && radix == 10 && negative();

		if (radix == 2) {
			for (int i = W - 1; i >= 0; i--)
				out += get_bit(i) ? '1' : '0';
			return "0b" + out;
		}
		if (radix != 8 && radix != 16)
			radix = 10;
		load(m);
		if (neg)
			pynq_ap::negate(m, N); /* the magnitude */
		else if (W % 64)
			m[N - 1] &= ((word)1 << W % 64) - 1; /* the bits, not their extension */
		do {
			int d = (int)pynq_ap::div_small(m, N, (word)radix);

			out.insert(out.begin(), "0123456789abcdef"[d]);
		} while (!pynq_ap::is_zero(m, N));
		return (neg ? "-" : "") +
		       std::string(radix == 16	? "0x"
				   : radix == 8 ? "0o"
						: "") +
		       out;
	}

	/* ---- assignment ---- */

	template <class T> ap_int_base &operator+=(const T &b)
	{
		return *this = *this + b;
	}
	template <class T> ap_int_base &operator-=(const T &b)
	{
		return *this = *this - b;
	}
	template <class T> ap_int_base &operator*=(const T &b)
	{
		return *this = *this * b;
	}
	template <class T> ap_int_base &operator/=(const T &b)
	{
		return *this = *this / b;
	}
	template <class T> ap_int_base &operator%=(const T &b)
	{
		return *this = *this % b;
	}
	template <class T> ap_int_base &operator&=(const T &b)
	{
		return *this = *this & b;
	}
	template <class T> ap_int_base &operator|=(const T &b)
	{
		return *this = *this | b;
	}
	template <class T> ap_int_base &operator^=(const T &b)
	{
		return *this = *this ^ b;
	}
	template <class T> ap_int_base &operator<<=(const T &b)
	{
		return *this = *this << b;
	}
	template <class T> ap_int_base &operator>>=(const T &b)
	{
		return *this = *this >> b;
	}
	ap_int_base &operator++()
	{
		return *this += 1;
	}
	ap_int_base &operator--()
	{
		return *this -= 1;
	}
	ap_int_base operator++(int)
	{
		ap_int_base old = *this;
		*this += 1;
		return old;
	}
	ap_int_base operator--(int)
	{
		ap_int_base old = *this;
		*this -= 1;
		return old;
	}

	/* ---- unary ---- */

	typename pynq_ap::make<W, S>::type operator+() const
	{
		return *this;
	}
	ap_int<W + 1> operator-() const
	{
		ap_int<W + 1> r(*this);
		word v[ap_int<W + 1>::N];

		r.load(v);
		pynq_ap::negate(v, ap_int<W + 1>::N);
		r.store(v);
		return r;
	}
	typename pynq_ap::make<W, S>::type operator~() const
	{
		typename pynq_ap::make<W, S>::type r;
		word v[N];

		load(v);
		for (int i = 0; i < N; i++)
			v[i] = ~v[i];
		r.store(v);
		return r;
	}
	bool operator!() const
	{
		return iszero();
	}
};

/* Definitions of the constants, for code that takes their address (C++11). */
template <int W, bool S> const int ap_int_base<W, S>::width;
template <int W, bool S> const bool ap_int_base<W, S>::sign_flag;
template <int W, bool S> const int ap_int_base<W, S>::N;
template <int W, bool S> const int ap_int_base<W, S>::NU;

template <int W> struct ap_int : ap_int_base<W, true> {
	using ap_int_base<W, true>::ap_int_base;
	ap_int()
	{
	}
	ap_int(const ap_int_base<W, true> &o) : ap_int_base<W, true>(o)
	{
	}
};

template <int W> struct ap_uint : ap_int_base<W, false> {
	using ap_int_base<W, false>::ap_int_base;
	ap_uint()
	{
	}
	ap_uint(const ap_int_base<W, false> &o) : ap_int_base<W, false>(o)
	{
	}
};

/* Bits hi..lo of an ap value, as a place to read or write. */
template <int W, bool S> struct ap_range_ref {
	ap_int_base<W, S> &v;
	int hi, lo;

	ap_range_ref(ap_int_base<W, S> &v_, int hi_, int lo_) : v(v_), hi(hi_), lo(lo_)
	{
	}
	ap_range_ref(const ap_range_ref &) = default;

	int length() const
	{
		return (hi > lo ? hi - lo : lo - hi) + 1;
	}
	ap_uint<W> get() const
	{
		ap_uint<W> r;
		const int n = length();

		if (hi < 0 || lo < 0 || hi >= W || lo >= W)
			return r;
		for (int i = 0; i < n; i++)
			r.set_bit(i, v.get_bit(hi >= lo ? lo + i : lo - i));
		return r;
	}
	template <class T> ap_range_ref &operator=(const T &x)
	{
		const ap_uint<W> val(x);
		const int n = length();

		if (hi < 0 || lo < 0 || hi >= W || lo >= W)
			return *this;
		for (int i = 0; i < n; i++)
			v.set_bit(hi >= lo ? lo + i : lo - i, val.get_bit(i));
		return *this;
	}
	ap_range_ref &operator=(const ap_range_ref &o)
	{
		return *this = o.get();
	}
	operator unsigned long long() const
	{
		return get().to_uint64();
	}
	int to_int() const
	{
		return get().to_int();
	}
	unsigned to_uint() const
	{
		return get().to_uint();
	}
	long to_long() const
	{
		return get().to_long();
	}
	unsigned long to_ulong() const
	{
		return get().to_ulong();
	}
	long long to_int64() const
	{
		return get().to_int64();
	}
	unsigned long long to_uint64() const
	{
		return get().to_uint64();
	}
	double to_double() const
	{
		return get().to_double();
	}
	std::string to_string(int radix = 2) const
	{
		return get().to_string(radix);
	}
	bool and_reduce() const
	{
		const ap_uint<W> g = get();

		for (int i = 0; i < length() && i < W; i++) {
			if (!g.get_bit(i))
				return false;
		}
		return true;
	}
	bool or_reduce() const
	{
		return get().or_reduce();
	}
	bool xor_reduce() const
	{
		return get().xor_reduce();
	}
	template <class T> ap_range_ref &operator+=(const T &b)
	{
		return *this = get() + b;
	}
	template <class T> ap_range_ref &operator-=(const T &b)
	{
		return *this = get() - b;
	}
	template <class T> ap_range_ref &operator&=(const T &b)
	{
		return *this = get() & b;
	}
	template <class T> ap_range_ref &operator|=(const T &b)
	{
		return *this = get() | b;
	}
	template <class T> ap_range_ref &operator^=(const T &b)
	{
		return *this = get() ^ b;
	}
};

/* One bit of an ap value, as a place to read or write. */
template <int W, bool S> struct ap_bit_ref {
	ap_int_base<W, S> &v;
	int i;

	ap_bit_ref(ap_int_base<W, S> &v_, int i_) : v(v_), i(i_)
	{
	}
	ap_bit_ref(const ap_bit_ref &) = default;
	operator bool() const
	{
		return v.get_bit(i);
	}
	bool to_bool() const
	{
		return v.get_bit(i);
	}
	int to_int() const
	{
		return v.get_bit(i);
	}
	/* Any value other than zero sets the bit, as for a bool. */
	template <class T> ap_bit_ref &operator=(const T &x)
	{
		v.set_bit(i, x != 0);
		return *this;
	}
	ap_bit_ref &operator=(bool b)
	{
		v.set_bit(i, b);
		return *this;
	}
	ap_bit_ref &operator=(const ap_bit_ref &o)
	{
		return *this = (bool)o;
	}
	bool operator~() const
	{
		return !v.get_bit(i);
	}
	template <class T> ap_bit_ref &operator&=(const T &b)
	{
		return *this = (bool)*this && b != 0;
	}
	template <class T> ap_bit_ref &operator|=(const T &b)
	{
		return *this = (bool)*this || b != 0;
	}
	template <class T> ap_bit_ref &operator^=(const T &b)
	{
		return *this = (bool)*this != (b != 0);
	}
};

/* ---- operands: what an ap operator takes, as an ap_int_base ---- */

namespace pynq_ap
{
template <int W, bool S> const ap_int_base<W, S> &val(const ap_int_base<W, S> &x)
{
	return x;
}
template <int W, bool S> ap_int_base<W, false> val(const ap_range_ref<W, S> &r)
{
	return r.get();
}
template <int W, bool S> ap_int_base<1, false> val(const ap_bit_ref<W, S> &b)
{
	return ap_int_base<1, false>((bool)b);
}
template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
ap_int_base<c_int<T>::width, c_int<T>::sign> val(T x)
{
	return ap_int_base<c_int<T>::width, c_int<T>::sign>(x);
}

/* Is T an ap value (not a C integer)? */
template <class T, class = void> struct is_ap : std::false_type {
};
template <class T>
struct is_ap<T, decltype((void)val(std::declval<const T &>()))>
    : std::integral_constant<bool, !std::is_arithmetic<T>::value> {
};
template <class T, class = void> struct is_int_operand : std::is_integral<T> {
};
template <class T>
struct is_int_operand<T, typename std::enable_if<is_ap<T>::value>::type> : std::true_type {
};

/* Both operands integers, at least one of them an ap value. */
template <class A, class B>
using if_ap = typename std::enable_if<(is_ap<A>::value || is_ap<B>::value) &&
					      is_int_operand<A>::value && is_int_operand<B>::value,
				      int>::type;
/* An ap value and a C floating-point value. */
template <class A, class F>
using if_float =
	typename std::enable_if<is_ap<A>::value && std::is_floating_point<F>::value, int>::type;

template <class T>
using base_of = typename std::decay<decltype(val(std::declval<const T &>()))>::type;

/* a and b extended to n words each. */
template <int W1, bool S1, int W2, bool S2, int n> struct pair {
	word a[n], b[n];
	pair(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
	{
		for (int i = 0; i < n; i++) {
			a[i] = x.word_at(i);
			b[i] = y.word_at(i);
		}
	}
};

/* The value of n words (n covers the result's words). */
template <int W, bool S, int n> typename make<W, S>::type from_words(const word *v)
{
	static_assert(n >= words(W), "the words cover the result");
	typename make<W, S>::type r;

	r.store(v);
	return r;
}

template <int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::plus_w, rtype<W1, S1, W2, S2>::logic_s>::type
add(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	const int n = words(R::plus_w);
	pair<W1, S1, W2, S2, n> p(x, y);
	word r[n];

	pynq_ap::add(r, p.a, p.b, n);
	return from_words<R::plus_w, R::logic_s, n>(r);
}

template <int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::plus_w, true>::type sub(const ap_int_base<W1, S1> &x,
							     const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	const int n = words(R::plus_w);
	pair<W1, S1, W2, S2, n> p(x, y);
	word r[n];

	pynq_ap::sub(r, p.a, p.b, n);
	return from_words<R::plus_w, true, n>(r);
}

template <int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::mult_w, rtype<W1, S1, W2, S2>::logic_s>::type
mul(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	const int n = words(R::mult_w);
	pair<W1, S1, W2, S2, n> p(x, y);
	word r[n];

	/* Two's complement: the low bits of the product of the extensions. */
	pynq_ap::mul(r, n, p.a, n, p.b, n);
	return from_words<R::mult_w, R::logic_s, n>(r);
}

/* Quotient and remainder of values, rounded toward zero. */
template <int W1, bool S1, int W2, bool S2, int n>
void qr(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y, word *q, word *r)
{
	pair<W1, S1, W2, S2, n> p(x, y);
	const bool nx = x.negative(), ny = y.negative();

	if (is_zero(p.b, n)) {
		std::raise(SIGFPE);
		for (int i = 0; i < n; i++)
			q[i] = r[i] = 0;
		return;
	}
	if (nx)
		negate(p.a, n);
	if (ny)
		negate(p.b, n);
	divmod(q, r, p.a, p.b, n);
	if (nx != ny)
		negate(q, n);
	if (nx)
		negate(r, n);
}

template <int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::div_w, rtype<W1, S1, W2, S2>::logic_s>::type
div(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	/* One word more than either: the magnitude of the most negative value. */
	const int n = max(words(W1), words(W2)) + 1;
	word q[n], r[n];

	qr<W1, S1, W2, S2, n>(x, y, q, r);
	return from_words<R::div_w, R::logic_s, n>(q);
}

template <int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::mod_w, S1>::type mod(const ap_int_base<W1, S1> &x,
							  const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	const int n = max(words(W1), words(W2)) + 1;
	word q[n], r[n];

	qr<W1, S1, W2, S2, n>(x, y, q, r);
	return from_words<R::mod_w, S1, n>(r);
}

enum logic_op { AND, OR, XOR };

template <logic_op op, int W1, bool S1, int W2, bool S2>
typename make<rtype<W1, S1, W2, S2>::logic_w, rtype<W1, S1, W2, S2>::logic_s>::type
logic(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
{
	typedef rtype<W1, S1, W2, S2> R;
	const int n = words(R::logic_w);
	pair<W1, S1, W2, S2, n> p(x, y);

	for (int i = 0; i < n; i++)
		p.a[i] = op == AND ? p.a[i] & p.b[i] : op == OR ? p.a[i] | p.b[i] : p.a[i] ^ p.b[i];
	return from_words<R::logic_w, R::logic_s, n>(p.a);
}

/* Compare values: -1, 0 or 1. */
template <int W1, bool S1, int W2, bool S2>
int compare(const ap_int_base<W1, S1> &x, const ap_int_base<W2, S2> &y)
{
	const int n = max(words(W1), words(W2));
	pair<W1, S1, W2, S2, n> p(x, y);
	const bool nx = x.negative(), ny = y.negative();

	if (nx != ny)
		return nx ? -1 : 1;
	/* Same sign: the extended words order as the values do. */
	return cmp(p.a, p.b, n);
}

template <int W, bool S>
typename make<W, S>::type shift(const ap_int_base<W, S> &x, long long sh, bool left)
{
	typename make<W, S>::type r;
	unsigned long long mag = sh < 0 ? 0ull - (unsigned long long)sh : (unsigned long long)sh;
	const int n = words(W);
	word v[n], out[n];

	x.load(v);
	if (sh < 0)
		left = !left;
	if (left)
		pynq_ap::shl(out, v, n, mag);
	else
		pynq_ap::shr(out, v, n, mag, x.negative() ? ~(word)0 : 0);
	r.store(out);
	return r;
}

/* A shift amount: signed amounts below zero shift the other way. */
template <class T> long long amount(const T &n)
{
	const base_of<T> v = val(n);
	const bool neg = v.negative();
	const int nw = words(base_of<T>::width + 1);
	const ap_int_base<base_of<T>::width + 1, true> wide(v);
	word m[nw];

	wide.load(m);
	if (neg)
		negate(m, nw);
	if (bit_length(m, nw) > 62)
		return neg ? -(1ll << 62) : 1ll << 62; /* past any width */
	return neg ? -(long long)m[0] : (long long)m[0];
}
} // namespace pynq_ap

/* ---- operators ---- */

#define PYNQ_AP_BINARY(sym, fn)                                                                    \
	template <class A, class B, pynq_ap::if_ap<A, B> = 0>                                      \
	auto operator sym(const A &a, const B &b)->decltype(fn(pynq_ap::val(a), pynq_ap::val(b)))  \
	{                                                                                          \
		return fn(pynq_ap::val(a), pynq_ap::val(b));                                       \
	}
PYNQ_AP_BINARY(+, pynq_ap::add)
PYNQ_AP_BINARY(-, pynq_ap::sub)
PYNQ_AP_BINARY(*, pynq_ap::mul)
PYNQ_AP_BINARY(/, pynq_ap::div)
PYNQ_AP_BINARY(%, pynq_ap::mod)
PYNQ_AP_BINARY(&, pynq_ap::logic<pynq_ap::AND>)
PYNQ_AP_BINARY(|, pynq_ap::logic<pynq_ap::OR>)
PYNQ_AP_BINARY(^, pynq_ap::logic<pynq_ap::XOR>)
#undef PYNQ_AP_BINARY

#define PYNQ_AP_COMPARE(sym)                                                                       \
	template <class A, class B, pynq_ap::if_ap<A, B> = 0>                                      \
	bool operator sym(const A &a, const B &b)                                                  \
	{                                                                                          \
		return pynq_ap::compare(pynq_ap::val(a), pynq_ap::val(b)) sym 0;                   \
	}
PYNQ_AP_COMPARE(==)
PYNQ_AP_COMPARE(!=)
PYNQ_AP_COMPARE(<)
PYNQ_AP_COMPARE(<=)
PYNQ_AP_COMPARE(>)
PYNQ_AP_COMPARE(>=)
#undef PYNQ_AP_COMPARE

/* With floating point, the ap value's value: C's arithmetic decides the type. */
#define PYNQ_AP_FLOAT(sym)                                                                         \
	template <class A, class F, pynq_ap::if_float<A, F> = 0>                                   \
	auto operator sym(const A &a, F f)->decltype(f sym f)                                      \
	{                                                                                          \
		return (F)pynq_ap::val(a).to_double() sym f;                                       \
	}                                                                                          \
	template <class A, class F, pynq_ap::if_float<A, F> = 0>                                   \
	auto operator sym(F f, const A &a)->decltype(f sym f)                                      \
	{                                                                                          \
		return f sym(F) pynq_ap::val(a).to_double();                                       \
	}
PYNQ_AP_FLOAT(+)
PYNQ_AP_FLOAT(-)
PYNQ_AP_FLOAT(*)
PYNQ_AP_FLOAT(/)
PYNQ_AP_FLOAT(==)
PYNQ_AP_FLOAT(!=)
PYNQ_AP_FLOAT(<)
PYNQ_AP_FLOAT(<=)
PYNQ_AP_FLOAT(>)
PYNQ_AP_FLOAT(>=)
#undef PYNQ_AP_FLOAT

template <class A, class B,
	  typename std::enable_if<pynq_ap::is_ap<A>::value && pynq_ap::is_int_operand<B>::value,
				  int>::type = 0>
typename pynq_ap::make<pynq_ap::base_of<A>::width, pynq_ap::base_of<A>::sign_flag>::type
operator<<(const A &a, const B &n)
{
	return pynq_ap::shift(pynq_ap::val(a), pynq_ap::amount(n), true);
}

template <class A, class B,
	  typename std::enable_if<pynq_ap::is_ap<A>::value && pynq_ap::is_int_operand<B>::value,
				  int>::type = 0>
typename pynq_ap::make<pynq_ap::base_of<A>::width, pynq_ap::base_of<A>::sign_flag>::type
operator>>(const A &a, const B &n)
{
	return pynq_ap::shift(pynq_ap::val(a), pynq_ap::amount(n), false);
}

/* (a, b): a's bits above b's. */
template <class A, class B,
	  typename std::enable_if<pynq_ap::is_ap<A>::value && pynq_ap::is_ap<B>::value, int>::type =
		  0>
ap_uint<pynq_ap::base_of<A>::width + pynq_ap::base_of<B>::width> operator,(const A &a, const B &b)
{
	const int wb = pynq_ap::base_of<B>::width;
	ap_uint<pynq_ap::base_of<A>::width + wb> r(
		ap_uint<pynq_ap::base_of<A>::width>(pynq_ap::val(a)));

	r <<= wb;
	r |= ap_uint<wb>(pynq_ap::val(b));
	return r;
}

template <int W, bool S> std::ostream &operator<<(std::ostream &os, const ap_int_base<W, S> &x)
{
	const std::ios_base::fmtflags base = os.flags() & std::ios_base::basefield;

	if (base == std::ios_base::hex)
		return os << x.to_string(16).substr(2);
	if (base == std::ios_base::oct)
		return os << x.to_string(8).substr(2);
	return os << x.to_string(10);
}

template <int W, bool S> std::ostream &operator<<(std::ostream &os, const ap_range_ref<W, S> &r)
{
	return os << r.get();
}

#endif
