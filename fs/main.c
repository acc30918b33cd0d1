// SPDX-License-Identifier: MIT
/*
 * pynqfs: mount every card of the config as a directory (SPEC §9).
 *   pynqfs [FUSE options] [-o config=FILE] [SOURCE] MOUNTPOINT
 * SOURCE is what mount.fuse3 passes from /etc/fstab; it is ignored.
 */
#define _GNU_SOURCE
#include "fs.h"
#include "sim_backend.h"
#ifdef PYNQFS_HAVE_XRT
#include "xrt_backend.h"
#endif

#include <errno.h>
#include <limits.h>
#include <mntent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pq_opts {
	char *config;	 /* -o config=FILE; NULL: the built-in default card */
	char *nonopt[2]; /* [source] mountpoint */
	int nnonopt;
};

static const struct fuse_opt main_opt_spec[] = {
	{"config=%s", offsetof(struct pq_opts, config), 0},
	FUSE_OPT_END,
};

static int main_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct pq_opts *o = data;

	(void)outargs;
	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;
	if (o->nnonopt == 2) {
		fprintf(stderr, "pynqfs: unexpected argument '%s'\n", arg);
		return -1;
	}
	o->nonopt[o->nnonopt] = strdup(arg);
	if (!o->nonopt[o->nnonopt])
		return -1;
	o->nnonopt++;
	return 0;
}

static void main_usage(const char *prog)
{
	printf("usage: %s [options] [source] MOUNTPOINT\n\n"
	       "pynqfs options:\n"
	       "    -o config=FILE         cards and settings (libconfig); without it, one\n"
	       "                           simulated card (shell %s)\n\n",
	       prog, PQ_DEFAULT_SHELL);
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

/* The backend a card of the config names (conf/ accepts only these). */
static const struct pq_backend_ops *main_backend(const char *name)
{
#ifdef PYNQFS_HAVE_XRT
	if (!strcmp(name, "xrt"))
		return &pq_xrt_ops;
#endif
	return strcmp(name, "sim") ? NULL : &pq_sim_ops;
}

/* Is dir a live pynqfs mount already? Mounting again would stack a second one. */
static bool main_mounted_here(const char *dir)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;
	bool hit = false;

	while (f && !hit && (m = getmntent(f)))
		hit = !strcmp(m->mnt_dir, dir) && !strcmp(m->mnt_type, "fuse.pynqfs");
	if (f)
		endmntent(f);
	return hit;
}

static void main_card_error(const char *file, const struct pq_card_conf *cc, size_t i,
			    const char *why, int ret)
{
	if (file && cc->line)
		fprintf(stderr, "pynqfs: %s:%d: card%zu: %s\n", file, cc->line, i,
			why[0] ? why : strerror(-ret));
	else
		fprintf(stderr, "pynqfs: card%zu: %s\n", i, why[0] ? why : strerror(-ret));
}

/* How many cards a config entry stands for: device = "all" is every one found. */
static int main_card_count(const struct pq_config *conf, const struct pq_card_conf *cc, char *why,
			   size_t whylen)
{
	const struct pq_backend_ops *ops = main_backend(cc->backend);
	int n;

	if (!ops) {
		snprintf(why, whylen, "no backend '%s' in this build", cc->backend);
		return -EINVAL;
	}
	if (cc->device != PQ_DEVICE_ALL)
		return 1;
	n = pq_card_count_devices(ops, conf->xrt_emulation, why, whylen);
	if (n == 0)
		snprintf(why, whylen, "device = \"all\", but %s finds no device%s", cc->backend,
			 conf->xrt_emulation ? " (its noop shim has none to count)" : "");
	return n > 0 ? n : n == 0 ? -ENODEV : n;
}

static int main_card_open(struct fs *fs, const struct pq_config *conf,
			  const struct pq_card_conf *cc, int device, const char *file)
{
	struct fs_card *fc = &fs->cards[fs->ncards];
	size_t i = fs->ncards;
	struct pq_card_params p = {
		.index = (unsigned)i,
		.ops = main_backend(cc->backend),
		.name = cc->name,
		.device = device,
		.emulation = conf->xrt_emulation,
		.any_shell = cc->any_shell,
		.interface_uuid = cc->interface_uuid,
		.kernel_path = conf->kernel_path,
		.nkernel_path = conf->nkernel_path,
		.run_timeout_ms = conf->run_timeout_ms,
		.log_lines = conf->log_lines,
		.max_queued = conf->max_queued,
		.resolve = fs_resolve,
		.resolve_ctx = fs,
		.access = fs_access,
		.changed = fs_buffer_changed,
	};
	char why[512] = "";
	int ret;

	ret = pq_card_new(&p, &fc->card, why, sizeof(why));
	if (ret) {
		main_card_error(file, cc, i, why, ret);
		return ret;
	}
	fs->ncards++;
	fc->uid = cc->has_owner ? cc->uid : getuid();
	fc->gid = cc->has_group ? cc->gid : getgid();
	fc->mode = cc->has_mode ? cc->mode : 0755;
	fc->conf_uid = fc->uid;
	fc->conf_gid = fc->gid;
	fc->conf_mode = fc->mode;
	pq_card_log(fc->card, "card%zu: %s card, shell %s%s%s%s: cp an xclbin to overlay", i,
		    pq_card_backend(fc->card), pq_card_name(fc->card),
		    *pq_card_iface(fc->card) ? ", interface " : "", pq_card_iface(fc->card),
		    cc->any_shell ? " (takes any shell)" : "");
	return 0;
}

static int main_cards_init(struct fs *fs, const struct pq_config *conf, const char *file)
{
	size_t total = 0;
	char why[512];
	int *counts, ret = 0;

	counts = calloc(conf->ncards + 1, sizeof(*counts));
	if (!counts)
		return -ENOMEM;
	for (size_t i = 0; i < conf->ncards && !ret; i++) {
		why[0] = '\0';
		counts[i] = main_card_count(conf, &conf->cards[i], why, sizeof(why));
		if (counts[i] < 0) {
			ret = counts[i];
			main_card_error(file, &conf->cards[i], total, why, ret);
		}
		total += counts[i] > 0 ? (size_t)counts[i] : 0;
	}
	fs->cards = ret ? NULL : calloc(total + 1, sizeof(*fs->cards));
	if (!ret && !fs->cards)
		ret = -ENOMEM;
	for (size_t i = 0; i < conf->ncards && !ret; i++) {
		const struct pq_card_conf *cc = &conf->cards[i];

		for (int d = 0; d < counts[i] && !ret; d++)
			ret = main_card_open(fs, conf, cc,
					     cc->device == PQ_DEVICE_ALL ? d : cc->device, file);
	}
	free(counts);
	fs->active = conf->active;
	return ret;
}

static void main_cards_destroy(struct fs *fs)
{
	for (size_t i = 0; i < fs->ncards; i++)
		pq_card_destroy(fs->cards[i].card);
	free(fs->cards);
	fs->cards = NULL;
	fs->ncards = 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd = {0};
	struct fuse_loop_config *loop = NULL;
	struct pq_opts opts = {0};
	struct pq_config conf = {0};
	struct fuse_session *se;
	struct fs fs;
	char err[512];
	int ret = 1;

	fs_init(&fs);
	if (fuse_opt_parse(&args, &opts, main_opt_spec, main_opt_proc) == -1)
		goto out_args;
	/* The mountpoint is the last plain argument; a source before it is ignored. */
	if (opts.nnonopt && fuse_opt_add_arg(&args, opts.nonopt[opts.nnonopt - 1]))
		goto out_args;
	/* Kernel-enforced modes and owners, and a name in mount(8)'s list. */
	if (fuse_opt_add_arg(&args, "-odefault_permissions,fsname=pynqfs,subtype=pynqfs"))
		goto out_args;
	if (fuse_parse_cmdline(&args, &cmd))
		goto out_args;
	if (cmd.show_help) {
		main_usage(argv[0]);
		ret = 0;
		goto out_cmd;
	}
	if (cmd.show_version) {
		printf("pynqfs %s\n", PYNQFS_VERSION);
		fflush(stdout); /* before fusermount3, which libfuse runs, says its own */
		fuse_lowlevel_version();
		ret = 0;
		goto out_cmd;
	}
	if (!cmd.mountpoint) {
		fprintf(stderr, "usage: %s [options] [source] MOUNTPOINT (see --help)\n", argv[0]);
		goto out_cmd;
	}

	if (opts.config ? pq_config_load(&conf, opts.config, err, sizeof(err))
			: pq_config_default(&conf)) {
		fprintf(stderr, "pynqfs: %s\n", opts.config ? err : "out of memory");
		goto out_cmd;
	}
	/* Absolute buffer paths in args are read against this. */
	fs.mountpoint = realpath(cmd.mountpoint, NULL);
	if (!fs.mountpoint && errno == ENOTCONN) {
		fprintf(stderr,
			"pynqfs: %s: a dead pynqfs is still mounted there (its daemon was killed): "
			"fusermount3 -u %s first\n",
			cmd.mountpoint, cmd.mountpoint);
		goto out_cards;
	}
	if (!fs.mountpoint) {
		fprintf(stderr, "pynqfs: %s: %s\n", cmd.mountpoint, strerror(errno));
		goto out_cards;
	}
	if (main_mounted_here(fs.mountpoint)) {
		struct stat st;

		if (stat(fs.mountpoint, &st) && errno == ENOTCONN)
			fprintf(stderr,
				"pynqfs: %s: a dead pynqfs is still mounted there (its daemon was "
				"killed): fusermount3 -u %s first\n",
				fs.mountpoint, fs.mountpoint);
		else
			fprintf(stderr,
				"pynqfs: %s is a pynqfs mount already (fusermount3 -u %s first)\n",
				fs.mountpoint, fs.mountpoint);
		goto out_cards;
	}
	/* Into the background before a card opens: daemon.c says why. */
	if (!cmd.foreground && (ret = fs_daemon_fork())) {
		fprintf(stderr, "pynqfs: cannot fork: %s\n", strerror(-ret));
		ret = 1;
		goto out_cards;
	}
	ret = 1;
	if (main_cards_init(&fs, &conf, opts.config))
		goto out_cards;
	if (fs_tree_build(&fs)) {
		fprintf(stderr, "pynqfs: out of memory\n");
		goto out_tree;
	}

	se = fuse_session_new(&args, &fs_ops, sizeof(fs_ops), &fs);
	if (!se)
		goto out_tree;
	if (fuse_set_signal_handlers(se))
		goto out_session;
	if (fuse_session_mount(se, cmd.mountpoint))
		goto out_signals;
	fs.session = se;
	fs.caching = !cmd.singlethread;
	fs.threaded = !cmd.singlethread;
	if (fs_channel_attach(se))
		goto out_mount;
	if (cmd.foreground)
		fuse_daemonize(1); /* only a chdir("/") in the foreground */
	else
		fs_daemon_ready();

	if (cmd.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		loop = fuse_loop_cfg_create();
		if (!loop)
			goto out_mount;
		fuse_loop_cfg_set_clone_fd(loop, (unsigned)cmd.clone_fd);
		if (cmd.max_threads != UINT_MAX) /* -o max_threads= given */
			fuse_loop_cfg_set_max_threads(loop, cmd.max_threads);
		if (cmd.max_idle_threads != UINT_MAX) /* -o max_idle_threads= given */
			fuse_loop_cfg_set_idle_threads(loop, cmd.max_idle_threads);
		ret = fuse_session_loop_mt(se, loop);
		fuse_loop_cfg_destroy(loop);
	}
	ret = ret ? 1 : 0;
out_mount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
	/*
	 * Buffers before cards: freeing a buffer unpins its card's design. Cards
	 * before the session: a run still queued answers its waiter, whose
	 * request must still exist (its reply goes nowhere now).
	 */
	fs_tree_destroy(&fs);
	main_cards_destroy(&fs);
	fs_opens_destroy(&fs);
out_session:
	fuse_session_destroy(se);
out_tree:
	fs_tree_destroy(&fs);
out_cards:
	main_cards_destroy(&fs);
	free(fs.mountpoint);
	fs_destroy(&fs);
	pq_config_free(&conf);
out_cmd:
	free(cmd.mountpoint);
out_args:
	for (int i = 0; i < opts.nnonopt; i++)
		free(opts.nonopt[i]);
	free(opts.config);
	fuse_opt_free_args(&args);
	return ret;
}
