// SPDX-License-Identifier: MIT
/*
 * kernels/<cu>/run (SPEC §5): start, call, wait, and reads that wait.
 * Waiting never blocks a FUSE thread: a read of `run`, a `call` or a
 * `wait` is handed to core with a callback, which replies when the runs
 * it waits for have ended.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

enum run_wait_kind { RUN_READ, RUN_WRITE, RUN_POLL };

/*
 * A request parked until runs end. A parked read or write is listed, so
 * that a signal to its process (FUSE_INTERRUPT) answers it at once with
 * EINTR: a killed waiter dies then, not when its runs end. libfuse hands
 * its interrupt callback the request only, and may call it while our
 * answer is going out: the list, under its lock, says who answers.
 */
struct run_wait {
	struct fs *fs;
	enum run_wait_kind kind;
	fuse_req_t req;
	struct fs_handle *h;	      /* RUN_READ: where the line goes */
	size_t size;		      /* RUN_READ: bytes asked; RUN_WRITE: bytes written */
	bool flush;		      /* RUN_WRITE from close(2): answered as a flush */
	struct fuse_pollhandle *ph;   /* RUN_POLL */
	struct run_wait *prev, *next; /* fs->parked, while listed */
	bool listed, answered;
};

static void run_unlist_locked(struct run_wait *w)
{
	if (!w->listed)
		return;
	if (w->prev)
		w->prev->next = w->next;
	else
		w->fs->parked = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->listed = false;
}

/* libfuse's interrupt callback: answer the parked request, if still ours. */
static void run_interrupt(fuse_req_t req, void *data)
{
	struct fs *fs = data;
	struct run_wait *w;

	pthread_mutex_lock(&fs->parked_lock);
	for (w = fs->parked; w && w->req != req; w = w->next)
		;
	if (w) {
		run_unlist_locked(w);
		w->answered = true; /* core still holds w: run_done frees it */
	}
	pthread_mutex_unlock(&fs->parked_lock);
	if (w)
		fuse_reply_err(req, EINTR);
}

/* List w before core may answer it, and let its process's signals in. */
static void run_park(struct run_wait *w)
{
	pthread_mutex_lock(&w->fs->parked_lock);
	w->next = w->fs->parked;
	if (w->fs->parked)
		w->fs->parked->prev = w;
	w->fs->parked = w;
	w->listed = true;
	pthread_mutex_unlock(&w->fs->parked_lock);
	fuse_req_interrupt_func(w->req, run_interrupt, w->fs);
}

/* Take w off the list to answer it: false if an interrupt answered it already. */
static bool run_claim(struct run_wait *w)
{
	bool mine;

	pthread_mutex_lock(&w->fs->parked_lock);
	run_unlist_locked(w);
	mine = !w->answered;
	w->answered = true;
	pthread_mutex_unlock(&w->fs->parked_lock);
	return mine;
}

/*
 * A handle's last line (h->data, h->len): replaced by each read at offset 0,
 * read on by reads past it, possibly from two threads of one client
 * (fs->line_lock).
 */
static void run_reply_line(fuse_req_t req, struct fs_handle *h, size_t size, const char *line)
{
	size_t len = strlen(line) + 1;
	char *keep = malloc(len + 1), *reply = malloc(len + 1), *old;

	if (!keep || !reply) {
		free(keep);
		free(reply);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	snprintf(keep, len + 1, "%s\n", line);
	memcpy(reply, keep, len + 1);
	/* Kept before the reply: once answered, the file may be closed and h freed. */
	pthread_mutex_lock(&fs_of(req)->line_lock);
	old = h->data;
	h->data = keep;
	h->len = len;
	pthread_mutex_unlock(&fs_of(req)->line_lock);
	free(old);
	fs_reply_copy(req, reply, len < size ? len : size);
	free(reply);
}

static void run_reply_write(fuse_req_t req, bool flush, size_t size, int status)
{
	if (status)
		fuse_reply_err(req, EIO); /* the run failed: its line says why */
	else if (flush)
		fuse_reply_err(req, 0);
	else
		fuse_reply_write(req, size);
}

/* Core's callback, with no core lock held: the runs waited for have ended. */
static void run_done(void *arg, int status, const char *line)
{
	struct run_wait *w = arg;

	if (w->kind != RUN_POLL && !run_claim(w)) {
		free(w); /* interrupted: answered already, and h may be gone */
		return;
	}
	if (w->kind == RUN_READ) {
		run_reply_line(w->req, w->h, w->size, line);
	} else if (w->kind == RUN_WRITE) {
		run_reply_write(w->req, w->flush, w->size, status);
	} else {
		fuse_lowlevel_notify_poll(w->ph);
		fuse_pollhandle_destroy(w->ph);
	}
	free(w);
}

static struct run_wait *run_wait_new(fuse_req_t req, enum run_wait_kind kind)
{
	struct run_wait *w = calloc(1, sizeof(*w));

	if (w) {
		w->fs = fs_of(req);
		w->req = req;
		w->kind = kind;
	}
	return w;
}

static int run_open(struct fs_node *n, struct fs_handle *h, struct fuse_file_info *fi)
{
	(void)n;
	(void)fi;
	/*
	 * Seekable, so that a client keeping run open can pread the line at
	 * offset 0 after each call; direct_io (ops.c) keeps the kernel from
	 * caching it.
	 */
	h->nonblock = (fi->flags & O_NONBLOCK) != 0;
	return 0;
}

enum run_cmd { RUN_NONE, RUN_START, RUN_CALL, RUN_WAIT, RUN_CANCEL, RUN_AFTER };

#define RUN_AFTER_MAX 4096 /* bytes of an after= list */

static enum run_cmd run_word(const char *w, size_t len)
{
	static const struct {
		const char *word;
		enum run_cmd cmd;
	} cmds[] = {{"start", RUN_START},
		    {"1", RUN_START},
		    {"call", RUN_CALL},
		    {"wait", RUN_WAIT},
		    {"cancel", RUN_CANCEL}};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strlen(cmds[i].word) == len && !memcmp(cmds[i].word, w, len))
			return cmds[i].cmd;
	}
	/* after=CU[,CU...]: what the start or call before it waits for. */
	if (len >= 6 && !memcmp(w, "after=", 6))
		return RUN_AFTER;
	return RUN_NONE;
}

/* Could a word at the very end still grow into a command? */
static bool run_prefix(const char *w, size_t len)
{
	return !strncmp("start", w, len) || !strncmp("call", w, len) || !strncmp("wait", w, len) ||
	       !strncmp("cancel", w, len) || !strncmp("after=", w, len < 6 ? len : 6);
}

/* The next word of h->in at or after *at: its command, [*s, *e). */
static enum run_cmd run_next(const struct fs_handle *h, size_t at, size_t *s, size_t *e)
{
	*s = at;
	while (*s < h->inlen && isspace((unsigned char)h->in[*s]))
		(*s)++;
	*e = *s;
	while (*e < h->inlen && !isspace((unsigned char)h->in[*e]))
		(*e)++;
	return run_word(h->in + *s, *e - *s);
}

/* The after= list right after a start or call ending at e, if any: into val, *e past it. */
static bool run_after(const struct fs_handle *h, size_t *e, char *val)
{
	size_t s, ae;

	if (run_next(h, *e, &s, &ae) != RUN_AFTER)
		return false;
	snprintf(val, RUN_AFTER_MAX + 1, "%.*s", (int)(ae - s - 6), h->in + s + 6);
	*e = ae;
	return true;
}

/*
 * Act on the complete commands in h->in, in order: start and 1 queue a
 * run, cancel ends the queued ones; a call or wait that ends the write is
 * waited for (a call earlier in it is a start, a wait earlier in it has
 * nothing to wait for yet). Every word is checked before any acts. Once a
 * waiter is handed to core the reply may come at any moment and the
 * writer may close, so neither h nor n is touched after.
 */
static void run_act(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size,
		    bool at_close)
{
	enum run_cmd c, last = RUN_NONE;
	size_t used = 0, last_end = 0, s, e, at;
	char line[320], after[RUN_AFTER_MAX + 1], *aft = NULL;
	struct fs_cred who;
	struct run_wait *w;
	int ret = 0, status = 0;

	while (used < h->inlen) {
		c = run_next(h, used, &s, &e);
		if (s == e) {
			used = e;
			break;
		}
		if ((c == RUN_NONE || c == RUN_AFTER) && e == h->inlen && !at_close &&
		    run_prefix(h->in + s, e - s))
			break;
		if (c == RUN_NONE ||
		    (c == RUN_AFTER &&
		     (used != last_end || (last != RUN_START && last != RUN_CALL))) ||
		    (c == RUN_AFTER && e - s - 6 > RUN_AFTER_MAX)) {
			fs_log(n,
			       c == RUN_AFTER
				       ? "'%.*s': after= follows start or call (start "
					 "after=CU[,CU...]), %d bytes at most"
				       : "'%.*s' is not a command: write start, 1, call, wait "
					 "or cancel",
			       (int)(e - s < 64 ? e - s : 64), h->in + s, RUN_AFTER_MAX);
			h->inlen = 0; /* reported once */
			fuse_reply_err(req, EINVAL);
			return;
		}
		if (c != RUN_AFTER)
			last = c;
		used = last_end = e;
	}
	fs_cred_of(req, &who);
	/* Everything but a last call or wait, in order. */
	for (at = 0; at < used && ret >= 0; at = e) {
		c = run_next(h, at, &s, &e);
		aft = (c == RUN_START || c == RUN_CALL) && run_after(h, &e, after) ? after : NULL;
		if (e == last_end && (c == RUN_CALL || c == RUN_WAIT))
			break;
		if (c == RUN_START || c == RUN_CALL)
			ret = pq_cu_start_after(n->card, n->gen, n->index, &who, aft, NULL, NULL);
		else if (c == RUN_CANCEL)
			ret = pq_cu_cancel(n->card, n->gen, n->index);
	}
	ret = ret < 0 ? ret : 0;
	/* Keep only what may still grow into a command. */
	memmove(h->in, h->in + used, h->inlen - used);
	h->inlen -= used;
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	if (last != RUN_CALL && last != RUN_WAIT) {
		run_reply_write(req, at_close, size, 0);
		return;
	}
	w = run_wait_new(req, RUN_WRITE);
	if (!w) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	w->size = size;
	w->flush = at_close;
	run_park(w);
	if (last == RUN_CALL)
		ret = pq_cu_start_after(n->card, n->gen, n->index, &who, aft, run_done, w);
	else
		ret = pq_cu_wait(n->card, n->gen, n->index, line, sizeof(line), &status, run_done,
				 w);
	if ((last == RUN_CALL && ret == 0) || (last == RUN_WAIT && ret == 1))
		return; /* listed: answered when the runs end */
	if (!run_claim(w)) {
		free(w); /* a signal came first, and was answered */
		return;
	}
	free(w);
	if (ret < 0)
		fs_reply_status(req, ret);
	else
		run_reply_write(req, at_close, size, status);
}

static void run_write(fuse_req_t req, struct fs_node *n, struct fs_handle *h, const char *buf,
		      size_t size, off_t off)
{
	int ret = fs_handle_append(h, buf, size);

	(void)off;
	if (ret) {
		fs_reply_status(req, ret);
		return;
	}
	run_act(req, n, h, size, false);
}

static void run_flush(fuse_req_t req, struct fs_node *n, struct fs_handle *h)
{
	if (h->inlen) {
		run_act(req, n, h, 0, true);
		return;
	}
	fuse_reply_err(req, 0);
}

static void run_read(fuse_req_t req, struct fs_node *n, struct fs_handle *h, size_t size, off_t off)
{
	struct run_wait *w;
	char line[320];
	int ret, status;

	/*
	 * A read at offset 0 waits and fetches the current line, so a client
	 * may write `call` and pread the result on one fd, again and again;
	 * reads past 0 get the rest of that line.
	 */
	if (off > 0) {
		char rest[320];
		size_t at, n;

		pthread_mutex_lock(&fs_of(req)->line_lock);
		at = (size_t)off < h->len ? (size_t)off : h->len;
		n = h->len - at < size ? h->len - at : size;
		n = n < sizeof(rest) ? n : sizeof(rest);
		if (n)
			memcpy(rest, h->data + at, n);
		pthread_mutex_unlock(&fs_of(req)->line_lock);
		fs_reply_copy(req, n ? rest : NULL, n);
		return;
	}
	w = run_wait_new(req, RUN_READ);
	if (!w) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	w->h = h;
	w->size = size;
	if (!h->nonblock)
		run_park(w);
	ret = pq_cu_wait(n->card, n->gen, n->index, line, sizeof(line), &status,
			 h->nonblock ? NULL : run_done, w);
	if (ret == 1)
		return; /* listed: answered when the runs end */
	if (!h->nonblock && !run_claim(w)) {
		free(w); /* a signal came first, and was answered */
		return;
	}
	free(w);
	if (ret)
		fs_reply_status(req, ret);
	else
		run_reply_line(req, h, size, line);
}

static void run_poll(fuse_req_t req, struct fs_node *n, struct fs_handle *h,
		     struct fuse_pollhandle *ph)
{
	struct run_wait *w = NULL;
	int ret;

	(void)h;
	if (ph) {
		w = run_wait_new(req, RUN_POLL);
		if (w)
			w->ph = ph;
	}
	ret = pq_cu_poll(n->card, n->gen, n->index, w ? run_done : NULL, w);
	if (ret == 0) {
		fuse_reply_poll(req, 0); /* listed: notified when nothing is pending */
		return;
	}
	free(w);
	if (ph)
		fuse_pollhandle_destroy(ph);
	/* Readable, like a finished run's line, when nothing is pending. */
	fuse_reply_poll(req, ret == -EAGAIN ? 0 : POLLIN | POLLRDNORM);
}

const struct fs_file_ops fs_run_ops = {
	.open = run_open,
	.read = run_read,
	.write = run_write,
	.flush = run_flush,
	.poll = run_poll,
};
