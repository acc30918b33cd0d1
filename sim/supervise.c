// SPDX-License-Identifier: MIT
/*
 * The sim card's runner processes, one per compute unit: started with the
 * device memory and the kernel's shared object, asked for replies that
 * must carry the run's random number, stopped with their process group,
 * and their deaths told in words.
 */
#define _GNU_SOURCE
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
void sim_death_why(int status, char *why, size_t whylen)
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
int sim_wait_reply(struct sim_runner *r, uint64_t seq, int timeout_ms, struct sim_reply *rep,
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
int sim_spawn(struct sim_design *sd, size_t cu, char *why, size_t whylen)
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
	bool own; /* the kernel comes from the xclbin's BITSTREAM */
	size_t i;

	if (!su)
		return -ENOMEM;
	ret = -ENOENT;
	for (i = 0; i < dev->nkernel_path; i++) {
		snprintf(su->path, sizeof(su->path), "%s/%s.so", dev->kernel_path[i], k->name);
		if (access(su->path, R_OK) == 0)
			break;
	}
	/* The kernel path wins; else the xclbin's own shared object, if it has one. */
	su->so_fd = -1;
	if (i == dev->nkernel_path && sd->so_fd < 0) {
		snprintf(why, whylen, "no %s.so on the kernel path (sim.kernel_path)", k->name);
		goto out;
	}
	own = i == dev->nkernel_path;
	if (own)
		snprintf(su->path, sizeof(su->path), "the xclbin's BITSTREAM");
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
		su->ref[i] = t.ref;
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
	if (own) {
		su->so_fd = (int32_t)su->nfds;
		fds[su->nfds++] = sd->so_fd;
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

void sim_runner_stop(struct sim_runner *r)
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
