// SPDX-License-Identifier: MIT
/*
 * The simulated card. Each used bank is a memfd as large as the bank's
 * capacity, mapped shared: it costs RAM only where buffers hold data, and
 * kernel runners (other processes) can map the same device memory.
 * Buffers are extents in it, 4 KiB aligned, placed first-fit. Invariant:
 * every byte not inside a buffer's size reads zero (freed and shrunk
 * ranges are zeroed or hole-punched), so growth needs no clearing.
 */
#define _GNU_SOURCE
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "memfd.h"
#include "output.h"
#include "proto.h"
#include "stream.h"

#ifndef PYNQFS_RUNNER_PATHS
#define PYNQFS_RUNNER_PATHS "/usr/local/libexec/pynqfs-runner"
#endif

extern char **environ;

#define SIM_ALIGN 4096ull

struct sim_bank;

/* A device buffer: an extent of its bank. */
struct sim_bo {
	struct sim_bank *bank;
	uint64_t off; /* in the bank */
	uint64_t cap; /* reserved bytes, SIM_ALIGN multiple */
	uint64_t size;
};

struct sim_bank {
	pthread_mutex_t lock;
	int fd;
	uint8_t *mem;
	uint64_t size, base;
	struct sim_bo **bos; /* sorted by offset */
	size_t nbos, cap;
};

/* The card: what its config says. */
struct sim_dev {
	unsigned index;
	char **kernel_path;
	size_t nkernel_path;
	struct pq_log *log;
	/*
	 * What kernels print, into the card's log: a thread started with the
	 * first runner (sim_open runs before the daemon forks, which would
	 * leave it behind), NULL until then or without one. out_lock guards it.
	 */
	pthread_mutex_t out_lock;
	struct sim_output *out;
};

struct sim_design;

/*
 * A compute unit's runner process; pid 0 when there is none. It is also
 * the handle of the CU's run in progress: one at a time.
 */
struct sim_runner {
	struct sim_design *sd;
	size_t cu;
	pid_t pid;
	int sock;
	int out;		      /* read end of its stdout and stderr, or -1 */
	struct sim_output *outp;      /* the thread that reads it */
	uint64_t seq;		      /* of the run in progress, random; its reply must carry it */
	const struct pq_runarg *args; /* of the run in progress, core's until run_free */
	size_t nargs;
	uint64_t marks[SIM_MAX_ARGS]; /* where its streams stood at its start */
};

struct sim_design {
	struct sim_dev *dev;
	const struct pq_design *d;
	struct sim_bank *banks; /* indexed like design->banks; fd -1 if not a bank */
	size_t nbanks;
	struct sim_runner *runners; /* one per CU, each used by its CU's worker only */
	struct sim_stream *streams; /* indexed like design->streams, or NULL */
	pthread_mutex_t free_lock;  /* the runners of free-running CUs, which no worker uses */
};

static void sim_free_run(struct sim_design *sd, size_t cu);
static void sim_fault_why(const struct sim_runner *r, const struct sim_reply *rep, char *why,
			  size_t whylen);

static uint64_t sim_round(uint64_t v)
{
	return (v + SIM_ALIGN - 1) & ~(SIM_ALIGN - 1);
}

/* Make [off, off+len) of the bank read zero, returning its pages. */
static void sim_zero(struct sim_bank *bk, uint64_t off, uint64_t len)
{
	uint64_t start = sim_round(off), end = (off + len) & ~(SIM_ALIGN - 1);

	if (end <= start) {
		memset(bk->mem + off, 0, len);
		return;
	}
	memset(bk->mem + off, 0, start - off);
	memset(bk->mem + end, 0, off + len - end);
	if (fallocate(bk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)start,
		      (off_t)(end - start)))
		memset(bk->mem + start, 0, end - start); /* no hole punching: still zero */
}

static int sim_open(const struct pq_backend_conf *conf, void **dev, char *shell, size_t shelllen,
		    char *why, size_t whylen)
{
	struct sim_dev *sv = calloc(1, sizeof(*sv));

	if (!sv)
		return -ENOMEM;
	if (!conf->name || !conf->name[0]) {
		snprintf(why, whylen, "a sim card needs a name: the shell it claims");
		free(sv);
		return -EINVAL;
	}
	sv->index = conf->index;
	sv->kernel_path = conf->kernel_path;
	sv->nkernel_path = conf->nkernel_path;
	sv->log = conf->log;
	pthread_mutex_init(&sv->out_lock, NULL);
	snprintf(shell, shelllen, "%s", conf->name);
	*dev = sv;
	return 0;
}

static void sim_close(void *dev)
{
	struct sim_dev *sv = dev;

	sim_output_stop(sv->out);
	pthread_mutex_destroy(&sv->out_lock);
	free(sv);
}

static void sim_bank_fini(struct sim_bank *bk)
{
	if (bk->mem)
		munmap(bk->mem, bk->size);
	if (bk->fd >= 0)
		close(bk->fd);
	free(bk->bos);
	pthread_mutex_destroy(&bk->lock);
}

static void sim_runner_stop(struct sim_runner *r)
{
	if (!r->pid)
		return;
	close(r->sock);
	kill(-r->pid, SIGKILL); /* the runner's group: a kernel's children too */
	waitpid(r->pid, NULL, 0);
	r->pid = 0;
	r->sock = -1;
	r->out = -1; /* the output thread closes it at its end */
}

static void sim_unload(void *dd)
{
	struct sim_design *sd = dd;

	if (!sd)
		return;
	for (size_t i = 0; sd->runners && i < sd->d->ncus; i++)
		sim_runner_stop(&sd->runners[i]);
	free(sd->runners);
	sim_streams_destroy(sd->d, sd->streams);
	pthread_mutex_destroy(&sd->free_lock);
	for (size_t i = 0; i < sd->nbanks; i++)
		sim_bank_fini(&sd->banks[i]);
	free(sd->banks);
	free(sd);
}

static int sim_load(void *dev, const struct pq_design *d, const void *img, size_t len, void **dd,
		    char *why, size_t whylen)
{
	struct sim_design *sd = calloc(1, sizeof(*sd));
	struct sim_dev *sv = dev;
	int ret = 0;

	(void)img;
	(void)len;
	if (!sd)
		return -ENOMEM;
	sd->dev = sv;
	sd->d = d;
	pthread_mutex_init(&sd->free_lock, NULL);
	sd->banks = calloc(d->nbanks ? d->nbanks : 1, sizeof(*sd->banks));
	sd->runners = calloc(d->ncus ? d->ncus : 1, sizeof(*sd->runners));
	if (!sd->banks || !sd->runners) {
		free(sd->banks);
		free(sd->runners);
		pthread_mutex_destroy(&sd->free_lock);
		free(sd);
		return -ENOMEM;
	}
	for (size_t i = 0; i < d->ncus; i++) {
		sd->runners[i].sd = sd;
		sd->runners[i].cu = i;
		sd->runners[i].sock = -1;
		sd->runners[i].out = -1;
	}
	for (size_t i = 0; i < d->nbanks; i++) {
		struct sim_bank *bk = &sd->banks[i];
		char name[64];

		pthread_mutex_init(&bk->lock, NULL);
		bk->fd = -1;
		sd->nbanks++;
		if (!pq_bank_visible(&d->banks[i]) || d->banks[i].size == 0)
			continue;
		bk->size = d->banks[i].size;
		bk->base = d->banks[i].base;
		snprintf(name, sizeof(name), "pynqfs-card%u-%s", sv->index, d->banks[i].name);
		bk->fd = sim_memfd(name, bk->size);
		if (bk->fd < 0) {
			ret = bk->fd;
			bk->fd = -1;
			break;
		}
		bk->mem = mmap(NULL, bk->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
			       bk->fd, 0);
		if (bk->mem == MAP_FAILED) {
			bk->mem = NULL;
			ret = -errno;
			break;
		}
	}
	if (ret) {
		snprintf(why, whylen, "device memory for the banks: %s", strerror(-ret));
		sim_unload(sd);
		return ret;
	}
	ret = sim_streams_create(d, sv->index, &sd->streams, why, whylen);
	if (ret) {
		sim_unload(sd);
		return ret;
	}
	/* ap_ctrl_none kernels run from now on, as on a card once programmed. */
	for (size_t i = 0; i < d->ncus; i++) {
		if (d->cus[i].control == PQ_CTRL_NONE)
			sim_free_run(sd, i);
	}
	*dd = sd;
	return 0;
}

/* First gap of at least len bytes; the insertion index in *at. */
static int sim_find_gap(struct sim_bank *bk, uint64_t len, uint64_t *off, size_t *at)
{
	uint64_t prev_end = 0;

	for (size_t i = 0; i <= bk->nbos; i++) {
		uint64_t next = i < bk->nbos ? bk->bos[i]->off : bk->size;

		if (next - prev_end >= len) {
			*off = prev_end;
			*at = i;
			return 0;
		}
		if (i < bk->nbos)
			prev_end = bk->bos[i]->off + bk->bos[i]->cap;
	}
	return -ENOSPC;
}

static int sim_bo_alloc(void *dd, size_t bank, uint64_t size, void **out)
{
	struct sim_design *sd = dd;
	struct sim_bank *bk;
	struct sim_bo *bo;
	uint64_t cap = sim_round(size), off;
	size_t at;
	int ret;

	if (bank >= sd->nbanks || sd->banks[bank].fd < 0)
		return -EINVAL;
	bk = &sd->banks[bank];
	if (cap < size)
		return -EFBIG;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return -ENOMEM;
	pthread_mutex_lock(&bk->lock);
	ret = sim_find_gap(bk, cap, &off, &at);
	if (!ret && bk->nbos == bk->cap) {
		size_t ncap = bk->cap ? bk->cap * 2 : 16;
		struct sim_bo **n = realloc(bk->bos, ncap * sizeof(*n));

		if (!n)
			ret = -ENOMEM;
		else
			bk->bos = n, bk->cap = ncap;
	}
	if (ret) {
		pthread_mutex_unlock(&bk->lock);
		free(bo);
		return ret;
	}
	memmove(&bk->bos[at + 1], &bk->bos[at], (bk->nbos - at) * sizeof(*bk->bos));
	bk->bos[at] = bo;
	bk->nbos++;
	bo->bank = bk;
	bo->off = off;
	bo->cap = cap;
	bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	*out = bo;
	return 0;
}

static size_t sim_index(struct sim_bank *bk, const struct sim_bo *bo)
{
	size_t lo = 0, hi = bk->nbos;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (bk->bos[mid]->off < bo->off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int sim_bo_resize(void *b, uint64_t size)
{
	struct sim_bo *bo = b;
	struct sim_bank *bk = bo->bank;
	uint64_t cap = sim_round(size), limit;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&bk->lock);
	if (size < bo->size) {
		/* Shrink: clear the dropped bytes, give back whole pages. */
		sim_zero(bk, bo->off + size, bo->cap - size);
		bo->cap = cap;
	} else if (cap > bo->cap) {
		i = sim_index(bk, bo);
		limit = i + 1 < bk->nbos ? bk->bos[i + 1]->off : bk->size;
		if (bo->off + cap <= limit)
			bo->cap = cap;
		else
			ret = -ENOSPC;
	}
	if (!ret)
		bo->size = size;
	pthread_mutex_unlock(&bk->lock);
	return ret;
}

static void sim_bo_free(void *b)
{
	struct sim_bo *bo = b;
	struct sim_bank *bk = bo->bank;
	size_t i;

	pthread_mutex_lock(&bk->lock);
	i = sim_index(bk, bo);
	memmove(&bk->bos[i], &bk->bos[i + 1], (bk->nbos - i - 1) * sizeof(*bk->bos));
	bk->nbos--;
	sim_zero(bk, bo->off, bo->cap);
	pthread_mutex_unlock(&bk->lock);
	free(bo);
}

static int sim_bo_write(void *b, uint64_t off, const void *src, size_t len)
{
	struct sim_bo *bo = b;

	memcpy(bo->bank->mem + bo->off + off, src, len);
	return 0;
}

static int sim_bo_read(void *b, uint64_t off, size_t len, const void **ptr)
{
	struct sim_bo *bo = b;

	(void)len;
	*ptr = bo->bank->mem + bo->off + off;
	return 0;
}

static uint64_t sim_bo_address(void *b)
{
	const struct sim_bo *bo = b;

	return bo->bank->base + bo->off;
}

/* The runner binary: the build tree's, else the installed one; into path. */
static bool sim_runner_path(char *path, size_t len)
{
	char all[] = PYNQFS_RUNNER_PATHS, *save = NULL;

	for (char *p = strtok_r(all, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		if (access(p, X_OK) == 0) {
			snprintf(path, len, "%s", p);
			return true;
		}
	}
	return false;
}

static int64_t sim_ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* How a runner ended, from its wait status. */
static void sim_death_why(int status, char *why, size_t whylen)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
		snprintf(why, whylen, "the kernel crashed: %s (signal %d)",
			 strsignal(WTERMSIG(status)), WTERMSIG(status));
	else if (WIFEXITED(status))
		snprintf(why, whylen, "the kernel exited the process with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(why, whylen, "the kernel's runner died");
}

/*
 * The reply to run seq (0: to SETUP). A reply carrying another number, or
 * of another size, is not this run's - a kernel can write on the runner's
 * socket too - and is dropped.
 */
static int sim_wait_reply(struct sim_runner *r, uint64_t seq, int timeout_ms, struct sim_reply *rep,
			  char *why, size_t whylen)
{
	struct pollfd p = {.fd = r->sock, .events = POLLIN};
	struct timespec deadline;
	int status, n;
	ssize_t got;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	for (;;) {
		int64_t left = sim_ms_left(&deadline);

		n = poll(&p, 1, left > 0 ? (int)(left > INT_MAX ? INT_MAX : left) : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			snprintf(why, whylen, "still running after %d ms", timeout_ms);
			return -ETIMEDOUT;
		}
		got = n > 0 ? recv(r->sock, rep, sizeof(*rep), MSG_TRUNC) : -1;
		if (got <= 0)
			break;
		if (got == (ssize_t)sizeof(*rep) && rep->seq == seq)
			return 0;
	}
	/* The runner is gone: say how it died. */
	close(r->sock);
	kill(-r->pid, SIGKILL);
	/* Reaped elsewhere, or never ours: no status to tell, and none is read. */
	if (waitpid(r->pid, &status, 0) == r->pid)
		sim_death_why(status, why, whylen);
	else
		snprintf(why, whylen, "the kernel's runner died");
	r->pid = 0;
	r->sock = -1;
	return -EIO;
}

/*
 * How runners start: in a process group of their own (so that stopping one
 * stops whatever its kernel forked), with every signal at its default and
 * none blocked (a FUSE thread's mask would otherwise make them deaf to
 * SIGTERM and SIGINT).
 */
static posix_spawnattr_t sim_spawn_attr;
static pthread_once_t sim_spawn_once = PTHREAD_ONCE_INIT;

static void sim_spawn_attr_init(void)
{
	sigset_t none, all;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&sim_spawn_attr);
	posix_spawnattr_setsigmask(&sim_spawn_attr, &none);
	posix_spawnattr_setsigdefault(&sim_spawn_attr, &all);
	posix_spawnattr_setpgroup(&sim_spawn_attr, 0);
	posix_spawnattr_setflags(&sim_spawn_attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
							  POSIX_SPAWN_SETPGROUP);
}

/* Find K.so, start a runner for the CU, and hand it the device memory. */
static int sim_spawn(struct sim_design *sd, size_t cu, char *why, size_t whylen)
{
	struct sim_dev *dev = sd->dev;
	const struct pq_kernel *k = &sd->d->kernels[sd->d->cus[cu].kernel];
	struct sim_runner *r = &sd->runners[cu];
	int fds[SIM_MAX_FDS], sv[2], po[2] = {-1, -1}, ret;
	union { /* aligned for struct cmsghdr, as CMSG_FIRSTHDR expects */
		char buf[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} ctl;
	struct sim_setup *su = calloc(1, sizeof(*su));
	struct iovec iov = {su, sizeof(*su)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	posix_spawn_file_actions_t fa;
	char runner[4096];
	struct sim_reply rep;
	char *argv[2];
	size_t i;

	if (!su)
		return -ENOMEM;
	ret = -ENOENT;
	for (i = 0; i < dev->nkernel_path; i++) {
		snprintf(su->path, sizeof(su->path), "%s/%s.so", dev->kernel_path[i], k->name);
		if (access(su->path, R_OK) == 0)
			break;
	}
	if (i == dev->nkernel_path) {
		snprintf(why, whylen, "no %s.so on the kernel path (sim.kernel_path)", k->name);
		goto out;
	}
	if (!sim_runner_path(runner, sizeof(runner))) {
		snprintf(why, whylen, "pynqfs-runner is not installed (%s)", PYNQFS_RUNNER_PATHS);
		goto out;
	}
	ret = -EINVAL;
	snprintf(su->symbol, sizeof(su->symbol), "%s", k->name);
	su->type = SIM_SETUP;
	if (k->nargs > SIM_MAX_ARGS) {
		snprintf(why, whylen, "%s has more than %d args", k->name, SIM_MAX_ARGS);
		goto out;
	}
	su->nargs = (uint32_t)k->nargs;
	for (i = 0; i < k->nargs; i++) {
		struct pq_ctype t;

		if (pq_ctype_of(&k->args[i], &t, why, whylen))
			goto out;
		su->kind[i] = (uint8_t)t.kind;
		su->size[i] = (uint8_t)t.size;
		su->arg_fd[i] = -1;
	}
	for (i = 0; i < sd->nbanks && su->nfds < SIM_MAX_BANKS; i++) {
		if (sd->banks[i].fd < 0 || i >= SIM_MAX_BANKS)
			continue;
		fds[su->nfds] = sd->banks[i].fd;
		su->fd_bank[su->nfds] = (int32_t)i;
		su->bank_size[su->nfds] = sd->banks[i].size;
		su->nfds++;
	}
	su->nbankfds = su->nfds;
	for (i = 0; i < k->nargs; i++) {
		int fd;

		if (su->kind[i] != PQ_C_STREAM)
			continue;
		fd = sim_stream_fd(sd->d, sd->streams, cu, i);
		if (fd < 0) {
			snprintf(why, whylen,
				 "%s streams through %s, which the xclbin connects to no other "
				 "kernel",
				 k->name, k->args[i].name);
			goto out;
		}
		su->arg_fd[i] = (int32_t)su->nfds;
		fds[su->nfds++] = fd;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		ret = -errno;
		snprintf(why, whylen, "socketpair: %s", strerror(errno));
		goto out;
	}
	/* The kernel's stdout and stderr, for the card's log (else they go nowhere). */
	pthread_mutex_lock(&dev->out_lock);
	if (!dev->out && dev->log)
		sim_output_start(dev->log, &dev->out);
	r->outp = dev->out;
	pthread_mutex_unlock(&dev->out_lock);
	if (r->outp && pipe2(po, O_CLOEXEC) == 0)
		fcntl(po[0], F_SETFL, O_NONBLOCK);
	pthread_once(&sim_spawn_once, sim_spawn_attr_init);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], SIM_RUNNER_FD);
	if (po[1] >= 0) {
		posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
		posix_spawn_file_actions_adddup2(&fa, po[1], STDERR_FILENO);
	}
	argv[0] = runner;
	argv[1] = NULL;
	ret = -posix_spawn(&r->pid, runner, &fa, &sim_spawn_attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (po[1] >= 0)
		close(po[1]);
	if (po[0] >= 0) {
		if (ret)
			close(po[0]);
		else if (sim_output_add(r->outp, po[0], sd->d->cus[cu].name) == 0)
			r->out = po[0];
	}
	if (ret) {
		close(sv[0]);
		r->pid = 0;
		snprintf(why, whylen, "cannot start %s: %s", runner, strerror(-ret));
		goto out;
	}
	r->sock = sv[0];
	if (su->nfds) {
		struct cmsghdr *c;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * su->nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * su->nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * su->nfds);
	}
	ret = -EIO;
	if (sendmsg(r->sock, &mh, MSG_NOSIGNAL) != (ssize_t)sizeof(*su)) {
		snprintf(why, whylen, "cannot set up the runner: %s", strerror(errno));
		sim_runner_stop(r);
		goto out;
	}
	ret = sim_wait_reply(r, 0, 10000, &rep, why, whylen);
	if (ret == -ETIMEDOUT) {
		snprintf(why, whylen, "the runner did not set up within 10 s");
		sim_runner_stop(r);
		ret = -EIO;
	} else if (!ret && rep.type != SIM_OK) {
		snprintf(why, whylen, "%s", rep.msg);
		sim_runner_stop(r);
		ret = -EIO;
	}
out:
	free(su);
	return ret;
}

static void sim_log(struct sim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sim_log(struct sim_dev *dev, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!dev->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pq_log_add(dev->log, "%s", line);
}

/*
 * Start free-running CU cu: its runner calls the kernel again and again
 * until the design is freed. It can take only streams: nothing else of it
 * can be set without a control interface.
 */
static void sim_free_run(struct sim_design *sd, size_t cu)
{
	const struct pq_kernel *k = &sd->d->kernels[sd->d->cus[cu].kernel];
	const char *name = sd->d->cus[cu].name;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_run run = {.type = SIM_RUN, .nargs = (uint32_t)k->nargs, .repeat = 1};
	char why[300];

	for (size_t a = 0; a < k->nargs; a++) {
		if (k->args[a].aq != PQ_AQ_STREAM) {
			sim_log(sd->dev,
				"kernels/%s: free-running (ap_ctrl_none), not started: its arg %s "
				"is "
				"not a stream, and nothing can set it",
				name, k->args[a].name);
			return;
		}
	}
	if (k->nargs > SIM_MAX_ARGS || sim_spawn(sd, cu, why, sizeof(why))) {
		sim_log(sd->dev, "kernels/%s: free-running (ap_ctrl_none), not started: %s", name,
			k->nargs > SIM_MAX_ARGS ? "too many args" : why);
		return;
	}
	for (size_t a = 0; a < k->nargs; a++)
		run.arg[a].bank = -1;
	if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
		sim_log(sd->dev, "kernels/%s: free-running (ap_ctrl_none), not started: %s", name,
			strerror(errno));
		sim_runner_stop(r);
	}
}

/* Does free-running CU cu still run? If it has stopped, say once how. */
static bool sim_cu_running(void *dd, size_t cu)
{
	struct sim_design *sd = dd;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_reply rep;
	char why[300];
	bool running;
	int status;

	pthread_mutex_lock(&sd->free_lock);
	if (r->pid && waitpid(r->pid, &status, WNOHANG) == r->pid) {
		/* A guard fault says more than the exit status does. */
		if (recv(r->sock, &rep, sizeof(rep), MSG_DONTWAIT) == (ssize_t)sizeof(rep) &&
		    rep.type == SIM_FAULT)
			sim_fault_why(r, &rep, why, sizeof(why));
		else
			sim_death_why(status, why, sizeof(why));
		sim_log(sd->dev, "kernels/%s: free-running kernel stopped: %s", sd->d->cus[cu].name,
			why);
		kill(-r->pid, SIGKILL); /* whatever its kernel forked */
		r->pid = 0;
		close(r->sock);
		r->sock = -1;
	}
	running = r->pid != 0;
	pthread_mutex_unlock(&sd->free_lock);
	return running;
}

static int sim_run_start(void *dd, size_t cu, const struct pq_runarg *args, size_t nargs,
			 void **handle, char *why, size_t whylen)
{
	struct sim_design *sd = dd;
	struct sim_runner *r = &sd->runners[cu];
	struct sim_run run = {.type = SIM_RUN, .nargs = (uint32_t)nargs};
	int ret;

	/* A number the kernel can't guess names the run, so it can't answer for it. */
	if (getrandom(&r->seq, sizeof(r->seq), 0) != sizeof(r->seq))
		r->seq++;
	r->seq += !r->seq; /* 0 is SETUP's */
	run.seq = r->seq;

	if (nargs > SIM_MAX_ARGS)
		return -EINVAL;
	if (!r->pid && (ret = sim_spawn(sd, cu, why, whylen)))
		return ret;
	for (size_t i = 0; i < nargs; i++) {
		const struct sim_bo *bo = args[i].bo;

		run.arg[i].bank = -1;
		run.arg[i].bits = args[i].bits;
		if (bo) {
			run.arg[i].bank = (int32_t)(bo->bank - sd->banks);
			run.arg[i].off = bo->off;
			run.arg[i].size = args[i].size;
		}
	}
	r->args = args;
	r->nargs = nargs;
	sim_stream_mark(sd->d, sd->streams, cu, r->marks);
	if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
		/* A runner that died idle: its next run gets a fresh one. */
		sim_runner_stop(r);
		if ((ret = sim_spawn(sd, cu, why, whylen)))
			return ret;
		if (send(r->sock, &run, sizeof(run), MSG_NOSIGNAL) != (ssize_t)sizeof(run)) {
			snprintf(why, whylen, "cannot reach the runner: %s", strerror(errno));
			sim_runner_stop(r);
			return -EIO;
		}
	}
	*handle = r;
	return 0;
}

/*
 * Words for a guard fault: where the kernel went, at the device address it
 * would have been, relative to the buffer it ran past.
 */
static void sim_fault_why(const struct sim_runner *r, const struct sim_reply *rep, char *why,
			  size_t whylen)
{
	static const char *const verb[] = {
		[SIM_READ] = "read", [SIM_WRITE] = "wrote", [SIM_TOUCH] = "touched"};
	const char *v = rep->access <= SIM_TOUCH ? verb[rep->access] : "touched";
	const struct pq_runarg *a;
	const char *side = NULL;
	char where[80], at[300];
	uint64_t dev, n = 0;

	if (rep->arg < 0 || (size_t)rep->arg >= r->nargs || !r->args[rep->arg].bo) {
		snprintf(why, whylen,
			 "the kernel crashed: %s (signal %d): %s 0x%llx, a host address in no "
			 "buffer of its args",
			 strsignal(rep->sig), rep->sig, v, (unsigned long long)rep->addr);
		return;
	}
	a = &r->args[rep->arg];
	dev = sim_bo_address(a->bo) + (uint64_t)rep->off;
	if (rep->off < 0)
		n = 0 - (uint64_t)rep->off, side = "before the start";
	else if ((uint64_t)rep->off >= a->size)
		n = (uint64_t)rep->off - a->size, side = "past the end";
	if (side)
		snprintf(where, sizeof(where), "%llu byte%s %s", (unsigned long long)n,
			 n == 1 ? "" : "s", side);
	else
		snprintf(where, sizeof(where), "at byte %lld", (long long)rep->off);
	if (a->path)
		snprintf(at, sizeof(at), "%s, %llu bytes", a->path, (unsigned long long)a->size);
	else
		snprintf(at, sizeof(at), "%llu bytes at 0x%llx", (unsigned long long)a->size,
			 (unsigned long long)sim_bo_address(a->bo));
	snprintf(why, whylen, "%s 0x%llx, %s of %s (%s)", v, (unsigned long long)dev, where,
		 a->name, at);
}

/*
 * After a run that failed, with its runner stopped: a kernel may have
 * written past its buffers' ends inside their last pages (the guard checks
 * and puts back those bytes only for a run that returns). They must read
 * zero again, as every byte past a buffer's size does.
 */
static void sim_tails_clear(const struct sim_runner *r)
{
	for (size_t i = 0; i < r->nargs; i++) {
		struct sim_bo *bo = r->args[i].bo;
		uint64_t from = r->args[i].size, to;

		if (!bo || from >= bo->cap)
			continue;
		to = sim_round(from) < bo->cap ? sim_round(from) : bo->cap;
		memset(bo->bank->mem + bo->off + from, 0, to - from);
	}
}

static int sim_run_wait(void *handle, unsigned timeout_ms, uint64_t *us, char *why, size_t whylen)
{
	struct sim_runner *r = handle;
	struct sim_reply rep;
	int ret;

	ret = sim_wait_reply(r, r->seq, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms, &rep, why,
			     whylen);
	if (ret == -ETIMEDOUT) /* a stream it waits on, if that is why; still running */
		sim_stream_why(r->sd->d, r->sd->streams, r->cu, r->marks, why, whylen);
	else if (ret) /* its runner died */
		sim_tails_clear(r);
	if (ret)
		return ret;
	/* What the kernel printed is in the log before its run is said to end. */
	if (r->out >= 0)
		sim_output_sync(r->outp, r->out);
	if (rep.type == SIM_FAULT) {
		sim_fault_why(r, &rep, why, whylen);
		sim_runner_stop(r); /* what else the kernel did to its process is unknown */
		sim_tails_clear(r);
		return -EIO;
	}
	if (rep.type != SIM_OK) {
		snprintf(why, whylen, "%s", rep.msg);
		return -EIO;
	}
	*us = rep.us;
	return 0;
}

/* A kernel past its time: kill its runner; the next run gets a fresh one. */
static void sim_run_abort(void *handle)
{
	sim_runner_stop(handle);
	sim_tails_clear(handle);
}

static void sim_run_free(void *handle)
{
	(void)handle; /* the runner is the CU's, not the run's */
}

const struct pq_backend_ops pq_sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.load = sim_load,
	.unload = sim_unload,
	.bo_alloc = sim_bo_alloc,
	.bo_resize = sim_bo_resize,
	.bo_free = sim_bo_free,
	.bo_write = sim_bo_write,
	.bo_read = sim_bo_read,
	.bo_address = sim_bo_address,
	.run_start = sim_run_start,
	.run_wait = sim_run_wait,
	.run_abort = sim_run_abort,
	.run_free = sim_run_free,
	.cu_running = sim_cu_running,
};
