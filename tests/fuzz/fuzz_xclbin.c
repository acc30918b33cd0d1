// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the xclbin parser. With clang:
 *   clang -g -fsanitize=fuzzer,address,undefined -Ixclbin tests/fuzz/fuzz_xclbin.c xclbin/xclbin.c
 * \
 *         xclbin/metadata.c xclbin/design.c xclbin/summary.c xclbin/err.c \
 *         $(pkg-config --cflags --libs libxml-2.0) -o fuzz && ./fuzz tests/fuzz/corpus
 * Without libFuzzer, run_corpus.c replays the corpus (scripts/test.sh does).
 */
#define _GNU_SOURCE
#include "summary.h"
#include "xclbin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_design *d;
	char err[512];

	if (pq_xclbin_parse(data, size, &d, err, sizeof(err)) == 0) {
		/* What the filesystem does with a design must hold up too. */
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		if (f) {
			pq_summary_design(f, d);
			fclose(f);
		}
		free(text);
		pq_design_free(d);
	} else if (!err[0]) {
		abort(); /* every refusal must say why */
	}
	return 0;
}
