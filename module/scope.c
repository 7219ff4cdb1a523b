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
 * A scope holds a reference on its cgroup, so a cgroup removed (rmdir)
 * under a scope stays allocated, offline, with no task in it. The control
 * interface drops such scopes first thing in every APPLY, REMOVE and LIST
 * (cg_scope_prune()), so they neither stay listed nor hold a slot.
 *
 * Matching: scopes[] is kept deepest cgroup first, global last, so the first
 * scope whose cgroup is an ancestor of (or is) the task's cgroup v2 cgroup is
 * the most specific one. Tasks outside every scope pay one pointer load and,
 * when cgroup scopes exist, one walk over them.
 */
#include <linux/bitmap.h>
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

/* Drop what a scope alone holds: its cgroup reference and its counters. */
static void cg_scope_release(struct cg_scope *s)
{
	if (s->cgrp)
		cgroup_put(s->cgrp);
	free_percpu(s->stats);
}

/* Is @s in @st? Counters identify a scope: no two scopes share them. */
static bool cg_holds(const struct cg_state *st, const struct cg_scope *s)
{
	u32 i;

	for (i = 0; i < st->nr; i++)
		if (st->scopes[i].stats == s->stats)
			return true;
	return false;
}

/*
 * Publish @next, wait until no hook can still be looking at @old, then
 * release every scope of @old that @next does not have.
 */
static void cg_publish(struct cg_state *old, struct cg_state *next)
{
	u32 i;

	next->generation = ++cg_generation;
	sort(next->scopes, next->nr, sizeof(next->scopes[0]), cg_scope_cmp, NULL);
	rcu_assign_pointer(cg_state, next);
	synchronize_rcu();
	for (i = 0; old && i < old->nr; i++)
		if (!cg_holds(next, &old->scopes[i]))
			cg_scope_release(&old->scopes[i]);
	kfree(old);
}

/*
 * Add a scope or change an existing one's profile and mode; @def is the
 * profile's row, which the caller keeps from being unloaded (profiles.c).
 * On success the reference on @cgrp (NULL for global) is owned by the scope
 * set.
 */
int cg_scope_apply(const struct cg_policy *pol, const struct cg_profile_def *def,
		   struct cgroup *cgrp)
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
	s->def = def;
	s->mode = pol->mode;
	cg_publish(old, next);
unlock:
	mutex_unlock(&cg_state_lock);
	return ret;
}

/* Remove a scope. The caller keeps its own reference on @cgrp. */
int cg_scope_remove(u32 kind, struct cgroup *cgrp)
{
	struct cg_state *old, *next;
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
	cg_publish(old, next);
unlock:
	mutex_unlock(&cg_state_lock);
	return ret;
}

/*
 * Has @cgrp been removed (rmdir)? cgroup_destroy_locked() clears CSS_ONLINE
 * on the cgroup's own css before rmdir returns, on 6.1 as on 6.12, and no
 * task can enter the cgroup after that, so its scope polices nobody.
 * css_is_dying() cannot tell on the cgroup's own css: 6.1's reads the killed
 * refcount and works, 6.12's tests CSS_DYING, which only the controllers'
 * css get (tried: on 6.12 no scope was ever pruned). The flag is written
 * under cgroup_mutex and only ever cleared, so a racy read sees the removal
 * or, at worst, sees it at the next call.
 */
static bool cg_cgroup_removed(const struct cgroup *cgrp)
{
	return cgrp && !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/*
 * Drop the scopes whose cgroup was removed. The control interface calls
 * this first in every APPLY, REMOVE and LIST: a removed cgroup's scope holds
 * a slot (and the dead cgroup, pinned by our reference) only until the next
 * such call, so containers that come and go never exhaust CG_MAX_SCOPES.
 * The cgroup itself cannot be released earlier: the scope's reference is
 * what keeps it. Out of memory: the next call tries again.
 */
void cg_scope_prune(void)
{
	DECLARE_BITMAP(gone, CG_MAX_SCOPES);
	struct cg_state *old, *next;
	u32 i, dead;

	bitmap_zero(gone, CG_MAX_SCOPES);
	mutex_lock(&cg_state_lock);
	old = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	/* Decide once: a cgroup may be removed while we copy. */
	for (i = 0; old && i < old->nr; i++)
		if (cg_cgroup_removed(old->scopes[i].cgrp))
			__set_bit(i, gone);
	dead = bitmap_weight(gone, CG_MAX_SCOPES);
	if (!dead)
		goto unlock;
	next = cg_state_alloc(old->nr - dead);
	if (!next)
		goto unlock;
	for (i = 0; i < old->nr; i++)
		if (!test_bit(i, gone))
			next->scopes[next->nr++] = old->scopes[i];
	cg_publish(old, next);
unlock:
	mutex_unlock(&cg_state_lock);
}

/* How many scopes use profile @def (UNLOAD refuses while any does). */
u32 cg_scope_uses(const struct cg_profile_def *def)
{
	const struct cg_state *st;
	u32 i, n = 0;

	mutex_lock(&cg_state_lock);
	st = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	for (i = 0; st && i < st->nr; i++)
		n += st->scopes[i].def == def;
	mutex_unlock(&cg_state_lock);
	return n;
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

/*
 * RESET: zero every scope's counters. A hook racing this may add to a
 * counter just zeroed; each is one aligned u64, never torn.
 */
void cg_scope_reset(void)
{
	const struct cg_state *st;
	int cpu;
	u32 i;

	mutex_lock(&cg_state_lock);
	st = rcu_dereference_protected(cg_state, lockdep_is_held(&cg_state_lock));
	for (i = 0; st && i < st->nr; i++)
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(st->scopes[i].stats, cpu), 0,
			       sizeof(struct cg_scope_stats));
	mutex_unlock(&cg_state_lock);
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
	for (i = 0; i < st->nr; i++)
		cg_scope_release(&st->scopes[i]);
	kfree(st);
}
