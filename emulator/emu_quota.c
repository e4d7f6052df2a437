/* SPDX-License-Identifier: Apache-2.0 */
/* emu_quota.c: token buckets per account, region and operation class. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct bucket {
	char account[13];
	char region[64];
	enum emu_class cls;
	double tokens;
	long long last_ms;
};

struct emu_quota {
	pthread_mutex_t lock;
	double rates[3];
	struct bucket *b;
	size_t n;
	size_t cap;
};

struct emu_quota *
emu_quota_new(const double rates[3])
{
	struct emu_quota *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	pthread_mutex_init(&q->lock, NULL);
	memcpy(q->rates, rates, sizeof(q->rates));
	return q;
}

void
emu_quota_free(struct emu_quota *q)
{
	if (q == NULL)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q->b);
	free(q);
}

static struct bucket *
find(struct emu_quota *q, const char *account, const char *region,
    enum emu_class cls, long long now)
{
	struct bucket *b;
	size_t i, ncap;

	for (i = 0; i < q->n; i++) {
		b = &q->b[i];
		if (b->cls == cls && strcmp(b->account, account) == 0 &&
		    strcmp(b->region, region) == 0)
			return b;
	}
	if (q->n == q->cap) {
		ncap = q->cap ? q->cap * 2 : 16;
		b = realloc(q->b, ncap * sizeof(*b));
		if (b == NULL)
			return NULL;
		q->b = b;
		q->cap = ncap;
	}
	b = &q->b[q->n++];
	memset(b, 0, sizeof(*b));
	snprintf(b->account, sizeof(b->account), "%s", account);
	snprintf(b->region, sizeof(b->region), "%s", region);
	b->cls = cls;
	b->tokens = q->rates[cls];	/* burst: one second's worth */
	b->last_ms = now;
	return b;
}

/* 0: allowed (a token was taken); -1: throttled. */
int
emu_quota_take(struct emu_quota *q, const char *account, const char *region,
    enum emu_class cls)
{
	long long now = emu_mono_ms();
	struct bucket *b;
	double rate;
	int rc = 0;

	if (cls < EMU_CLASS_LIST || cls > EMU_CLASS_MUTATE)
		return 0;
	rate = q->rates[cls];
	pthread_mutex_lock(&q->lock);
	b = find(q, account, region, cls, now);
	if (b != NULL) {
		b->tokens += (double)(now - b->last_ms) * rate / 1000.0;
		if (b->tokens > rate)
			b->tokens = rate;
		b->last_ms = now;
		if (b->tokens >= 1.0)
			b->tokens -= 1.0;
		else
			rc = -1;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}
