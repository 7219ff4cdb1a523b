/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* names: numbers of the ABI and of events, as words (see names.c). */
#ifndef CLONEGATE_NAMES_H
#define CLONEGATE_NAMES_H

#include <stddef.h>
#include <linux/types.h>

/* Names for numbers in the ABI; "?" forms for values this build does not know. */
const char *profile_name(__u32 id, char *buf, size_t len);
int profile_lookup(const char *name);	/* enum cg_profile_id or -1 */
/* The name profile_name() gives loaded profile id (profile_names_from_module()). */
void profile_name_set(__u32 id, const char *name);
const char *mode_name(__u32 mode, char *buf, size_t len);
const char *entry_name(__u32 entry, char *buf, size_t len);
const char *rule_name(__u32 rule, char *buf, size_t len);
const char *errno_name(int err);

/* "clone", "decision", "unshare", "setns"; NULL for others. */
const char *ev_type_name(unsigned int type);

/* "net", "mnt", ... for a CLONE_NEW* value; "" if none, NULL if unknown. */
const char *ev_ns_name(__u64 ns_type);

/* "VM|FS|0x..." for clone flags; "0" for none. */
void ev_flag_names(__u64 flags, char *buf, size_t len);

#endif /* CLONEGATE_NAMES_H */
