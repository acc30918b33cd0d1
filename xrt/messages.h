/* SPDX-License-Identifier: MIT */
/* XRT's own messages, kept for the card's log (messages.c), for backend.c. */
#ifndef PYNQFS_XRT_MESSAGES_H
#define PYNQFS_XRT_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

/* Before XRT's first message: its log goes to us (once; later calls do nothing). */
void xr_messages_open(void);
/* Where XRT's log ends now: take it before a call. */
uint64_t xr_messages_mark(void);
/* XRT's last message since mark, on one line, in buf ("" if none); returns buf. */
const char *xr_messages_since(uint64_t mark, char *buf, size_t len);

/*
 * Why a call failed: fmt's words, then XRT's own since mark ("; XRT says:
 * ..."), for the card's log.
 */
__attribute__((format(printf, 4, 5))) void xr_why(char *why, size_t whylen, uint64_t mark,
						  const char *fmt, ...);
/* XRT's failures to -errno: the one place its codes are read (dflt when errno is 0). */
int xr_errno(int dflt);

#endif
