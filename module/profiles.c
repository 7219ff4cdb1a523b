// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded profiles: rows like the built-ins' (tables.h), given by the control
 * interface (CLONEGATE_IOC_LOAD) instead of compiled in.
 *
 * At most CG_MAX_LOADED_PROFILES, each in a slot of cg_loaded[], id
 * CG_PROFILE_LOADED_FIRST + slot. The table changes only under
 * cg_profiles_lock, which APPLY holds from the profile's lookup until its
 * scope is published, and UNLOAD holds from the check that no scope uses
 * the profile until the slot is free: so a scope never names a profile that
 * is gone.
 *
 * The hooks never read this table: a scope carries a pointer to its
 * profile's struct cg_profile_def (scope.c), which is immutable from LOAD
 * to UNLOAD. UNLOAD frees it only when no published scope points to it, and
 * every snapshot that did point to it was retired by cg_publish() after a
 * grace period, so no hook (RCU reader, ftrace context) can still be
 * reading it: the hooks take no lock and never sleep on its account.
 *
 * Every field of a profile given to LOAD is checked as hostile input, and
 * the table is changed only after every check has passed.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "clonegate.h"

struct cg_loaded {
	struct cg_profile_def def;	/* name and what point below */
	char name[CG_PROFILE_SPEC_NAME_MAX + 1];
	char what[CG_PROFILE_SPEC_WHAT_MAX + 1];
};

static struct cg_loaded *cg_loaded[CG_MAX_LOADED_PROFILES];
static DEFINE_MUTEX(cg_profiles_lock);

void cg_profiles_lock_table(void)
{
	mutex_lock(&cg_profiles_lock);
}

void cg_profiles_unlock_table(void)
{
	mutex_unlock(&cg_profiles_lock);
}

/* Under cg_profiles_lock: profile @id, built-in or loaded, or NULL. */
const struct cg_profile_def *cg_profile_def(u32 id)
{
	lockdep_assert_held(&cg_profiles_lock);
	if (id < CG_PROFILE_MAX)
		return &cg_profiles[id];
	if (id >= CG_PROFILE_LOADED_FIRST &&
	    id < CG_PROFILE_LOADED_FIRST + CG_MAX_LOADED_PROFILES &&
	    cg_loaded[id - CG_PROFILE_LOADED_FIRST])
		return &cg_loaded[id - CG_PROFILE_LOADED_FIRST]->def;
	return NULL;
}

/*
 * A NUL-terminated string of 1 (or 0, if @empty_ok) to @max characters
 * that @ok accepts, every byte after the NUL zero: one spelling per string.
 */
static bool cg_spec_string(const char *s, size_t size, size_t max, bool empty_ok,
			   bool (*ok)(char c, size_t i))
{
	size_t len = strnlen(s, size), i;

	if (len == size || len > max || (!len && !empty_ok))
		return false;
	for (i = 0; i < len; i++)
		if (!ok(s[i], i))
			return false;
	for (i = len; i < size; i++)
		if (s[i])
			return false;
	return true;
}

static bool cg_name_char(char c, size_t i)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (i && (c == '.' || c == '_' || c == '-'));
}

static bool cg_what_char(char c, size_t i)
{
	return c >= 0x20 && c <= 0x7e;
}

/* Bits outside @known all clear or all set (a mask's "all"). */
static bool cg_spec_mask(u64 mask, u64 known)
{
	return !(mask & ~known) || (mask & ~known) == ~known;
}

/* Under cg_profiles_lock: the slot of the profile @name, or -1. */
static int cg_loaded_find(const char *name)
{
	int i;

	for (i = 0; i < CG_MAX_LOADED_PROFILES; i++)
		if (cg_loaded[i] && !strcmp(cg_loaded[i]->name, name))
			return i;
	return -1;
}

/*
 * Each errno of @sp: 0, or one a profile may give (tables.h) to a rule that
 * is on and refuses. Beyond CG_RULE_MAX, rules are off: only 0 passes.
 */
static bool cg_spec_errnos(const struct cg_profile_spec *sp)
{
	int r, e;

	for (r = 0; r < ARRAY_SIZE(sp->rule_err); r++) {
		e = sp->rule_err[r];
		if (!e)
			continue;
		if (r >= CG_RULE_MAX || !(sp->rules & CG_RULE_BIT(r)) || !cg_rules[r].err ||
		    !cg_profile_errno_ok(e))
			return false;
	}
	return true;
}

/* EINVAL unless every field of @sp is one LOAD accepts. */
static int cg_spec_check(const struct cg_profile_spec *sp)
{
	int i;

	if (sp->flags || sp->nr_scopes || memchr_inv(sp->pad, 0, sizeof(sp->pad)))
		return -EINVAL;
	if (!cg_spec_string(sp->name, sizeof(sp->name), CG_PROFILE_SPEC_NAME_MAX, false,
			    cg_name_char) || !strcmp(sp->name, "none"))
		return -EINVAL;
	if (!cg_spec_string(sp->what, sizeof(sp->what), CG_PROFILE_SPEC_WHAT_MAX, true,
			    cg_what_char))
		return -EINVAL;
	if (!cg_spec_mask(sp->clone_supported, CG_CLONE_KNOWN) ||
	    !cg_spec_mask(sp->unshare_handled, CG_CLONE_KNOWN) ||
	    !cg_spec_mask(sp->setns_types, CG_CLONE_NS_ALL) ||
	    (sp->clone_caps & ~CG_CLONE_NS_ALL) || (sp->unshare_caps & ~CG_CLONE_NS_ALL))
		return -EINVAL;
	if (sp->rules & ~CG_RULES_KNOWN)
		return -EINVAL;
	if (sp->setns_pidfd > 1 || sp->cgroup2 > 1)
		return -EINVAL;
	/* H5, H10, H11 refuse only while cgroup2 is not mounted. */
	if (sp->cgroup2 && (sp->rules & CG_RULES_CGROUP2_GATE))
		return -EINVAL;
	if (!cg_spec_errnos(sp))
		return -EINVAL;
	for (i = 0; i < CG_PROFILE_MAX; i++)
		if (!strcmp(cg_profiles[i].name, sp->name))
			return -EEXIST;
	return 0;
}

/*
 * LOAD, first half: check @sp and make its entry; sp->id gets the id it will
 * have. Nothing is changed yet: the caller writes the id back, then either
 * commits the entry (cg_profile_commit()) or frees it (kfree()). The caller
 * holds cg_profiles_lock throughout.
 */
struct cg_loaded *cg_profile_prepare(struct cg_profile_spec *sp)
{
	struct cg_loaded *l;
	int ret, i, slot = -1;

	lockdep_assert_held(&cg_profiles_lock);
	ret = cg_spec_check(sp);
	if (ret)
		return ERR_PTR(ret);
	if (cg_loaded_find(sp->name) >= 0)
		return ERR_PTR(-EEXIST);
	for (i = 0; i < CG_MAX_LOADED_PROFILES && slot < 0; i++)
		if (!cg_loaded[i])
			slot = i;
	if (slot < 0)
		return ERR_PTR(-ENOSPC);
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return ERR_PTR(-ENOMEM);
	strscpy(l->name, sp->name, sizeof(l->name));
	strscpy(l->what, sp->what, sizeof(l->what));
	cg_profile_def_from_spec(&l->def, sp, l->name, l->what);
	sp->id = CG_PROFILE_LOADED_FIRST + slot;
	return l;
}

/* LOAD, second half: @l, from cg_profile_prepare(), takes the slot of @id. */
void cg_profile_commit(struct cg_loaded *l, u32 id)
{
	lockdep_assert_held(&cg_profiles_lock);
	cg_loaded[id - CG_PROFILE_LOADED_FIRST] = l;
}

/*
 * The slot UNLOAD or INFO names: sp->name, or sp->id when the name is
 * empty. -ENOENT for a built-in or a profile not loaded.
 */
static int cg_spec_slot(const struct cg_profile_spec *sp)
{
	int slot;

	if (sp->name[0]) {
		if (strnlen(sp->name, sizeof(sp->name)) == sizeof(sp->name))
			return -EINVAL;
		slot = cg_loaded_find(sp->name);
		return slot < 0 ? -ENOENT : slot;
	}
	if (sp->id < CG_PROFILE_LOADED_FIRST ||
	    sp->id - CG_PROFILE_LOADED_FIRST >= CG_MAX_LOADED_PROFILES)
		return -ENOENT;
	slot = sp->id - CG_PROFILE_LOADED_FIRST;
	return cg_loaded[slot] ? slot : -ENOENT;
}

/* INFO: fill @sp with the loaded profile it names. */
int cg_profile_info(struct cg_profile_spec *sp)
{
	const struct cg_loaded *l;
	int slot;

	lockdep_assert_held(&cg_profiles_lock);
	slot = cg_spec_slot(sp);
	if (slot < 0)
		return slot;
	l = cg_loaded[slot];
	memset(sp->name, 0, sizeof(sp->name));
	memset(sp->what, 0, sizeof(sp->what));
	strscpy(sp->name, l->name, sizeof(sp->name));
	strscpy(sp->what, l->what, sizeof(sp->what));
	sp->id = CG_PROFILE_LOADED_FIRST + slot;
	sp->flags = 0;
	sp->nr_scopes = cg_scope_uses(&l->def);
	cg_profile_spec_masks(sp, &l->def);
	memset(sp->pad, 0, sizeof(sp->pad));
	return 0;
}

/*
 * UNLOAD: EBUSY while a scope uses the profile. No hook can be reading it
 * once no scope does (see the top of this file), so it is freed at once.
 */
int cg_profile_unload(const struct cg_profile_spec *sp)
{
	int slot;

	lockdep_assert_held(&cg_profiles_lock);
	slot = cg_spec_slot(sp);
	if (slot < 0)
		return slot;
	if (cg_scope_uses(&cg_loaded[slot]->def))
		return -EBUSY;
	kfree(cg_loaded[slot]);
	cg_loaded[slot] = NULL;
	return 0;
}

/* Module exit, after every scope is gone. */
void cg_profiles_exit(void)
{
	int i;

	for (i = 0; i < CG_MAX_LOADED_PROFILES; i++) {
		kfree(cg_loaded[i]);
		cg_loaded[i] = NULL;
	}
}
