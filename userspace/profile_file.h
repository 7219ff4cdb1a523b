/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * profile_file: profiles read from text files (docs/profile-format.md), and
 * the one way the profile verbs get a profile, built-in or file.
 */
#ifndef CLONEGATE_PROFILE_FILE_H
#define CLONEGATE_PROFILE_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include <clonegate/tables.h>

#define PF_NAME_MAX	32	/* characters of a file profile's name */
#define PF_WHAT_MAX	120	/* characters of its description */
#define PF_PATH_MAX	256	/* characters of the path it came from */

/* The flags of the masks that hold namespace types (setns, C13, U5). */
#define PF_NS_FLAGS	CG_CLONE_NS_ALL

/*
 * A profile as the command holds it. def is the very struct the built-in
 * rows use (tables.h); for a file, def.name and def.what point into this
 * struct. def.err[] holds the errnos a file (or a loaded profile) gives its
 * rules, 0 for the catalogue's (cg_rules[].err).
 */
struct profile {
	struct cg_profile_def def;
	int id;				/* enum cg_profile_id, a loaded id, or -1 for a file */
	bool loaded;			/* loaded into the module (profile load) */
	unsigned int nr_scopes;		/* a loaded one's: the scopes that use it */
	const char *base;		/* a file's base: a built-in's name or "none" */
	char name[PF_NAME_MAX + 1];
	char what[PF_WHAT_MAX + 1];
	char path[PF_PATH_MAX + 1];	/* the file, "" for a built-in */
};

/*
 * Read the profile file at path into *out. 0 on success; else -1, *out
 * untouched and msg holding "FILE:LINE:COL: error: found ..., expected ...".
 */
int profile_file_parse(const char *path, struct profile *out, char *msg, size_t msglen);

/* An argument names a file when it contains '/' or ends in ".profile". */
bool profile_arg_is_file(const char *arg);

/* The built-in, loaded or file profile arg names; reports errors itself. */
int profile_get(const char *arg, struct profile *out);

/* The errno rule r returns under p (0: it refuses nothing). */
int profile_rule_errno(const struct profile *p, int r);

/* Every bit a clone flag of cg_flag_names[] has. */
unsigned long long pf_known_flags(void);

/* The errno called name ("EPERM"), or 0 if the command has no such name. */
int errno_lookup(const char *name);

/* ---- profile_loaded.c: profiles loaded into the module ---- */

struct cg_profile_spec;

/* The module's struct for p (what LOAD takes). */
void profile_to_spec(const struct profile *p, struct cg_profile_spec *sp);
/* The loaded profile called name: 0, -ENOENT (none, or no module), -errno. */
int profile_loaded_get(const char *name, struct profile *out);
/* Up to room loaded profiles in id order: how many, or -errno. */
int profile_loaded_list(struct profile *out, int room);
/* The id of a built-in or loaded profile, or -1 (reported). */
int profile_resolve(const char *name);
/* The error for a name that is neither built in nor loaded. */
void profile_unknown(const char *arg);
/* Teach profile_name() the loaded profiles' names (fd: the device). */
void profile_names_from_module(int fd);

#endif /* CLONEGATE_PROFILE_FILE_H */
