/* SPDX-License-Identifier: MIT */
/*
 * Kernel arguments: C types as the tools spell them, C literals checked
 * against those types, and the "name=value" / positional text of `args`.
 */
#ifndef PYNQFS_ARGS_H
#define PYNQFS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xclbin.h"

enum pq_ckind {
	PQ_C_PTR,
	PQ_C_SINT,
	PQ_C_UINT,
	PQ_C_FLOAT,
	PQ_C_DOUBLE,
	PQ_C_STREAM,
};

struct pq_ctype {
	enum pq_ckind kind;
	unsigned size; /* bytes the value takes in C */
	bool ref;      /* a scalar by reference (T&): the kernel may write it back */
};

/*
 * Classify an arg's type: "unsigned int const *", "long unsigned int",
 * "ap_uint<512>*", "ap_int<12>", ... -EINVAL (with why) for a type that
 * cannot be passed to a C function, like ap_fixed<16,8> or a struct.
 */
int pq_ctype_of(const struct pq_arg *a, struct pq_ctype *t, char *err, size_t errlen);

/* Parse a C literal ("1024", "0x400", "-3", "2.5f") into the type's bits. */
int pq_value_parse(const struct pq_ctype *t, const char *lit, uint64_t *bits, char *err,
		   size_t errlen);

/* Print bits as a C literal of the type. */
void pq_value_format(const struct pq_ctype *t, uint64_t bits, char *buf, size_t len);

/* One "name=value" or positional token, resolved to an arg index. */
struct pq_assign {
	int arg;
	char *value; /* "" unsets */
};

/*
 * Split args text against a signature. Positional values fill the
 * non-stream args in order. With partial, a last token not followed by
 * white space is left out (it may still grow) and *rest says so.
 */
int pq_args_split(const struct pq_kernel *k, const char *text, size_t len, bool partial,
		  struct pq_assign **out, size_t *n, bool *rest, char *err, size_t errlen);
void pq_assign_free(struct pq_assign *a, size_t n);

#endif
