// SPDX-License-Identifier: MIT
/*
 * Fuzz target for the config loader: any bytes as a config file either
 * load, or are refused with FILE:LINE and a reason, and never crash. With
 * clang: clang -g -fsanitize=fuzzer,address,undefined -Iconf tests/fuzz/fuzz_config.c \
 *   conf/config.c -lconfig -o fuzz_config && ./fuzz_config tests/fuzz/config
 * Without libFuzzer, run_corpus.c replays the corpus (scripts/test.sh does).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_config c = {0};
	char path[] = "/tmp/pynqfs-fuzz-config.XXXXXX", err[600] = "";
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (pq_config_load(&c, path, err, sizeof(err)) && strncmp(err, path, strlen(path)))
		abort(); /* every refusal names the file (and the line where it has one) */
	pq_config_free(&c);
	unlink(path);
	return 0;
}
