// SPDX-License-Identifier: MIT
/* core/args.c: C types as Vitis spells them, literals against them, args text. */
#include "args.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct pq_arg arg_of(const char *type, int aq)
{
	struct pq_arg a = {.name = "x", .type = (char *)type, .aq = aq};

	return a;
}

static void test_types(void)
{
	static const struct {
		const char *type;
		enum pq_ckind kind;
		unsigned size;
	} ok_types[] = {
		{"char", PQ_C_SINT, 1},
		{"signed char", PQ_C_SINT, 1},
		{"unsigned char", PQ_C_UINT, 1},
		{"short", PQ_C_SINT, 2},
		{"short int", PQ_C_SINT, 2},
		{"unsigned short", PQ_C_UINT, 2},
		{"int", PQ_C_SINT, 4},
		{"signed", PQ_C_SINT, 4},
		{"unsigned", PQ_C_UINT, 4},
		{"unsigned int", PQ_C_UINT, 4},
		{"const unsigned int", PQ_C_UINT, 4},
		{"long", PQ_C_SINT, 8},
		{"long int", PQ_C_SINT, 8},
		{"long unsigned int", PQ_C_UINT, 8},
		{"unsigned long", PQ_C_UINT, 8},
		{"long long", PQ_C_SINT, 8},
		{"unsigned long long", PQ_C_UINT, 8},
		{"long long unsigned int", PQ_C_UINT, 8},
		{"float", PQ_C_FLOAT, 4},
		{"double", PQ_C_DOUBLE, 8},
		{"const double", PQ_C_DOUBLE, 8},
		{"int8_t", PQ_C_SINT, 1},
		{"uint16_t", PQ_C_UINT, 2},
		{"int32_t", PQ_C_SINT, 4},
		{"uint64_t", PQ_C_UINT, 8},
		{"size_t", PQ_C_UINT, 8},
		{"bool", PQ_C_UINT, 1},
		{"ap_uint<1>", PQ_C_UINT, 1},
		{"ap_uint<12>", PQ_C_UINT, 2},
		{"ap_int<32>", PQ_C_SINT, 4},
		{"ap_int<33>", PQ_C_SINT, 8},
		{"ap_uint<64>", PQ_C_UINT, 8},
		{"int*", PQ_C_PTR, 8},
		{"unsigned int const *", PQ_C_PTR, 8},
		{"ap_uint<512>*", PQ_C_PTR, 8},
		{"ap_uint<512> const *", PQ_C_PTR, 8},
		{"float const *", PQ_C_PTR, 8},
	};
	static const char *const bad_types[] = {
		"ap_fixed<16,8>",
		"ap_uint<65>",
		"ap_int<0>",
		"long double",
		"struct pair",
		"unsigned float",
		"short long",
		"char int",
		"int int",
		"signed unsigned",
		"& int",
		"int& &",
		"hls::stream<int>&",
		"",
		"const",
	};
	char err[200];

	for (size_t i = 0; i < sizeof(ok_types) / sizeof(ok_types[0]); i++) {
		struct pq_arg a = arg_of(ok_types[i].type, strchr(ok_types[i].type, '*') ? 1 : 0);
		struct pq_ctype t = {0};
		int ret = pq_ctype_of(&a, &t, err, sizeof(err));

		tap_ok(ret == 0 && t.kind == ok_types[i].kind && t.size == ok_types[i].size &&
			       !t.ref,
		       "type '%s': kind %d size %u", ok_types[i].type, t.kind, t.size);
	}
	/* T&: a scalar output (mailbox kernels), the kernel writes it back. */
	{
		static const struct {
			const char *type;
			enum pq_ckind kind;
			unsigned size;
		} refs[] = {{"int&", PQ_C_SINT, 4},
			    {"unsigned int &", PQ_C_UINT, 4},
			    {"float&", PQ_C_FLOAT, 4},
			    {"ap_uint<64> &", PQ_C_UINT, 8}};

		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
			struct pq_arg a = arg_of(refs[i].type, 0);
			struct pq_ctype t = {0};
			int ret = pq_ctype_of(&a, &t, err, sizeof(err));

			tap_ok(ret == 0 && t.kind == refs[i].kind && t.size == refs[i].size &&
				       t.ref,
			       "type '%s': a reference to kind %d size %u", refs[i].type, t.kind,
			       t.size);
		}
	}
	for (size_t i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
		struct pq_arg a = arg_of(bad_types[i], 0);
		struct pq_ctype t;

		err[0] = '\0';
		tap_ok(pq_ctype_of(&a, &t, err, sizeof(err)) == -EINVAL && err[0],
		       "type '%s' refused: %s", bad_types[i], err);
	}
	{
		struct pq_arg a = arg_of("hls::stream<int>&", PQ_AQ_STREAM);
		struct pq_ctype t;

		tap_ok(pq_ctype_of(&a, &t, err, sizeof(err)) == 0 && t.kind == PQ_C_STREAM,
		       "a stream arg is a stream, whatever its type says");
	}
}

static void test_literals(void)
{
	static const struct {
		struct pq_ctype t;
		const char *lit;
		int ret;
		uint64_t bits;
	} cases[] = {
		{{.kind = PQ_C_UINT, .size = 4}, "1024", 0, 1024},
		{{.kind = PQ_C_UINT, .size = 4}, "0x400", 0, 1024},
		{{.kind = PQ_C_UINT, .size = 4}, "0400", 0, 256},
		{{.kind = PQ_C_UINT, .size = 4}, "4294967295", 0, 4294967295u},
		{{.kind = PQ_C_UINT, .size = 4}, "4294967296", -EINVAL, 0},
		{{.kind = PQ_C_UINT, .size = 4}, "-1", -EINVAL, 0},
		{{.kind = PQ_C_UINT, .size = 4}, "10u", 0, 10},
		{{.kind = PQ_C_UINT, .size = 4}, "10x", -EINVAL, 0},
		{{.kind = PQ_C_UINT, .size = 4}, "", -EINVAL, 0},
		{{.kind = PQ_C_UINT, .size = 1}, "255", 0, 255},
		{{.kind = PQ_C_UINT, .size = 1}, "256", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 1}, "-128", 0, 0x80},
		{{.kind = PQ_C_SINT, .size = 1}, "127", 0, 127},
		{{.kind = PQ_C_SINT, .size = 1}, "128", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 2}, "-32769", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 4}, "-3", 0, 0xfffffffd},
		{{.kind = PQ_C_SINT, .size = 4}, "2147483648", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 8}, "-9223372036854775808", 0, 0x8000000000000000ull},
		{{.kind = PQ_C_SINT, .size = 8}, "9223372036854775808", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 8}, "5LL", 0, 5},
		{{.kind = PQ_C_UINT, .size = 8}, "18446744073709551615ULL", 0, UINT64_MAX},
		{{.kind = PQ_C_UINT, .size = 8}, "18446744073709551616", -EINVAL, 0},
		{{.kind = PQ_C_SINT, .size = 4}, "1.5", -EINVAL, 0},
		{{.kind = PQ_C_FLOAT, .size = 4}, "2.5", 0, 0x40200000},
		{{.kind = PQ_C_FLOAT, .size = 4}, "2.5f", 0, 0x40200000},
		{{.kind = PQ_C_FLOAT, .size = 4}, "-1", 0, 0xbf800000},
		{{.kind = PQ_C_FLOAT, .size = 4}, "1e39", -EINVAL, 0},
		{{.kind = PQ_C_FLOAT, .size = 4}, "2.5x", -EINVAL, 0},
		{{.kind = PQ_C_DOUBLE, .size = 8}, "-1.25", 0, 0xbff4000000000000ull},
		{{.kind = PQ_C_DOUBLE, .size = 8}, "1e39", 0, 0x48078287f49c4a1dull},
		{{.kind = PQ_C_DOUBLE, .size = 8}, "1e999", -EINVAL, 0},
	};
	char err[200], back[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t bits = 0;
		int ret;

		err[0] = '\0';
		ret = pq_value_parse(&cases[i].t, cases[i].lit, &bits, err, sizeof(err));
		tap_ok(ret == cases[i].ret && (ret || bits == cases[i].bits),
		       "literal '%s' (kind %d, %u bytes): %s%s", cases[i].lit, cases[i].t.kind,
		       cases[i].t.size, ret ? "refused: " : "ok", err);
	}
	{
		struct pq_ctype t = {.kind = PQ_C_SINT, .size = 2};
		uint64_t bits;

		pq_value_parse(&t, "-300", &bits, err, sizeof(err));
		pq_value_format(&t, bits, back, sizeof(back));
		tap_ok(!strcmp(back, "-300"), "short -300 prints back as -300 (%s)", back);
	}
}

static void test_split(void)
{
	struct pq_arg args[] = {
		{.name = "in1", .type = "int*", .aq = 1},
		{.name = "s", .type = "hls::stream<int>&", .aq = PQ_AQ_STREAM},
		{.name = "out", .type = "int*", .aq = 1},
		{.name = "size", .type = "int", .aq = 0},
	};
	struct pq_kernel k = {.name = "k", .args = args, .nargs = 4};
	struct pq_assign *as;
	char err[300];
	size_t n;
	bool rest;
	int ret;

	ret = pq_args_split(&k, "a b 3", 5, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == 0 && n == 3 && as[0].arg == 0 && as[1].arg == 2 && as[2].arg == 3 &&
		       !strcmp(as[2].value, "3"),
	       "positional values skip the stream arg");
	pq_assign_free(as, n);
	ret = pq_args_split(&k, "size=4\n\tin1=x  ", 15, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == 0 && n == 2 && as[0].arg == 3 && as[1].arg == 0 && !strcmp(as[1].value, "x"),
	       "named values, any white space");
	pq_assign_free(as, n);
	ret = pq_args_split(&k, "a b c d", 7, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "too many values: k takes in1, out, size"),
	       "too many values: %s", err);
	ret = pq_args_split(&k, "s=x", 3, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "s is a stream"), "a stream cannot be set: %s", err);
	ret = pq_args_split(&k, "nope=1", 6, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "no arg named 'nope'"), "unknown name: %s", err);
	ret = pq_args_split(&k, "size=1 in1=ab", 13, true, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == 0 && n == 1 && rest, "partial: a last token without white space waits");
	pq_assign_free(as, n);
	ret = pq_args_split(&k, "size=1\0x", 8, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "NUL"), "a NUL byte is refused: %s", err);
	ret = pq_args_split(&k, "size=", 5, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == 0 && n == 1 && as[0].value[0] == '\0', "'size=' unsets");
	pq_assign_free(as, n);
	ret = pq_args_split(&k, "size = 1024\nin1 =x out= y", 25, false, &as, &n, &rest, err,
			    sizeof(err));
	tap_ok(ret == 0 && n == 3 && as[0].arg == 3 && !strcmp(as[0].value, "1024") &&
		       as[1].arg == 0 && !strcmp(as[1].value, "x") && as[2].arg == 2 &&
		       !strcmp(as[2].value, "y"),
	       "'size = 1024', 'in1 =x', 'out= y': white space around '=' is allowed");
	pq_assign_free(as, n);
	ret = pq_args_split(&k, "= 5", 3, false, &as, &n, &rest, err, sizeof(err));
	tap_ok(ret == -EINVAL && strstr(err, "no arg name before '='"),
	       "'= 5' says what is missing: %s", err);
}

int main(void)
{
	test_types();
	test_literals();
	test_split();
	return tap_done();
}
