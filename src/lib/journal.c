/* SPDX-License-Identifier: Apache-2.0 */
/* journal.c: the fix journal, written line by line and synced. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "finding.h"
#include "journal.h"

#define MAX_LINE (16u * 1024 * 1024)

struct mg_journal {
	int fd;
	char *path;
	char run[40];
	pthread_mutex_t lock;
};

const char *
mg_journal_path(const struct mg_journal *j)
{
	return j->path;
}

/* Create each missing folder of path's parent, mode 0700. */
static int
make_parents(const char *path, struct mg_err *err)
{
	char *copy = strdup(path), *p;
	int rc = 0;

	if (copy == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			rc = mg_err_set(err, MG_EIO, "cannot create '%s': %s",
			    copy, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

int
mg_journal_open(const char *path, struct mg_journal **out,
    struct mg_err *err)
{
	struct mg_journal *j = NULL;
	struct timespec ts;
	int rc = -1;

	*out = NULL;
	if (make_parents(path, err) != 0)
		goto cleanup;
	j = calloc(1, sizeof(*j));
	if (j == NULL || (j->path = strdup(path)) == NULL) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	/* Never through a symbolic link: it could point anywhere. */
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (j->fd < 0) {
		mg_err_set(err, MG_EIO, "cannot open journal '%s': %s", path,
		    strerror(errno));
		goto cleanup;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(j->run, sizeof(j->run), "%lld-%ld", (long long)ts.tv_sec,
	    (long)getpid());
	pthread_mutex_init(&j->lock, NULL);
	*out = j;
	j = NULL;
	rc = 0;
cleanup:
	if (j != NULL) {
		free(j->path);
		free(j);
	}
	return rc;
}

int
mg_journal_append(struct mg_journal *j, json_t *entry, struct mg_err *err)
{
	char now[32], *line = NULL;
	size_t len, off = 0;
	int rc = -1;

	/* Only objects: the reader rejects any other line. */
	if (!json_is_object(entry))
		return mg_err_set(err, MG_EINTERNAL, "journal entry for '%s' "
		    "is not a JSON object", j->path);
	mg_rfc3339_now(now);
	if (json_object_set_new(entry, "time", json_string(now)) != 0 ||
	    json_object_set_new(entry, "run", json_string(j->run)) != 0)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	line = json_dumps(entry, JSON_COMPACT | JSON_SORT_KEYS);
	if (line == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	len = strlen(line);
	line[len++] = '\n';	/* json_dumps leaves room for the NUL */
	pthread_mutex_lock(&j->lock);
	while (off < len) {
		ssize_t n = write(j->fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mg_err_set(err, MG_EIO, "cannot write journal '%s': %s",
			    j->path, strerror(errno));
			goto unlock;
		}
		off += (size_t)n;
	}
	if (fsync(j->fd) != 0) {
		mg_err_set(err, MG_EIO, "cannot sync journal '%s': %s",
		    j->path, strerror(errno));
		goto unlock;
	}
	rc = 0;
unlock:
	pthread_mutex_unlock(&j->lock);
	free(line);
	return rc;
}

void
mg_journal_close(struct mg_journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	pthread_mutex_destroy(&j->lock);
	free(j->path);
	free(j);
}

int
mg_journal_read(const char *path, json_t **entries, struct mg_err *err)
{
	json_t *all = NULL, *e;
	json_error_t jerr;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct stat st;
	FILE *fp;
	int lineno = 0, rc = -1, complete;

	*entries = NULL;
	fp = fopen(path, "r");
	if (fp == NULL)
		return mg_err_set(err, MG_EIO, "cannot open journal '%s': %s",
		    path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		mg_err_set(err, MG_EIO, "journal '%s' is not a regular file",
		    path);
		goto cleanup;
	}
	all = json_array();
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if ((size_t)n > MAX_LINE) {
			mg_err_set(err, MG_ETOOLARGE, "%s:%d: line too long",
			    path, lineno);
			goto cleanup;
		}
		if (strspn(line, " \t\r\n") == (size_t)n)
			continue;
		complete = line[n - 1] == '\n';
		/* Without its newline, so a column refers to this line. */
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		e = json_loads(line, 0, &jerr);
		if (e == NULL && !complete && feof(fp)) {
			/*
			 * A last line cut short (a full disk, a crash) is an
			 * entry that was never fsynced: the ones before stand.
			 */
			json_array_append_new(all, json_pack("{s:s, s:i}",
			    "action", "truncated", "line", lineno));
			break;
		}
		if (e == NULL) {
			mg_err_set(err, MG_EPARSE, "%s:%d:%d: not a journal "
			    "entry (%s)", path, lineno, jerr.column,
			    jerr.text);
			goto cleanup;
		}
		if (!json_is_object(e)) {
			json_decref(e);
			mg_err_set(err, MG_EPARSE, "%s:%d: not a journal entry"
			    " (not a JSON object)", path, lineno);
			goto cleanup;
		}
		json_array_append_new(all, e);
	}
	*entries = all;
	all = NULL;
	rc = 0;
cleanup:
	json_decref(all);
	free(line);
	fclose(fp);
	return rc;
}

char *
mg_journal_default_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char stamp[32], *out = NULL;
	struct mg_buf b;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	mg_buf_init(&b, 4096);
	if (state != NULL && state[0] == '/')
		mg_buf_addf(&b, "%s/mmdsguard/journal-%s.jsonl", state, stamp);
	else if (home != NULL && home[0] == '/')
		mg_buf_addf(&b, "%s/.local/state/mmdsguard/journal-%s.jsonl",
		    home, stamp);
	else
		mg_buf_addf(&b, "mmdsguard-journal-%s.jsonl", stamp);
	if (b.len > 0)
		out = mg_buf_detach(&b);
	mg_buf_release(&b);
	return out;
}
