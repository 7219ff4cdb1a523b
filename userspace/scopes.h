/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* scopes: the module's scope table as 'policy list' and 'status' show it. */
#ifndef CLONEGATE_SCOPES_H
#define CLONEGATE_SCOPES_H

#include <linux/types.h>

#include <clonegate/abi.h>

struct scopes {
	struct cg_scope_info *sc;
	char **paths;		/* cgroup path per scope, NULL if global or not found */
	__u32 n;
	__u64 generation;
};

int scopes_fetch(int fd, struct scopes *t);	/* EXIT_OK, or EXIT_FAIL reported */
/* Text: a table, each line prefixed by indent. JSON: adds "generation" and
 * "scopes" to the object the caller opened. */
void scopes_print(const struct scopes *t, const char *indent);
void scopes_free(struct scopes *t);

/*
 * Say why the module answered EPERM to @what ("changing policy"): not root,
 * or which scope polices this task.
 */
void report_eperm(int fd, const char *what);

#endif /* CLONEGATE_SCOPES_H */
