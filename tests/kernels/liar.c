// SPDX-License-Identifier: MIT
/*
 * For tests: writes a reply of its own on the runner's socket (fd 3), as
 * if its run had ended "done 424242", then returns normally.
 */
#include <stdint.h>
#include <sys/socket.h>

void liar(int *unused);

void liar(int *unused)
{
	struct {
		uint32_t type; /* SIM_OK */
		uint64_t seq;
		uint64_t us;
		char msg[256];
	} fake = {.type = 3, .seq = 0, .us = 424242, .msg = "done"};

	(void)unused;
	for (uint64_t s = 0; s < 4; s++) { /* a few guesses at the run's number */
		fake.seq = s;
		send(3, &fake, sizeof(fake), MSG_NOSIGNAL);
	}
}
