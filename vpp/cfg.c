// SPDX-License-Identifier: MIT
/* v++ configuration files and options as one list of settings. */
#define _GNU_SOURCE
#include "cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vpp_cfg_add(struct vpp_cfg *c, const char *section, const char *key, const char *value,
		const char *where)
{
	struct vpp_setting *s = realloc(c->s, (c->n + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	c->s = s;
	s = &c->s[c->n];
	s->section = strdup(section);
	s->key = strdup(key);
	s->value = strdup(value);
	s->where = strdup(where);
	if (!s->section || !s->key || !s->value || !s->where) {
		free(s->section);
		free(s->key);
		free(s->value);
		free(s->where);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

/* Trim spaces at both ends, in place. */
static char *cf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int vpp_cfg_read(struct vpp_cfg *c, const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	char section[64] = "", where[4200];
	char *line = NULL;
	size_t cap = 0;
	int n = 0, ret = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -EINVAL;
	}
	while (!ret && getline(&line, &cap, f) >= 0) {
		char *s = cf_trim(line), *eq, *hash;

		n++;
		snprintf(where, sizeof(where), "%s:%d", file, n);
		hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		s = cf_trim(s);
		if (!*s)
			continue;
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close || close[1] || close - s - 1 >= (long)sizeof(section)) {
				snprintf(err, errlen, "%s: '%s' is not a [section] line", where, s);
				ret = -EINVAL;
				break;
			}
			*close = '\0';
			snprintf(section, sizeof(section), "%s", cf_trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s: '%s' is not key=value", where, s);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = vpp_cfg_add(c, section, cf_trim(s), cf_trim(eq + 1), where);
	}
	free(line);
	fclose(f);
	return ret;
}

const char *vpp_cfg_get(const struct vpp_cfg *c, const char *section, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->s[i].section, section) && !strcmp(c->s[i].key, key))
			v = c->s[i].value;
	}
	return v;
}

void vpp_cfg_free(struct vpp_cfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->s[i].section);
		free(c->s[i].key);
		free(c->s[i].value);
		free(c->s[i].where);
	}
	free(c->s);
	c->s = NULL;
	c->n = 0;
}
