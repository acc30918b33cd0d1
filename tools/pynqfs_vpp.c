// SPDX-License-Identifier: MIT
/*
 * pynqfs-vpp: v++'s command lines, for the sim card. Reads the options a
 * Vitis Makefile passes (-c/-l/-p, -t, --platform, -k, -o, -I, -D,
 * --config, --temp_dir, --connectivity.*, ...) and hands them to vpp/.
 * Options about hardware (--vivado.*, --hls.*, --profile.*, ...) are
 * accepted and ignored, as pynqfs-vpp(1) lists.
 */
#define _GNU_SOURCE
#include "vpp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef PYNQFS_VERSION
#define PYNQFS_VERSION "unknown"
#endif

static void pv_usage(FILE *f)
{
	fprintf(f,
		"usage: pynqfs-vpp -c -t TARGET --platform PLATFORM -k KERNEL [-I DIR] [-D N=V]\n"
		"                  [--config FILE] -o KERNEL.xo SOURCE...\n"
		"       pynqfs-vpp -l -t TARGET --platform PLATFORM [--config FILE]\n"
		"                  [--connectivity.nk|sp|stream_connect VALUE] -o FILE.xclbin "
		"FILE.xo...\n"
		"       pynqfs-vpp -p -t TARGET --platform PLATFORM [--package.out_dir DIR]\n"
		"                  -o FILE.xclbin LINKED.xclbin\n"
		"       pynqfs-vpp --help | --version\n"
		"See pynqfs-vpp(1).\n");
}

/* Options that take a value and mean nothing without hardware. */
static const char *const pv_ignored[] = {"kernel_frequency",
					 "report_level",
					 "R",
					 "log_dir",
					 "report_dir",
					 "jobs",
					 "j",
					 "optimize",
					 "O",
					 "messageDb",
					 "remote_ip_cache",
					 "xp",
					 "user_ip_repo_paths",
					 "export_script",
					 "from_step",
					 "to_step",
					 "part",
					 "custom_script",
					 "trace_memory",
					 "profile_kernel",
					 "vivado_prop",
					 NULL};

/* v++'s older spellings of [connectivity] options. */
static const char *const pv_legacy[] = {"nk", "sp", "sc", "stream_connect", "slr", NULL};

static bool pv_in(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++) {
		if (!strcmp(list[i], s))
			return true;
	}
	return false;
}

struct pv_args {
	int argc, i;
	char **argv;
};

/* The value of the option at argv[i]: after '=', attached (-Idir), or the next word. */
static const char *pv_value(struct pv_args *a, const char *opt, const char *eq, size_t skip)
{
	const char *arg = a->argv[a->i];

	if (eq)
		return eq + 1;
	if (arg[skip])
		return arg + skip;
	if (a->i + 1 >= a->argc) {
		fprintf(stderr, "pynqfs-vpp: error: %s needs a value\n", opt);
		return NULL;
	}
	return a->argv[++a->i];
}

static int pv_parse(int argc, char **argv, struct vpp_opts *o, const char ***list)
{
	struct pv_args a = {.argc = argc, .argv = argv};
	const char **flags = calloc((size_t)argc + 1, sizeof(char *));
	const char **inputs = calloc((size_t)argc + 1, sizeof(char *));
	char where[160];

	*list = flags;
	o->cflags = flags;
	o->inputs = inputs;
	if (!flags || !inputs)
		return -ENOMEM;
	for (a.i = 1; a.i < argc; a.i++) {
		const char *arg = argv[a.i], *v;
		char name[128];
		const char *eq = strchr(arg, '=');
		size_t nlen;

		if (arg[0] != '-' || !arg[1]) {
			inputs[o->ninputs++] = arg;
			continue;
		}
		/* Short options: -c -l -p -s -g, and -t -f -k -o -I -D with values. */
		if (arg[1] != '-') {
			char c = arg[1];

			if (strchr("clp", c) && !arg[2]) {
				o->mode = c;
				continue;
			}
			if ((c == 's' || c == 'g') && !arg[2]) {
				*(c == 's' ? &o->save_temps : &o->debug) = true;
				continue;
			}
			if (!strchr("tfkoIDRjO", c)) {
				fprintf(stderr, "pynqfs-vpp: error: unknown option %s\n", arg);
				return -EINVAL;
			}
			v = pv_value(&a, arg, NULL, 2);
			if (!v)
				return -EINVAL;
			if (c == 'I' || c == 'D') {
				char *f;

				if (asprintf(&f, "-%c%s", c, v) < 0)
					return -ENOMEM;
				flags[o->ncflags++] = f;
			} else if (c == 't') {
				o->target = v;
			} else if (c == 'f') {
				o->platform = v;
			} else if (c == 'k') {
				o->kernel = v;
			} else if (c == 'o') {
				o->output = v;
			}
			continue;
		}
		nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		snprintf(name, sizeof(name), "%.*s", (int)nlen, arg + 2);
		if (!strcmp(name, "help")) {
			pv_usage(stdout);
			exit(0);
		}
		if (!strcmp(name, "version")) {
			printf("pynqfs-vpp %s\n", PYNQFS_VERSION);
			exit(0);
		}
		if (!strcmp(name, "compile") || !strcmp(name, "link") || !strcmp(name, "package")) {
			o->mode = name[0];
			continue;
		}
		if (!strcmp(name, "save-temps") || !strcmp(name, "debug")) {
			*(name[0] == 's' ? &o->save_temps : &o->debug) = true;
			continue;
		}
		v = pv_value(&a, arg, eq, strlen(arg));
		if (!v)
			return -EINVAL;
		snprintf(where, sizeof(where), "--%s", name);
		if (!strcmp(name, "target")) {
			o->target = v;
		} else if (!strcmp(name, "platform")) {
			o->platform = v;
		} else if (!strcmp(name, "kernel")) {
			o->kernel = v;
		} else if (!strcmp(name, "output")) {
			o->output = v;
		} else if (!strcmp(name, "temp_dir")) {
			o->temp_dir = v;
		} else if (!strcmp(name, "include") || !strcmp(name, "define")) {
			char *f;

			if (asprintf(&f, "-%c%s", name[0] == 'i' ? 'I' : 'D', v) < 0)
				return -ENOMEM;
			flags[o->ncflags++] = f;
		} else if (!strcmp(name, "config")) {
			char err[1024];

			if (vpp_cfg_read(&o->cfg, v, err, sizeof(err))) {
				fprintf(stderr, "pynqfs-vpp: error: %s\n", err);
				return -EINVAL;
			}
		} else if (!strcmp(name, "package.out_dir")) {
			o->package_out = v;
		} else if (!strncmp(name, "connectivity.", 13) || pv_in(pv_legacy, name)) {
			const char *key = strchr(name, '.') ? strchr(name, '.') + 1 : name;

			if (vpp_cfg_add(&o->cfg, "connectivity", key, v, where))
				return -ENOMEM;
		} else if (strchr(name, '.') || pv_in(pv_ignored, name)) {
			fprintf(stderr,
				"pynqfs-vpp: note: %s ignored: the sim has no hardware to "
				"build\n",
				where);
		} else {
			fprintf(stderr, "pynqfs-vpp: error: unknown option --%s\n", name);
			return -EINVAL;
		}
	}
	/* A config file's own top-level options, where the command line gave none. */
	if (!o->kernel)
		o->kernel = vpp_cfg_get(&o->cfg, "", "kernel");
	if (!o->temp_dir)
		o->temp_dir = vpp_cfg_get(&o->cfg, "", "temp_dir");
	if (!o->save_temps && vpp_cfg_get(&o->cfg, "", "save-temps"))
		o->save_temps = strcmp(vpp_cfg_get(&o->cfg, "", "save-temps"), "0") != 0;
	return 0;
}

int main(int argc, char **argv)
{
	struct vpp_opts o = {0};
	const char **flags = NULL;
	char err[2048] = "";
	int ret;

	ret = pv_parse(argc, argv, &o, &flags);
	if (ret == -ENOMEM)
		fprintf(stderr, "pynqfs-vpp: error: out of memory\n");
	if (!ret && !o.mode) {
		pv_usage(stderr);
		ret = -EINVAL;
	}
	if (!ret && o.target && strcmp(o.target, "sw_emu") && strcmp(o.target, "hw_emu") &&
	    strcmp(o.target, "hw")) {
		fprintf(stderr, "pynqfs-vpp: error: -t %s: the targets are sw_emu, hw_emu and hw\n",
			o.target);
		ret = -EINVAL;
	}
	if (!ret) {
		ret = o.mode == 'c'   ? vpp_compile(&o, err, sizeof(err))
		      : o.mode == 'l' ? vpp_link(&o, err, sizeof(err))
				      : vpp_package(&o, err, sizeof(err));
		if (ret)
			fprintf(stderr, "pynqfs-vpp: error: %s\n",
				ret == -ENOMEM ? "out of memory" : err);
		else
			printf("pynqfs-vpp: wrote %s\n", o.output);
	}
	for (size_t i = 0; i < o.ncflags; i++)
		free((char *)flags[i]);
	free(flags);
	free(o.inputs);
	vpp_cfg_free(&o.cfg);
	return ret ? 1 : 0;
}
