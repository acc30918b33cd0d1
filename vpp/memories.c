// SPDX-License-Identifier: MIT
/*
 * A platform's memories as sp= names them: a tag (bank0, HBM[3]), DDR[n]
 * (the n-th DDR, whatever its tag), PLRAM[n], or a range HBM[i:j] of banks
 * side by side.
 */
#define _GNU_SOURCE
#include "memories.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vpp_memories_list(const struct pq_design *d, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t b = 0; b < d->nbanks && n < len; b++) {
		size_t e = b;

		if (d->banks[b].streaming)
			continue;
		while (e + 1 < d->nbanks && d->banks[e + 1].type == d->banks[b].type &&
		       !d->banks[e + 1].streaming)
			e++;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s", n ? ", " : "", d->banks[b].tag,
				      e > b ? ".." : "", e > b ? d->banks[e].tag : "");
		b = e;
	}
}

static int mm_tag(const struct pq_design *d, const char *tag)
{
	for (size_t b = 0; b < d->nbanks; b++) {
		if (!d->banks[b].streaming && !strcmp(d->banks[b].tag, tag))
			return (int)b;
	}
	return -1;
}

/* The n-th bank of a type, as DDR[n] names a platform's DDR whatever its tags. */
static int mm_nth(const struct pq_design *d, int type, unsigned long n)
{
	for (size_t b = 0; b < d->nbanks; b++) {
		if (d->banks[b].type == type && !d->banks[b].streaming && n-- == 0)
			return (int)b;
	}
	return -1;
}

int vpp_memories_find(const struct pq_design *d, const char *spec, int *first, int *last, char *why,
		      size_t whylen)
{
	char mems[256];
	unsigned long i, j;
	char name[32], *end;
	const char *br = strchr(spec, '[');

	*first = *last = mm_tag(d, spec);
	if (*first >= 0)
		return 0;
	if (!br || br == spec || (size_t)(br - spec) >= sizeof(name))
		goto unknown;
	snprintf(name, sizeof(name), "%.*s", (int)(br - spec), spec);
	i = j = strtoul(br + 1, &end, 10);
	if (end == br + 1)
		goto unknown;
	if (*end == ':') {
		const char *s = end + 1;

		j = strtoul(s, &end, 10);
		if (end == s || j < i)
			goto unknown;
	}
	if (strcmp(end, "]") || j - i > 1024)
		goto unknown;
	for (unsigned long n = i; n <= j; n++) {
		char tag[48];
		int b;

		snprintf(tag, sizeof(tag), "%s[%lu]", name, n);
		b = mm_tag(d, tag);
		if (b < 0 && !strcmp(name, "DDR"))
			b = mm_nth(d, PQ_MEM_DDR4, n);
		if (b < 0) {
			vpp_memories_list(d, mems, sizeof(mems));
			snprintf(why, whylen, "%s has no %s (its memories: %s)", d->shell, tag,
				 mems);
			return -EINVAL;
		}
		if (n > i && b != *last + 1) {
			snprintf(why, whylen, "%s: the banks of a range must be side by side",
				 spec);
			return -EINVAL;
		}
		if (n == i)
			*first = b;
		*last = b;
	}
	return 0;
unknown:
	vpp_memories_list(d, mems, sizeof(mems));
	snprintf(why, whylen, "'%s' is not a memory of %s (its memories: %s)", spec, d->shell,
		 mems);
	return -EINVAL;
}
