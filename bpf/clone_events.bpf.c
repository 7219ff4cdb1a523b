// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * clone_events: task creation, the module's decisions, unshare and setns,
 * one record each into one ring buffer (include/clonegate/events.h).
 *
 *   tp_btf/task_newtask         one CG_EVENT_CLONE per task created, with
 *                               the clone's flags: fires at the end of
 *                               copy_process() in the parent, after the
 *                               child exists and before it first runs
 *   raw_tp/clonegate_decision   the module's tracepoint; attached by userspace
 *                               only when the module is loaded
 *   __{x64,ia32}_sys_unshare    the syscall wrappers, at their return (their
 *   __{x64,ia32}_sys_setns      argument is the user's pt_regs): arguments
 *                               and result. Not ksys_unshare(): the module's
 *                               slow path calls that one again, and the
 *                               wrappers also tell the ABI apart.
 *
 * Flavours, for unshare only; userspace loads and attaches one:
 *   trampoline  fexit/__*_sys_unshare.
 *   kprobe      for kernels that refuse trampolines (no
 *               DYNAMIC_FTRACE_WITH_DIRECT_CALLS, lockdown, an LSM policy):
 *               kretprobe/__*_sys_unshare.
 * Either way one program per hook and no map between entry and return: a
 * return probe reads the arguments from the user's registers
 * (task_pt_regs(), which the wrapper was given). A kretprobe that runs out
 * of instances loses that event, uncounted (the kernel's nmissed).
 * setns uses a kretprobe in both: the module hooks __*_sys_setns (and
 * kernel_clone) with an IPMODIFY ftrace op, and a BPF trampoline on the same
 * function breaks ftrace on 6.1 (WARN in arch_ftrace_ops_list_func, then no
 * tracing at all). So no trampoline goes on a function the module hooks.
 * A clone needs no flavour: tracepoints load wherever BPF does.
 *
 * Cost. Every record pays a reserve, two clock/cpu reads and a commit; the
 * context is plain loads of current's fields. The cgroup path, whose walk
 * used to be half of a record, is walked once per cgroup into the
 * cgroup_paths map; records then carry the cgroup id only and the reader
 * resolves it there (CG_PATH_CACHED, fill_cgroup_path()). The cwd (off by
 * default) is walked every time: a rename changes it under the same
 * dentry, so there is no key that cannot go stale.
 *
 * No syscalls:* or raw_syscalls:* tracepoints: they would put every task on
 * the slow syscall path. Tasks created by kernel threads (kthreadd, workers,
 * user-mode helpers) are not reported.
 *
 * Every field is read with CO-RE, so the one object built against the 6.1
 * vmlinux.h loads unchanged on 6.1, 6.12 and later kernels (flavours below
 * cover fields that were renamed since). Observe only: nothing here changes
 * what the kernel does, and nothing waits for the reader.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <clonegate/abi.h>
#include <clonegate/events.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define PF_KTHREAD	0x00200000
#define PF_IO_WORKER	0x00000010	/* an io_uring worker */
#define PF_USER_WORKER	0x00004000	/* 6.4 and later: io_uring's and vhost's workers */
#define NSFS_MAGIC	0x6e736673
#define EEXIST		17
#define CG_PATH_CACHE	1024	/* cgroup paths kept (cgroup_paths) */

/* Set by userspace before load. */
const volatile __u32 cfg_fields = CG_FIELDS_ALL;	/* CG_FIELD_BIT()s */
const volatile bool cfg_cgroup_filter;			/* only tasks under cgroup_filter[0] */
const volatile __u64 cfg_wakeup_bytes = 512 * 1024;	/* see submit() */

/* Userspace may resize this (bpf_map__set_max_entries) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

/* Records lost, by enum cg_event_type; summed over CPUs by the reader. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_EVENT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

/* --cgroup: the subtree whose tasks are reported. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

/*
 * cgroup v2 paths by cgroup id (the kernfs node id: a 64-bit inode number
 * with a generation, never reused). A cgroup v2 directory cannot be
 * renamed (only v1 has a rename op) and the kernfs tree above it is fixed
 * while it exists, so an id's path never changes: a cached path is never
 * stale. Records of a cached cgroup carry only its id (CG_PATH_CACHED) and
 * the reader looks the path up here. Entries are only ever inserted
 * (BPF_NOEXIST), never updated or deleted: the reader always finds what a
 * record refers to, even after the cgroup is gone, and no element is freed
 * and reused under a reader. When the map is full, the paths of new
 * cgroups are walked and sent in every record, as before the cache.
 * Preallocated: the fork tracepoint may insert.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_PATH_CACHE);
	__type(key, __u64);
	__type(value, struct cg_event_path);
} cgroup_paths SEC(".maps");

/*
 * Room to build a path: components are read at an offset below CG_PATH_LEN
 * with a length of up to CG_PATH_LEN, so the verifier needs twice that.
 * Per CPU is safe: tracepoint and kprobe programs run with preemption off.
 */
struct scratch {
	char buf[2 * CG_PATH_LEN];
	struct cg_event_path cached;	/* a walked path, for cgroup_paths */
	__u64 known_id;	/* a cgroup id found in cgroup_paths on this CPU */
	__u32 gen;	/* bumped by every walk: see fill_cgroup_path() */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* ---- kernel types that changed after 6.1 (CO-RE flavours) ------------- */

/* 6.15 renamed kernfs_node.parent to __parent (RCU). */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

/* 6.18 moved the namespace type from proc_ns_operations to ns_common. */
struct proc_ns_operations___old {
	int type;
} __attribute__((preserve_access_index));

struct ns_common___new {
	u32 ns_type;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___new, __parent))
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline __u64 ns_common_type(struct ns_common *ns)
{
	const struct proc_ns_operations___old *ops;

	if (bpf_core_field_exists(struct ns_common___new, ns_type))
		return BPF_CORE_READ((struct ns_common___new *)ns, ns_type);
	ops = (const void *)BPF_CORE_READ(ns, ops);
	return BPF_CORE_READ(ops, type);
}

/* ---- helpers ------------------------------------------------------------ */

static __always_inline void count_drop(__u32 type)
{
	__u64 *n = bpf_map_lookup_elem(&dropped, &type);

	if (n)
		__sync_fetch_and_add(n, 1);
}

static __always_inline bool is_kthread(struct task_struct *task)
{
	return task->flags & PF_KTHREAD;
}

/* Is current a task we report on? (Not a kernel thread; inside --cgroup.) */
static __always_inline bool wanted(struct task_struct *task)
{
	if (is_kthread(task))
		return false;
	if (cfg_cgroup_filter && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return false;
	return true;
}

/*
 * Append one NUL-terminated name to the scratch path at *off. Returns false
 * when it does not fit in CG_PATH_LEN (the path is then truncated there).
 */
static __always_inline bool put_name(char *buf, __u32 *off, const void *name)
{
	__u32 at = *off;
	long n;

	if (at >= CG_PATH_LEN)
		return false;
	n = bpf_probe_read_kernel_str(&buf[at & (CG_PATH_LEN - 1)], CG_PATH_LEN, name);
	if (n <= 0 || at + n > CG_PATH_LEN)
		return false;
	*off = at + n;
	return true;
}

static __always_inline void path_done(struct cg_event_path *p, const char *buf, __u32 off,
				      __u32 depth, __u32 flags)
{
	p->len = off;
	p->depth = depth;
	p->flags = flags;
	/* Only what the walk wrote: readers never look past len. */
	if (off > CG_PATH_LEN)
		off = CG_PATH_LEN;
	if (off)
		bpf_probe_read_kernel(p->buf, off, buf);
}

/*
 * The path walks run as bpf_loop() callbacks: one verified body however many
 * levels, and no loop shapes the 6.1 verifier rejects ("back-edge").
 */
struct cgroup_walk {
	struct kernfs_node *kn;
	__u32 off, depth, flags;
};

static long cgroup_step(__u32 i, void *ctx)
{
	struct cgroup_walk *w = ctx;
	/* Locals: CO-RE must not see the access to our own struct. */
	struct kernfs_node *kn = w->kn, *parent;
	struct scratch *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s || !kn)
		return 1;
	parent = kn_parent(kn);
	if (!parent) {
		w->flags = 0;	/* reached the root */
		return 1;
	}
	if (!put_name(s->buf, &w->off, BPF_CORE_READ(kn, name)))
		return 1;
	w->depth++;
	w->kn = parent;
	return 0;
}

/*
 * The cgroup v2 path of kn (leaf first, as kernfs names it), whose id is
 * 'id'. The walk costs more than the rest of a record (a helper call per
 * pointer and per name byte), so a cgroup's path is walked once, put in
 * cgroup_paths, and from then on records carry only the id
 * (CG_PATH_CACHED). known_id saves the map lookup for runs of events from
 * one cgroup: whatever id it holds is in the map for good. The caller
 * reads kn once, so id and path are the same cgroup's even if the task
 * moves meanwhile.
 *
 * Per-CPU scratch is private only while nothing else runs on this CPU:
 * trampoline programs, and all of them on a preemptible (rt) kernel, run
 * with migration but not preemption disabled, so another walk may
 * interleave with this one. That record then shows a garbled path, as it
 * did before the cache; the cache must not keep it, so a walk bumps s->gen
 * and a path is cached only if no other walk ran on this CPU meanwhile.
 */
static __always_inline void fill_cgroup_path(struct cg_event_path *p, struct kernfs_node *kn,
					     __u64 id, struct scratch *s)
{
	struct cgroup_walk w = {
		.kn = kn,
		.flags = CG_PATH_TRUNCATED,
	};
	struct cg_event_path *c;
	__u32 gen, len;
	long err;

	if (s->known_id == id)
		goto cached;
	if (bpf_map_lookup_elem(&cgroup_paths, &id)) {
		s->known_id = id;
		goto cached;
	}
	gen = ++s->gen;
	bpf_loop(CG_PATH_DEPTH, cgroup_step, &w, 0);
	c = &s->cached;
	path_done(c, s->buf, w.off, w.depth, w.flags);
	if (s->gen == gen) {
		err = bpf_map_update_elem(&cgroup_paths, &id, c, BPF_NOEXIST);
		if (!err || err == -EEXIST)
			goto cached;
	}
	/* Not cached (map full, or a garbled walk): send the path itself. */
	len = c->len;
	p->len = len;
	p->depth = c->depth;
	p->flags = c->flags;
	if (len > CG_PATH_LEN)
		len = CG_PATH_LEN;
	if (len)
		bpf_probe_read_kernel(p->buf, len, c->buf);
	return;
cached:
	p->flags = CG_PATH_CACHED;	/* len and depth are 0 (cleared) */
}

struct cwd_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	struct dentry *root_dentry;
	struct vfsmount *root_mnt;
	__u32 off, depth, flags;
};

static long cwd_step(__u32 i, void *ctx)
{
	struct cwd_walk *w = ctx;
	/* Locals: CO-RE must not see the accesses to our own struct. */
	struct dentry *dentry = w->dentry, *parent, *mnt_root;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt, *mnt_parent;
	struct scratch *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 1;
	if (dentry == w->root_dentry && vfsmnt == w->root_mnt) {
		w->flags = 0;
		return 1;
	}
	mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (mnt_parent == mnt) {
			/* The top of this mount tree, not the task's root. */
			w->flags = CG_PATH_UNREACHABLE;
			return 1;
		}
		/* Cross to the mountpoint in the parent mount: no component. */
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = (void *)mnt_parent + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	if (!put_name(s->buf, &w->off, BPF_CORE_READ(dentry, d_name.name)))
		return 1;
	w->depth++;
	w->dentry = parent;
	return 0;
}

/*
 * The task's working directory relative to its root, like d_path(): walk
 * dentries up to the mount's root, then continue from the mountpoint in the
 * parent mount. Unlocked reads: a rename racing with the walk can give a
 * stale name, as it can for /proc/PID/cwd read a moment later. Mount
 * crossings use a step each, so CG_PATH_DEPTH bounds names plus mounts.
 */
static __always_inline void fill_cwd(struct cg_event_path *p, struct task_struct *task,
				     char *buf)
{
	struct fs_struct *fs = task->fs;
	struct cwd_walk w = { .flags = CG_PATH_TRUNCATED };
	struct path pwd, root;

	if (!fs) {
		path_done(p, buf, 0, 0, CG_PATH_UNREACHABLE);
		return;
	}
	pwd = fs->pwd;
	root = fs->root;
	w.dentry = pwd.dentry;
	w.vfsmnt = pwd.mnt;
	w.mnt = (void *)pwd.mnt - bpf_core_field_offset(struct mount, mnt);
	w.root_dentry = root.dentry;
	w.root_mnt = root.mnt;
	bpf_loop(CG_PATH_DEPTH, cwd_step, &w, 0);
	path_done(p, buf, w.off, w.depth, w.flags);
}

static __always_inline void fill_hdr(struct cg_event_hdr *h, __u16 type, __u16 size)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->time_ns = bpf_ktime_get_ns();
}

/*
 * Context data of 'task' (always current here). 'task' is a BTF pointer, so
 * its fields are plain loads (CO-RE relocated, faults caught by the JIT's
 * exception table), not one bpf_probe_read_kernel() call each: that halved
 * this function's cost. Only the path walks, whose pointers pass through
 * bpf_loop()'s context as plain numbers, still read through the helper.
 */
static __always_inline void fill_task(struct cg_event_task *t, struct task_struct *task)
{
	const struct cred *cred = task->real_cred;
	/* What bpf_get_current_cgroup_id() reads, once for id and path. */
	struct kernfs_node *kn = task->cgroups->dfl_cgrp->kn;
	__u32 fields = cfg_fields;
	struct scratch *s = NULL;
	__u32 zero = 0;

	t->tid = task->pid;
	t->tgid = task->tgid;
	t->start_time_ns = task->start_time;
	t->group_start_time_ns = task->group_leader->start_time;
	t->cgroup_id = kn->id;
	t->fields = fields;
	/*
	 * As gVisor's parent_thread_group_id: the thread group of the task's
	 * parent, the one that wait()s for it (real_parent, not the ptracer).
	 * A thread shares its group leader's real_parent.
	 */
	t->parent_tgid = 0;
	if (fields & CG_FIELD_BIT(CG_FIELD_PARENT_THREAD_GROUP_ID))
		t->parent_tgid = task->real_parent->tgid;
	/* The ring buffer hands out old memory: clear what may stay unset. */
	__builtin_memset(&t->creds, 0, sizeof(t->creds));
	__builtin_memset(&t->cgroup, 0, offsetof(struct cg_event_path, buf));
	__builtin_memset(&t->cwd, 0, offsetof(struct cg_event_path, buf));
	if (fields & CG_FIELD_BIT(CG_FIELD_CREDENTIALS)) {
		t->creds.uid = cred->uid.val;
		t->creds.euid = cred->euid.val;
		t->creds.suid = cred->suid.val;
		t->creds.gid = cred->gid.val;
		t->creds.egid = cred->egid.val;
		t->creds.sgid = cred->sgid.val;
	}
	/*
	 * comm is NUL-padded by the kernel: copy all of it, no stale bytes.
	 * Two plain loads, not a helper call.
	 */
	((__u64 *)t->comm)[0] = ((__u64 *)task->comm)[0];
	((__u64 *)t->comm)[1] = ((__u64 *)task->comm)[1];
	if (fields & (CG_FIELD_BIT(CG_FIELD_CONTAINER_ID) | CG_FIELD_BIT(CG_FIELD_CWD)))
		s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return;
	if (fields & CG_FIELD_BIT(CG_FIELD_CONTAINER_ID))
		fill_cgroup_path(&t->cgroup, kn, t->cgroup_id, s);
	if (fields & CG_FIELD_BIT(CG_FIELD_CWD))
		fill_cwd(&t->cwd, task, s->buf);
}

/*
 * Submit without waking the reader, except when this record makes the
 * unread data cross a multiple of cfg_wakeup_bytes: the reader also polls
 * on its own every 100 ms. A wakeup is an irq_work self-IPI; under a
 * hypervisor that costs more than the rest of the program (8.5 us of 9.4
 * measured on a VM host), so a wakeup per event would tax every clone.
 */
static __always_inline void submit(void *e, __u64 size)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 t = cfg_wakeup_bytes;

	if (t && avail >= t && (avail - size) / t != avail / t)
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
}

/* Reserve a record for *e, or count it as dropped. */
#define RESERVE(e, type)							\
	({									\
		(e) = bpf_ringbuf_reserve(&events, sizeof(*(e)), 0);		\
		if (!(e))							\
			count_drop(type);					\
		(e);								\
	})

/* ---- clone -------------------------------------------------------------- */

/*
 * trace_task_newtask(p, clone_flags) runs at the end of copy_process(), in
 * the caller, once the child exists (ids, start time, on the task list) and
 * before it first runs (kernel_clone() wakes it afterwards). It is the one
 * point that sees both the new task and the flags of the clone, so a clone
 * costs one program and no state kept between two. copy_process() also
 * makes tasks that are no clone of the caller's: kernel threads (their
 * parent is one: not wanted()) and workers a user task starts for the
 * kernel (io_uring's, vhost's on 6.4 and later), which sched_process_fork
 * never reported either.
 */
SEC("tp_btf/task_newtask")
int BPF_PROG(handle_fork, struct task_struct *child, u64 clone_flags)
{
	struct task_struct *parent = bpf_get_current_task_btf();
	struct cg_event_clone *e;

	if (!wanted(parent) || (child->flags & (PF_IO_WORKER | PF_USER_WORKER)))
		return 0;
	if (!RESERVE(e, CG_EVENT_CLONE))
		return 0;
	fill_hdr(&e->hdr, CG_EVENT_CLONE, sizeof(*e));
	fill_task(&e->ctx, parent);
	e->created_tid = child->pid;
	e->created_tgid = child->tgid;
	e->created_start_time_ns = child->start_time;
	e->flags = clone_flags;
	e->pad = 0;
	submit(e, sizeof(*e));
	return 0;
}

/* ---- the module's decisions --------------------------------------------- */

/*
 * TP_PROTO(u32 entry_point, u32 rule, u32 mode, int err, u64 flags,
 *          u64 cgroup_id, u32 profile); the task is current.
 */
SEC("raw_tp/clonegate_decision")
int handle_decision(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cg_event_decision *e;

	if (!wanted(task))
		return 0;
	if (!RESERVE(e, CG_EVENT_DECISION))
		return 0;
	fill_hdr(&e->hdr, CG_EVENT_DECISION, sizeof(*e));
	fill_task(&e->ctx, task);
	e->entry_point = ctx->args[0];
	e->rule = ctx->args[1];
	e->mode = ctx->args[2];
	e->err = (int)ctx->args[3];
	e->flags = ctx->args[4];
	e->scope_cgroup_id = ctx->args[5];
	e->profile = ctx->args[6];
	e->pad = 0;
	submit(e, sizeof(*e));
	return 0;
}

/* ---- unshare and setns -------------------------------------------------- */

/*
 * Both are reported at the syscall's return, from one program: the
 * arguments come from the user's registers, which are still there (the
 * wrapper's argument in fexit; task_pt_regs() in a kretprobe: a syscall's
 * pt_regs are the ones its wrapper was given). No entry probe, no map.
 */
static __always_inline void emit_unshare(struct task_struct *task, const struct pt_regs *uregs,
					 bool ia32, long ret)
{
	struct cg_event_unshare *e;

	if (!RESERVE(e, CG_EVENT_UNSHARE))
		return;
	fill_hdr(&e->hdr, CG_EVENT_UNSHARE, sizeof(*e));
	fill_task(&e->ctx, task);
	e->entry_point = ia32 ? CG_ENTRY_IA32_UNSHARE : CG_ENTRY_UNSHARE;
	e->result = (int)ret;
	/* ia32: unshare(ebx); x86-64: unshare(rdi). Unsigned long either way. */
	e->flags = ia32 ? (__u32)uregs->bx : uregs->di;
	submit(e, sizeof(*e));
}

/*
 * What kind of namespace file is current's fd? CLONE_NEW*, or 0. The
 * fdtable is reached by plain loads; the file and what hangs off it only
 * through the helper (an array of pointers loses its type). 'ok_type' is
 * the nstype of a setns() that succeeded: setns() checked that an nsfs
 * file's namespace has that type, so it is the answer without three more
 * reads.
 */
static __always_inline __u64 fd_ns_type(struct task_struct *task, int fd, __u32 ok_type)
{
	struct fdtable *fdt = task->files->fdt;
	struct file **fds, *file;
	struct inode *inode;

	if (fd < 0 || (unsigned int)fd >= fdt->max_fds)
		return 0;
	fds = fdt->fd;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	if (!inode || BPF_CORE_READ(inode, i_sb, s_magic) != NSFS_MAGIC)
		return 0;
	if (ok_type)
		return ok_type;
	/* get_proc_ns(): an nsfs inode's i_private is its ns_common. */
	return ns_common_type((struct ns_common *)BPF_CORE_READ(inode, i_private));
}

/*
 * setns(fd, nstype): the namespace type of fd is looked up at the return.
 * setns() neither closes nor replaces its fd, so that is the file the call
 * used, unless another thread of the process closed or replaced that fd
 * during the call.
 */
static __always_inline int setns_exit(bool ia32, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *uregs;
	struct cg_event_setns *e;

	if (!wanted(task))
		return 0;
	uregs = (struct pt_regs *)bpf_task_pt_regs(task);
	if (!RESERVE(e, CG_EVENT_SETNS))
		return 0;
	fill_hdr(&e->hdr, CG_EVENT_SETNS, sizeof(*e));
	fill_task(&e->ctx, task);
	e->entry_point = ia32 ? CG_ENTRY_IA32_SETNS : CG_ENTRY_SETNS;
	e->result = (int)ret;
	/* ia32: setns(ebx, ecx); x86-64: setns(rdi, rsi). */
	e->fd = ia32 ? (int)uregs->bx : (int)uregs->di;
	e->nstype = ia32 ? (__u32)uregs->cx : (__u32)uregs->si;
	e->ns_type = fd_ns_type(task, e->fd, ret ? 0 : e->nstype);
	submit(e, sizeof(*e));
	return 0;
}

SEC("fexit/__x64_sys_unshare")
int BPF_PROG(x64_unshare_fexit, const struct pt_regs *uregs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (wanted(task))
		emit_unshare(task, uregs, false, ret);
	return 0;
}

SEC("fexit/__ia32_sys_unshare")
int BPF_PROG(ia32_unshare_fexit, const struct pt_regs *uregs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (wanted(task))
		emit_unshare(task, uregs, true, ret);
	return 0;
}

SEC("kretprobe/__x64_sys_unshare")
int BPF_KRETPROBE(x64_unshare_exit, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (wanted(task))
		emit_unshare(task, (struct pt_regs *)bpf_task_pt_regs(task), false, ret);
	return 0;
}

SEC("kretprobe/__ia32_sys_unshare")
int BPF_KRETPROBE(ia32_unshare_exit, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (wanted(task))
		emit_unshare(task, (struct pt_regs *)bpf_task_pt_regs(task), true, ret);
	return 0;
}

SEC("kretprobe/__x64_sys_setns")
int BPF_KRETPROBE(x64_setns_exit, long ret)
{
	return setns_exit(false, ret);
}

SEC("kretprobe/__ia32_sys_setns")
int BPF_KRETPROBE(ia32_setns_exit, long ret)
{
	return setns_exit(true, ret);
}
