/* SPDX-License-Identifier: MIT */
/*
 * The operators of ap values, with each other and with C numbers.
 * Part of ap_int.h: include that.
 */
#ifndef PYNQFS_AP_INT_OPS_H
#define PYNQFS_AP_INT_OPS_H

#include "int_ref.h"

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
