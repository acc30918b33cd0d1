// SPDX-License-Identifier: MIT
/*
 * kernels/<cu>/: args, run, registers (SPEC §5). Waiting never blocks a
 * FUSE thread: a read of `run` or a write of `call` is parked as a waiter
 * and answered by the CU's worker when the run it waits for ends.
 */
#define _GNU_SOURCE
#include "kernel.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "summary.h"

enum kn_wait { KN_READ, KN_CALL, KN_POLL };

struct kn_waiter {
	struct kn_waiter *next;
	enum kn_wait kind;
	struct pq_cu_rt *cu;
	uint64_t target; /* the run sequence number waited for */
	fuse_req_t req;
	struct fuse_pollhandle *ph;
	struct kn_handle *h; /* KN_READ: where the text goes */
	size_t size;	     /* KN_READ: bytes asked; KN_CALL: bytes written */
	bool flush;	     /* KN_CALL from close(2): answered as a flush */
	bool listed;	     /* then it belongs to kn_notify */
};

static pthread_mutex_t kn_wait_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kn_waiter *kn_waiters;

static void kn_log(struct fs_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kn_log(struct fs_node *n, const char *fmt, ...)
{
	char *path = fs_node_path(n), *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	pq_log_add(&n->card->log, "%s: %s", path ? path : n->name, msg ? msg : "out of memory");
	free(msg);
	free(path);
}

/* The CU behind a node, if its design is still loaded. Card lock held. */
static struct pq_cu_rt *kn_cu(const struct fs_node *n)
{
	struct pq_card *card = n->card;

	if (!card->design || n->gen != card->generation || n->index >= card->ncus)
		return NULL;
	return &card->cus[n->index];
}

/* ---- rendering ---- */

void kn_render(const struct fs_node *n, FILE *f)
{
	struct pq_cu_rt *cu = kn_cu(n);
	char *sig, val[64];

	if (!cu)
		return;
	switch (n->kind) {
	case FS_SIGNATURE:
		sig = pq_kernel_signature(cu->k);
		fprintf(f, "%s\n", sig ? sig : "");
		free(sig);
		break;
	case FS_ARGS:
		pthread_mutex_lock(&cu->lock);
		for (size_t a = 0; a < cu->k->nargs; a++) {
			const struct pq_binding *b = &cu->bound[a];

			if (cu->types[a].kind == PQ_C_STREAM && cu->cu->arg_mem[a] >= 0) {
				/* bound by the xclbin */
				fprintf(f, "%s=%s\n", cu->k->args[a].name,
					n->card->design->banks[cu->cu->arg_mem[a]].name);
			} else if (!b->set) {
				fprintf(f, "%s=\n", cu->k->args[a].name);
			} else if (b->path) {
				fprintf(f, "%s=%s\n", cu->k->args[a].name, b->path);
			} else {
				pq_value_format(&cu->types[a], b->bits, val, sizeof(val));
				fprintf(f, "%s=%s\n", cu->k->args[a].name, val);
			}
		}
		pthread_mutex_unlock(&cu->lock);
		break;
	case FS_CUSTATE:
		pthread_mutex_lock(&cu->lock);
		fprintf(f, "%s\n", pq_run_state_name(cu->state));
		pthread_mutex_unlock(&cu->lock);
		break;
	case FS_STATS:
		pthread_mutex_lock(&cu->lock);
		fprintf(f,
			"starts: %llu\ndone: %llu\nerrors: %llu\ntimeouts: %llu\npending: %llu\n"
			"last_us: %llu\nmean_us: %llu\n",
			(unsigned long long)cu->started, (unsigned long long)cu->ndone,
			(unsigned long long)cu->nerrors, (unsigned long long)cu->ntimeouts,
			(unsigned long long)(cu->started - cu->finished),
			(unsigned long long)cu->last_us,
			(unsigned long long)(cu->ndone ? cu->total_us / cu->ndone : 0));
		pthread_mutex_unlock(&cu->lock);
		break;
	default:
		break;
	}
}

size_t kn_registers_size(const struct fs_node *n)
{
	struct pq_cu_rt *cu = kn_cu(n);

	return cu ? cu->reg_bytes : 0;
}

/* ---- paths: buffers named in args ---- */

static struct fs_node *kn_step(struct fs_node *at, const char *name)
{
	struct fs_node *next;

	if (!strcmp(name, "."))
		return at;
	if (!strcmp(name, ".."))
		return at->parent ? at->parent : at;
	next = fs_node_find(at, name);
	if (next && next->kind == FS_ACTIVE) {
		char card[32];

		snprintf(card, sizeof(card), "card%u", fs_state.active);
		next = fs_node_find(fs_state.root, card);
	}
	return next;
}

/* A path relative to the card directory, or absolute inside the mount. Lock held. */
static struct fs_node *kn_resolve(struct fs_node *card_dir, const char *path, bool *outside)
{
	struct fs_node *at = card_dir;
	char *copy, *save = NULL;
	size_t ml = strlen(fs_state.mountpoint);

	*outside = false;
	if (path[0] == '/') {
		if (strncmp(path, fs_state.mountpoint, ml) || (path[ml] != '/' && path[ml])) {
			*outside = true;
			return NULL;
		}
		path += ml;
		at = fs_state.root;
	}
	copy = strdup(path);
	if (!copy)
		return NULL;
	for (char *c = strtok_r(copy, "/", &save); c && at; c = strtok_r(NULL, "/", &save))
		at = fs_is_dir(at) ? kn_step(at, c) : NULL;
	free(copy);
	return at;
}

static struct fs_node *kn_card_dir(const struct fs_node *n)
{
	const struct fs_node *c = n;

	while (c && c->kind != FS_CARD)
		c = c->parent;
	return (struct fs_node *)c;
}

/*
 * Check a buffer path for arg a of the CU; on success *out is the node.
 * Returns 0 or an errno, with why filled. fs and card locks held.
 */
static int kn_check_buffer(struct fs_node *n, struct pq_cu_rt *cu, size_t a, const char *path,
			   struct fs_node **out, char *why, size_t whylen)
{
	const struct pq_design *d = n->card->design;
	struct fs_node *b;
	bool outside;
	int want = cu->cu->arg_mem[a];
	char *bpath;

	b = kn_resolve(kn_card_dir(n), path, &outside);
	if (outside) {
		snprintf(why, whylen, "%s is not inside the mount (%s)", path, fs_state.mountpoint);
		return EINVAL;
	}
	if (!b || b->kind != FS_BUF || !b->buf) {
		snprintf(why, whylen, "%s is not a buffer (make one in banks/<bank>/ first)", path);
		return EINVAL;
	}
	if (b->card != n->card) {
		snprintf(why, whylen, "%s is on card%u, this kernel on card%u", path,
			 b->card->index, n->card->index);
		return EXDEV;
	}
	if (want >= 0 && (size_t)want != b->index) {
		bpath = fs_node_path(b);
		snprintf(why, whylen, "%s is in %s, but port %s connects to %s",
			 bpath ? bpath : path, d->banks[b->index].name, cu->k->args[a].port,
			 d->banks[want].name);
		free(bpath);
		return EINVAL;
	}
	*out = b;
	return 0;
}

/*
 * Apply args text: validate every token, then set them all (or none).
 * With partial, a last token not yet followed by white space waits.
 */
static int kn_args_apply(struct fs_node *n, const char *text, size_t len, bool partial)
{
	struct pq_binding *nb = NULL;
	struct pq_assign *as = NULL;
	struct pq_cu_rt *cu;
	char why[400] = "";
	size_t na = 0;
	bool rest;
	int ret;

	pthread_mutex_lock(&fs_state.lock);
	pthread_mutex_lock(&n->card->lock);
	cu = kn_cu(n);
	if (!cu) {
		ret = ENOENT;
		goto out;
	}
	ret = -pq_args_split(cu->k, text, len, partial, &as, &na, &rest, why, sizeof(why));
	if (ret)
		goto out;
	nb = calloc(na + 1, sizeof(*nb));
	if (!nb) {
		ret = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < na && !ret; i++) {
		size_t a = (size_t)as[i].arg;
		const char *name = cu->k->args[a].name;
		char sub[300] = "";
		struct fs_node *b;

		if (!as[i].value[0])
			continue; /* "name=" unsets */
		if (cu->type_err[a]) {
			snprintf(why, sizeof(why), "%s: %s", name, cu->type_err[a]);
			ret = EINVAL;
		} else if (cu->types[a].kind == PQ_C_PTR) {
			ret = kn_check_buffer(n, cu, a, as[i].value, &b, sub, sizeof(sub));
			if (ret)
				snprintf(why, sizeof(why), "%s: %s", name, sub);
			else if (!(nb[i].path = fs_node_path(b)))
				ret = ENOMEM;
		} else if (pq_value_parse(&cu->types[a], as[i].value, &nb[i].bits, sub,
					  sizeof(sub))) {
			char tn[64];

			snprintf(tn, sizeof(tn), "%s", cu->k->args[a].type);
			snprintf(why, sizeof(why), "%s (%s): %s", name, tn, sub);
			ret = EINVAL;
		}
		nb[i].set = true;
	}
	if (ret)
		goto out;
	pthread_mutex_lock(&cu->lock);
	for (size_t i = 0; i < na; i++) {
		struct pq_binding *b = &cu->bound[as[i].arg];

		free(b->path);
		*b = nb[i];
		nb[i].path = NULL;
	}
	pthread_mutex_unlock(&cu->lock);
out:
	if (ret && why[0])
		kn_log(n, "%s", why);
	for (size_t i = 0; nb && i < na; i++)
		free(nb[i].path);
	free(nb);
	pq_assign_free(as, na);
	pthread_mutex_unlock(&n->card->lock);
	pthread_mutex_unlock(&fs_state.lock);
	return ret;
}

/* ---- starting runs ---- */

/*
 * Find the buffer at a device address among the card's banks, depth first
 * with a stack of its own (directories nest without limit). Lock held.
 */
static struct fs_node *kn_by_address(struct fs_node *banks, uint64_t addr)
{
	struct fs_node **stack = NULL, *hit = NULL;
	size_t n = 0, cap = 0;

	if (!banks)
		return NULL;
	for (struct fs_node *d = banks; d && !hit; d = n ? stack[--n] : NULL) {
		for (size_t i = 0; i < d->nkids && !hit; i++) {
			struct fs_node *k = d->kids[i];
			uint64_t a;

			if (k->kind == FS_BUF && k->buf && !pq_buffer_address(k->buf, &a) &&
			    a == addr)
				hit = k;
			if (!fs_is_dir(k))
				continue;
			if (n == cap) {
				struct fs_node **s =
					realloc(stack, (cap ? cap * 2 : 16) * sizeof(*s));

				if (!s)
					break;
				stack = s;
				cap = cap ? cap * 2 : 16;
			}
			stack[n++] = k;
		}
	}
	free(stack);
	return hit;
}

/*
 * Start the CU with its args (or, from_regs, with what its registers
 * hold, as a write of AP_START does). Waiter w, if any, is listed for the
 * new run before the run can end. Returns 0 or an errno.
 */
static int kn_start(struct fs_node *n, bool from_regs, struct kn_waiter *w)
{
	struct pq_buffer **bufs = NULL;
	struct pq_cu_rt *cu;
	uint64_t *bits = NULL, seq;
	char why[400] = "";
	size_t nargs = 0;
	int ret = 0;

	pthread_mutex_lock(&fs_state.lock);
	pthread_mutex_lock(&n->card->lock);
	cu = kn_cu(n);
	if (!cu) {
		ret = ENOENT;
		goto out;
	}
	nargs = cu->k->nargs;
	bits = calloc(nargs + 1, sizeof(*bits));
	bufs = calloc(nargs + 1, sizeof(*bufs));
	if (!bits || !bufs) {
		ret = ENOMEM;
		goto out;
	}
	for (size_t a = 0; a < nargs && !ret; a++) {
		const char *name = cu->k->args[a].name;
		struct fs_node *b = NULL;
		struct pq_binding bd;

		if (cu->type_err[a]) {
			snprintf(why, sizeof(why), "start: %s: %s", name, cu->type_err[a]);
			ret = EINVAL;
			break;
		}
		if (cu->types[a].kind == PQ_C_STREAM)
			continue;
		if (from_regs) {
			uint64_t v = pq_cu_reg_arg(cu, a);

			if (cu->types[a].kind != PQ_C_PTR) {
				bits[a] = cu->types[a].size == 8
						  ? v
						  : v & ((1ull << (8 * cu->types[a].size)) - 1);
				continue;
			}
			b = kn_by_address(fs_node_card_dir(n, FS_BANKS), v);
			if (!b) {
				snprintf(why, sizeof(why),
					 "start from registers: %s = 0x%llx is no buffer's address",
					 name, (unsigned long long)v);
				ret = EINVAL;
			}
		} else {
			pthread_mutex_lock(&cu->lock);
			bd = cu->bound[a];
			bd.path = bd.path ? strdup(bd.path) : NULL;
			pthread_mutex_unlock(&cu->lock);
			if (!bd.set) {
				snprintf(why, sizeof(why),
					 "start: %s is not set (write it to args)", name);
				ret = EINVAL;
			} else if (bd.path) {
				char sub[300];

				ret = kn_check_buffer(n, cu, a, bd.path, &b, sub, sizeof(sub));
				if (ret) {
					snprintf(why, sizeof(why), "start: %s: %s", name, sub);
					ret = ret == EXDEV ? EXDEV : EINVAL;
				}
			} else {
				bits[a] = bd.bits;
			}
			free(bd.path);
		}
		if (b) {
			pq_buffer_get(b->buf);
			bufs[a] = b->buf;
		}
	}
	if (ret)
		goto out;
	if (w)
		pthread_mutex_lock(&kn_wait_lock);
	ret = -pq_cu_start(cu, bits, bufs, &seq);
	bits = NULL;
	bufs = NULL;
	if (w) {
		if (!ret) {
			w->target = seq;
			w->listed = true;
			w->next = kn_waiters;
			kn_waiters = w;
		}
		pthread_mutex_unlock(&kn_wait_lock);
	}
out:
	if (bufs) {
		for (size_t a = 0; a < nargs; a++)
			pq_buffer_put(bufs[a]);
	}
	free(bufs);
	free(bits);
	if (ret && why[0])
		kn_log(n, "%s", why);
	pthread_mutex_unlock(&n->card->lock);
	pthread_mutex_unlock(&fs_state.lock);
	return ret;
}

/* ---- waiters ---- */

static void kn_reply_read(struct kn_waiter *w, const char *line)
{
	struct kn_handle *h = w->h;
	size_t len = strlen(line);

	free(h->data);
	h->data = malloc(len + 2);
	if (!h->data) {
		fuse_reply_err(w->req, ENOMEM);
		return;
	}
	memcpy(h->data, line, len);
	h->data[len++] = '\n';
	h->data[len] = '\0';
	h->len = len;
	h->ready = true;
	fs_reply_copy(w->req, h->data, len < w->size ? len : w->size);
}

/* The CU worker's report: answer whoever waited for run seq. */
static void kn_notify(struct pq_cu_rt *cu, uint64_t seq, bool ok, const char *line)
{
	struct kn_waiter *done = NULL, **pp;
	bool idle;

	pthread_mutex_lock(&kn_wait_lock);
	idle = pq_cu_pending(cu) == 0;
	for (pp = &kn_waiters; *pp;) {
		struct kn_waiter *w = *pp;
		bool hit = w->cu == cu && (w->kind == KN_POLL ? idle : w->target == seq);

		if (!hit) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->listed = false;
		w->next = done;
		done = w;
	}
	pthread_mutex_unlock(&kn_wait_lock);
	/* Reply outside the lock, which every start and read takes. */
	while (done) {
		struct kn_waiter *w = done;

		done = w->next;
		if (w->kind == KN_READ)
			kn_reply_read(w, line);
		else if (w->kind == KN_CALL && ok && w->flush)
			fuse_reply_err(w->req, 0);
		else if (w->kind == KN_CALL && ok)
			fuse_reply_write(w->req, w->size);
		else if (w->kind == KN_CALL)
			fuse_reply_err(w->req, EIO);
		else {
			fuse_lowlevel_notify_poll(w->ph);
			fuse_pollhandle_destroy(w->ph);
		}
		free(w);
	}
}

/*
 * No interrupt callback: libfuse may run one after our reply has freed the
 * waiter. A waiting process still dies at once on SIGKILL, and every wait
 * ends within sim.run_timeout_ms.
 */
static struct kn_waiter *kn_waiter_new(fuse_req_t req, enum kn_wait kind, struct pq_cu_rt *cu)
{
	struct kn_waiter *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->req = req;
	w->kind = kind;
	w->cu = cu;
	return w;
}

/* ---- file operations ---- */

struct kn_handle *kn_open(struct fs_node *n, int flags)
{
	struct kn_handle *h = calloc(1, sizeof(*h));

	if (h)
		h->nonblock = (flags & O_NONBLOCK) != 0;
	(void)n;
	return h;
}

void kn_release(struct kn_handle *h)
{
	if (!h)
		return;
	free(h->data);
	free(h->in);
	free(h);
}

static int kn_append(struct kn_handle *h, const char *buf, size_t size)
{
	if (h->inlen + size > 1 << 20)
		return EFBIG; /* no args line is a megabyte */
	if (h->inlen + size + 1 > h->incap) {
		size_t cap = (h->inlen + size + 1) * 2;
		char *d = realloc(h->in, cap);

		if (!d)
			return ENOMEM;
		h->in = d;
		h->incap = cap;
	}
	memcpy(h->in + h->inlen, buf, size);
	h->inlen += size;
	h->in[h->inlen] = '\0';
	return 0;
}

/*
 * Run commands as they complete: "start" / "1" queue a run, "call" queues
 * one and answers when it ends. All complete words are checked before any
 * acts; a call waits for its own run only, and comes last: once its waiter
 * is listed, the reply may come at any moment and the writer may close, so
 * neither h nor n is touched after.
 */
static void kn_run_write(fuse_req_t req, struct fs_node *n, struct kn_handle *h, size_t size,
			 bool at_close)
{
	size_t used = h->used, nstarts = 0;
	bool call = false;
	struct kn_waiter *w;
	int ret = 0;

	while (used < h->inlen) {
		size_t s = used, e;
		char word[16];

		while (s < h->inlen && isspace((unsigned char)h->in[s]))
			s++;
		e = s;
		while (e < h->inlen && !isspace((unsigned char)h->in[e]))
			e++;
		if (s == e) {
			used = e;
			break;
		}
		snprintf(word, sizeof(word), "%.*s", (int)(e - s < 15 ? e - s : 15), h->in + s);
		/* A word at the very end that could still become a command waits. */
		if (e == h->inlen && !at_close && strcmp(word, "start") && strcmp(word, "1") &&
		    strcmp(word, "call") &&
		    (!strncmp("start", word, e - s) || !strncmp("call", word, e - s)))
			break;
		if (strcmp(word, "start") && strcmp(word, "1") && strcmp(word, "call")) {
			kn_log(n, "'%.*s' is not a command: write start, 1 or call", (int)(e - s),
			       h->in + s);
			h->used = h->inlen; /* reported once */
			fuse_reply_err(req, EINVAL);
			return;
		}
		/* Of several calls in one write, the last is waited for. */
		nstarts += call;
		call = !strcmp(word, "call");
		nstarts += !call;
		used = e;
	}
	h->used = used;
	for (size_t i = 0; i < nstarts && !ret; i++)
		ret = kn_start(n, false, NULL);
	if (!ret && call) {
		w = kn_waiter_new(req, KN_CALL, NULL);
		if (!w) {
			ret = ENOMEM;
		} else {
			w->size = size;
			w->flush = at_close;
			pthread_mutex_lock(&n->card->lock);
			w->cu = kn_cu(n);
			pthread_mutex_unlock(&n->card->lock);
			ret = w->cu ? kn_start(n, false, w) : ENOENT;
			if (!ret)
				return; /* listed: answered when the run ends */
			free(w);
		}
	}
	if (ret)
		fuse_reply_err(req, ret);
	else if (at_close)
		fuse_reply_err(req, 0);
	else
		fuse_reply_write(req, size);
}

void kn_write(fuse_req_t req, struct fs_node *n, struct kn_handle *h, const char *buf, size_t size)
{
	int ret;

	if (n->kind != FS_ARGS && n->kind != FS_RUN) {
		fuse_reply_err(req, EBADF);
		return;
	}
	ret = kn_append(h, buf, size);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	if (n->kind == FS_RUN) {
		kn_run_write(req, n, h, size, false);
		return;
	}
	/* args: apply what is complete now; an error names itself at once. */
	ret = kn_args_apply(n, h->in, h->inlen, true);
	if (ret) {
		h->inlen = 0; /* reported: close need not report it again */
		fuse_reply_err(req, ret);
		return;
	}
	h->pending = true;
	fuse_reply_write(req, size);
}

void kn_flush(fuse_req_t req, struct fs_node *n, struct kn_handle *h)
{
	int ret = 0;

	if (n->kind == FS_RUN && h->used < h->inlen) {
		kn_run_write(req, n, h, 0, true);
		return;
	}
	if (n->kind == FS_ARGS && h->pending) {
		/* The last token, with or without a trailing newline. */
		ret = kn_args_apply(n, h->in, h->inlen, false);
		h->pending = false;
	}
	fuse_reply_err(req, ret);
}

void kn_read(fuse_req_t req, struct fs_node *n, struct kn_handle *h, size_t size, off_t off)
{
	struct kn_waiter *w;
	struct pq_cu_rt *cu;
	char line[320];
	bool wait;

	if (n->kind != FS_RUN) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	/* After the first read, the rest of the same line. */
	if (off > 0 || h->ready) {
		size_t at = (size_t)off < h->len ? (size_t)off : h->len;

		fs_reply_copy(req, h->data ? h->data + at : NULL,
			      h->len - at < size ? h->len - at : size);
		return;
	}
	pthread_mutex_lock(&n->card->lock);
	cu = kn_cu(n);
	pthread_mutex_unlock(&n->card->lock);
	if (!cu) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	w = kn_waiter_new(req, KN_READ, cu);
	if (!w) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	w->h = h;
	w->size = size;
	pthread_mutex_lock(&kn_wait_lock);
	pthread_mutex_lock(&cu->lock);
	wait = cu->started != cu->finished;
	w->target = cu->started;
	snprintf(line, sizeof(line), "%s", cu->ndone + cu->nerrors ? cu->last : "idle");
	pthread_mutex_unlock(&cu->lock);
	if (wait && !h->nonblock) {
		w->listed = true;
		w->next = kn_waiters;
		kn_waiters = w;
	}
	pthread_mutex_unlock(&kn_wait_lock);
	if (wait && h->nonblock) {
		free(w);
		fuse_reply_err(req, EAGAIN);
		return;
	}
	if (wait)
		return; /* listed: answered when the runs end */
	kn_reply_read(w, line);
	free(w);
}

void kn_poll(fuse_req_t req, struct fs_node *n, struct fuse_pollhandle *ph)
{
	struct kn_waiter *w = NULL;
	struct pq_cu_rt *cu;
	bool busy;

	pthread_mutex_lock(&n->card->lock);
	cu = n->kind == FS_RUN ? kn_cu(n) : NULL;
	pthread_mutex_unlock(&n->card->lock);
	if (!cu) {
		if (ph)
			fuse_pollhandle_destroy(ph);
		fuse_reply_poll(req, POLLIN | POLLRDNORM);
		return;
	}
	if (ph)
		w = kn_waiter_new(req, KN_POLL, cu);
	pthread_mutex_lock(&kn_wait_lock);
	busy = pq_cu_pending(cu) != 0;
	if (busy && w) {
		w->ph = ph;
		w->listed = true;
		w->next = kn_waiters;
		kn_waiters = w;
		w = NULL;
		ph = NULL;
	}
	pthread_mutex_unlock(&kn_wait_lock);
	free(w);
	if (ph)
		fuse_pollhandle_destroy(ph);
	/* Readable, like a finished run's line, when nothing is pending. */
	fuse_reply_poll(req, busy ? 0 : POLLIN | POLLRDNORM);
}

void kn_reg_read(fuse_req_t req, struct fs_node *n, size_t size, off_t off)
{
	struct pq_cu_rt *cu;
	uint8_t *buf;
	int ret;

	if (size > (1u << 20))
		size = 1u << 20;
	buf = malloc(size + 4);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&n->card->lock);
	cu = kn_cu(n);
	ret = cu ? pq_cu_reg_read(cu, (uint64_t)off, buf, size) : -ENOENT;
	pthread_mutex_unlock(&n->card->lock);
	if (ret < 0)
		fuse_reply_err(req, -ret);
	else
		fuse_reply_buf(req, (const char *)buf, (size_t)ret);
	free(buf);
}

void kn_reg_write(fuse_req_t req, struct fs_node *n, const char *buf, size_t size, off_t off)
{
	struct pq_cu_rt *cu;
	bool start = false;
	int ret;

	pthread_mutex_lock(&n->card->lock);
	cu = kn_cu(n);
	ret = cu ? pq_cu_reg_write(cu, (uint64_t)off, buf, size, &start) : -ENOENT;
	pthread_mutex_unlock(&n->card->lock);
	if (ret >= 0 && start)
		ret = -kn_start(n, true, NULL);
	if (ret < 0)
		fuse_reply_err(req, -ret);
	else
		fuse_reply_write(req, size);
}

void kn_init(void)
{
	pq_cu_notify = kn_notify;
}
