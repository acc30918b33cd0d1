// SPDX-License-Identifier: MIT
/*
 * The baseline of the stream pipeline benchmark: mm2s -> increment -> s2mm
 * as three threads of one process over two <pynq_stream.h> FIFOs of the
 * sim's depth, with no FUSE, no runner processes and no kernel calls.
 *   pipe3 N     (prints nothing; exits 1 if an element came out wrong)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "pynq_stream.h"

#define DEPTH 1024

static pynq_stream *p3_new(void)
{
	pynq_stream *s = calloc(1, pynq_stream_bytes(4, DEPTH));

	if (!s)
		exit(1);
	s->magic = PYNQ_STREAM_MAGIC;
	s->width = 4;
	s->depth = DEPTH;
	s->stride = (4 + 8) & ~7u;
	pynq_stream_info_of(s)->bits = 32;
	return s;
}

static pynq_stream *p3_a, *p3_b;
static uint32_t p3_n;

static void *p3_src(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < p3_n; i++)
		pynq_stream_write_u32(p3_a, i, i == p3_n - 1);
	return NULL;
}

static void *p3_inc(void *arg)
{
	bool last = false;

	(void)arg;
	while (!last) {
		uint32_t v = pynq_stream_read_u32(p3_a, &last);

		pynq_stream_write_u32(p3_b, v + 1, last);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	uint32_t bad = 0;

	p3_n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 1000000;
	p3_a = p3_new();
	p3_b = p3_new();
	pthread_create(&t[0], NULL, p3_src, NULL);
	pthread_create(&t[1], NULL, p3_inc, NULL);
	for (uint32_t i = 0; i < p3_n; i++)
		bad += pynq_stream_read_u32(p3_b, NULL) != i + 1;
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return bad != 0;
}
