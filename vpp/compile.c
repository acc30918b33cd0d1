// SPDX-License-Identifier: MIT
/*
 * v++ -c: the system compiler builds the kernel's sources against
 * pynqfs's HLS headers into one relocatable object, whose top function is
 * exported as the kernel's name; libclang reads the top function's
 * interface (hls.c); both go into the .xo (xo.c).
 */
#define _GNU_SOURCE
#include "hls.h"
#include "io.h"
#include "vpp.h"
#include "xo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PYNQFS_VPP_INCLUDES
#define PYNQFS_VPP_INCLUDES "/usr/local/include"
#endif

#define CP_MAX_ARGS 512

/* pynqfs's HLS headers: $PYNQFS_INCLUDE, else the source tree's, else the installed ones. */
static void cp_hls_include(char *buf, size_t len)
{
	const char *env = getenv("PYNQFS_INCLUDE"), *p = PYNQFS_VPP_INCLUDES;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, ":");
		char probe[4200];

		snprintf(probe, sizeof(probe), "%.*s/hls_stream.h", (int)n, p);
		if (!access(probe, R_OK)) {
			snprintf(buf, len, "%.*s", (int)n, p);
			return;
		}
		p += n + (p[n] == ':');
	}
	snprintf(buf, len, "%s", strrchr(PYNQFS_VPP_INCLUDES, ':') + 1);
}

static bool cp_is_c(const char *src)
{
	size_t n = strlen(src);

	return n > 2 && !strcmp(src + n - 2, ".c");
}

/* The flags a source is parsed and built with: language, standard, includes, -D. */
static int cp_flags(const struct vpp_opts *o, const char *src, const char *inc, const char **argv)
{
	int n = 0;

	argv[n++] = "-x";
	argv[n++] = cp_is_c(src) ? "c" : "c++";
	argv[n++] = cp_is_c(src) ? "-std=gnu11" : "-std=c++14";
	argv[n++] = "-I";
	argv[n++] = inc;
	for (size_t i = 0; i < o->ncflags && n < CP_MAX_ARGS - 16; i++)
		argv[n++] = o->cflags[i];
	return n;
}

static int cp_object(const struct vpp_opts *o, const char *src, const char *inc, const char *obj,
		     char *err, size_t errlen)
{
	const char *argv[CP_MAX_ARGS];
	const char *cxx = getenv("CXX"), *cc = getenv("CC");
	int n = 0;

	argv[n++] = cp_is_c(src) ? (cc && *cc ? cc : "cc") : (cxx && *cxx ? cxx : "c++");
	n += cp_flags(o, src, inc, argv + n);
	argv[n++] = "-c";
	argv[n++] = "-fPIC";
	argv[n++] = o->debug ? "-O0" : "-O2";
	argv[n++] = o->debug ? "-g" : "-DNDEBUG";
	argv[n++] = "-Wno-unknown-pragmas";
	argv[n++] = src;
	argv[n++] = "-o";
	argv[n++] = obj;
	argv[n] = NULL;
	return vpp_run(argv, err, errlen);
}

int vpp_compile(const struct vpp_opts *o, char *err, size_t errlen)
{
	char inc[4096], platform[80], *tmp = NULL, *symbol = NULL, *obj = NULL, *path = NULL;
	const char *argv[CP_MAX_ARGS];
	struct pq_kernel k = {0};
	bool found = false;
	uint8_t *code = NULL;
	size_t codelen;
	int made = 0, ret, n;

	if (!o->kernel || !o->output || !o->ninputs) {
		snprintf(err, errlen, "-c needs -k KERNEL, -o FILE.xo and a source file");
		return -EINVAL;
	}
	if ((ret = vpp_platform_name(o, platform, sizeof(platform), err, errlen)))
		return ret;
	cp_hls_include(inc, sizeof(inc));
	if ((ret = vpp_temp_dir(o->temp_dir, &tmp, &made, err, errlen)))
		return ret;
	/* Each source built; the first that defines the top function read. */
	for (size_t i = 0; i < o->ninputs; i++) {
		free(path);
		if (asprintf(&path, "%s/%s.%zu.o", tmp, o->kernel, i) < 0) {
			path = NULL;
			ret = -ENOMEM;
			goto out;
		}
		if ((ret = cp_object(o, o->inputs[i], inc, path, err, errlen)))
			goto out;
		if (found)
			continue;
		n = cp_flags(o, o->inputs[i], inc, argv);
		ret = vpp_hls_read(o->inputs[i], o->kernel, argv, n, &k, &symbol, err, errlen);
		if (!ret)
			found = true;
		else if (!strstr(err, "no function") || i + 1 == o->ninputs)
			goto out;
		else
			free(symbol), symbol = NULL;
	}
	/* One object: the sources linked together, the top function named the kernel. */
	if (asprintf(&obj, "%s/%s.o", tmp, o->kernel) < 0) {
		obj = NULL;
		ret = -ENOMEM;
		goto out;
	}
	n = 0;
	argv[n++] = "ld";
	argv[n++] = "-r";
	argv[n++] = "-o";
	argv[n++] = obj;
	for (size_t i = 0; i < o->ninputs && n < CP_MAX_ARGS - 2; i++) {
		char *p;

		if (asprintf(&p, "%s/%s.%zu.o", tmp, o->kernel, i) < 0) {
			ret = -ENOMEM;
			goto free_argv;
		}
		argv[n++] = p;
	}
	argv[n] = NULL;
	ret = vpp_run(argv, err, errlen);
free_argv:
	for (int i = 4; i < n; i++)
		free((char *)argv[i]);
	if (ret)
		goto out;
	if (strcmp(symbol, o->kernel)) {
		char *rename;

		if (asprintf(&rename, "%s=%s", symbol, o->kernel) < 0) {
			ret = -ENOMEM;
			goto out;
		}
		ret = vpp_run((const char *[]){"objcopy", "--redefine-sym", rename, obj, NULL}, err,
			      errlen);
		free(rename);
		if (ret)
			goto out;
	}
	ret = vpp_slurp(obj, &code, &codelen);
	if (ret) {
		snprintf(err, errlen, "%s: %s", obj, strerror(-ret));
		ret = -EINVAL;
		goto out;
	}
	ret = vpp_xo_write(o->output, platform, &k, code, codelen, err, errlen);
out:
	for (size_t i = 0; i < k.nargs; i++) {
		free(k.args[i].name);
		free(k.args[i].type);
		free(k.args[i].port);
	}
	free(k.args);
	free(k.name);
	free(k.protocol);
	if (made && !o->save_temps)
		vpp_temp_remove(tmp);
	free(code);
	free(obj);
	free(path);
	free(symbol);
	free(tmp);
	return ret;
}
