// SPDX-License-Identifier: MIT
/* Files, a temporary directory and child processes for pynqfs-vpp. */
#define _GNU_SOURCE
#include "io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int vpp_slurp(const char *path, uint8_t **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t n = 0;
	uint8_t *p;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		int e = errno ? errno : EINVAL;

		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -e;
	}
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, p + n, (size_t)st.st_size - n);

		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			free(p);
			close(fd);
			return -e;
		}
		n += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = n;
	return 0;
}

int vpp_spit(const char *path, const void *buf, size_t len)
{
	char *tmp;
	size_t n = 0;
	int fd, e = 0;

	if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return -e;
	}
	while (!e && n < len) {
		ssize_t w = write(fd, (const uint8_t *)buf + n, len - n);

		if (w < 0)
			e = errno;
		else
			n += (size_t)w;
	}
	if (close(fd) && !e)
		e = errno;
	if (!e && rename(tmp, path))
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	return -e;
}

int vpp_temp_dir(const char *dir, char **out, int *made, char *err, size_t errlen)
{
	const char *base = getenv("TMPDIR");

	*made = 0;
	if (dir) {
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "--temp_dir %s: %s", dir, strerror(errno));
			return -EINVAL;
		}
		*out = strdup(dir);
		return *out ? 0 : -ENOMEM;
	}
	if (asprintf(out, "%s/pynqfs-vpp.XXXXXX", base && *base ? base : "/tmp") < 0)
		return -ENOMEM;
	if (!mkdtemp(*out)) {
		snprintf(err, errlen, "a temporary directory in %s: %s", base ? base : "/tmp",
			 strerror(errno));
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	*made = 1;
	return 0;
}

void vpp_temp_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int vpp_run(const char *const *argv, char *err, size_t errlen)
{
	pid_t pid;
	int st, e;

	e = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (e) {
		snprintf(err, errlen, "%s: %s", argv[0], strerror(e));
		return -EINVAL;
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
			return -EINVAL;
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(err, errlen, "%s exited with status %d", argv[0], WEXITSTATUS(st));
	else
		snprintf(err, errlen, "%s was killed by signal %d", argv[0], WTERMSIG(st));
	return -EINVAL;
}
