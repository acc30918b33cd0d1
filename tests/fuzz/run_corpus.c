// SPDX-License-Identifier: MIT
/* Replays a fuzz corpus through LLVMFuzzerTestOneInput, one TAP line a file. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **ents;
		int cnt = scandir(argv[i], &ents, NULL, alphasort);

		if (cnt < 0) {
			printf("not ok %d - corpus %s cannot be read\n", ++n, argv[i]);
			continue;
		}
		for (int e = 0; e < cnt; e++) {
			char path[4096];
			FILE *f;
			long len;
			uint8_t *buf;

			if (ents[e]->d_name[0] == '.') {
				free(ents[e]);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", argv[i], ents[e]->d_name);
			free(ents[e]);
			f = fopen(path, "rb");
			if (!f)
				continue;
			fseek(f, 0, SEEK_END);
			len = ftell(f);
			rewind(f);
			/* Exactly sized, so ASan sees any over-read. */
			buf = malloc(len ? (size_t)len : 1);
			if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
				LLVMFuzzerTestOneInput(buf, (size_t)len);
				printf("ok %d - %s\n", ++n, path);
			} else {
				printf("not ok %d - %s cannot be read\n", ++n, path);
			}
			free(buf);
			fclose(f);
		}
		free(ents);
	}
	printf("1..%d\n", n);
	return n ? 0 : 1;
}
