// SPDX-License-Identifier: MIT
/*
 * Going to the background. pynqfs forks before it opens any card, not
 * after it mounts as fuse_daemonize() would: threads don't survive a
 * fork, and XRT starts some when a device opens (its noop shim's command
 * completer, for one), so a daemon forked after that would wait for ever
 * on commands nobody completes. The parent waits until the child has
 * mounted, then exits 0; if the child fails first (its errors go to the
 * same stderr), the parent exits with the child's status, so `pynqfs`
 * still returns only once the mount is up, or has failed.
 */
#define _GNU_SOURCE
#include "fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int daemon_ready_fd = -1;

int fs_daemon_fork(void)
{
	int pipefd[2], status;
	char ok = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &ok, 1) == 1 && ok == 1)
			_exit(0);
		/* No word: the child failed, or died. Its status is ours. */
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1);
	}
	close(pipefd[0]);
	daemon_ready_fd = pipefd[1];
	setsid(); /* out of the terminal's session: its hang-up is not ours */
	return 0;
}

void fs_daemon_ready(void)
{
	char ok = 1;
	int nullfd;

	/* "/" is always there, and nothing depends on the directory. */
	(void)!chdir("/");
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd >= 0) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(nullfd, 2);
		if (nullfd > 2)
			close(nullfd);
	}
	if (daemon_ready_fd >= 0) {
		/* If the parent is gone, there is nobody to tell. */
		(void)!write(daemon_ready_fd, &ok, 1);
		close(daemon_ready_fd);
		daemon_ready_fd = -1;
	}
}
