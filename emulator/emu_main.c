/* SPDX-License-Identifier: Apache-2.0 */
/* emu_main.c: entry point of mmdsguard-emulator. */
#include <stdio.h>

int
main(void)
{
	return 0;
}
