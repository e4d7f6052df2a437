/* SPDX-License-Identifier: Apache-2.0 */
/* cli_report.h: an audit report as a table or as JSON. */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include <stdio.h>

#include "finding.h"

struct cli_report_opts {
	int color;
	const char *region_hint;	/* for the suggested fix command */
	const char *endpoint_url;
	const char *profile;
};

void cli_report_table(FILE *fp, const struct mg_report *r,
    const struct cli_report_opts *o);
int cli_report_json(FILE *fp, const struct mg_report *r);
/* "mmdsguard: 5 runtimes, 7 versions: 3 compliant, ..." */
void cli_report_summary_line(FILE *fp, const struct mg_report *r);

#endif
