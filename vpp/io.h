/* SPDX-License-Identifier: MIT */
/* What pynqfs-vpp does outside itself: files, a temporary directory, the compiler. */
#ifndef PYNQFS_VPP_IO_H
#define PYNQFS_VPP_IO_H

#include <stddef.h>
#include <stdint.h>

/* A whole file, malloc'd; -errno. */
int vpp_slurp(const char *path, uint8_t **buf, size_t *len);
/* Write a file whole (through a temporary name, renamed into place); -errno. */
int vpp_spit(const char *path, const void *buf, size_t len);
/*
 * The directory for intermediate files: dir (made if missing) when given,
 * else a fresh one under $TMPDIR. *made says it is ours to remove.
 */
int vpp_temp_dir(const char *dir, char **out, int *made, char *err, size_t errlen);
/* Remove a directory we made and what is in it (one level). */
void vpp_temp_remove(const char *dir);
/*
 * Run argv[0] (looked up on PATH) and wait: 0 when it exits 0, else
 * -EINVAL with what happened in err (its own messages went to stderr).
 */
int vpp_run(const char *const *argv, char *err, size_t errlen);

#endif
