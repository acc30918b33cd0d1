// SPDX-License-Identifier: MIT
/* Config loading and validation; every error names file, line and reason. */
#define _GNU_SOURCE
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <libconfig.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PYNQFS_KERNEL_DIRS
#define PYNQFS_KERNEL_DIRS "/usr/local/lib/pynqfs/kernels"
#endif

struct cf_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

static int cf_fail(struct cf_ctx *x, const config_setting_t *s, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s:%d: %s", x->file, s ? config_setting_source_line(s) : 1,
		 msg);
	return -EINVAL;
}

static void cf_defaults(struct pq_config *c)
{
	memset(c, 0, sizeof(*c));
	c->run_timeout_ms = 10000;
	c->log_lines = 200;
	c->max_queued = 1024;
}

/* PYNQFS_KERNEL_DIRS is ':'-separated: the build tree's, then the install's. */
static int cf_default_kernel_path(struct pq_config *c)
{
	char *dirs = strdup(PYNQFS_KERNEL_DIRS), *save = NULL;

	if (!dirs)
		return -ENOMEM;
	for (char *p = strtok_r(dirs, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		char **n = realloc(c->kernel_path, (c->nkernel_path + 1) * sizeof(*n));

		if (!n || !(n[c->nkernel_path] = strdup(p))) {
			if (n)
				c->kernel_path = n;
			free(dirs);
			return -ENOMEM;
		}
		c->kernel_path = n;
		c->nkernel_path++;
	}
	free(dirs);
	return 0;
}

int pq_config_default(struct pq_config *c)
{
	cf_defaults(c);
	c->cards = calloc(1, sizeof(*c->cards));
	if (!c->cards)
		return -ENOMEM;
	c->ncards = 1;
	c->cards[0].backend = strdup("sim");
	c->cards[0].name = strdup(PQ_DEFAULT_SHELL);
	c->cards[0].any_shell = true;
	if (!c->cards[0].backend || !c->cards[0].name || cf_default_kernel_path(c)) {
		pq_config_free(c);
		return -ENOMEM;
	}
	return 0;
}

/* Keys we know, so that a typo is an error rather than silently ignored. */
static int cf_known(struct cf_ctx *x, const config_setting_t *group, const char *const *keys,
		    const char *where)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		bool ok = false;

		for (int k = 0; keys[k] && name; k++)
			ok |= !strcmp(keys[k], name);
		if (!ok)
			return cf_fail(x, s, "unknown setting '%s' in %s", name ? name : "?",
				       where);
	}
	return 0;
}

static int cf_string(struct cf_ctx *x, const config_setting_t *g, const char *key, char **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cf_fail(x, s, "%s must be a string", key);
	free(*out);
	*out = strdup(config_setting_get_string(s));
	return *out ? 0 : -ENOMEM;
}

static int cf_uint(struct cf_ctx *x, const config_setting_t *g, const char *key, long long min,
		   long long max, unsigned *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);
	long long v;

	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return cf_fail(x, s, "%s must be an integer", key);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return cf_fail(x, s, "%s must be between %lld and %lld", key, min, max);
	*out = (unsigned)v;
	return 0;
}

static int cf_card(struct cf_ctx *x, const config_setting_t *s, struct pq_card_conf *cc)
{
	static const char *const keys[] = {"backend",	"name",		  "device",
					   "any_shell", "interface_uuid", "owner",
					   "group",	"mode",		  NULL};
	const config_setting_t *m;
	char *owner = NULL, *group = NULL, *mode = NULL, *end;
	unsigned dev = 0;
	int ret, b;

	if (config_setting_type(s) != CONFIG_TYPE_GROUP)
		return cf_fail(x, s, "each card must be a group { ... }");
	cc->line = config_setting_source_line(s);
	if ((ret = cf_known(x, s, keys, "a card")))
		return ret;
	if ((m = config_setting_get_member(s, "device")) &&
	    config_setting_type(m) == CONFIG_TYPE_STRING) {
		if (strcmp(config_setting_get_string(m), "all"))
			return cf_fail(x, m, "device must be an index or \"all\"");
		cc->device = PQ_DEVICE_ALL;
	} else if ((ret = cf_uint(x, s, "device", 0, 1023, &dev))) {
		return ret;
	} else {
		cc->device = (int)dev;
	}
	if ((ret = cf_string(x, s, "backend", &cc->backend)) ||
	    (ret = cf_string(x, s, "name", &cc->name)) ||
	    (ret = cf_string(x, s, "interface_uuid", &cc->interface_uuid)))
		return ret;
	if (!cc->backend)
		return cf_fail(x, s, "a card needs backend = \"sim\" or \"xrt\"");
	for (const char *c = cc->name; c && *c; c++) {
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
			return cf_fail(x, config_setting_get_member(s, "name"),
				       "name \"%s\" has white space or a control character: "
				       "`cards` lists it in a line of space-separated words",
				       cc->name);
	}
	if (!strcmp(cc->backend, "sim")) {
		if (cc->device == PQ_DEVICE_ALL)
			return cf_fail(x, s, "device = \"all\" is for xrt cards");
		if (!cc->name || !*cc->name || strlen(cc->name) > 64)
			return cf_fail(x, s,
				       "a sim card needs a name (its shell), 1 to 64 characters");
	} else if (!strcmp(cc->backend, "xrt")) {
#ifndef PYNQFS_HAVE_XRT
		return cf_fail(
			x, s,
			"backend \"xrt\": this pynqfs was built without XRT (-Dxrt=disabled, "
			"or no libxrt-dev); use \"sim\"");
#endif
		if (cc->name && (!*cc->name || strlen(cc->name) > 64))
			return cf_fail(x, s,
				       "an xrt card's name (used where XRT reports none) "
				       "must be 1 to 64 characters");
	} else {
		return cf_fail(x, s, "backend must be \"sim\" or \"xrt\", not \"%s\"", cc->backend);
	}
	if ((m = config_setting_get_member(s, "any_shell"))) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			return cf_fail(x, m, "any_shell must be true or false");
		b = config_setting_get_bool(m);
		cc->any_shell = b;
	}
	if ((ret = cf_string(x, s, "owner", &owner)) || (ret = cf_string(x, s, "group", &group)) ||
	    (ret = cf_string(x, s, "mode", &mode)))
		goto out;
	if (owner) {
		struct passwd *pw = getpwnam(owner);
		unsigned long v = strtoul(owner, &end, 10);

		if (pw) {
			cc->uid = pw->pw_uid;
		} else if (*owner && !*end) {
			cc->uid = (uid_t)v;
		} else {
			ret = cf_fail(x, config_setting_get_member(s, "owner"), "no user '%s'",
				      owner);
			goto out;
		}
		cc->has_owner = true;
	}
	if (group) {
		struct group *gr = getgrnam(group);
		unsigned long v = strtoul(group, &end, 10);

		if (gr) {
			cc->gid = gr->gr_gid;
		} else if (*group && !*end) {
			cc->gid = (gid_t)v;
		} else {
			ret = cf_fail(x, config_setting_get_member(s, "group"), "no group '%s'",
				      group);
			goto out;
		}
		cc->has_group = true;
	}
	if (mode) {
		unsigned long v = strtoul(mode, &end, 8);

		if (!*mode || *end || v > 07777 || strlen(mode) > 4) {
			ret = cf_fail(x, config_setting_get_member(s, "mode"),
				      "mode must be octal digits as a string, like \"0750\"");
			goto out;
		}
		if (v & 07000) {
			ret = cf_fail(
				x, config_setting_get_member(s, "mode"),
				"mode \"%s\": only permission bits (0777); setuid, setgid and "
				"sticky have no meaning for a card",
				mode);
			goto out;
		}
		cc->mode = (mode_t)v;
		cc->has_mode = true;
	}
out:
	free(owner);
	free(group);
	free(mode);
	return ret;
}

static int cf_sim(struct cf_ctx *x, const config_setting_t *g, struct pq_config *c)
{
	static const char *const keys[] = {"kernel_path", "run_timeout_ms", NULL};
	const config_setting_t *kp;
	int ret;

	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cf_fail(x, g, "sim must be a group { ... }");
	if ((ret = cf_known(x, g, keys, "sim")) ||
	    (ret = cf_uint(x, g, "run_timeout_ms", 1, 86400000, &c->run_timeout_ms)))
		return ret;
	kp = config_setting_get_member(g, "kernel_path");
	if (!kp)
		return 0;
	if (!config_setting_is_aggregate(kp))
		return cf_fail(x, kp, "kernel_path must be a list of directories [ \"...\" ]");
	for (size_t i = 0; i < c->nkernel_path; i++)
		free(c->kernel_path[i]);
	c->nkernel_path = 0;
	for (int i = 0; i < config_setting_length(kp); i++) {
		const config_setting_t *e = config_setting_get_elem(kp, i);
		char **n;

		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cf_fail(x, e, "kernel_path entries must be strings");
		n = realloc(c->kernel_path, (c->nkernel_path + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->kernel_path = n;
		n[c->nkernel_path] = strdup(config_setting_get_string(e));
		if (!n[c->nkernel_path])
			return -ENOMEM;
		c->nkernel_path++;
	}
	return 0;
}

/*
 * Two cards on one XRT device would load two designs onto it and free each
 * other's buffers: one card per device, and "all" takes every one.
 */
static int cf_same_device(struct cf_ctx *x, const config_setting_t *cards,
			  const struct pq_config *c)
{
	for (size_t i = 0; i < c->ncards; i++) {
		const struct pq_card_conf *a = &c->cards[i];

		for (size_t j = 0; j < i && !strcmp(a->backend, "xrt"); j++) {
			const struct pq_card_conf *b = &c->cards[j];

			if (strcmp(b->backend, "xrt"))
				continue;
			if (a->device == PQ_DEVICE_ALL || b->device == PQ_DEVICE_ALL)
				return cf_fail(x, config_setting_get_elem(cards, (unsigned)i),
					       "device = \"all\" takes every XRT device: no other "
					       "xrt card may be configured beside it");
			if (a->device == b->device)
				return cf_fail(x, config_setting_get_elem(cards, (unsigned)i),
					       "XRT device %d is the card at line %d already: one "
					       "card per device",
					       a->device, b->line);
		}
	}
	return 0;
}

int pq_config_load(struct pq_config *c, const char *file, char *err, size_t errlen)
{
	static const char *const keys[] = {"cards",	"active",     "sim", "xrt",
					   "log_lines", "max_queued", NULL};
	struct cf_ctx x = {.file = file, .err = err, .errlen = errlen};
	const config_setting_t *root, *cards, *s;
	config_t cf;
	int ret;

	cf_defaults(c);
	config_init(&cf);
	if (!config_read_file(&cf, file)) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			snprintf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
		else
			snprintf(err, errlen, "%s:%d: %s", file, config_error_line(&cf),
				 config_error_text(&cf));
		ret = -EINVAL;
		goto out;
	}
	root = config_root_setting(&cf);
	if ((ret = cf_known(&x, root, keys, "the file")) || (ret = cf_default_kernel_path(c)))
		goto out;
	cards = config_setting_get_member(root, "cards");
	if (!cards || !config_setting_is_aggregate(cards) || config_setting_length(cards) == 0) {
		ret = cf_fail(&x, cards,
			      "cards = ( { backend = \"sim\"; name = \"...\"; } ) is required");
		goto out;
	}
	c->ncards = (size_t)config_setting_length(cards);
	c->cards = calloc(c->ncards, sizeof(*c->cards));
	if (!c->cards) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c->ncards; i++) {
		if ((ret = cf_card(&x, config_setting_get_elem(cards, (unsigned)i), &c->cards[i])))
			goto out;
	}
	if ((ret = cf_same_device(&x, cards, c)))
		goto out;
	if ((ret = cf_uint(&x, root, "active", 0, (long long)c->ncards - 1, &c->active)) ||
	    (ret = cf_uint(&x, root, "log_lines", 1, 100000, &c->log_lines)) ||
	    (ret = cf_uint(&x, root, "max_queued", 1, 1000000, &c->max_queued)))
		goto out;
	if ((s = config_setting_get_member(root, "sim")) && (ret = cf_sim(&x, s, c)))
		goto out;
	if ((s = config_setting_get_member(root, "xrt"))) {
		static const char *const xkeys[] = {"emulation", NULL};

		if ((ret = cf_known(&x, s, xkeys, "xrt")) ||
		    (ret = cf_string(&x, s, "emulation", &c->xrt_emulation)))
			goto out;
		if (c->xrt_emulation && strcmp(c->xrt_emulation, "noop")) {
			ret = cf_fail(&x, s, "xrt.emulation must be \"noop\"");
			goto out;
		}
	}
out:
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", file);
	if (ret)
		pq_config_free(c);
	config_destroy(&cf);
	return ret;
}

void pq_config_free(struct pq_config *c)
{
	for (size_t i = 0; i < c->ncards; i++) {
		free(c->cards[i].backend);
		free(c->cards[i].name);
		free(c->cards[i].interface_uuid);
	}
	free(c->cards);
	for (size_t i = 0; i < c->nkernel_path; i++)
		free(c->kernel_path[i]);
	free(c->kernel_path);
	free(c->xrt_emulation);
	cf_defaults(c);
}
