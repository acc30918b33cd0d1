/* SPDX-License-Identifier: MIT */
/*
 * The sim card's shared memory: memfds that runners map. Sealed at their
 * size, so that no runner (nor a kernel in it) can shrink one under the
 * daemon's mapping, which would make the daemon's next access fault and
 * lose the device memory.
 */
#ifndef PYNQFS_SIM_MEMFD_H
#define PYNQFS_SIM_MEMFD_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd of size bytes that can't be resized, or -errno. */
static inline int sim_memfd(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING), err;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/*
 * A memfd holding len bytes that no one can change (sealed against writes
 * and resizing): a kernel's shared object for runners to load. -errno.
 */
static inline int sim_memfd_const(const char *name, const void *data, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING), err;
	size_t done = 0;

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done < len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		err = done < len ? EIO : errno;
		close(fd);
		return -err;
	}
	return fd;
}

#endif
