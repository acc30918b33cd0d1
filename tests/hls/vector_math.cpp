// SPDX-License-Identifier: MIT
/*
 * hls_vector.h and hls_math.h, checked in C++ (TAP): vector operators
 * against element loops, layout and alignment, reductions; math on float,
 * double, ap_fixed (against std:: of the value, stored by the type's own
 * rounding) and integers. And a local hls::stream (hls_stream.h), as a
 * dataflow region uses one.
 */
#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_math.h>
#include <hls_stream.h>
#include <hls_vector.h>

#include <cmath>
#include <cstdio>
#include <random>

static int n_test, n_fail;

static void check(bool ok, const char *what)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++n_test, what);
	n_fail += !ok;
}

int main()
{
	std::mt19937 rng(99);
	std::uniform_real_distribution<float> u(-100, 100);
	hls::vector<float, 16> a, b;
	hls::vector<int, 8> iv = 7;
	bool ok = true;

	for (int i = 0; i < 16; i++) {
		a[i] = u(rng);
		b[i] = u(rng);
	}
	const hls::vector<float, 16> c = a * b + 2.0f, d = 1.0f - a / b;
	for (int i = 0; i < 16; i++)
		ok = ok && c[i] == a[i] * b[i] + 2.0f && d[i] == 1.0f - a[i] / b[i];
	check(ok, "vector * vector + scalar, scalar - vector / vector: element by element");
	float sum = 0, mx = a[0];
	for (int i = 0; i < 16; i++) {
		sum += a[i];
		mx = a[i] > mx ? a[i] : mx;
	}
	check(a.reduce_add() == sum && a.reduce_max() == mx,
	      "reduce_add, reduce_max fold in order");
	iv *= 3;
	iv[2] = 5;
	check(iv.reduce_add() == 21 * 7 + 5 && iv.reduce_min() == 5 &&
		      (iv ^ iv) == hls::vector<int, 8>(0),
	      "broadcast, *=, element write, xor, ==");
	check(sizeof(hls::vector<float, 16>) == 64 && alignof(hls::vector<float, 16>) == 64 &&
		      sizeof(hls::vector<short, 3>) == 8 &&
		      sizeof(hls::vector<ap_uint<512>, 2>) == 128,
	      "layout: N x sizeof(T), aligned and sized to a power of two");
	hls::vector<ap_uint<12>, 4> w = ap_uint<12>(4000);
	w += ap_uint<12>(200);
	check(w[3] == 104, "ap_uint<12> elements wrap as their type does");

	ok = true;
	for (int i = 0; i < 1000 && ok; i++) {
		const double x = std::ldexp((double)(rng() % 60000), -12); /* 0 .. 14.6 */
		const ap_fixed<24, 8, AP_RND> f = x;
		const ap_fixed<24, 8, AP_RND> want = std::sqrt(f.to_double());

		ok = hls::sqrt(f) == want &&
		     hls::exp(ap_fixed<32, 16>(f * 0.25)) == ap_fixed<32, 16>(std::exp(f * 0.25));
	}
	check(ok, "sqrt, exp of ap_fixed: std:: of the value, stored by the type (1,000 values)");
	check(hls::sqrt(2.0f) == std::sqrt(2.0f) &&
		      hls::atan2(1.0, -1.0) == std::atan2(1.0, -1.0) &&
		      hls::fmin(3.0, -1.0) == -1.0,
	      "float and double: std::");
	check(hls::abs(ap_int<9>(-255)) == 255 && hls::abs(-7) == 7 &&
		      hls::abs(ap_fixed<8, 4>(-1.5)) == 1.5 &&
		      hls::max(ap_int<5>(-3), ap_int<5>(2)) == 2,
	      "abs, max of integers and fixed point, in their own type");
	check(hls::sqrt(ap_ufixed<8, 2, AP_TRN, AP_SAT>(3.9)) ==
		      ap_ufixed<8, 2, AP_TRN, AP_SAT>(1.96875),
	      "sqrt into ap_ufixed<8, 2, AP_TRN, AP_SAT>: cut toward -inf, as the type says");
	/* A local stream: in order, bounded by DEPTH when given; empty reads give T(). */
	hls::stream<ap_uint<40>, 3> s("s");
	ap_uint<40> x;

	check(s.empty() && !s.full() && s.write_nb(1) && s.write_nb(2) && s.write_nb(3) &&
		      s.full() && !s.write_nb(4) && s.size() == 3,
	      "a local stream<T, 3>: full after 3, write_nb refused then");
	s >> x;
	check(x == 1 && s.read() == 2 && s.read_nb(x) && x == 3 && s.empty() && !s.read_nb(x),
	      "read, >>, read_nb in order; read_nb refuses when empty");
	x = 77;
	s.read(x);
	check(x == 0, "reading it empty gives T() (and says so on stderr)");
	hls::stream<hls::vector<int, 4>> vs;
	vs << hls::vector<int, 4>(9);
	check(vs.read().reduce_add() == 36, "a stream of vectors");
	printf("1..%d\n", n_test);
	return n_fail != 0;
}
