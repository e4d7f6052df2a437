/* SPDX-License-Identifier: Apache-2.0 */
/* awsconf.c: the shared config and credentials files, read as botocore. */
#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsconf.h"
#include "buf.h"

/*
 * botocore reads these files with configparser.RawConfigParser (strict,
 * '=' and ':' delimiters, '#' and ';' full-line comments only, keys
 * lowercased, a "[DEFAULT]" section inherited by every section, indented
 * lines continuing a value) and then turns a value that starts with a
 * newline into a one-level dict. docs/internals/AWSCONF.md has the rules.
 */

#define AWSCONF_FILE_MAX	(16u * 1024 * 1024)
#define AWSCONF_LINE_MAX	(64u * 1024)
#define AWSCONF_PATH_MAX	16384u

/* A key and its value lines as collected from the file. */
struct raw_opt {
	char *key;
	struct mg_buf val;	/* lines joined by '\n', as configparser */
	unsigned line;
};

struct raw_sect {
	char *name;
	struct raw_opt *opt;
	size_t n;
	size_t cap;
};

struct kv {
	char *key;
	char *value;
};

struct entry {
	char *key;
	char *value;		/* NULL when the value is a sub-section */
	struct kv *sub;
	size_t nsub;
};

struct profile {
	char *name;
	struct entry *ent;
	size_t n;
};

struct mg_awsconf {
	char *path;
	struct profile *prof;
	size_t n;
};

struct parser {
	const char *path;
	unsigned lineno;
	struct raw_sect *sect;		/* in file order */
	size_t nsect;
	size_t capsect;
	struct raw_sect defaults;	/* "[DEFAULT]": inherited by all */
	struct raw_sect *cur;	/* NULL before the first header */
	struct raw_opt *opt;	/* the value continuation lines extend */
	size_t indent;		/* of the last header or key line */
	struct mg_err *err;
};

/* Text helpers: UTF-8 and Python's idea of whitespace. */

/* Length of a valid UTF-8 sequence at p (strict, as Python), or 0. */
static size_t
utf8_check(const unsigned char *p, size_t avail)
{
	uint32_t cp, min;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	cp = p[0] & (0x7f >> n);
	min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Decode one code point of already validated text. */
static size_t
utf8_next(const char *s, const char *end, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	n = utf8_check(p, (size_t)(end - s));
	if (n <= 1) {
		*cp = p[0];
		return 1;
	}
	*cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		*cp = *cp << 6 | (p[i] & 0x3f);
	return n;
}

/* str.isspace(), which is also what re's \s and str.strip() use. */
static int
py_space(uint32_t cp)
{
	if (cp == ' ' || (cp >= 0x09 && cp <= 0x0d) ||
	    (cp >= 0x1c && cp <= 0x1f))
		return 1;
	if (cp < 0x85)
		return 0;
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* The boundaries str.splitlines() cuts at. */
static int
py_linebreak(uint32_t cp)
{
	return (cp >= 0x0a && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1e) ||
	    cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

/* Skip leading whitespace; *chars counts the code points skipped. */
static const char *
lskip(const char *s, const char *e, size_t *chars)
{
	uint32_t cp;
	size_t n;

	while (s < e) {
		n = utf8_next(s, e, &cp);
		if (!py_space(cp))
			break;
		s += n;
		if (chars != NULL)
			(*chars)++;
	}
	return s;
}

/* The end of [s, e) without trailing whitespace. */
static const char *
rskip(const char *s, const char *e)
{
	const char *p;
	uint32_t cp;

	while (e > s) {
		p = e - 1;
		while (p > s && ((unsigned char)*p & 0xc0) == 0x80)
			p--;
		utf8_next(p, e, &cp);
		if (!py_space(cp))
			break;
		e = p;
	}
	return e;
}

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* configparser's optionxform is str.lower(); this folds ASCII only. */
static char *
dup_lower(const char *s, size_t n)
{
	char *d = dupn(s, n);
	size_t i;

	for (i = 0; d != NULL && i < n; i++)
		if (d[i] >= 'A' && d[i] <= 'Z')
			d[i] = (char)(d[i] - 'A' + 'a');
	return d;
}

/* Path expansion: os.path.expandvars, then os.path.expanduser. */

static int
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* "$name" or "${name}" at p: the variable's value, or NULL if unset. */
static const char *
var_at(const char *p, const char **after)
{
	const char *s = p + 1, *e;
	const char *val = NULL;
	char *name = NULL;

	if (is_word(*s)) {
		for (e = s; is_word(*e); e++)
			;
		*after = e;
	} else if (*s == '{' && (e = strchr(s + 1, '}')) != NULL) {
		s++;
		*after = e + 1;
	} else {
		*after = p + 1;
		return NULL;
	}
	name = dupn(s, (size_t)(e - s));
	if (name != NULL && strchr(name, '=') == NULL)
		val = getenv(name);
	free(name);
	return val;
}

static int
expand_vars(const char *in, struct mg_buf *out)
{
	const char *p = in, *after, *val;

	while (*p != '\0') {
		if (*p != '$') {
			if (mg_buf_addch(out, *p++) != 0)
				return -1;
			continue;
		}
		val = var_at(p, &after);
		if (val != NULL ? mg_buf_addstr(out, val) :
		    mg_buf_add(out, p, (size_t)(after - p)))
			return -1;
		p = after;
	}
	return 0;
}

/* The home directory "~" or "~user" names, or NULL to leave it alone. */
static char *
home_of(const char *user, size_t n)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	char *name = NULL;
	char *home = NULL;

	if (n == 0 && getenv("HOME") != NULL)
		return strdup(getenv("HOME"));
	if (n == 0) {
		getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res);
	} else {
		name = dupn(user, n);
		if (name != NULL)
			getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	}
	if (res != NULL)
		home = strdup(res->pw_dir);
	free(name);
	return home;
}

static int
expand_user(const char *in, struct mg_buf *out)
{
	const char *slash;
	char *home = NULL;
	size_t n;
	int rc = -1;

	if (in[0] != '~')
		return mg_buf_addstr(out, in);
	slash = strchr(in + 1, '/');
	if (slash == NULL)
		slash = in + strlen(in);
	home = home_of(in + 1, (size_t)(slash - in - 1));
	if (home == NULL)
		return mg_buf_addstr(out, in);
	n = strlen(home);
	while (n > 0 && home[n - 1] == '/')
		n--;
	if (mg_buf_add(out, home, n) != 0 || mg_buf_addstr(out, slash) != 0)
		goto cleanup;
	if (out->len == 0 && mg_buf_addch(out, '/') != 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(home);
	return rc;
}

int
mg_awsconf_expand_path(const char *path, char **out, struct mg_err *err)
{
	struct mg_buf vars, full;
	int rc = -1;

	*out = NULL;
	mg_buf_init(&vars, AWSCONF_PATH_MAX);
	mg_buf_init(&full, AWSCONF_PATH_MAX);
	if (expand_vars(path, &vars) != 0 ||
	    expand_user(vars.data != NULL ? vars.data : "", &full) != 0) {
		mg_err_set(err, MG_ECONFIG, "cannot expand path '%s': too long",
		    path);
		goto cleanup;
	}
	*out = mg_buf_detach(&full);
	if (*out == NULL) {
		mg_err_set(err, MG_ENOMEM, "cannot expand path '%s'", path);
		goto cleanup;
	}
	rc = 0;
cleanup:
	mg_buf_release(&vars);
	mg_buf_release(&full);
	return rc;
}

/* Reading the file. */

/* Read path into text; a path that is not a regular file reads as empty. */
static int
read_file(const char *path, struct mg_buf *text, struct mg_err *err)
{
	struct stat st;
	FILE *f = NULL;
	char chunk[8192];
	size_t n;
	int rc = -1;

	/* os.path.isfile(): any failure to stat means "no such file". */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(path, "rb");
	if (f == NULL) {
		mg_err_set(err, MG_ECONFIG, "cannot read '%s': %s", path,
		    strerror(errno));
		goto cleanup;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (mg_buf_add(text, chunk, n) != 0) {
			mg_err_set(err, MG_ECONFIG,
			    "cannot read '%s': larger than %u bytes", path,
			    AWSCONF_FILE_MAX);
			goto cleanup;
		}
	}
	if (ferror(f)) {
		mg_err_set(err, MG_ECONFIG, "cannot read '%s': %s", path,
		    strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	mg_memzero(chunk, sizeof(chunk));
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Reject what Python's strict UTF-8 decoder rejects, and NUL bytes. */
static int
check_line_bytes(struct parser *ps, const char *s, const char *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (ps->lineno == 1 && e - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return mg_err_set(ps->err, MG_ECONFIG, "%s:1: file starts "
		    "with a UTF-8 byte order mark, which botocore cannot "
		    "read either: save it without the mark", ps->path);
	if ((size_t)(e - s) > AWSCONF_LINE_MAX)
		return mg_err_set(ps->err, MG_ECONFIG,
		    "%s:%u: line longer than %u bytes", ps->path, ps->lineno,
		    AWSCONF_LINE_MAX);
	while (p < (const unsigned char *)e) {
		if (*p == '\0')
			return mg_err_set(ps->err, MG_ECONFIG,
			    "%s:%u: NUL byte in line", ps->path, ps->lineno);
		n = utf8_check(p, (size_t)((const unsigned char *)e - p));
		if (n == 0)
			return mg_err_set(ps->err, MG_ECONFIG,
			    "%s:%u: invalid UTF-8", ps->path, ps->lineno);
		p += n;
	}
	return 0;
}

/* Parsing lines, as configparser's _read. */

/* Add a line (possibly empty) to the value being continued. */
static int
value_add(struct parser *ps, const char *s, size_t n)
{
	if (mg_buf_addch(&ps->opt->val, '\n') != 0 ||
	    mg_buf_add(&ps->opt->val, s, n) != 0)
		return mg_err_set(ps->err, MG_ECONFIG, "%s:%u: value too long",
		    ps->path, ps->lineno);
	return 0;
}

static struct raw_sect *
sect_find(struct parser *ps, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ps->nsect; i++)
		if (strlen(ps->sect[i].name) == n &&
		    memcmp(ps->sect[i].name, name, n) == 0)
			return &ps->sect[i];
	return NULL;
}

static int
section_start(struct parser *ps, const char *name, size_t n)
{
	struct raw_sect *s;
	size_t cap;

	ps->opt = NULL;
	if (n == 7 && memcmp(name, "DEFAULT", 7) == 0) {
		ps->cur = &ps->defaults;
		return 0;
	}
	if (sect_find(ps, name, n) != NULL)
		return mg_err_set(ps->err, MG_ECONFIG,
		    "%s:%u: section [%.*s] appears twice", ps->path,
		    ps->lineno, (int)(n > 64 ? 64 : n), name);
	if (ps->nsect == ps->capsect) {
		cap = ps->capsect ? ps->capsect * 2 : 8;
		s = realloc(ps->sect, cap * sizeof(*s));
		if (s == NULL)
			return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
		ps->sect = s;
		ps->capsect = cap;
	}
	s = &ps->sect[ps->nsect];
	memset(s, 0, sizeof(*s));
	s->name = dupn(name, n);
	if (s->name == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	ps->nsect++;
	ps->cur = s;
	return 0;
}

static struct raw_opt *
opt_find(const struct raw_sect *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->opt[i].key, key) == 0)
			return &s->opt[i];
	return NULL;
}

/* Append key to the current section, taking ownership of key. */
static struct raw_opt *
opt_add(struct parser *ps, char *key)
{
	struct raw_sect *s = ps->cur;
	struct raw_opt *o;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? s->cap * 2 : 8;
		o = realloc(s->opt, cap * sizeof(*o));
		if (o == NULL) {
			free(key);
			return NULL;
		}
		s->opt = o;
		s->cap = cap;
	}
	o = &s->opt[s->n++];
	o->key = key;
	o->line = ps->lineno;
	mg_buf_init(&o->val, AWSCONF_FILE_MAX);
	return o;
}

/* "key = value" or "key: value": the first '=' or ':' splits. */
static int
option_start(struct parser *ps, const char *vs, const char *ve)
{
	const char *d, *ke;
	char *key = NULL;

	for (d = vs; d < ve && *d != '=' && *d != ':'; d++)
		;
	if (d == ve)
		return mg_err_set(ps->err, MG_ECONFIG, "%s:%u: expected "
		    "'[section]', 'key = value' or a comment", ps->path,
		    ps->lineno);
	ke = rskip(vs, d);
	if (ke == vs)
		return mg_err_set(ps->err, MG_ECONFIG,
		    "%s:%u: no key before '%c'", ps->path, ps->lineno, *d);
	key = dup_lower(vs, (size_t)(ke - vs));
	if (key == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	if (opt_find(ps->cur, key) != NULL) {
		mg_err_set(ps->err, MG_ECONFIG, "%s:%u: key '%.64s' appears "
		    "twice in section [%.64s]", ps->path, ps->lineno, key,
		    ps->cur->name != NULL ? ps->cur->name : "DEFAULT");
		free(key);
		return -1;
	}
	ps->opt = opt_add(ps, key);
	if (ps->opt == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	d = lskip(d + 1, ve, NULL);
	if (mg_buf_add(&ps->opt->val, d, (size_t)(ve - d)) != 0)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	return 0;
}

/* "[name]": the regex \[(.+)\] matched from the start, greedy. */
static int
is_header(const char *vs, const char *ve, const char **he)
{
	const char *q;

	if (*vs != '[' || ve - vs < 3)
		return 0;
	for (q = ve - 1; q - vs >= 2; q--) {
		if (*q == ']') {
			*he = q;
			return 1;
		}
	}
	return 0;
}

static int
parse_line(struct parser *ps, const char *ls, const char *le)
{
	const char *vs, *ve, *he;
	size_t indent = 0;

	vs = lskip(ls, le, &indent);
	ve = rskip(vs, le);
	if (vs == ve)
		return ps->opt != NULL ? value_add(ps, "", 0) : 0;
	if (*vs == '#' || *vs == ';')
		return 0;
	if (ps->opt != NULL && indent > ps->indent)
		return value_add(ps, vs, (size_t)(ve - vs));

	ps->indent = indent;
	if (is_header(vs, ve, &he))
		return section_start(ps, vs + 1, (size_t)(he - vs - 1));
	if (ps->cur == NULL)
		return mg_err_set(ps->err, MG_ECONFIG, "%s:%u: no section "
		    "header (such as [default]) before this line", ps->path,
		    ps->lineno);
	return option_start(ps, vs, ve);
}

/* Split text into lines at "\n", "\r\n" and "\r" (universal newlines). */
static int
parse_text(struct parser *ps, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *le;

	while (p < end) {
		for (le = p; le < end && *le != '\n' && *le != '\r'; le++)
			;
		ps->lineno++;
		if (check_line_bytes(ps, p, le) != 0 ||
		    parse_line(ps, p, le) != 0)
			return -1;
		p = le;
		if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
			p += 2;
		else if (p < end)
			p++;
	}
	return 0;
}

/* From raw sections to profiles. */

static void
entry_release(struct entry *e)
{
	size_t i;

	free(e->key);
	mg_free_secret(e->value);
	for (i = 0; i < e->nsub; i++) {
		free(e->sub[i].key);
		mg_free_secret(e->sub[i].value);
	}
	free(e->sub);
}

static void
profile_release(struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		entry_release(&p->ent[i]);
	free(p->ent);
	free(p->name);
	p->ent = NULL;
	p->name = NULL;
	p->n = 0;
}

static int
sub_set(struct entry *e, const char *ks, const char *ke, const char *vs,
    const char *ve)
{
	struct kv *kv;
	char *key = NULL;
	char *val = NULL;
	size_t i;
	int rc = -1;

	key = dupn(ks, (size_t)(ke - ks));
	val = dupn(vs, (size_t)(ve - vs));
	if (key == NULL || val == NULL)
		goto cleanup;

	/* A dict: a repeated sub-key keeps its place, takes the new value. */
	for (i = 0; i < e->nsub; i++)
		if (strcmp(e->sub[i].key, key) == 0)
			break;
	if (i == e->nsub) {
		kv = realloc(e->sub, (e->nsub + 1) * sizeof(*kv));
		if (kv == NULL)
			goto cleanup;
		e->sub = kv;
		e->sub[i].key = key;
		e->sub[i].value = NULL;
		e->nsub++;
		key = NULL;
	}
	mg_free_secret(e->sub[i].value);
	e->sub[i].value = val;
	val = NULL;

	rc = 0;
cleanup:
	free(key);
	mg_free_secret(val);
	return rc;
}

/* botocore's _parse_nested: splitlines(), strip, split at the first '='. */
static int
parse_nested(struct parser *ps, const struct raw_opt *o, const char *v,
    size_t len, struct entry *e)
{
	const char *p = v, *end = v + len, *q, *ls, *le, *eq;
	uint32_t cp;
	size_t n;

	while (p < end) {
		for (q = p; q < end; q += n) {
			n = utf8_next(q, end, &cp);
			if (py_linebreak(cp))
				break;
		}
		ls = lskip(p, q, NULL);
		le = rskip(ls, q);
		p = q < end ? q + n : end;
		if (ls == le)
			continue;
		eq = memchr(ls, '=', (size_t)(le - ls));
		if (eq == NULL)
			return mg_err_set(ps->err, MG_ECONFIG,
			    "%s:%u: expected 'key = value' in the indented "
			    "block under '%.64s'", ps->path, o->line, o->key);
		if (sub_set(e, ls, rskip(ls, eq), lskip(eq + 1, le, NULL),
		    le) != 0)
			return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	}
	return 0;
}

/* The joined value, with configparser's rstrip() and botocore's dict. */
static int
entry_fill(struct parser *ps, const struct raw_opt *o, struct entry *e)
{
	const char *v = o->val.data != NULL ? o->val.data : "";
	size_t len = o->val.len;

	while (len > 0 && v[len - 1] == '\n')
		len--;
	e->key = strdup(o->key);
	if (e->key == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	if (len > 0 && v[0] == '\n')
		return parse_nested(ps, o, v, len, e);
	e->value = dupn(v, len);
	if (e->value == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	return 0;
}

/* A section's own keys, then the "[DEFAULT]" keys it does not set. */
static int
profile_fill(struct parser *ps, const struct raw_sect *s, struct profile *p)
{
	const struct raw_sect *d = &ps->defaults;
	size_t i;

	p->ent = calloc(s->n + d->n + 1, sizeof(*p->ent));
	if (p->ent == NULL)
		return mg_err_set(ps->err, MG_ENOMEM, "out of memory");
	for (i = 0; i < s->n; i++)
		if (entry_fill(ps, &s->opt[i], &p->ent[p->n++]) != 0)
			return -1;
	for (i = 0; i < d->n; i++) {
		if (opt_find(s, d->opt[i].key) != NULL)
			continue;
		if (entry_fill(ps, &d->opt[i], &p->ent[p->n++]) != 0)
			return -1;
	}
	return 0;
}

/*
 * One shlex.split() token (POSIX mode, no comments): 1 with the token in
 * tok, 0 at the end, -1 on an unclosed quote or a trailing backslash.
 * *state: ' ' between words, 'a' in one, '\'' or '"' in quotes, '\\'
 * after a backslash outside quotes, 'e' after one inside '"', '\0' at
 * the end.
 */
static int
shlex_token(const char **pp, char *state, struct mg_buf *tok)
{
	const char *p = *pp;
	int quoted = 0, r = 0;
	char c;

	mg_buf_reset(tok);
	while (*state != '\0') {
		c = *p;
		if (c != '\0')
			p++;
		if (*state == '\'' || *state == '"') {
			quoted = 1;
			if (c == '\0')
				return -1;
			if (c == *state)
				*state = 'a';
			else if (c == '\\' && *state == '"')
				*state = 'e';
			else
				r |= mg_buf_addch(tok, c);
		} else if (*state == '\\' || *state == 'e') {
			if (c == '\0')
				return -1;
			/* Inside "", only \" and \\ are escapes. */
			if (*state == 'e' && c != '\\' && c != '"')
				r |= mg_buf_addch(tok, '\\');
			r |= mg_buf_addch(tok, c);
			*state = *state == 'e' ? '"' : 'a';
		} else if (c == '\0') {
			*state = '\0';
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			*state = ' ';
			if (tok->len > 0 || quoted)
				break;
		} else if (c == '\'' || c == '"' || c == '\\') {
			*state = c;
		} else {
			r |= mg_buf_addch(tok, c);
			*state = 'a';
		}
	}
	*pp = p;
	if (r != 0)
		return -1;
	return tok->len > 0 || quoted;
}

/* "[profile NAME]": exactly two shlex tokens, the second is the name. */
static char *
profile_word(const char *section)
{
	struct mg_buf tok;
	const char *p = section;
	char state = ' ';
	char *second = NULL;
	int count = 0, r;

	mg_buf_init(&tok, AWSCONF_LINE_MAX);
	while (count < 3 && (r = shlex_token(&p, &state, &tok)) != 0) {
		if (r < 0) {
			count = 0;
			break;
		}
		if (++count == 2)
			second = mg_buf_detach(&tok);
	}
	mg_buf_release(&tok);
	if (count != 2) {
		free(second);
		return NULL;
	}
	return second;
}

/*
 * The profile a section defines, as botocore's build_profile_map, or NULL
 * when it defines none (or on ENOMEM, which *oom reports).
 */
static char *
section_profile(const char *name, enum mg_awsconf_kind kind, int *oom)
{
	char *p;

	*oom = 0;
	if (kind == MG_AWSCONF_CREDENTIALS)
		p = strdup(name);
	else if (strncmp(name, "profile", 7) == 0)
		return profile_word(name);
	else if (strcmp(name, "default") == 0)
		p = strdup(name);
	else
		return NULL;
	*oom = p == NULL;
	return p;
}

/* Add p to c, replacing a profile of the same name (a later one wins). */
static int
profile_put(struct mg_awsconf *c, struct profile *p)
{
	struct profile *np;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->prof[i].name, p->name) == 0) {
			profile_release(&c->prof[i]);
			c->prof[i] = *p;
			memset(p, 0, sizeof(*p));
			return 0;
		}
	}
	np = realloc(c->prof, (c->n + 1) * sizeof(*np));
	if (np == NULL)
		return -1;
	c->prof = np;
	c->prof[c->n++] = *p;
	memset(p, 0, sizeof(*p));
	return 0;
}

static int
build(struct parser *ps, enum mg_awsconf_kind kind, struct mg_awsconf *c)
{
	struct profile p;
	size_t i;
	int oom, rc = -1;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < ps->nsect; i++) {
		/* Every section's values are checked, profile or not. */
		if (profile_fill(ps, &ps->sect[i], &p) != 0)
			goto cleanup;
		p.name = section_profile(ps->sect[i].name, kind, &oom);
		if (oom || (p.name != NULL && profile_put(c, &p) != 0)) {
			mg_err_set(ps->err, MG_ENOMEM, "out of memory");
			goto cleanup;
		}
		profile_release(&p);
	}
	rc = 0;
cleanup:
	profile_release(&p);
	return rc;
}

static void
raw_sect_release(struct raw_sect *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->opt[i].key);
		mg_buf_release_secure(&s->opt[i].val);
	}
	free(s->opt);
	free(s->name);
}

static void
parser_release(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->nsect; i++)
		raw_sect_release(&ps->sect[i]);
	free(ps->sect);
	raw_sect_release(&ps->defaults);
}

int
mg_awsconf_load(const char *path, enum mg_awsconf_kind kind,
    struct mg_awsconf **out, struct mg_err *err)
{
	struct mg_awsconf *c = NULL;
	struct mg_buf text;
	struct parser ps;
	int rc = -1;

	*out = NULL;
	mg_buf_init(&text, AWSCONF_FILE_MAX);
	memset(&ps, 0, sizeof(ps));
	ps.err = err;

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (mg_awsconf_expand_path(path, &c->path, err) != 0)
		goto cleanup;

	ps.path = c->path;
	if (read_file(c->path, &text, err) != 0 ||
	    parse_text(&ps, text.data != NULL ? text.data : "", text.len) ||
	    build(&ps, kind, c) != 0)
		goto cleanup;

	*out = c;
	c = NULL;
	rc = 0;
cleanup:
	parser_release(&ps);
	mg_buf_release_secure(&text);
	mg_awsconf_free(c);
	return rc;
}

/* Lookups. */

static const struct profile *
profile_find(const struct mg_awsconf *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && name != NULL && i < c->n; i++)
		if (strcmp(c->prof[i].name, name) == 0)
			return &c->prof[i];
	return NULL;
}

static const struct entry *
entry_find(const struct profile *p, const char *key, size_t n)
{
	size_t i;

	for (i = 0; p != NULL && i < p->n; i++)
		if (strlen(p->ent[i].key) == n &&
		    memcmp(p->ent[i].key, key, n) == 0)
			return &p->ent[i];
	return NULL;
}

const char *
mg_awsconf_get(const struct mg_awsconf *c, const char *profile,
    const char *key)
{
	const struct profile *p = profile_find(c, profile);
	const struct entry *e;
	const char *dot;
	size_t i;

	e = entry_find(p, key, strlen(key));
	if (e != NULL && e->value != NULL)
		return e->value;
	dot = strchr(key, '.');
	if (dot == NULL)
		return NULL;
	e = entry_find(p, key, (size_t)(dot - key));
	for (i = 0; e != NULL && i < e->nsub; i++)
		if (strcmp(e->sub[i].key, dot + 1) == 0)
			return e->sub[i].value;
	return NULL;
}

int
mg_awsconf_has_key(const struct mg_awsconf *c, const char *profile,
    const char *key)
{
	return entry_find(profile_find(c, profile), key, strlen(key)) != NULL;
}

int
mg_awsconf_has_profile(const struct mg_awsconf *c, const char *profile)
{
	return profile_find(c, profile) != NULL;
}

const char *
mg_awsconf_path(const struct mg_awsconf *c)
{
	return c->path;
}

int
mg_awsconf_walk(const struct mg_awsconf *c,
    int (*fn)(const struct mg_awsconf_item *item, void *arg), void *arg)
{
	struct mg_awsconf_item it;
	const struct entry *e;
	size_t i, j, k;
	int r;

	for (i = 0; i < c->n; i++) {
		memset(&it, 0, sizeof(it));
		it.profile = c->prof[i].name;
		if ((r = fn(&it, arg)) != 0)
			return r;
		for (j = 0; j < c->prof[i].n; j++) {
			e = &c->prof[i].ent[j];
			it.key = e->key;
			it.subkey = NULL;
			it.value = e->value;
			if (e->value != NULL && (r = fn(&it, arg)) != 0)
				return r;
			for (k = 0; k < e->nsub; k++) {
				it.subkey = e->sub[k].key;
				it.value = e->sub[k].value;
				if ((r = fn(&it, arg)) != 0)
					return r;
			}
		}
	}
	return 0;
}

void
mg_awsconf_free(struct mg_awsconf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		profile_release(&c->prof[i]);
	free(c->prof);
	free(c->path);
	free(c);
}

int
mg_awsconf_key_is_sensitive(const char *key)
{
	static const char *const secret[] = {
		"aws_secret_access_key",
		"aws_session_token",
		"aws_security_token",
	};
	size_t i;

	for (i = 0; i < sizeof(secret) / sizeof(secret[0]); i++)
		if (strcmp(key, secret[i]) == 0)
			return 1;
	return 0;
}
