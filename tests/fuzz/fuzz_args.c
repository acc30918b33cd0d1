// SPDX-License-Identifier: MIT
/*
 * Fuzz target for what `args` takes: splitting text against a signature,
 * and C literals of every kind of type. A value that parses must print back
 * as a literal that parses to the same bits; a refusal must say why. With
 * clang: clang -g -fsanitize=fuzzer,address,undefined -Icore -Ixclbin tests/fuzz/fuzz_args.c \
 *   core/args.c xclbin/design.c xclbin/err.c -o fuzz_args && ./fuzz_args tests/fuzz/args
 * Without libFuzzer, run_corpus.c replays the corpus (scripts/test.sh does).
 */
#include "args.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct pq_arg fa_args[] = {
	{.name = "p", .type = "int*", .aq = PQ_AQ_GLOBAL},
	{.name = "s", .type = "hls::stream<int>&", .aq = PQ_AQ_STREAM},
	{.name = "u", .type = "unsigned int", .aq = PQ_AQ_SCALAR},
	{.name = "i8", .type = "char", .aq = PQ_AQ_SCALAR},
	{.name = "i16", .type = "short", .aq = PQ_AQ_SCALAR},
	{.name = "ll", .type = "long long", .aq = PQ_AQ_SCALAR},
	{.name = "ull", .type = "unsigned long long", .aq = PQ_AQ_SCALAR},
	{.name = "f", .type = "float", .aq = PQ_AQ_SCALAR},
	{.name = "d", .type = "double", .aq = PQ_AQ_SCALAR},
	{.name = "ap", .type = "ap_uint<12>", .aq = PQ_AQ_SCALAR},
	{.name = "api", .type = "ap_int<33>", .aq = PQ_AQ_SCALAR},
};
static struct pq_kernel fa_kernel = {
	.name = "k", .args = fa_args, .nargs = sizeof(fa_args) / sizeof(fa_args[0])};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_assign *as = NULL;
	char err[400] = "";
	size_t n = 0;
	bool rest;

	if (size == 0)
		return 0;
	/* The first byte picks partial or whole, the rest is the text. */
	if (pq_args_split(&fa_kernel, (const char *)data + 1, size - 1, data[0] & 1, &as, &n, &rest,
			  err, sizeof(err))) {
		if (!err[0])
			abort(); /* every refusal must say why */
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct pq_ctype t;
		uint64_t bits, again;
		char lit[64], why[200];

		if (pq_ctype_of(&fa_args[as[i].arg], &t, why, sizeof(why)) || t.kind == PQ_C_PTR ||
		    !as[i].value[0])
			continue;
		if (pq_value_parse(&t, as[i].value, &bits, why, sizeof(why))) {
			if (!why[0])
				abort();
			continue;
		}
		pq_value_format(&t, bits, lit, sizeof(lit));
		if (pq_value_parse(&t, lit, &again, why, sizeof(why)) || again != bits)
			abort(); /* what args shows must be what was set */
	}
	pq_assign_free(as, n);
	return 0;
}
