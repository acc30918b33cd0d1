// SPDX-License-Identifier: MIT
/*
 * ap_int.h against Python's integers: prints, for random and edge operands
 * of each pair of types, every operation's operands and result (decimal)
 * with the result's width and signedness; tests/hls/check_ap.py computes
 * the same from the rules and says which lines differ.
 *
 *	op W1 S1 W2 S2 a b RW RS result
 */
#include <ap_int.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

static std::mt19937_64 rng(12345);

/* A value of type T: edges (0, 1, -1, extremes) or random bits of random length. */
template <class T> static T pick()
{
	const int W = T::width;
	std::string hex = "0x";

	switch (rng() % 8) {
	case 0:
		return T(0);
	case 1:
		return T(1);
	case 2:
		return T(-1);
	case 3: {
		T t(0);

		t.set_bit(W - 1, true); /* the most negative, or 2^(W-1) */
		return t;
	}
	case 4: {
		T t(-1);

		t.set_bit(W - 1, false); /* the most positive signed */
		return t;
	}
	}
	for (int n = (int)(rng() % ((W + 3) / 4)) + 1; n > 0; n--)
		hex += "0123456789abcdef"[rng() % 16];
	return T(hex.c_str());
}

template <class R>
static void out(const char *op, int w1, bool s1, int w2, bool s2, const std::string &a,
		const std::string &b, const R &r)
{
	printf("%s %d %d %d %d %s %s %d %d %s\n", op, w1, s1, w2, s2, a.c_str(), b.c_str(),
	       R::width, R::sign_flag, r.to_string(10).c_str());
}

template <class A, class B> static void pair_ops(int rounds)
{
	const int w1 = A::width, w2 = B::width;
	const bool s1 = A::sign_flag, s2 = B::sign_flag;

	for (int i = 0; i < rounds; i++) {
		const A a = pick<A>();
		const B b = pick<B>();
		const std::string as = a.to_string(10), bs = b.to_string(10);

		out("+", w1, s1, w2, s2, as, bs, a + b);
		out("-", w1, s1, w2, s2, as, bs, a - b);
		out("*", w1, s1, w2, s2, as, bs, a * b);
		out("&", w1, s1, w2, s2, as, bs, a & b);
		out("|", w1, s1, w2, s2, as, bs, a | b);
		out("^", w1, s1, w2, s2, as, bs, a ^ b);
		if (b != 0) {
			out("/", w1, s1, w2, s2, as, bs, a / b);
			out("%", w1, s1, w2, s2, as, bs, a % b);
		}
		printf("cmp %d %d %d %d %s %s %d %d %d\n", w1, s1, w2, s2, as.c_str(), bs.c_str(),
		       (int)(a < b), (int)(a == b), (int)(a >= b));
		const int sh = (int)(rng() % (w1 + 2));
		out("<<", w1, s1, 32, 1, as, std::to_string(sh), a << sh);
		out(">>", w1, s1, 32, 1, as, std::to_string(sh), a >> sh);
		out("neg", w1, s1, 0, 0, as, "0", -a);
		out("not", w1, s1, 0, 0, as, "0", ~a);
		/* A range: read it, then write b into it. */
		const int hi = (int)(rng() % w1), lo = (int)(rng() % (hi + 1));
		A c = a;
		c.range(hi, lo) = b;
		printf("range %d %d %d %d %s %s %d %d %s %s\n", w1, s1, hi, lo, as.c_str(),
		       bs.c_str(), 0, 0, a.range(hi, lo).to_string(10).c_str(),
		       c.to_string(10).c_str());
		/* Text both ways: the value, then the bits. */
		const A back(as.c_str());
		printf("text %d %d 0 0 %s %s 0 0 %d\n", w1, s1, as.c_str(), a.to_string(16).c_str(),
		       (int)(back == a));
	}
}

int main(int argc, char **argv)
{
	const int n = argc > 1 ? atoi(argv[1]) : 200;

	pair_ops<ap_uint<1>, ap_uint<1>>(n);
	pair_ops<ap_int<1>, ap_int<1>>(n);
	pair_ops<ap_int<7>, ap_int<7>>(n);
	pair_ops<ap_uint<7>, ap_int<64>>(n);
	pair_ops<ap_uint<64>, ap_uint<64>>(n);
	pair_ops<ap_int<64>, ap_int<64>>(n);
	pair_ops<ap_int<64>, ap_uint<65>>(n);
	pair_ops<ap_int<65>, ap_int<65>>(n);
	pair_ops<ap_uint<65>, ap_int<7>>(n);
	pair_ops<ap_uint<512>, ap_uint<512>>(n);
	pair_ops<ap_int<512>, ap_int<1024>>(n);
	pair_ops<ap_int<1024>, ap_uint<65>>(n);
	pair_ops<ap_uint<1024>, ap_int<1024>>(n);
	/* C integers count as their own width and sign. */
	for (int i = 0; i < n; i++) {
		const ap_int<65> a = pick<ap_int<65>>();
		const int b = (int)rng();
		const std::string as = a.to_string(10), bs = std::to_string(b);

		out("+", 65, 1, 32, 1, as, bs, a + b);
		out("*", 65, 1, 32, 1, as, bs, b * a);
		out("-", 32, 1, 65, 1, bs, as, b - a);
		if (b)
			out("/", 65, 1, 32, 1, as, bs, a / b);
	}
	return 0;
}
