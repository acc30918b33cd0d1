// SPDX-License-Identifier: MIT
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pq_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

const char *pq_quote(char *buf, size_t buflen, const char *s)
{
	size_t len = strlen(s);

	if (len < buflen) {
		memcpy(buf, s, len + 1);
		return buf;
	}
	/* Cut at a character's start: a UTF-8 name stays valid text. */
	len = buflen - 4;
	while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	memcpy(buf, s, len);
	memcpy(buf + len, "...", 4);
	return buf;
}
