/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ctl: the only code that talks to the module, through /dev/clonegate and
 * the ioctls of <clonegate/abi.h>. Every call returns 0 or -errno and prints
 * nothing; the callers know the context and say what to do about it.
 */
#ifndef CLONEGATE_CTL_H
#define CLONEGATE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <clonegate/abi.h>

#define CLONEGATE_MODULE_NAME	"clonegate"
#define CLONEGATE_SYSFS_MODULE	"/sys/module/" CLONEGATE_MODULE_NAME

bool ctl_module_loaded(void);

/* The module's version from sysfs (readable by anyone). 0 or -errno. */
int ctl_sysfs_version(char *buf, size_t len);

/* Open the control device read-write. Returns an fd or -errno. */
int ctl_open(void);
/* Print why ctl_open() failed and what to do. Returns EXIT_FAIL. */
int ctl_open_error(int err);
/* ctl_open(), reporting a failure; returns an fd or -1. */
int ctl_open_or_report(void);

int ctl_version(int fd, struct cg_version *v);
int ctl_apply(int fd, struct cg_policy *p);
int ctl_remove(int fd, struct cg_policy *p);
/*
 * All scopes in match order: *scopes is malloc'd (free it), *count entries.
 * generation may be NULL.
 */
int ctl_list(int fd, struct cg_scope_info **scopes, __u32 *count, __u64 *generation);
int ctl_counters(int fd, struct cg_counters *c);
/* Loaded profiles: LOAD writes sp->id; UNLOAD and INFO read sp->name or sp->id. */
int ctl_load(int fd, struct cg_profile_spec *sp);
int ctl_unload(int fd, struct cg_profile_spec *sp);
int ctl_info(int fd, struct cg_profile_spec *sp);
/* Zero every counter, module-wide and per scope (needs CAP_SYS_ADMIN). */
int ctl_reset(int fd);

/*
 * What an ioctl's -errno means: for ENOTTY, E2BIG and EFAULT that this
 * command and the module come from different builds, else strerror().
 */
const char *ctl_strerror(int err);

#endif /* CLONEGATE_CTL_H */
