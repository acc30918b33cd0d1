/* SPDX-License-Identifier: MIT */
/*
 * ap_int_base<W, S>, ap_int<W>, ap_uint<W>.
 * Part of ap_int.h: include that.
 */
#ifndef PYNQFS_AP_INT_BASE_H
#define PYNQFS_AP_INT_BASE_H

#include "words.h"

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

#endif
