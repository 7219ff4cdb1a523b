/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision tracepoint: one event per refusal, audit or dropped-bit
 * rewrite, so BPF observers (bpf/clone_events.bpf.c attaches a raw
 * tracepoint here) and `perf trace` see what the module decided. The task is
 * always current.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM clonegate

#if !defined(CG_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define CG_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(clonegate_decision,
	TP_PROTO(u32 entry_point, u32 rule, u32 mode, int err, u64 flags, u64 cgroup_id,
		 u32 profile),
	TP_ARGS(entry_point, rule, mode, err, flags, cgroup_id, profile),
	TP_STRUCT__entry(
		__field(u32, entry_point)
		__field(u32, rule)
		__field(u32, mode)
		__field(int, err)
		__field(u64, flags)
		__field(u64, cgroup_id)
		__field(u32, profile)
	),
	TP_fast_assign(
		__entry->entry_point = entry_point;
		__entry->rule = rule;
		__entry->mode = mode;
		__entry->err = err;
		__entry->flags = flags;
		__entry->cgroup_id = cgroup_id;
		__entry->profile = profile;
	),
	TP_printk("entry_point=%u rule=%u mode=%u errno=%d flags=0x%llx cgroup=%llu profile=%u",
		  __entry->entry_point, __entry->rule, __entry->mode, __entry->err,
		  __entry->flags, __entry->cgroup_id, __entry->profile)
);

#endif /* CG_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE cg_trace
#include <trace/define_trace.h>
