// SPDX-License-Identifier: GPL-2.0
/*
 * The control interface: /dev/clonegate, a misc device with versioned
 * ioctls (include/clonegate/abi.h).
 *
 * The ioctl numbers carry no size; every argument struct starts with its
 * own. cg_copy_in() applies abi.h's rules to it (too small: EINVAL; older
 * and shorter: zero-filled; newer and longer: only with a zero tail, else
 * E2BIG) and cg_copy_out() writes back at most that size.
 *
 * A call that fails has changed nothing: every field is validated and the
 * answer written back before the one step that changes state, and that step
 * either succeeds or fails whole (ENOENT, ENOSPC, ENOMEM). A write-back after
 * the change would report EFAULT for a change already made.
 *
 * Changing policy needs CAP_SYS_ADMIN in the initial user namespace (so root
 * in a user namespace or a container gets EPERM even with an fd passed in),
 * and a caller that is not itself policed by a cgroup scope: a confined
 * workload must not be able to lift its own confinement. The device is
 * 0600, so only root reads status through it; the module version is also in
 * /sys/module/clonegate/version, which leaks nothing.
 */
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "clonegate.h"

static_assert(sizeof(struct cg_version) >= CG_VERSION_SIZE_VER0);
static_assert(sizeof(struct cg_policy) >= CG_POLICY_SIZE_VER0);
static_assert(sizeof(struct cg_scope_list) >= CG_SCOPE_LIST_SIZE_VER0);
static_assert(sizeof(struct cg_counters) >= CG_COUNTERS_SIZE_VER0);
static_assert(sizeof(struct cg_counters) <= CLONEGATE_IOC_SIZE_MAX);
static_assert(sizeof(struct cg_profile_spec) == CG_PROFILE_SPEC_SIZE_VER1);
static_assert(offsetof(struct cg_profile_spec, rule_err) == CG_PROFILE_SPEC_SIZE_VER0);
static_assert(CG_PROFILE_LOADED_FIRST >= CG_PROFILE_MAX);
static_assert(sizeof_field(struct cg_profile_spec, name) > CG_PROFILE_SPEC_NAME_MAX);
static_assert(sizeof_field(struct cg_profile_spec, what) > CG_PROFILE_SPEC_WHAT_MAX);

/*
 * Read a size-prefixed struct: @min is its first version's size. *usize
 * gets the size read here, which the write-back uses: a caller changing the
 * field in between cannot make us write more than we checked.
 */
static int cg_copy_in(void *dst, size_t ksize, u32 min, const void __user *uarg, u32 *usize)
{
	if (get_user(*usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (*usize < min)
		return -EINVAL;
	/* Bounded: a zero tail is checked byte by byte. */
	if (*usize > CLONEGATE_IOC_SIZE_MAX)
		return -E2BIG;
	return copy_struct_from_user(dst, ksize, uarg, *usize);
}

/*
 * Write back at most the caller's size, and never the size field: a caller
 * reusing its struct must not find our larger size in it.
 */
static int cg_copy_out(void __user *uarg, const void *src, size_t ksize, u32 usize)
{
	size_t n = min_t(size_t, usize, ksize) - sizeof(u32);

	if (copy_to_user((u8 __user *)uarg + sizeof(u32), (const u8 *)src + sizeof(u32), n))
		return -EFAULT;
	return 0;
}

static int cg_may_change(void)
{
	if (!capable(CAP_SYS_ADMIN) || cg_current_is_confined())
		return -EPERM;
	return 0;
}

static long cg_ioc_version(void __user *uarg)
{
	struct cg_version v;
	u32 usize;
	int ret;

	ret = cg_copy_in(&v, sizeof(v), CG_VERSION_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	v = (struct cg_version){
		.abi_version = CLONEGATE_ABI_VERSION,
		.nr_entries = CG_ENTRY_MAX,
		.nr_rules = CG_RULE_MAX,
		.nr_profiles = CG_PROFILE_MAX,
		.max_scopes = CG_MAX_SCOPES,
		.max_loaded = CG_MAX_LOADED_PROFILES,
		.loaded_first = CG_PROFILE_LOADED_FIRST,
	};
	strscpy(v.module_version, CLONEGATE_VERSION, sizeof(v.module_version));
	strscpy(v.kernel_release, utsname()->release, sizeof(v.kernel_release));
	return cg_copy_out(uarg, &v, sizeof(v), usize);
}

/* The cgroup of a CG_SCOPE_CGROUP policy, referenced; NULL for global. */
static int cg_policy_cgroup(const struct cg_policy *pol, struct cgroup **cgrp)
{
	*cgrp = NULL;
	switch (pol->scope) {
	case CG_SCOPE_GLOBAL:
		return pol->cgroup_fd == -1 ? 0 : -EINVAL;
	case CG_SCOPE_CGROUP:
		/* EBADF for a bad fd, a cgroup v1 or a non-cgroup directory. */
		*cgrp = cgroup_get_from_fd(pol->cgroup_fd);
		if (IS_ERR(*cgrp)) {
			int ret = PTR_ERR(*cgrp);

			*cgrp = NULL;
			return ret;
		}
		/* The root cgroup holds every task: that is the global scope. */
		if (!cgroup_parent(*cgrp)) {
			cgroup_put(*cgrp);
			*cgrp = NULL;
			return -EINVAL;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Check that the caller may change policy, read and validate the policy,
 * resolve its cgroup and write the answer (cgroup_id) back; only then may
 * the caller change anything. On success *cgrp holds a reference (NULL for
 * global). APPLY (@def not NULL) gets the profile's row in *def: the
 * caller holds the profile table locked, so it stays loaded.
 */
static int cg_policy_in(void __user *uarg, struct cg_policy *pol, struct cgroup **cgrp,
			const struct cg_profile_def **def)
{
	u32 usize;
	int ret;

	*cgrp = NULL;
	ret = cg_may_change();
	if (ret)
		return ret;
	ret = cg_copy_in(pol, sizeof(*pol), CG_POLICY_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (pol->flags)
		return -EINVAL;
	if (def) {
		*def = cg_profile_def(pol->profile);
		if (!*def || pol->mode >= CG_MODE_MAX)
			return -EINVAL;
	}
	ret = cg_policy_cgroup(pol, cgrp);
	if (ret)
		return ret;
	pol->cgroup_id = *cgrp ? cgroup_id(*cgrp) : 0;
	ret = cg_copy_out(uarg, pol, sizeof(*pol), usize);
	if (ret && *cgrp) {
		cgroup_put(*cgrp);
		*cgrp = NULL;
	}
	return ret;
}

static long cg_ioc_apply(void __user *uarg)
{
	const struct cg_profile_def *def;
	struct cgroup *cgrp;
	struct cg_policy pol;
	int ret;

	/* No UNLOAD between the profile's lookup and its scope's publication. */
	cg_profiles_lock_table();
	ret = cg_policy_in(uarg, &pol, &cgrp, &def);
	if (ret)
		goto unlock;
	/* On success the scope owns the cgroup reference. */
	ret = cg_scope_apply(&pol, def, cgrp);
	if (ret && cgrp)
		cgroup_put(cgrp);
unlock:
	cg_profiles_unlock_table();
	return ret;
}

static long cg_ioc_remove(void __user *uarg)
{
	struct cgroup *cgrp;
	struct cg_policy pol;
	int ret;

	ret = cg_policy_in(uarg, &pol, &cgrp, NULL);
	if (ret)
		return ret;
	ret = cg_scope_remove(pol.scope, cgrp);
	if (cgrp)
		cgroup_put(cgrp);
	return ret;
}

static long cg_ioc_list(void __user *uarg)
{
	struct cg_scope_info *infos;
	struct cg_scope_list req;
	u32 usize, total, n;
	int ret;

	ret = cg_copy_in(&req, sizeof(req), CG_SCOPE_LIST_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	if (req.count > CG_MAX_SCOPES)
		req.count = CG_MAX_SCOPES;
	infos = kcalloc(CG_MAX_SCOPES, sizeof(*infos), GFP_KERNEL);
	if (!infos)
		return -ENOMEM;
	cg_scope_list(infos, req.count, &total, &req.generation);
	n = min(req.count, total);
	if (n && copy_to_user(u64_to_user_ptr(req.scopes), infos, n * sizeof(*infos)))
		ret = -EFAULT;
	kfree(infos);
	if (ret)
		return ret;
	req.count = total;
	return cg_copy_out(uarg, &req, sizeof(req), usize);
}

/* Sum the per-CPU module-wide counters into @c. */
static void cg_counters_sum(struct cg_counters *c)
{
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct cg_stats *s = per_cpu_ptr(&cg_stats, cpu);

		for (i = 0; i < CG_ENTRY_SLOTS; i++) {
			c->checked[i] += READ_ONCE(s->checked[i]);
			c->dropped[i] += READ_ONCE(s->dropped[i]);
		}
		for (i = 0; i < CG_RULE_SLOTS; i++) {
			c->refused[i] += READ_ONCE(s->refused[i]);
			c->audited[i] += READ_ONCE(s->audited[i]);
		}
	}
}

static long cg_ioc_counters(void __user *uarg)
{
	struct cg_counters *c;
	u32 usize;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = cg_copy_in(c, sizeof(*c), CG_COUNTERS_SIZE_VER0, uarg, &usize);
	if (ret)
		goto out;
	memset(c, 0, sizeof(*c));
	c->nr_entries = CG_ENTRY_MAX;
	c->nr_rules = CG_RULE_MAX;
	cg_counters_sum(c);
	ret = cg_copy_out(uarg, c, sizeof(*c), usize);
out:
	kfree(c);
	return ret;
}

/* Zero the module-wide counters and every scope's. */
static long cg_ioc_reset(void)
{
	int cpu, ret;

	ret = cg_may_change();
	if (ret)
		return ret;
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&cg_stats, cpu), 0, sizeof(struct cg_stats));
	cg_scope_reset();
	return 0;
}

/*
 * LOAD, UNLOAD and INFO of a loaded profile. LOAD checks the profile and
 * makes its entry, writes the id back, and only then puts the entry in the
 * table: an error changes nothing.
 */
static long cg_ioc_profile(void __user *uarg, unsigned int cmd)
{
	struct cg_profile_spec sp;
	struct cg_loaded *l;
	u32 usize;
	int ret;

	if (cmd != CLONEGATE_IOC_INFO) {
		ret = cg_may_change();
		if (ret)
			return ret;
	}
	ret = cg_copy_in(&sp, sizeof(sp), CG_PROFILE_SPEC_SIZE_VER0, uarg, &usize);
	if (ret)
		return ret;
	cg_profiles_lock_table();
	switch (cmd) {
	case CLONEGATE_IOC_LOAD:
		l = cg_profile_prepare(&sp);
		if (IS_ERR(l)) {
			ret = PTR_ERR(l);
			break;
		}
		ret = cg_copy_out(uarg, &sp, sizeof(sp), usize);
		if (ret)
			kfree(l);
		else
			cg_profile_commit(l, sp.id);
		break;
	case CLONEGATE_IOC_UNLOAD:
		ret = cg_profile_unload(&sp);
		break;
	default:
		ret = cg_profile_info(&sp);
		if (!ret)
			ret = cg_copy_out(uarg, &sp, sizeof(sp), usize);
	}
	cg_profiles_unlock_table();
	return ret;
}

static long cg_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/*
	 * Scopes of removed cgroups go first, whatever the call then returns:
	 * this is when they stop being listed and holding a slot.
	 */
	if (cmd == CLONEGATE_IOC_APPLY || cmd == CLONEGATE_IOC_REMOVE ||
	    cmd == CLONEGATE_IOC_LIST || cmd == CLONEGATE_IOC_UNLOAD ||
	    cmd == CLONEGATE_IOC_INFO)
		cg_scope_prune();
	switch (cmd) {
	case CLONEGATE_IOC_VERSION:
		return cg_ioc_version(uarg);
	case CLONEGATE_IOC_APPLY:
		return cg_ioc_apply(uarg);
	case CLONEGATE_IOC_REMOVE:
		return cg_ioc_remove(uarg);
	case CLONEGATE_IOC_LIST:
		return cg_ioc_list(uarg);
	case CLONEGATE_IOC_COUNTERS:
		return cg_ioc_counters(uarg);
	case CLONEGATE_IOC_RESET:
		return cg_ioc_reset();
	case CLONEGATE_IOC_LOAD:
	case CLONEGATE_IOC_UNLOAD:
	case CLONEGATE_IOC_INFO:
		return cg_ioc_profile(uarg, cmd);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations cg_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = cg_ioctl,
	/* Every struct has the same layout and size on i386 and x86-64. */
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice cg_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "clonegate",
	.fops = &cg_fops,
	.mode = 0600,
};

int cg_control_init(void)
{
	return misc_register(&cg_miscdev);
}

void cg_control_exit(void)
{
	misc_deregister(&cg_miscdev);
}
