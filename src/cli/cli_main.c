/* SPDX-License-Identifier: Apache-2.0 */
/* cli_main.c: entry point of mmdsguard. */
#include <stdio.h>

int
main(void)
{
	puts("mmdsguard " MG_VERSION);
	return 0;
}
