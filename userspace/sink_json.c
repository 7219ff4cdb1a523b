// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * JSON lines: one object per event. Clone events have exactly the field
 * names of gVisor's gvisor.sentry.CloneInfo (and ContextData, Credentials);
 * the others those of clonegate.proto, so a consumer can read either output
 * with the same names. "type" says which message it is. Fields that were
 * not collected (--fields) are left out, and so is context_data when no
 * context field is selected, as gVisor does.
 */
#include <clonegate/tables.h>

#include "json.h"
#include "names.h"
#include "sink.h"

static bool has(const struct ev_ctx *c, enum cg_field f)
{
	return c->fields & CG_FIELD_BIT(f);
}

static void print_ctx(const struct ev_ctx *c)
{
	if (!(c->fields & CG_FIELDS_ALL))
		return;
	jw_begin_object("context_data");
	if (has(c, CG_FIELD_TIME))
		jw_i64("time_ns", c->time_ns);
	if (has(c, CG_FIELD_THREAD_ID))
		jw_u64("thread_id", c->tid);
	if (has(c, CG_FIELD_THREAD_START_TIME))
		jw_i64("thread_start_time_ns", c->thread_start_time_ns);
	if (has(c, CG_FIELD_THREAD_GROUP_ID))
		jw_u64("thread_group_id", c->tgid);
	if (has(c, CG_FIELD_THREAD_GROUP_START_TIME))
		jw_i64("thread_group_start_time_ns", c->thread_group_start_time_ns);
	if (has(c, CG_FIELD_CONTAINER_ID))
		jw_string("container_id", c->container_id);
	if (has(c, CG_FIELD_CREDENTIALS)) {
		jw_begin_object("credentials");
		jw_u64("real_uid", c->creds.uid);
		jw_u64("effective_uid", c->creds.euid);
		jw_u64("saved_uid", c->creds.suid);
		jw_u64("real_gid", c->creds.gid);
		jw_u64("effective_gid", c->creds.egid);
		jw_u64("saved_gid", c->creds.sgid);
		jw_end_object();
	}
	if (has(c, CG_FIELD_CWD))
		jw_string("cwd", c->cwd);
	if (has(c, CG_FIELD_PROCESS_NAME))
		jw_string("process_name", c->process_name);
	if (has(c, CG_FIELD_PARENT_THREAD_GROUP_ID))
		jw_u64("parent_thread_group_id", c->parent_tgid);
	jw_end_object();
}

static void print_result(int result)
{
	jw_i64("result", result);
	jw_i64("errorno", result < 0 ? -result : 0);
}

void json_print_event(const struct ev *ev)
{
	char b1[32], b2[32], b3[32], b4[32];

	jw_begin_object(NULL);
	jw_string("type", ev_type_name(ev->type));
	print_ctx(&ev->ctx);
	switch (ev->type) {
	case CG_EVENT_CLONE:
		jw_u64("created_thread_id", ev->clone.tid);
		jw_u64("created_thread_group_id", ev->clone.tgid);
		jw_i64("created_thread_start_time_ns", ev->clone.start_time_ns);
		jw_u64("flags", ev->clone.flags);
		break;
	case CG_EVENT_DECISION:
		jw_string("entry_point", entry_name(ev->decision.entry_point, b1, sizeof(b1)));
		jw_string("rule", rule_name(ev->decision.rule, b2, sizeof(b2)));
		jw_string("mode", mode_name(ev->decision.mode, b3, sizeof(b3)));
		jw_i64("errorno", ev->decision.err);
		jw_u64("flags", ev->decision.flags);
		jw_u64("scope_cgroup_id", ev->decision.scope_cgroup_id);
		jw_string("profile", profile_name(ev->decision.profile, b4, sizeof(b4)));
		break;
	case CG_EVENT_UNSHARE:
		jw_string("entry_point", entry_name(ev->unshare.entry_point, b1, sizeof(b1)));
		jw_u64("flags", ev->unshare.flags);
		print_result(ev->unshare.result);
		break;
	case CG_EVENT_SETNS: {
		const char *ns = ev_ns_name(ev->setns.ns_type);

		jw_string("entry_point", entry_name(ev->setns.entry_point, b1, sizeof(b1)));
		jw_i64("fd", ev->setns.fd);
		jw_u64("nstype", ev->setns.nstype);
		jw_u64("fd_ns_type", ev->setns.ns_type);
		jw_string("fd_ns_name", ns ? ns : "?");
		print_result(ev->setns.result);
		break;
	}
	}
	jw_end_object();
	jw_end_line();
}
