/* SPDX-License-Identifier: MIT */
/*
 * hls_math.h: the math functions of Vitis HLS, for kernel sources compiled
 * as models for the pynqfs sim card. hls::f(x) for float and double is
 * std::f(x) (the sim models what a kernel computes, not the error bounds
 * of the circuits Vitis builds); for ap_fixed<W, I, Q, O> and ap_ufixed it
 * is std::f of the value, stored back into the same type (its Q and O
 * decide the last bit and what does not fit); for integers and ap_int, the
 * functions that have integer meaning (abs, min, max).
 *
 *	sqrt rsqrt recip exp exp2 exp10 expm1 log log2 log10 log1p pow
 *	sin cos tan asin acos atan atan2 sinh cosh tanh hypot
 *	floor ceil round trunc rint fabs abs fmod fmin fmax copysign
 *	isnan isinf isfinite signbit
 *
 * Everything is in this header (with ap_fixed.h); nothing to link.
 */
#ifndef PYNQFS_HLS_MATH_H
#define PYNQFS_HLS_MATH_H

#include <cmath>
#include <type_traits>

#include "ap_fixed.h"

namespace pynq_hls
{
template <class T, class = void> struct is_fixed : std::false_type {
};
template <class T>
struct is_fixed<T, typename std::enable_if<pynq_ap::is_fixed<T>::value>::type> : std::true_type {
};

/* The type a function of T returns: T itself for floating and fixed point. */
template <class T>
using if_real =
	typename std::enable_if<std::is_floating_point<T>::value || is_fixed<T>::value, T>::type;

inline double as_double(double x)
{
	return x;
}
inline float as_double(float x)
{
	return x;
}
template <class T, typename std::enable_if<is_fixed<T>::value, int>::type = 0>
double as_double(const T &x)
{
	return x.to_double();
}
} // namespace pynq_hls

namespace hls
{

#define PYNQ_HLS_MATH1(name, expr)                                                                 \
	template <class T> pynq_hls::if_real<T> name(const T &x)                                   \
	{                                                                                          \
		const auto v = pynq_hls::as_double(x);                                             \
		return T(expr);                                                                    \
	}
PYNQ_HLS_MATH1(sqrt, std::sqrt(v))
PYNQ_HLS_MATH1(rsqrt, 1 / std::sqrt(v))
PYNQ_HLS_MATH1(recip, 1 / v)
PYNQ_HLS_MATH1(exp, std::exp(v))
PYNQ_HLS_MATH1(exp2, std::exp2(v))
PYNQ_HLS_MATH1(exp10, std::pow(decltype(v)(10), v))
PYNQ_HLS_MATH1(expm1, std::expm1(v))
PYNQ_HLS_MATH1(log, std::log(v))
PYNQ_HLS_MATH1(log2, std::log2(v))
PYNQ_HLS_MATH1(log10, std::log10(v))
PYNQ_HLS_MATH1(log1p, std::log1p(v))
PYNQ_HLS_MATH1(sin, std::sin(v))
PYNQ_HLS_MATH1(cos, std::cos(v))
PYNQ_HLS_MATH1(tan, std::tan(v))
PYNQ_HLS_MATH1(asin, std::asin(v))
PYNQ_HLS_MATH1(acos, std::acos(v))
PYNQ_HLS_MATH1(atan, std::atan(v))
PYNQ_HLS_MATH1(sinh, std::sinh(v))
PYNQ_HLS_MATH1(cosh, std::cosh(v))
PYNQ_HLS_MATH1(tanh, std::tanh(v))
PYNQ_HLS_MATH1(floor, std::floor(v))
PYNQ_HLS_MATH1(ceil, std::ceil(v))
PYNQ_HLS_MATH1(round, std::round(v))
PYNQ_HLS_MATH1(trunc, std::trunc(v))
PYNQ_HLS_MATH1(rint, std::rint(v))
PYNQ_HLS_MATH1(fabs, std::fabs(v))
#undef PYNQ_HLS_MATH1

#define PYNQ_HLS_MATH2(name, expr)                                                                 \
	template <class T> pynq_hls::if_real<T> name(const T &x, const T &y)                       \
	{                                                                                          \
		const auto a = pynq_hls::as_double(x);                                             \
		const auto b = pynq_hls::as_double(y);                                             \
		return T(expr);                                                                    \
	}
PYNQ_HLS_MATH2(pow, std::pow(a, b))
PYNQ_HLS_MATH2(atan2, std::atan2(a, b))
PYNQ_HLS_MATH2(hypot, std::hypot(a, b))
PYNQ_HLS_MATH2(fmod, std::fmod(a, b))
PYNQ_HLS_MATH2(fmin, std::fmin(a, b))
PYNQ_HLS_MATH2(fmax, std::fmax(a, b))
PYNQ_HLS_MATH2(copysign, std::copysign(a, b))
#undef PYNQ_HLS_MATH2

/* abs, min, max: floating point, fixed point, and integers (C or ap_int). */
template <class T> T abs(const T &x)
{
	return x < 0 ? T(-x) : x;
}
template <class T> T min(const T &a, const T &b)
{
	return b < a ? b : a;
}
template <class T> T max(const T &a, const T &b)
{
	return a < b ? b : a;
}

template <class T> bool isnan(const T &x)
{
	return std::isnan(pynq_hls::as_double(x));
}
template <class T> bool isinf(const T &x)
{
	return std::isinf(pynq_hls::as_double(x));
}
template <class T> bool isfinite(const T &x)
{
	return std::isfinite(pynq_hls::as_double(x));
}
template <class T> bool signbit(const T &x)
{
	return std::signbit(pynq_hls::as_double(x));
}

} // namespace hls

#endif
