/* SPDX-License-Identifier: MIT */
/*
 * ap_fixed_base, ap_fixed, ap_ufixed: storing a value (quantization, overflow).
 * Part of ap_fixed.h: include that.
 */
#ifndef PYNQFS_AP_FIXED_BASE_H
#define PYNQFS_AP_FIXED_BASE_H

#include <cmath>
#include <ostream>
#include <string>
#include <type_traits>

#include "../ap_int.h"

enum ap_q_mode {
	AP_RND,
	AP_RND_ZERO,
	AP_RND_MIN_INF,
	AP_RND_INF,
	AP_RND_CONV,
	AP_TRN,
	AP_TRN_ZERO
};
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> struct ap_fixed_base;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_fixed;
template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0> struct ap_ufixed;

namespace pynq_ap
{
/* ap_fixed<W, I> or ap_ufixed<W, I>, the types results have. */
template <int W, int I, bool S> struct make_fixed {
	typedef ap_fixed<W, I> type;
};
template <int W, int I> struct make_fixed<W, I, false> {
	typedef ap_ufixed<W, I> type;
};

/*
 * v * 2^-fs, cut to f fraction bits by q, then fitted to w bits by o: the
 * raw bits of the result. v is any signed ap value wide enough to hold its
 * own value.
 */
template <int W, int F, bool S, ap_q_mode Q, ap_o_mode O, int WV>
ap_int_base<W, S> fixed_fit(const ap_int_base<WV, true> &v, int fs)
{
	/* Room for the value, 2^(WV + 1), and a left shift by f - fs. */
	const int WT = WV + 3 + (F > 0 ? F : 0);
	ap_int_base<WT, true> q(v);
	ap_int_base<W, S> out;

	if (fs > F) {
		/* Cutting WV + 1 bits or more decides as cutting all of them. */
		const int d = fs - F < WV + 1 ? fs - F : WV + 1;
		const ap_int_base<WT, true> floor = q >> d;
		const ap_int_base<WT, true> rem = q - (floor << d);
		ap_int_base<WT, true> half(0), up(0);
		bool neg = v.negative(), gt, eq, inc;

		half.set_bit(d - 1, true);
		gt = rem > half;
		eq = rem == half;
		switch (Q) {
		case AP_TRN:
			inc = false;
			break;
		case AP_TRN_ZERO:
			inc = neg && rem != 0;
			break;
		case AP_RND:
			inc = gt || eq;
			break;
		case AP_RND_ZERO:
			inc = gt || (eq && neg);
			break;
		case AP_RND_MIN_INF:
			inc = gt;
			break;
		case AP_RND_INF:
			inc = gt || (eq && !neg);
			break;
		default: /* AP_RND_CONV */
			inc = gt || (eq && floor.get_bit(0));
			break;
		}
		up = inc ? 1 : 0;
		q = floor + up;
	} else if (fs < F) {
		q = q << (F - fs);
	}
	/* The range of W bits. */
	ap_int_base<W + 1, true> maxv(0), minv(0);

	if (S) {
		maxv = ap_int_base<W + 1, true>(1) << (W - 1);
		maxv = maxv - 1;
		minv = -maxv - 1;
	} else {
		maxv = (ap_int_base<W + 1, true>(1) << W) - 1;
	}
	if (q > maxv || q < minv) {
		switch (O) {
		case AP_WRAP:
			return ap_int_base<W, S>(q); /* the low W bits */
		case AP_SAT_ZERO:
			return out;
		case AP_SAT_SYM:
			return ap_int_base<W, S>(q > maxv ? maxv
						 : S	  ? ap_int_base<W + 1, true>(-maxv)
							  : minv);
		default: /* AP_SAT */
			return ap_int_base<W, S>(q > maxv ? maxv : minv);
		}
	}
	if (O == AP_SAT_SYM && S && q == minv)
		return ap_int_base<W, S>(-maxv);
	return ap_int_base<W, S>(q);
}
} // namespace pynq_ap

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N> struct ap_fixed_base {
	static_assert(W >= 1 && I >= 0 && I <= W,
		      "pynqfs's ap_fixed: 1 <= W and 0 <= I <= W (integer bits within the width)");
	static_assert(O != AP_WRAP_SM && N == 0,
		      "pynqfs's ap_fixed: AP_WRAP_SM and saturation bits N are not supported");
	static const int width = W;
	static const int iwidth = I;
	static const int F = W - I; /* fraction bits */
	static const bool sign_flag = S;
	static const ap_q_mode qmode = Q;
	static const ap_o_mode omode = O;

	ap_int_base<W, S> V; /* the raw bits: value V * 2^-F */

	ap_fixed_base() : V()
	{
	}
	template <int W2, int I2, bool S2, ap_q_mode Q2, ap_o_mode O2, int N2>
	ap_fixed_base(const ap_fixed_base<W2, I2, S2, Q2, O2, N2> &o)
	{
		V = pynq_ap::fixed_fit<W, W - I, S, Q, O>(ap_int_base<W2 + 1, true>(o.V), W2 - I2);
	}
	template <int W2, bool S2> ap_fixed_base(const ap_int_base<W2, S2> &o)
	{
		V = pynq_ap::fixed_fit<W, W - I, S, Q, O>(ap_int_base<W2 + 1, true>(o), 0);
	}
	template <int W2, bool S2> ap_fixed_base(const ap_range_ref<W2, S2> &r)
	{
		*this = ap_fixed_base(r.get());
	}
	template <class T, typename std::enable_if<std::is_integral<T>::value, int>::type = 0>
	ap_fixed_base(T x)
	{
		*this = ap_fixed_base(pynq_ap::val(x));
	}
	ap_fixed_base(double d)
	{
		set_double(d);
	}
	ap_fixed_base(float f)
	{
		set_double(f);
	}
	ap_fixed_base(const char *s)
	{
		set_double(strtod(s, 0));
	}

	/* The double's exact value, cut by Q and fitted by O; NaN is 0. */
	void set_double(double d)
	{
		int e;
		double m;

		if (!(d == d)) {
			V = 0;
			return;
		}
		if (std::isinf(d)) { /* past any range: the overflow mode says */
			ap_int_base<W + 2, true> big(0);

			big.set_bit(W, true);
			if (d < 0)
				big = -big;
			V = pynq_ap::fixed_fit<W, F, S, Q, O>(big, 0);
			return;
		}
		m = std::frexp(d, &e); /* d = m * 2^e, 0.5 <= |m| < 1 */
		const long long mant = (long long)std::ldexp(m, 53);
		/*
		 * d = mant * 2^(e - 53). Far past the range, a saturating mode
		 * needs only the sign; a wrapping one keeps the low bits, which
		 * fixed_fit computes at any shift.
		 */
		int fs = 53 - e;
		const int top = I + 2;

		if (e > top && O != AP_WRAP) {
			const long long sign = mant < 0 ? -1 : 1;
			ap_int_base<W + 2, true> big(0);

			big.set_bit(W, true);
			V = pynq_ap::fixed_fit<W, F, S, Q, O>(
				sign < 0 ? ap_int_base<W + 2, true>(-big) : big, 0);
			return;
		}
		V = pynq_ap::fixed_fit<W, F, S, Q, O>(ap_int_base<64, true>(mant), fs);
	}

	/* ---- conversions ---- */

	double to_double() const
	{
		return std::ldexp(V.to_double(), -F);
	}
	float to_float() const
	{
		return (float)to_double();
	}
	operator double() const
	{
		return to_double();
	}
	/* The integer part, cut toward zero as C does. */
	ap_int_base<(I > 0 ? I : 1), S> to_ap_int_base() const
	{
		ap_int_base<W + 1, true> v(V);
		const bool neg = v.negative();

		if (neg)
			v = -v;
		v = v >> F;
		if (neg)
			v = -v;
		return ap_int_base<(I > 0 ? I : 1), S>(v);
	}
	int to_int() const
	{
		return (int)to_ap_int_base().to_int64();
	}
	unsigned to_uint() const
	{
		return (unsigned)to_ap_int_base().to_uint64();
	}
	long long to_int64() const
	{
		return to_ap_int_base().to_int64();
	}
	unsigned long long to_uint64() const
	{
		return to_ap_int_base().to_uint64();
	}
	long to_long() const
	{
		return (long)to_int64();
	}
	int length() const
	{
		return W;
	}

	/* The value in decimal, exactly ("-1.375"), or the raw bits in radix 2, 8, 16. */
	std::string to_string(int radix = 10) const
	{
		if (radix != 10)
			return V.to_string(radix, false);
		ap_int_base<W + 1, true> m(V);
		const bool neg = m.negative();
		std::string out;

		if (neg)
			m = -m;
		out = ap_int_base<W + 1, true>(m >> F).to_string(10);
		ap_int_base<W + 5, true> frac(m - ((m >> F) << F));
		if (!frac.iszero()) {
			out += '.';
			while (!frac.iszero()) {
				frac = frac * 10;
				out += (char)('0' + (frac >> F).to_int());
				frac = frac - ((frac >> F) << F);
			}
		}
		return (neg ? "-" : "") + out;
	}

	/* ---- bits ---- */

	ap_bit_ref<W, S> operator[](int i)
	{
		return V[i];
	}
	bool operator[](int i) const
	{
		return V.get_bit(i);
	}
	ap_bit_ref<W, S> bit(int i)
	{
		return V[i];
	}
	bool get_bit(int i) const
	{
		return V.get_bit(i);
	}
	ap_range_ref<W, S> range(int hi, int lo)
	{
		return V.range(hi, lo);
	}
	ap_range_ref<W, S> range()
	{
		return V.range();
	}
	ap_range_ref<W, S> operator()(int hi, int lo)
	{
		return V.range(hi, lo);
	}
	ap_int_base<W, false> range(int hi, int lo) const
	{
		return V.range(hi, lo);
	}
	bool is_zero() const
	{
		return V.iszero();
	}
	bool iszero() const
	{
		return V.iszero();
	}
	bool sign() const
	{
		return V.negative();
	}

	/* ---- assignment ---- */

	template <class T> ap_fixed_base &operator+=(const T &b)
	{
		return *this = *this + b;
	}
	template <class T> ap_fixed_base &operator-=(const T &b)
	{
		return *this = *this - b;
	}
	template <class T> ap_fixed_base &operator*=(const T &b)
	{
		return *this = *this * b;
	}
	template <class T> ap_fixed_base &operator/=(const T &b)
	{
		return *this = *this / b;
	}
	template <class T> ap_fixed_base &operator&=(const T &b)
	{
		return *this = *this & b;
	}
	template <class T> ap_fixed_base &operator|=(const T &b)
	{
		return *this = *this | b;
	}
	template <class T> ap_fixed_base &operator^=(const T &b)
	{
		return *this = *this ^ b;
	}
	ap_fixed_base &operator<<=(int n)
	{
		return *this = *this << n;
	}
	ap_fixed_base &operator>>=(int n)
	{
		return *this = *this >> n;
	}
	ap_fixed_base &operator++()
	{
		return *this += 1;
	}
	ap_fixed_base &operator--()
	{
		return *this -= 1;
	}
	ap_fixed_base operator++(int)
	{
		ap_fixed_base old = *this;
		*this += 1;
		return old;
	}
	ap_fixed_base operator--(int)
	{
		ap_fixed_base old = *this;
		*this -= 1;
		return old;
	}

	/* ---- unary ---- */

	typename pynq_ap::make_fixed<W + 1, I + 1, true>::type operator-() const
	{
		typename pynq_ap::make_fixed<W + 1, I + 1, true>::type r;

		r.V = -V;
		return r;
	}
	ap_fixed_base operator+() const
	{
		return *this;
	}
	ap_fixed_base operator~() const
	{
		ap_fixed_base r;

		r.V = ~V;
		return r;
	}
	bool operator!() const
	{
		return V.iszero();
	}
	/* Bits shifted out are lost, as in an ap_int. */
	ap_fixed_base operator<<(int n) const
	{
		ap_fixed_base r;

		r.V = V << n;
		return r;
	}
	ap_fixed_base operator>>(int n) const
	{
		ap_fixed_base r;

		r.V = V >> n;
		return r;
	}
};

/* Definitions of the constants, for code that takes their address (C++11). */
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::width;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::iwidth;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const int ap_fixed_base<W, I, S, Q, O, N>::F;
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
const bool ap_fixed_base<W, I, S, Q, O, N>::sign_flag;

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_fixed : ap_fixed_base<W, I, true, Q, O, N> {
	using ap_fixed_base<W, I, true, Q, O, N>::ap_fixed_base;
	ap_fixed()
	{
	}
	ap_fixed(const ap_fixed_base<W, I, true, Q, O, N> &o)
	    : ap_fixed_base<W, I, true, Q, O, N>(o)
	{
	}
};

template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct ap_ufixed : ap_fixed_base<W, I, false, Q, O, N> {
	using ap_fixed_base<W, I, false, Q, O, N>::ap_fixed_base;
	ap_ufixed()
	{
	}
	ap_ufixed(const ap_fixed_base<W, I, false, Q, O, N> &o)
	    : ap_fixed_base<W, I, false, Q, O, N>(o)
	{
	}
};

#endif
