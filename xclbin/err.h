/* SPDX-License-Identifier: MIT */
/* Refusals with a reason: the message a user reads, and -EINVAL. */
#ifndef PYNQFS_ERR_H
#define PYNQFS_ERR_H

#include <stddef.h>

/* Format the reason into err (if any) and return -EINVAL. */
int pq_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
