/* SPDX-License-Identifier: MIT */
/* Refusals with a reason: the message a user reads, and -EINVAL. */
#ifndef PYNQFS_ERR_H
#define PYNQFS_ERR_H

#include <stddef.h>

/* Format the reason into err (if any) and return -EINVAL. */
int pq_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * What a user wrote, quoted in a reason: at most PQ_QUOTE_MAX bytes of it,
 * ending "..." when cut, so that the advice after it always fits. PQ_Q(s)
 * quotes into a buffer that lives until the end of the enclosing block.
 */
#define PQ_QUOTE_MAX 80
const char *pq_quote(char *buf, size_t buflen, const char *s);
#define PQ_Q(s) pq_quote((char[PQ_QUOTE_MAX + 4]){0}, PQ_QUOTE_MAX + 4, (s))

#endif
