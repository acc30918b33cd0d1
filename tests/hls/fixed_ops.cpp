// SPDX-License-Identifier: MIT
/*
 * ap_fixed.h against Python's fractions: prints operations on random and
 * edge values of pairs of fixed-point types, conversions between types in
 * every quantization and overflow mode, and from doubles; each line holds
 * the operands' and the result's shapes and raw bits (decimal).
 * tests/hls/check_fixed.py computes the same exactly.
 *
 *	op W1 I1 S1 raw1 W2 I2 S2 raw2 RW RI RS raw
 *	fit W1 I1 S1 raw1 W2 I2 S2 Q O raw
 *	dbl W I S Q O hexdouble raw
 */
#include <ap_fixed.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

static std::mt19937_64 rng(4242);

template <class T> static T pick()
{
	const int W = T::width;
	std::string hex = "0x";
	T t;

	switch (rng() % 6) {
	case 0:
		return t; /* 0 */
	case 1:
		t.V = 1;
		return t; /* the smallest step */
	case 2:
		t.V = -1;
		return t;
	case 3:
		t.V.set_bit(W - 1, true); /* the most negative, or the top bit */
		return t;
	}
	for (int n = (int)(rng() % ((W + 3) / 4)) + 1; n > 0; n--)
		hex += "0123456789abcdef"[rng() % 16];
	t.V = ap_int_base<W, T::sign_flag>(hex.c_str());
	return t;
}

template <class T> static void shape(const T &x)
{
	printf(" %d %d %d %s", T::width, T::iwidth, (int)T::sign_flag, x.V.to_string(10).c_str());
}

template <class R> static void line(const char *op, const R &r)
{
	printf(" %d %d %d %s\n", R::width, R::iwidth, (int)R::sign_flag, r.V.to_string(10).c_str());
	(void)op;
}

template <class A, class B> static void binary(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		const A a = pick<A>();
		const B b = pick<B>();
#define OP(name, expr)                                                                             \
	printf(name);                                                                              \
	shape(a);                                                                                  \
	shape(b);                                                                                  \
	line(name, expr);
		OP("+", a + b);
		OP("-", a - b);
		OP("*", a * b);
		OP("&", a & b);
		OP("|", a | b);
		OP("^", a ^ b);
		if (b != 0) {
			OP("/", a / b);
		}
#undef OP
		printf("cmp");
		shape(a);
		shape(b);
		printf(" %d %d %d\n", (int)(a < b), (int)(a == b), (int)(a >= b));
	}
}

/* A's values stored into ap_fixed_base<W2, I2, S2, Q, O>. */
template <class A, int W2, int I2, bool S2, ap_q_mode Q, ap_o_mode O> static void fit1(const A &a)
{
	const ap_fixed_base<W2, I2, S2, Q, O, 0> r(a);

	printf("fit");
	shape(a);
	printf(" %d %d %d %d %d %s\n", W2, I2, (int)S2, (int)Q, (int)O, r.V.to_string(10).c_str());
}

template <class A, int W2, int I2, bool S2, ap_o_mode O> static void fit_q(const A &a)
{
	fit1<A, W2, I2, S2, AP_RND, O>(a);
	fit1<A, W2, I2, S2, AP_RND_ZERO, O>(a);
	fit1<A, W2, I2, S2, AP_RND_MIN_INF, O>(a);
	fit1<A, W2, I2, S2, AP_RND_INF, O>(a);
	fit1<A, W2, I2, S2, AP_RND_CONV, O>(a);
	fit1<A, W2, I2, S2, AP_TRN, O>(a);
	fit1<A, W2, I2, S2, AP_TRN_ZERO, O>(a);
}

template <class A, int W2, int I2, bool S2> static void fits(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		const A a = pick<A>();

		fit_q<A, W2, I2, S2, AP_SAT>(a);
		fit_q<A, W2, I2, S2, AP_SAT_ZERO>(a);
		fit_q<A, W2, I2, S2, AP_SAT_SYM>(a);
		fit_q<A, W2, I2, S2, AP_WRAP>(a);
	}
}

template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O> static void dbl1(double d)
{
	const ap_fixed_base<W, I, S, Q, O, 0> r(d);

	printf("dbl %d %d %d %d %d %a %s\n", W, I, (int)S, (int)Q, (int)O, d,
	       r.V.to_string(10).c_str());
}

static double pick_double()
{
	switch (rng() % 4) {
	case 0:
		return (double)(int64_t)(rng() % 2001 - 1000) / 16; /* exact sixteenths: ties */
	case 1:
		return std::ldexp((double)(int64_t)(rng() % 2000001 - 1000000), -(int)(rng() % 40));
	case 2:
		return std::ldexp((double)(int64_t)(rng() >> 11) * (rng() % 2 ? 1 : -1),
				  (int)(rng() % 140) - 120);
	}
	return (double)(int64_t)(rng() % 4001 - 2000) / 8 + 0.0625; /* halfway between steps */
}

int main(int argc, char **argv)
{
	const int n = argc > 1 ? atoi(argv[1]) : 100;

	binary<ap_fixed<8, 4>, ap_fixed<8, 4>>(n);
	binary<ap_fixed<16, 3>, ap_ufixed<12, 10>>(n);
	binary<ap_ufixed<7, 0>, ap_fixed<33, 17>>(n);
	binary<ap_fixed<70, 40>, ap_fixed<65, 1>>(n);
	binary<ap_fixed<24, 24>, ap_ufixed<1, 1>>(n);
	binary<ap_fixed<130, 60>, ap_ufixed<64, 32>>(n);
	fits<ap_fixed<16, 6>, 8, 4, true>(n);
	fits<ap_fixed<16, 6>, 8, 4, false>(n);
	fits<ap_ufixed<20, 10>, 6, 2, true>(n);
	fits<ap_fixed<80, 40>, 66, 30, true>(n);
	fits<ap_fixed<12, 12>, 9, 3, true>(n);
	for (int i = 0; i < n * 4; i++) {
		const double d = pick_double();

		dbl1<8, 4, true, AP_RND_CONV, AP_SAT>(d);
		dbl1<8, 4, true, AP_TRN, AP_WRAP>(d);
		dbl1<8, 4, false, AP_RND, AP_SAT_SYM>(d);
		dbl1<16, 8, true, AP_RND_INF, AP_SAT_ZERO>(d);
		dbl1<16, 8, true, AP_TRN_ZERO, AP_SAT_SYM>(d);
		dbl1<32, 16, true, AP_RND_ZERO, AP_WRAP>(d);
		dbl1<70, 30, true, AP_RND_MIN_INF, AP_SAT>(d);
	}
	return 0;
}
