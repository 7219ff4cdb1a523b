// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * names: the words for the numbers of <clonegate/abi.h>, <clonegate/tables.h>
 * and <clonegate/events.h>, the same in every output (text, JSON, gVisor,
 * the run summary). Numbers this build does not know get a "?" form
 * ("rule#42") rather than a wrong name.
 *
 * They sit in a file of their own so that the sinks, the reader and the
 * verbs can all use them without calling into each other: this file calls
 * nothing of the command.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <clonegate/events.h>
#include <clonegate/tables.h>

#include "names.h"

/* ---- the module's ABI ---------------------------------------------------- */

/* Loaded profiles' names, as profile_name_set() was told them. */
static char loaded_names[CG_MAX_LOADED_PROFILES][CG_PROFILE_SPEC_NAME_MAX + 1];

void profile_name_set(__u32 id, const char *name)
{
	if (id >= CG_PROFILE_LOADED_FIRST && id - CG_PROFILE_LOADED_FIRST < CG_MAX_LOADED_PROFILES)
		snprintf(loaded_names[id - CG_PROFILE_LOADED_FIRST],
			 sizeof(loaded_names[0]), "%s", name);
}

const char *profile_name(__u32 id, char *buf, size_t len)
{
	if (id < CG_PROFILE_MAX && cg_profiles[id].name)
		return cg_profiles[id].name;
	if (id >= CG_PROFILE_LOADED_FIRST && id - CG_PROFILE_LOADED_FIRST < CG_MAX_LOADED_PROFILES &&
	    loaded_names[id - CG_PROFILE_LOADED_FIRST][0])
		return loaded_names[id - CG_PROFILE_LOADED_FIRST];
	snprintf(buf, len, "profile#%u", id);
	return buf;
}

int profile_lookup(const char *name)
{
	int i;

	for (i = 0; i < CG_PROFILE_MAX; i++)
		if (cg_profiles[i].name && !strcmp(cg_profiles[i].name, name))
			return i;
	return -1;
}

const char *mode_name(__u32 mode, char *buf, size_t len)
{
	if (mode < CG_MODE_MAX && cg_mode_names[mode])
		return cg_mode_names[mode];
	snprintf(buf, len, "mode#%u", mode);
	return buf;
}

const char *entry_name(__u32 entry, char *buf, size_t len)
{
	if (entry < CG_ENTRY_MAX && cg_entry_names[entry])
		return cg_entry_names[entry];
	snprintf(buf, len, "entry#%u", entry);
	return buf;
}

const char *rule_name(__u32 rule, char *buf, size_t len)
{
	if (rule < CG_RULE_MAX && cg_rules[rule].name)
		return cg_rules[rule].name;
	snprintf(buf, len, "rule#%u", rule);
	return buf;
}

const char *errno_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0:		return "-";
	case EPERM:	return "EPERM";
	case ENOENT:	return "ENOENT";
	case ESRCH:	return "ESRCH";
	case EBADF:	return "EBADF";
	case EFAULT:	return "EFAULT";
	case EINVAL:	return "EINVAL";
	case ENOSPC:	return "ENOSPC";
	case EUSERS:	return "EUSERS";
	case EOPNOTSUPP: return "ENOTSUP";	/* the spec's name for 95 */
	case E2BIG:	return "E2BIG";
	case EAGAIN:	return "EAGAIN";
	case ENOMEM:	return "ENOMEM";
	case EACCES:	return "EACCES";
	case ENOSYS:	return "ENOSYS";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* ---- events ------------------------------------------------------------- */

const char *ev_type_name(unsigned int type)
{
	static const char *const names[CG_EVENT_MAX] = {
		[CG_EVENT_CLONE] = "clone", [CG_EVENT_DECISION] = "decision",
		[CG_EVENT_UNSHARE] = "unshare", [CG_EVENT_SETNS] = "setns",
	};

	return type < CG_EVENT_MAX ? names[type] : NULL;
}

const char *ev_ns_name(__u64 t)
{
	switch (t) {
	case 0:			return "";
	case CG_CLONE_NEWNS:	return "mnt";
	case CG_CLONE_NEWCGROUP: return "cgroup";
	case CG_CLONE_NEWUTS:	return "uts";
	case CG_CLONE_NEWIPC:	return "ipc";
	case CG_CLONE_NEWUSER:	return "user";
	case CG_CLONE_NEWPID:	return "pid";
	case CG_CLONE_NEWNET:	return "net";
	case CG_CLONE_NEWTIME:	return "time";
	}
	return NULL;
}

void ev_flag_names(__u64 flags, char *buf, size_t len)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(cg_flag_names) / sizeof(cg_flag_names[0]); i++) {
		if (!(flags & cg_flag_names[i].flag))
			continue;
		flags &= ~cg_flag_names[i].flag;
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? "|" : "",
			      cg_flag_names[i].name);
	}
	if (flags)
		o += snprintf(buf + o, o < len ? len - o : 0, "%s0x%llx", o ? "|" : "",
			      (unsigned long long)flags);
	if (!o)
		snprintf(buf, len, "0");
}
