// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes: which profile and mode cover a task.
 *
 * The whole set of scopes is one immutable struct cg_state published with
 * rcu_assign_pointer(). A change builds a new snapshot under cg_state_lock,
 * publishes it, waits for a grace period and only then drops what the old
 * snapshot alone referenced (a removed scope's cgroup and counters). A hook
 * therefore sees either the old policy or the new one, never a mix, and
 * never a freed scope.
 *
 * Matching: scopes[] is kept deepest cgroup first, global last, so the first
 * scope whose cgroup is an ancestor of (or is) the task's cgroup v2 cgroup is
 * the most specific one. Tasks outside every scope pay one pointer load and,
 * when cgroup scopes exist, one walk over them.
 */
#include <linux/cgroup.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "clonegate.h"

static struct cg_state __rcu *cg_state;
static DEFINE_MUTEX(cg_state_lock);
static u64 cg_generation;

/* Under rcu_read_lock(). */
static const struct cg_scope *cg_match(const struct cg_state *st, struct task_struct *t)
{
	struct cgroup *cgrp = NULL;
	u32 i;

	for (i = 0; i < st->nr; i++) {
		const struct cg_scope *s = &st->scopes[i];

		if (s->kind == CG_SCOPE_GLOBAL)
			return s;
		if (!cgrp)
			cgrp = task_dfl_cgroup(t);
		if (cgroup_is_descendant(cgrp, s->cgrp))
			return s;
	}
	return NULL;
}

/*
 * Under rcu_read_lock(): the scope that polices current, or NULL. A scope in
 * mode off still wins the match (the most specific scope decides), it just
 * polices nothing.
 */
const struct cg_scope *cg_scope_of_current(void)
{
	const struct cg_state *st = rcu_dereference(cg_state);
	const struct cg_scope *s;

	if (likely(!st))
		return NULL;
	s = cg_match(st, current);
	if (!s || s->mode == CG_MODE_OFF)
		return NULL;
	return s;
}

/* Is current inside a cgroup scope that polices it? (Such a task may not change policy.) */
bool cg_current_is_confined(void)
{
	const struct cg_scope *s;
	bool confined;

	rcu_read_lock();
	s = cg_scope_of_current();
	confined = s && s->kind == CG_SCOPE_CGROUP;
	rcu_read_unlock();
	return confined;
}

static int cg_scope_cmp(const void *a, const void *b)
{
	const struct cg_scope *x = a, *y = b;

	/* global last, then deeper cgroups first */
	if (x->kind != y->kind)
		return x->kind == CG_SCOPE_GLOBAL ? 1 : -1;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return x->cgid < y->cgid ? -1 : x->cgid > y->cgid;
}

static int cg_find(const struct cg_state *st, u32 kind, const struct cgroup *cgrp)
{
	u32 i;

	for (i = 0; st && i < st->nr; i++)
		if (st->scopes[i].kind == kind && st->scopes[i].cgrp == cgrp)
			return i;
	return -1;
}

static struct cg_state *cg_state_alloc(u32 nr)
{
	return kzalloc(struct_size_t(struct cg_state, scopes, nr), GFP_KERNEL);
}

/* Publish @next, then release what only @old held: @gone is the removed scope. */
static void cg_publish(struct cg_state *old, struct cg_state *next, struct cg_scope *gone)
{
	next->generation = ++cg_generation;
	sort(next->scopes, next->nr, sizeof(next->scopes[0]), cg_scope_cmp, NULL);
	rcu_assign_pointer(cg_state, next);
	synchronize_rcu();
	if (gone) {
		if (gone->cgrp)
			cgroup_put(gone->cgrp);
		free_percpu(gone->stats);
	}
	kfree(old);
}

/*
 * Add a scope or change an existing one's profile and mode. On success the
 * reference on @cgrp (NULL for global) is owned by the scope set.
 */
int cg_scope_apply(const struct cg_policy *pol, struct cgroup *cgrp)
{
	struct cg_state *old, *next;
	struct cg_scope *s;
	int idx, ret = 0;
	u32 nr;

	mutex_lock(&cg_state_lock);
	old = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	idx = cg_find(old, pol->scope, cgrp);
	nr = old ? old->nr : 0;
	if (idx < 0 && nr >= CG_MAX_SCOPES) {
		ret = -ENOSPC;
		goto unlock;
	}
	next = cg_state_alloc(idx < 0 ? nr + 1 : nr);
	if (!next) {
		ret = -ENOMEM;
		goto unlock;
	}
	if (nr)
		memcpy(next->scopes, old->scopes, nr * sizeof(old->scopes[0]));
	next->nr = nr;
	if (idx < 0) {
		s = &next->scopes[next->nr++];
		s->stats = alloc_percpu(struct cg_scope_stats);
		if (!s->stats) {
			kfree(next);
			ret = -ENOMEM;
			goto unlock;
		}
		s->kind = pol->scope;
		s->cgrp = cgrp;
		s->level = cgrp ? cgrp->level : 0;
		s->cgid = cgrp ? cgroup_id(cgrp) : 0;
	} else {
		s = &next->scopes[idx];
		/* The scope keeps the reference it already holds. */
		if (cgrp)
			cgroup_put(cgrp);
	}
	s->profile = pol->profile;
	s->mode = pol->mode;
	cg_publish(old, next, NULL);
unlock:
	mutex_unlock(&cg_state_lock);
	return ret;
}

/* Remove a scope. The caller keeps its own reference on @cgrp. */
int cg_scope_remove(u32 kind, struct cgroup *cgrp)
{
	struct cg_state *old, *next;
	struct cg_scope gone;
	int idx, ret = 0;
	u32 i, j;

	mutex_lock(&cg_state_lock);
	old = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	idx = cg_find(old, kind, cgrp);
	if (idx < 0) {
		ret = -ENOENT;
		goto unlock;
	}
	next = cg_state_alloc(old->nr - 1);
	if (!next) {
		ret = -ENOMEM;
		goto unlock;
	}
	for (i = 0, j = 0; i < old->nr; i++)
		if (i != idx)
			next->scopes[j++] = old->scopes[i];
	next->nr = j;
	gone = old->scopes[idx];
	cg_publish(old, next, &gone);
unlock:
	mutex_unlock(&cg_state_lock);
	return ret;
}

static void cg_scope_sum(const struct cg_scope *s, struct cg_scope_info *out)
{
	int cpu;

	out->checked = out->refused = out->audited = 0;
	for_each_possible_cpu(cpu) {
		const struct cg_scope_stats *c = per_cpu_ptr(s->stats, cpu);

		out->checked += READ_ONCE(c->checked);
		out->refused += READ_ONCE(c->refused);
		out->audited += READ_ONCE(c->audited);
	}
}

/* Copy up to @room scopes in match order; *total gets how many exist. */
int cg_scope_list(struct cg_scope_info *out, u32 room, u32 *total, u64 *generation)
{
	const struct cg_state *st;
	u32 i;

	mutex_lock(&cg_state_lock);
	st = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	*total = st ? st->nr : 0;
	*generation = cg_generation;
	for (i = 0; st && i < st->nr && i < room; i++) {
		const struct cg_scope *s = &st->scopes[i];

		out[i] = (struct cg_scope_info){
			.scope = s->kind, .profile = s->profile, .mode = s->mode,
			.level = s->level, .cgroup_id = s->cgid,
		};
		cg_scope_sum(s, &out[i]);
	}
	mutex_unlock(&cg_state_lock);
	return 0;
}

/* Module exit: the hooks are gone, drop every scope. */
void cg_scope_exit(void)
{
	struct cg_state *st;
	u32 i;

	mutex_lock(&cg_state_lock);
	st = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	RCU_INIT_POINTER(cg_state, NULL);
	mutex_unlock(&cg_state_lock);
	if (!st)
		return;
	synchronize_rcu();
	for (i = 0; i < st->nr; i++) {
		if (st->scopes[i].cgrp)
			cgroup_put(st->scopes[i].cgrp);
		free_percpu(st->scopes[i].stats);
	}
	kfree(st);
}
