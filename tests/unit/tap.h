/* SPDX-License-Identifier: MIT */
/* Minimal TAP producer for the C unit tests (run by prove). */
#ifndef PYNQFS_TAP_H
#define PYNQFS_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Record one result; returns cond so callers can stop on failure. */
bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A whole file, malloc'd, or NULL. */
uint8_t *tap_slurp(const char *path, size_t *len);
/* Print the plan (tests numbered as they ran); exit status 1 if any failed. */
int tap_done(void);

#endif
