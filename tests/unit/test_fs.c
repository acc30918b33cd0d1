// SPDX-License-Identifier: MIT
/*
 * fs/ without a mount: the tree of SPEC §1 over simulated cards, built
 * twice side by side (all of a mount's state is its struct fs), a design
 * loaded into it, the resolver of buffer paths, owners and modes, deep
 * directories unlinked, times, the kinds table, and a rename that keeps
 * both names when memory runs out (realloc fails on demand: this test is
 * linked with --wrap=realloc).
 */
#define _GNU_SOURCE
#include "fs.h"
#include "sim_backend.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- realloc that fails when asked ---- */

void *__real_realloc(void *p, size_t size);
void *__wrap_realloc(void *p, size_t size);
static bool fail_realloc;

void *__wrap_realloc(void *p, size_t size)
{
	if (fail_realloc)
		return NULL;
	return __real_realloc(p, size);
}

/* ---- a mount with n sim cards, without FUSE ---- */

static char *kernel_dir;

static void mount_init(struct fs *fs, const char *mountpoint, size_t ncards, mode_t mode)
{
	char why[256];

	fs_init(fs);
	fs->mountpoint = strdup(mountpoint);
	fs->cards = calloc(ncards, sizeof(*fs->cards));
	for (size_t i = 0; i < ncards; i++) {
		struct pq_card_params p = {
			.index = (unsigned)i,
			.ops = &pq_sim_ops,
			.name = PQ_DEFAULT_SHELL,
			.kernel_path = &kernel_dir,
			.nkernel_path = 1,
			.run_timeout_ms = 1000,
			.log_lines = 100,
			.resolve = fs_resolve,
			.resolve_ctx = fs,
			.access = fs_access,
		};
		struct fs_card *fc = &fs->cards[i];

		if (pq_card_new(&p, &fc->card, why, sizeof(why))) {
			tap_diag("card%zu: %s", i, why);
			abort();
		}
		fc->uid = fc->conf_uid = getuid();
		fc->gid = fc->conf_gid = getgid();
		fc->mode = fc->conf_mode = mode;
		fs->ncards++;
	}
	if (fs_tree_build(fs))
		abort();
}

static void mount_free(struct fs *fs)
{
	fs_tree_destroy(fs);
	for (size_t i = 0; i < fs->ncards; i++)
		pq_card_destroy(fs->cards[i].card);
	free(fs->cards);
	free(fs->mountpoint);
	fs_destroy(fs);
}

/* The node at a path of names from dir ("card0/banks"), or NULL. */
static struct fs_node *at(struct fs_node *dir, const char *path)
{
	char *copy = strdup(path), *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c && dir; c = strtok_r(NULL, "/", &save))
		dir = fs_node_find(dir, c);
	free(copy);
	return dir;
}

static size_t count_nodes(const struct fs *fs)
{
	size_t n = 0;

	for (const struct fs_node *k = fs->all; k; k = k->all_next)
		n++;
	return n;
}

/* Does every node of fs (each listed in fs->all) point back to it? */
static bool all_belong(const struct fs *fs)
{
	for (const struct fs_node *k = fs->all; k; k = k->all_next) {
		if (k->fs != fs)
			return false;
	}
	return true;
}

/* What a text file's renderer says, malloc'd. */
static char *render(const struct fs_node *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fs_kinds[n->kind].render(n, f);
	fclose(f);
	return buf;
}

/* A buffer file in dir, as fs_make_buffer makes one (tree lock held). */
static struct fs_node *make_buffer(struct fs_node *dir, const char *name)
{
	struct fs_node *n = fs_node_new(dir->fs, FS_BUF, name, S_IFREG | 0644, dir->card);

	n->index = dir->index;
	n->gen = dir->gen;
	if (fs_node_add(dir, n) || pq_buffer_new(dir->card, dir->gen, dir->index, name, &n->buf))
		abort();
	pq_buffer_set_tag(n->buf, n);
	return n;
}

static struct fs_node *make_dir(struct fs_node *dir, const char *name)
{
	struct fs_node *n = fs_node_new(dir->fs, FS_DIR, name, S_IFDIR | 0755, dir->card);

	n->index = dir->index;
	n->gen = dir->gen;
	if (fs_node_add(dir, n))
		abort();
	return n;
}

static void test_kinds(void)
{
	bool fixed_in_dir = true, files_have_ops = true, text_is_text = true, unique = true;

	for (enum fs_kind k = 0; k < FS_NKINDS; k++) {
		const struct fs_kind_info *ki = &fs_kinds[k];

		if (ki->name && k != FS_ROOT && !S_ISDIR(fs_kinds[ki->in].mode))
			fixed_in_dir = false;
		if (S_ISREG(ki->mode) && !ki->ops)
			files_have_ops = false;
		if (ki->render && ki->ops != &fs_text_ops)
			text_is_text = false;
		for (enum fs_kind j = 0; j < k; j++) {
			if (ki->name && fs_kinds[j].name && fs_kinds[j].in == ki->in &&
			    !strcmp(ki->name, fs_kinds[j].name))
				unique = false;
		}
	}
	tap_ok(fixed_in_dir, "kinds: every fixed name lives in a directory kind");
	tap_ok(files_have_ops, "kinds: every regular file kind has file operations");
	tap_ok(text_is_text, "kinds: every rendered kind is a text file");
	tap_ok(unique, "kinds: no two fixed names in one directory");
}

static void test_two_mounts(struct fs *a, struct fs *b)
{
	char *text;

	tap_ok(a->root && b->root && a->root != b->root, "two mounts, two roots");
	tap_ok(fs_node_of(a, FUSE_ROOT_ID) == a->root && fs_node_of(b, FUSE_ROOT_ID) == b->root &&
		       fs_node_id(a->root) == FUSE_ROOT_ID && fs_node_id(b->root) == FUSE_ROOT_ID,
	       "the root id names each mount's own root");
	tap_ok(all_belong(a) && all_belong(b), "every node points to its own mount");
	tap_ok(at(a->root, "card1/banks") && !at(b->root, "card1"),
	       "a has card0 and card1, b only card0");
	text = render(at(a->root, "cards"));
	tap_ok(text && strstr(text, "card0 ") && strstr(text, "card1 "), "a's cards lists two");
	free(text);
	text = render(at(b->root, "cards"));
	tap_ok(text && strstr(text, "card0 ") && !strstr(text, "card1"), "b's cards lists one");
	free(text);
}

static void test_tree(struct fs *fs)
{
	static const char *const in_card[] = {"overlay", "uuid", "state", "name",    "backend",
					      "summary", "log",	 "banks", "kernels", "streams"};
	struct fs_node *card = at(fs->root, "card0");
	bool all = true;

	for (size_t i = 0; i < sizeof(in_card) / sizeof(in_card[0]); i++) {
		struct fs_node *n = fs_node_find(card, in_card[i]);

		if (!n || n->card != fs->cards[0].card ||
		    strcmp(fs_kinds[n->kind].name, in_card[i]))
			all = false;
	}
	tap_ok(all, "card0 has SPEC's fixed files, each of its card");
	tap_ok(at(fs->root, "active") && at(fs->root, "cards") && card->parent == fs->root,
	       "the root holds active, cards and the card directories");
	tap_ok(at(card, "banks")->nkids == 0 && at(card, "kernels")->nkids == 0,
	       "no design: banks/ and kernels/ are empty");
}

static void test_design(struct fs *a, struct fs *b, const uint8_t *img, size_t len)
{
	struct pq_card *card = a->cards[0].card;
	struct fs_node *cu;
	struct pq_layout *l;

	tap_ok(pq_card_program(card, img, len) == 0, "vadd loads on a's card0");
	fs_card_refresh(a, card);
	if (pq_card_layout(card, &l))
		abort();
	tap_ok(at(a->root, "card0/banks")->nkids == l->nbanks && l->nbanks > 0 &&
		       at(at(a->root, "card0/banks"), l->banks[0].name),
	       "banks/ lists the design's %zu banks", l->nbanks);
	cu = at(a->root, "card0/kernels/vadd_1");
	tap_ok(cu && fs_node_find(cu, "args") && fs_node_find(cu, "run") &&
		       fs_node_find(cu, "signature") && fs_node_find(cu, "streams") &&
		       cu->gen == l->generation,
	       "kernels/vadd_1 has args, run, signature, streams, at the design's generation");
	tap_ok(at(b->root, "card0/banks")->nkids == 0 && at(a->root, "card1/banks")->nkids == 0,
	       "b's card0 and a's card1 are untouched");
	pq_layout_free(l);
	tap_ok(all_belong(a), "the design's nodes belong to a");
}

static void test_resolve(struct fs *a, struct fs *b)
{
	struct pq_card *card = a->cards[0].card;
	struct fs_node *bank = at(a->root, "card0/banks")->kids[0];
	struct pq_buffer *buf;
	char path[512], why[256], *canon;
	struct fs_node *n;
	char *want;

	fs_lock(a);
	n = make_buffer(make_dir(bank, "d"), "x");
	fs_unlock(a);
	if (asprintf(&want, "banks/%s/d/x", bank->name) < 0)
		abort();
	tap_ok(fs_resolve(a, card, want, &buf, &canon, why, sizeof(why)) == 0 && buf == n->buf &&
		       !strcmp(canon, want),
	       "a relative path finds the buffer: %s", want);
	pq_buffer_put(buf);
	free(canon);
	snprintf(path, sizeof(path), "/mnt/a/active/banks/%s/./d/../d/x", bank->name);
	tap_ok(fs_resolve(a, card, path, &buf, &canon, why, sizeof(why)) == 0 && buf == n->buf &&
		       !strcmp(canon, want),
	       "an absolute path through active, . and .. finds it too");
	pq_buffer_put(buf);
	free(canon);
	snprintf(path, sizeof(path), "/mnt/ab/card0/banks/%s/d/x", bank->name);
	tap_ok(fs_resolve(a, card, path, &buf, &canon, why, sizeof(why)) == -EINVAL &&
		       strstr(why, "is not inside the mount (/mnt/a)"),
	       "a path beside the mount: -EINVAL, the why names the mount");
	snprintf(path, sizeof(path), "banks/%s/d", bank->name);
	tap_ok(fs_resolve(a, card, path, &buf, &canon, why, sizeof(why)) == -EINVAL &&
		       strstr(why, "is not a buffer"),
	       "a directory is not a buffer: -EINVAL");
	snprintf(path, sizeof(path), "/mnt/b/card0/banks/%s/d/x", bank->name);
	tap_ok(fs_resolve(b, b->cards[0].card, path, &buf, &canon, why, sizeof(why)) == -EINVAL,
	       "b does not see a's buffer");
	free(want);
}

static void test_owner(struct fs *fs)
{
	struct fs_node *args = at(fs->root, "card0/kernels/vadd_1/args");
	struct fs_node *x = at(at(fs->root, "card0/banks")->kids[0], "d/x");
	struct fs_node *banks = at(fs->root, "card0/banks");
	struct stat st;

	fs_lock(fs);
	fs->cards[0].mode = 0750;
	fs_fill_attr(args, &st);
	tap_ok((st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode),
	       "args follows the card's mode: 0666 & 0750 = 0640 (got %04o)",
	       (unsigned)(st.st_mode & 07777));
	fs_fill_attr(x, &st);
	tap_ok((st.st_mode & 07777) == 0644, "a buffer keeps its own mode (got %04o)",
	       (unsigned)(st.st_mode & 07777));
	fs_fill_attr(banks, &st);
	tap_ok(st.st_nlink == 2 + banks->ndirs && banks->ndirs == banks->nkids,
	       "banks/ has nlink 2 + one per bank (%lu)", (unsigned long)st.st_nlink);
	fs->cards[0].mode = 0755;
	fs_unlock(fs);
}

static void test_times(struct fs *fs)
{
	struct fs_node *x = at(at(fs->root, "card0/banks")->kids[0], "d/x");
	struct timespec m = {.tv_sec = 1000, .tv_nsec = 5}, c = {.tv_sec = -2, .tv_nsec = 7};
	struct timespec gm, gc;
	struct stat st;

	fs_node_set_times(x, &m, &c);
	fs_node_times(x, &gm, &gc);
	tap_ok(gm.tv_sec == 1000 && gm.tv_nsec == 5 && gc.tv_sec == -2 && gc.tv_nsec == 7,
	       "times are kept to the nanosecond, before 1970 too");
	fs_node_changed(x);
	fs_lock(fs);
	fs_fill_attr(x, &st);
	fs_unlock(fs);
	tap_ok(st.st_mtim.tv_sec == 1000 && st.st_ctim.tv_sec > 1000,
	       "a change moves ctime, not mtime");
	fs_lock(fs);
	fs_node_set_mode(x, S_IFREG | 06755);
	tap_ok(x->privs, "setuid: a write must drop it");
	fs_node_set_mode(x, S_IFREG | 02645);
	tap_ok(!x->privs, "setgid without group execute is not set-group-ID: nothing to drop");
	fs_node_set_mode(x, S_IFREG | 0644);
	fs_unlock(fs);
}

static void test_rename(struct fs *fs)
{
	struct fs_node *bank = at(fs->root, "card0/banks")->kids[0];
	struct fs_node *d = at(bank, "d"), *full, *src;
	char why[160] = "", name[16];
	size_t nkids;
	int ret;

	fs_lock(fs);
	full = make_dir(bank, "full");
	make_buffer(full, "old");
	for (int i = 1; full->nkids < full->kcap; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		make_buffer(full, name);
	}
	src = make_buffer(d, "src");
	fail_realloc = true;
	ret = fs_node_rename(d, "src", full, "new", 0, why, sizeof(why));
	fail_realloc = false;
	tap_ok(ret == -ENOMEM, "rename into a full directory without memory: -ENOMEM (%d)", ret);
	tap_ok(fs_node_find(d, "src") == src && !fs_node_find(full, "new"),
	       "the source keeps its name");
	fail_realloc = true;
	ret = fs_node_rename(d, "src", full, "f1", 0, why, sizeof(why));
	fail_realloc = false;
	tap_ok(ret == 0 && !fs_node_find(d, "src") && fs_node_find(full, "f1") == src,
	       "replacing a name needs no memory: it takes the target's place");
	nkids = full->nkids;
	ret = fs_node_rename(full, "f1", full, "old", 0, why, sizeof(why));
	tap_ok(ret == 0 && !fs_node_find(full, "f1") && fs_node_find(full, "old") == src &&
		       full->nkids == nkids - 1,
	       "a rename within a directory replaces the target (freed: nothing held it)");
	ret = fs_node_rename(d, "x", bank, "x", 0, why, sizeof(why));
	tap_ok(ret == 0 && fs_node_find(bank, "x") && !fs_node_find(d, "x"),
	       "a buffer moves up a directory in its bank");
	fs_unlock(fs);
}

static void test_deep_unlink(struct fs *fs)
{
	struct fs_node *bank = at(fs->root, "card0/banks")->kids[0], *top, *k;
	size_t before = count_nodes(fs);

	fs_lock(fs);
	top = k = make_dir(bank, "deep");
	for (int i = 0; i < 100000; i++)
		k = make_dir(k, "d");
	make_buffer(k, "leaf");
	tap_ok(count_nodes(fs) == before + 100002, "100,000 nested directories and a buffer");
	fs_node_unlink(top);
	fs_unlock(fs);
	tap_ok(count_nodes(fs) == before && !fs_node_find(bank, "deep"),
	       "unlinked without recursion: every node freed");
}

static void test_inval(struct fs *fs)
{
	struct fs_node *x = at(fs->root, "card0/banks")->kids[0];
	struct fs_inval iv = {0};

	fs_inval_inode(&iv, x);
	fs_inval_entry(&iv, x, "x");
	tap_ok(iv.n == 0, "not caching (-s): nothing to invalidate");
	fs->caching = true;
	fs_inval_inode(&iv, x); /* the kernel never looked it up */
	x->nlookup++;
	fs_inval_inode(&iv, x);
	fs_inval_entry(&iv, x, "x");
	x->nlookup--;
	fs->caching = false;
	tap_ok(iv.n == 2 && iv.fs == fs && iv.e[0].ino == fs_node_id(x) && !iv.e[0].name &&
		       !strcmp(iv.e[1].name, "x"),
	       "caching: the looked-up inode and the entry are collected for this mount");
	for (size_t i = 0; i < iv.n; i++)
		free(iv.e[i].name);
	free(iv.e);
}

int main(void)
{
	const char *build = getenv("PYNQFS_BUILD");
	struct fs a, b;
	char path[4096];
	uint8_t *img;
	size_t len = 0;

	test_kinds();
	if (!build) {
		tap_skip("PYNQFS_BUILD is not set (run through scripts/test.sh)", "fs unit tests");
		return tap_done();
	}
	snprintf(path, sizeof(path), "%s/examples/vadd.xclbin", build);
	img = tap_slurp(path, &len);
	if (!tap_ok(img != NULL, "read %s", path))
		return tap_done();
	if (asprintf(&kernel_dir, "%s/examples/kernels", build) < 0)
		return 1;
	mount_init(&a, "/mnt/a", 2, 0755);
	mount_init(&b, "/mnt/b", 1, 0755);
	test_two_mounts(&a, &b);
	test_tree(&a);
	test_design(&a, &b, img, len);
	test_resolve(&a, &b);
	test_owner(&a);
	test_times(&a);
	test_rename(&a);
	test_deep_unlink(&a);
	test_inval(&a);
	mount_free(&b);
	mount_free(&a);
	free(img);
	free(kernel_dir);
	return tap_done();
}
