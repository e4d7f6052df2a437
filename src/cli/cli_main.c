/* SPDX-License-Identifier: Apache-2.0 */
/* cli_main.c: entry point of mmdsguard: parse, dispatch, exit. */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "cli_args.h"
#include "cli_cmds.h"
#include "cli_msgs.h"

int
main(int argc, char **argv)
{
	struct cli_opts o;
	int rc;

	rc = cli_parse(argc, argv, &o);
	if (rc != 0)
		return rc;
	if (o.help) {
		cli_usage();
		return 0;
	}
	if (o.version) {
		printf("mmdsguard %s\n", MG_VERSION);
		return 0;
	}
	cli_msgs_init(o.debug ? CLI_DEBUG : o.verbose ? CLI_VERBOSE :
	    o.quiet ? CLI_QUIET : CLI_NORMAL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errorf("cannot initialise libcurl");
		return 5;
	}
	switch (o.cmd) {
	case CMD_AUDIT:
		rc = cmd_audit(&o);
		break;
	case CMD_FIX:
		rc = cmd_fix(&o);
		break;
	case CMD_ROLLBACK:
		rc = cmd_rollback(&o);
		break;
	case CMD_POLICY:
		rc = cmd_policy(&o);
		break;
	default:
		helpf("'%s' is not available in this version",
		    cli_cmd_name(o.cmd));
		rc = 2;
		break;
	}
	curl_global_cleanup();
	return rc;
}
