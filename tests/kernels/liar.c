// SPDX-License-Identifier: MIT
/*
 * For tests: writes replies of its own on the runner's socket (fd 3), as
 * if its run had ended "done 424242", and a short message, then returns
 * normally.
 */
#include <stdint.h>
#include <sys/socket.h>

#include "../../sim/proto.h"

void liar(int *unused);

void liar(int *unused)
{
	struct sim_reply fake = {.type = SIM_OK, .seq = 0, .us = 424242, .msg = "done"};
	char shorter[16] = {SIM_OK};

	(void)unused;
	for (uint64_t s = 0; s < 4; s++) { /* a few guesses at the run's number */
		fake.seq = s;
		send(SIM_RUNNER_FD, &fake, sizeof(fake), MSG_NOSIGNAL);
	}
	send(SIM_RUNNER_FD, shorter, sizeof(shorter),
	     MSG_NOSIGNAL); /* and a message that is no reply */
}
