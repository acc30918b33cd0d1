/* SPDX-License-Identifier: MIT */
/*
 * The operators of fixed-point values, with each other, ap_int and C numbers.
 * Part of ap_fixed.h: include that.
 */
#ifndef PYNQFS_AP_FIXED_OPS_H
#define PYNQFS_AP_FIXED_OPS_H

#include "fixed_base.h"

/* ---- operands: an ap_fixed, an ap_int or a C integer, as a fixed-point value ---- */

namespace pynq_ap
{
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
ap_fixed_base<W, I, S, AP_TRN, AP_WRAP, 0> fval(const ap_fixed_base<W, I, S, Q, O, N> &x)
{
	ap_fixed_base<W, I, S, AP_TRN, AP_WRAP, 0> r;

	r.V = x.V;
	return r;
}
template <class T, class = typename std::enable_if<is_int_operand<T>::value>::type>
ap_fixed_base<base_of<T>::width, base_of<T>::width, base_of<T>::sign_flag, AP_TRN, AP_WRAP, 0>
fval(const T &x)
{
	ap_fixed_base<base_of<T>::width, base_of<T>::width, base_of<T>::sign_flag, AP_TRN, AP_WRAP,
		      0>
		r;

	r.V = val(x);
	return r;
}

template <class T, class = void> struct is_fixed : std::false_type {
};
template <class T>
struct is_fixed<T, decltype((void)T::iwidth, (void)T::qmode, (void)std::declval<const T &>().V)>
    : std::true_type {
};
template <class T, class = void> struct is_fixed_operand : is_int_operand<T> {
};
template <class T>
struct is_fixed_operand<T, typename std::enable_if<is_fixed<T>::value>::type> : std::true_type {
};

template <class A, class B>
using if_fixed =
	typename std::enable_if<(is_fixed<A>::value || is_fixed<B>::value) &&
					is_fixed_operand<A>::value && is_fixed_operand<B>::value,
				int>::type;
template <class A, class Fl>
using if_fixed_float =
	typename std::enable_if<is_fixed<A>::value && std::is_floating_point<Fl>::value, int>::type;

/* The result shapes of Vitis HLS for operands (W1, I1, S1) and (W2, I2, S2). */
template <int W1, int I1, bool S1, int W2, int I2, bool S2> struct frtype {
	static const int F1 = W1 - I1, F2 = W2 - I2;
	static const int logic_i = max(I1 + (S2 && !S1), I2 + (S1 && !S2));
	static const int logic_w = logic_i + max(F1, F2);
	static const int plus_i = logic_i + 1;
	static const int plus_w = plus_i + max(F1, F2);
	static const bool sign = S1 || S2;
	static const int mult_w = W1 + W2, mult_i = I1 + I2;
	static const int div_w = S2 + W1 + max(F2, 0), div_i = S2 + I1 + F2;
};

/* x's raw bits with f fraction bits (f >= x's), in a signed W-bit integer. */
template <int WR, int W, int I, bool S>
ap_int_base<WR, true> aligned(const ap_fixed_base<W, I, S, AP_TRN, AP_WRAP, 0> &x, int f)
{
	return ap_int_base<WR, true>(ap_int_base<WR, true>(x.V) << (f - (W - I)));
}

template <bool Minus, int W1, int I1, bool S1, int W2, int I2, bool S2>
typename make_fixed<frtype<W1, I1, S1, W2, I2, S2>::plus_w, frtype<W1, I1, S1, W2, I2, S2>::plus_i,
		    Minus || frtype<W1, I1, S1, W2, I2, S2>::sign>::type
fadd(const ap_fixed_base<W1, I1, S1, AP_TRN, AP_WRAP, 0> &a,
     const ap_fixed_base<W2, I2, S2, AP_TRN, AP_WRAP, 0> &b)
{
	typedef frtype<W1, I1, S1, W2, I2, S2> R;
	const int f = R::plus_w - R::plus_i;
	typename make_fixed<R::plus_w, R::plus_i, Minus || R::sign>::type r;
	const ap_int_base<R::plus_w + 1, true> x = aligned<R::plus_w + 1>(a, f),
					       y = aligned<R::plus_w + 1>(b, f);

	r.V = Minus ? x - y : x + y;
	return r;
}

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
typename make_fixed<W1 + W2, I1 + I2, S1 || S2>::type
fmul(const ap_fixed_base<W1, I1, S1, AP_TRN, AP_WRAP, 0> &a,
     const ap_fixed_base<W2, I2, S2, AP_TRN, AP_WRAP, 0> &b)
{
	typename make_fixed<W1 + W2, I1 + I2, S1 || S2>::type r;

	r.V = a.V * b.V;
	return r;
}

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
typename make_fixed<frtype<W1, I1, S1, W2, I2, S2>::div_w, frtype<W1, I1, S1, W2, I2, S2>::div_i,
		    S1 || S2>::type
fdiv(const ap_fixed_base<W1, I1, S1, AP_TRN, AP_WRAP, 0> &a,
     const ap_fixed_base<W2, I2, S2, AP_TRN, AP_WRAP, 0> &b)
{
	typedef frtype<W1, I1, S1, W2, I2, S2> R;
	typename make_fixed<R::div_w, R::div_i, S1 || S2>::type r;
	/* (a * 2^F2) / b, cut toward zero: the quotient with a's fraction bits. */
	const ap_int_base<W1 + (W2 - I2) + 1, true> x = ap_int_base<W1 + (W2 - I2) + 1, true>(a.V)
							<< (W2 - I2);

	r.V = x / b.V;
	return r;
}

template <int op, int W1, int I1, bool S1, int W2, int I2, bool S2>
typename make_fixed<frtype<W1, I1, S1, W2, I2, S2>::logic_w,
		    frtype<W1, I1, S1, W2, I2, S2>::logic_i, S1 || S2>::type
flogic(const ap_fixed_base<W1, I1, S1, AP_TRN, AP_WRAP, 0> &a,
       const ap_fixed_base<W2, I2, S2, AP_TRN, AP_WRAP, 0> &b)
{
	typedef frtype<W1, I1, S1, W2, I2, S2> R;
	const int f = R::logic_w - R::logic_i;
	typename make_fixed<R::logic_w, R::logic_i, S1 || S2>::type r;
	const ap_int_base<R::logic_w + 1, true> x = aligned<R::logic_w + 1>(a, f),
						y = aligned<R::logic_w + 1>(b, f);

	r.V = op == 0 ? x & y : op == 1 ? x | y : x ^ y;
	return r;
}

template <int W1, int I1, bool S1, int W2, int I2, bool S2>
int fcompare(const ap_fixed_base<W1, I1, S1, AP_TRN, AP_WRAP, 0> &a,
	     const ap_fixed_base<W2, I2, S2, AP_TRN, AP_WRAP, 0> &b)
{
	const int f = max(W1 - I1, W2 - I2);
	const int w = max(I1, I2) + f + 2;

	return compare(aligned<w>(a, f), aligned<w>(b, f));
}
} // namespace pynq_ap

#define PYNQ_AP_FIXED_BINARY(sym, fn)                                                              \
	template <class A, class B, pynq_ap::if_fixed<A, B> = 0>                                   \
	auto operator sym(const A &a, const B &b)                                                  \
		->decltype(fn(pynq_ap::fval(a), pynq_ap::fval(b)))                                 \
	{                                                                                          \
		return fn(pynq_ap::fval(a), pynq_ap::fval(b));                                     \
	}
PYNQ_AP_FIXED_BINARY(+, pynq_ap::fadd<false>)
PYNQ_AP_FIXED_BINARY(-, pynq_ap::fadd<true>)
PYNQ_AP_FIXED_BINARY(*, pynq_ap::fmul)
PYNQ_AP_FIXED_BINARY(/, pynq_ap::fdiv)
PYNQ_AP_FIXED_BINARY(&, pynq_ap::flogic<0>)
PYNQ_AP_FIXED_BINARY(|, pynq_ap::flogic<1>)
PYNQ_AP_FIXED_BINARY(^, pynq_ap::flogic<2>)
#undef PYNQ_AP_FIXED_BINARY

#define PYNQ_AP_FIXED_COMPARE(sym)                                                                 \
	template <class A, class B, pynq_ap::if_fixed<A, B> = 0>                                   \
	bool operator sym(const A &a, const B &b)                                                  \
	{                                                                                          \
		return pynq_ap::fcompare(pynq_ap::fval(a), pynq_ap::fval(b)) sym 0;                \
	}
PYNQ_AP_FIXED_COMPARE(==)
PYNQ_AP_FIXED_COMPARE(!=)
PYNQ_AP_FIXED_COMPARE(<)
PYNQ_AP_FIXED_COMPARE(<=)
PYNQ_AP_FIXED_COMPARE(>)
PYNQ_AP_FIXED_COMPARE(>=)
#undef PYNQ_AP_FIXED_COMPARE

#define PYNQ_AP_FIXED_FLOAT(sym)                                                                   \
	template <class A, class Fl, pynq_ap::if_fixed_float<A, Fl> = 0>                           \
	auto operator sym(const A &a, Fl f)->decltype(f sym f)                                     \
	{                                                                                          \
		return (Fl)a.to_double() sym f;                                                    \
	}                                                                                          \
	template <class A, class Fl, pynq_ap::if_fixed_float<A, Fl> = 0>                           \
	auto operator sym(Fl f, const A &a)->decltype(f sym f)                                     \
	{                                                                                          \
		return f sym(Fl) a.to_double();                                                    \
	}
PYNQ_AP_FIXED_FLOAT(+)
PYNQ_AP_FIXED_FLOAT(-)
PYNQ_AP_FIXED_FLOAT(*)
PYNQ_AP_FIXED_FLOAT(/)
PYNQ_AP_FIXED_FLOAT(==)
PYNQ_AP_FIXED_FLOAT(!=)
PYNQ_AP_FIXED_FLOAT(<)
PYNQ_AP_FIXED_FLOAT(<=)
PYNQ_AP_FIXED_FLOAT(>)
PYNQ_AP_FIXED_FLOAT(>=)
#undef PYNQ_AP_FIXED_FLOAT

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O, int N>
std::ostream &operator<<(std::ostream &os, const ap_fixed_base<W, I, S, Q, O, N> &x)
{
	return os << x.to_double();
}

#endif
