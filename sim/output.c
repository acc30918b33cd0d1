// SPDX-License-Identifier: MIT
/*
 * What sim kernels print: each runner's stdout and stderr go into a pipe,
 * and one thread per sim card turns their lines into lines of the card's
 * log, prefixed with the CU ("vadd_1: ..."). A kernel printing in a loop
 * can't flood the log or stall: past SIM_OUT_BURST lines, at most
 * SIM_OUT_RATE a second are kept, the rest counted and said to be dropped.
 * The reader never blocks a runner for long: it drains every pipe at once.
 *
 * Locking: o->lock guards the list of sources and their `pending` count,
 * and is never held across a read or a log call.
 */
#define _GNU_SOURCE
#include "output.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SIM_OUT_RATE  50.0  /* lines a second, once the burst is spent */
#define SIM_OUT_BURST 200.0 /* lines at once */
#define SIM_OUT_LINE  400   /* longer lines are cut (the log cuts at 512) */

struct sim_src {
	struct sim_src *next;
	int fd;
	char prefix[64];
	char line[SIM_OUT_LINE + 1];
	size_t len;
	double tokens;
	struct timespec last;
	unsigned long dropped;
	bool busy; /* the reader is between read() and logging what it read */
};

struct sim_output {
	struct pq_log *log;
	int ep, wake;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t progress;
	struct sim_src *srcs;
};

static bool out_allow(struct sim_src *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s->tokens += (double)(now.tv_sec - s->last.tv_sec) * SIM_OUT_RATE +
		     (double)(now.tv_nsec - s->last.tv_nsec) / 1e9 * SIM_OUT_RATE;
	if (s->tokens > SIM_OUT_BURST)
		s->tokens = SIM_OUT_BURST;
	s->last = now;
	if (s->tokens < 1.0)
		return false;
	s->tokens -= 1.0;
	return true;
}

static void out_dropped(struct sim_output *o, struct sim_src *s)
{
	if (!s->dropped)
		return;
	pq_log_add(o->log, "%s: %lu lines of output dropped (more than %.0f a second)", s->prefix,
		   s->dropped, SIM_OUT_RATE);
	s->dropped = 0;
}

static void out_line(struct sim_output *o, struct sim_src *s)
{
	s->line[s->len] = '\0';
	s->len = 0;
	if (!out_allow(s)) {
		s->dropped++;
		return;
	}
	out_dropped(o, s);
	pq_log_add(o->log, "%s: %s", s->prefix, s->line);
}

/* Take what a pipe holds; false at its end (the runner is gone). */
static bool out_read(struct sim_output *o, struct sim_src *s)
{
	char buf[16384];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || s->len == SIM_OUT_LINE)
			out_line(o, s);
		if (buf[i] != '\n')
			s->line[s->len++] = buf[i];
	}
	/* A pause in the flood: say how much was dropped, as a line of its own. */
	if (s->dropped && sim_output_empty(s->fd) && out_allow(s))
		out_dropped(o, s);
	return n > 0;
}

static void out_close(struct sim_output *o, struct sim_src *s)
{
	struct sim_src **p;

	if (s->len)
		out_line(o, s);
	out_dropped(o, s);
	epoll_ctl(o->ep, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	pthread_mutex_lock(&o->lock);
	for (p = &o->srcs; *p && *p != s; p = &(*p)->next)
		;
	if (*p)
		*p = s->next;
	pthread_cond_broadcast(&o->progress);
	pthread_mutex_unlock(&o->lock);
	free(s);
}

static void *out_thread(void *arg)
{
	struct sim_output *o = arg;
	struct epoll_event ev[16];

	for (;;) {
		int n = epoll_wait(o->ep, ev, 16, -1);

		for (int i = 0; i < n; i++) {
			struct sim_src *s = ev[i].data.ptr;

			if (!s)
				return NULL; /* sim_output_stop */
			pthread_mutex_lock(&o->lock);
			s->busy = true;
			pthread_mutex_unlock(&o->lock);
			if (!out_read(o, s)) {
				out_close(o, s);
				continue;
			}
			pthread_mutex_lock(&o->lock);
			s->busy = false;
			pthread_cond_broadcast(&o->progress);
			pthread_mutex_unlock(&o->lock);
		}
	}
}

int sim_output_start(struct pq_log *log, struct sim_output **out)
{
	struct sim_output *o = calloc(1, sizeof(*o));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	int ret;

	*out = NULL;
	if (!o)
		return -ENOMEM;
	o->log = log;
	o->ep = epoll_create1(EPOLL_CLOEXEC);
	o->wake = eventfd(0, EFD_CLOEXEC);
	if (o->ep < 0 || o->wake < 0 || epoll_ctl(o->ep, EPOLL_CTL_ADD, o->wake, &ev)) {
		ret = -errno;
		goto fail;
	}
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->progress, NULL);
	ret = -pthread_create(&o->thread, NULL, out_thread, o);
	if (ret) {
		pthread_cond_destroy(&o->progress);
		pthread_mutex_destroy(&o->lock);
		goto fail;
	}
	*out = o;
	return 0;
fail:
	if (o->ep >= 0)
		close(o->ep);
	if (o->wake >= 0)
		close(o->wake);
	free(o);
	return ret;
}

void sim_output_stop(struct sim_output *o)
{
	uint64_t one = 1;

	if (!o)
		return;
	if (write(o->wake, &one, sizeof(one)) == sizeof(one))
		pthread_join(o->thread, NULL);
	/* What is left: runners still alive at the end (their lines until now). */
	while (o->srcs) {
		struct sim_src *s = o->srcs;

		while (out_read(o, s) && !sim_output_empty(s->fd))
			;
		out_close(o, s);
	}
	close(o->ep);
	close(o->wake);
	pthread_cond_destroy(&o->progress);
	pthread_mutex_destroy(&o->lock);
	free(o);
}

bool sim_output_empty(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) || n == 0;
}

int sim_output_add(struct sim_output *o, int fd, const char *prefix)
{
	struct sim_src *s = calloc(1, sizeof(*s));
	struct epoll_event ev = {.events = EPOLLIN};

	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	snprintf(s->prefix, sizeof(s->prefix), "%s", prefix);
	s->tokens = SIM_OUT_BURST;
	clock_gettime(CLOCK_MONOTONIC, &s->last);
	ev.data.ptr = s;
	pthread_mutex_lock(&o->lock);
	s->next = o->srcs;
	o->srcs = s;
	pthread_mutex_unlock(&o->lock);
	if (epoll_ctl(o->ep, EPOLL_CTL_ADD, fd, &ev)) {
		int ret = -errno;

		out_close(o, s);
		return ret;
	}
	return 0;
}

void sim_output_sync(struct sim_output *o, int fd)
{
	pthread_mutex_lock(&o->lock);
	for (;;) {
		struct sim_src *s = o->srcs;

		while (s && s->fd != fd)
			s = s->next;
		if (!s || (!s->busy && sim_output_empty(fd)))
			break;
		pthread_cond_wait(&o->progress, &o->lock);
	}
	pthread_mutex_unlock(&o->lock);
}
