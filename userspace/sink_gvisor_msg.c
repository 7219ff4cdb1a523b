// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sink_gvisor_msg: an event as the protobuf message gVisor's remote sink
 * protocol carries after its header (sink_gvisor.c sends it). Clone events
 * are gVisor's own gvisor.sentry.CloneInfo, field for field; decision,
 * unshare and setns events are clonegate's messages (proto/clonegate.proto)
 * with gVisor's ContextData, so one consumer reads all four.
 *
 * Apart from the connection's file because it is the one part that follows
 * the schema (the .proto files in proto/): when a message gains a field,
 * only this file and sink_json.c change.
 */
#include <stdint.h>
#include <string.h>

#include <clonegate/tables.h>

#include "clonegate.pb-c.h"
#include "common.pb-c.h"
#include "sentry.pb-c.h"

#include "names.h"
#include "sink.h"
#include "utf8.h"

struct ctx_msg {
	Gvisor__Common__ContextData cd;
	Gvisor__Common__Credentials cr;
	char cwd[EV_PATH_MAX], container_id[EV_PATH_MAX], comm[CG_COMM_LEN * 3 + 1];
};

/* ContextData for 'c', or NULL when no context field is selected (as gVisor). */
static Gvisor__Common__ContextData *ctx_msg(struct ctx_msg *m, const struct ev_ctx *c)
{
	__u32 f = c->fields;

	if (!(f & CG_FIELDS_ALL))
		return NULL;
	gvisor__common__context_data__init(&m->cd);
	gvisor__common__credentials__init(&m->cr);
	if (f & CG_FIELD_BIT(CG_FIELD_TIME))
		m->cd.time_ns = c->time_ns;
	if (f & CG_FIELD_BIT(CG_FIELD_THREAD_ID))
		m->cd.thread_id = (int32_t)c->tid;
	if (f & CG_FIELD_BIT(CG_FIELD_THREAD_START_TIME))
		m->cd.thread_start_time_ns = c->thread_start_time_ns;
	if (f & CG_FIELD_BIT(CG_FIELD_THREAD_GROUP_ID))
		m->cd.thread_group_id = (int32_t)c->tgid;
	if (f & CG_FIELD_BIT(CG_FIELD_THREAD_GROUP_START_TIME))
		m->cd.thread_group_start_time_ns = c->thread_group_start_time_ns;
	if (f & CG_FIELD_BIT(CG_FIELD_CONTAINER_ID))
		m->cd.container_id = (char *)utf8_valid(c->container_id, m->container_id,
							sizeof(m->container_id));
	if (f & CG_FIELD_BIT(CG_FIELD_CREDENTIALS)) {
		m->cr.real_uid = c->creds.uid;
		m->cr.effective_uid = c->creds.euid;
		m->cr.saved_uid = c->creds.suid;
		m->cr.real_gid = c->creds.gid;
		m->cr.effective_gid = c->creds.egid;
		m->cr.saved_gid = c->creds.sgid;
		m->cd.credentials = &m->cr;
	}
	if (f & CG_FIELD_BIT(CG_FIELD_CWD))
		m->cd.cwd = (char *)utf8_valid(c->cwd, m->cwd, sizeof(m->cwd));
	if (f & CG_FIELD_BIT(CG_FIELD_PROCESS_NAME))
		m->cd.process_name = (char *)utf8_valid(c->process_name, m->comm, sizeof(m->comm));
	if (f & CG_FIELD_BIT(CG_FIELD_PARENT_THREAD_GROUP_ID))
		m->cd.parent_thread_group_id = (int32_t)c->parent_tgid;
	return &m->cd;
}

size_t gvisor_pack_event(const struct ev *ev, uint8_t *out, __u16 *type)
{
	char b1[32], b2[32], b3[32], b4[32];
	struct ctx_msg cm;
	size_t (*packed_size)(const ProtobufCMessage *) = protobuf_c_message_get_packed_size;
	ProtobufCMessage *msg;
	union {
		Gvisor__Sentry__CloneInfo clone;
		Clonegate__Decision decision;
		Clonegate__Unshare unshare;
		Clonegate__Setns setns;
	} u;

	switch (ev->type) {
	case CG_EVENT_CLONE:
		gvisor__sentry__clone_info__init(&u.clone);
		u.clone.context_data = ctx_msg(&cm, &ev->ctx);
		u.clone.created_thread_id = (int32_t)ev->clone.tid;
		u.clone.created_thread_group_id = (int32_t)ev->clone.tgid;
		u.clone.created_thread_start_time_ns = ev->clone.start_time_ns;
		u.clone.flags = ev->clone.flags;
		*type = GV_MSG_SENTRY_CLONE;
		msg = &u.clone.base;
		break;
	case CG_EVENT_DECISION:
		clonegate__decision__init(&u.decision);
		u.decision.context_data = ctx_msg(&cm, &ev->ctx);
		u.decision.entry_point = (char *)entry_name(ev->decision.entry_point, b1, sizeof(b1));
		u.decision.rule = (char *)rule_name(ev->decision.rule, b2, sizeof(b2));
		u.decision.mode = (char *)mode_name(ev->decision.mode, b3, sizeof(b3));
		u.decision.errorno = ev->decision.err;
		u.decision.flags = ev->decision.flags;
		u.decision.scope_cgroup_id = ev->decision.scope_cgroup_id;
		u.decision.profile = (char *)profile_name(ev->decision.profile, b4, sizeof(b4));
		*type = CG_MSG_DECISION;
		msg = &u.decision.base;
		break;
	case CG_EVENT_UNSHARE:
		clonegate__unshare__init(&u.unshare);
		u.unshare.context_data = ctx_msg(&cm, &ev->ctx);
		u.unshare.entry_point = (char *)entry_name(ev->unshare.entry_point, b1, sizeof(b1));
		u.unshare.flags = ev->unshare.flags;
		u.unshare.result = ev->unshare.result;
		u.unshare.errorno = ev->unshare.result < 0 ? -ev->unshare.result : 0;
		*type = CG_MSG_UNSHARE;
		msg = &u.unshare.base;
		break;
	case CG_EVENT_SETNS: {
		const char *ns = ev_ns_name(ev->setns.ns_type);

		clonegate__setns__init(&u.setns);
		u.setns.context_data = ctx_msg(&cm, &ev->ctx);
		u.setns.entry_point = (char *)entry_name(ev->setns.entry_point, b1, sizeof(b1));
		u.setns.fd = ev->setns.fd;
		u.setns.nstype = ev->setns.nstype;
		u.setns.fd_ns_type = ev->setns.ns_type;
		u.setns.fd_ns_name = (char *)(ns ? ns : "?");
		u.setns.result = ev->setns.result;
		u.setns.errorno = ev->setns.result < 0 ? -ev->setns.result : 0;
		*type = CG_MSG_SETNS;
		msg = &u.setns.base;
		break;
	}
	default:
		return 0;
	}
	if (packed_size(msg) > GV_MSG_MAX) {
		*type = 0;
		return 0;
	}
	return protobuf_c_message_pack(msg, out);
}
