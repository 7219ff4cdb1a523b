// SPDX-License-Identifier: GPL-2.0
/*
 * Clone3 marks: what the entry of the calling task's clone3 call did, for the
 * places that must know it later in the same call.
 *
 * clone3's A1 and C1..C3 are decided at the syscall's entry, from a no-fault
 * preview of the user struct, because Linux may refuse the call (with
 * another errno) before kernel_clone() ever runs. One call must get one
 * answer and count once, whichever way it goes:
 *   CG_CLONE3_RECORDED  audit mode, the entry recorded the call:
 *                       kernel_clone(), which decides again on the kernel's
 *                       copy, records nothing;
 *   CG_CLONE3_RETRIED   the preview faulted (the struct sits in a page not
 *                       mapped yet) and the call went to be faulted in and
 *                       restarted (hooks.c): its restart reads the struct,
 *                       or, if it faults again, proceeds as Linux would,
 *                       with kernel_clone() deciding on the kernel's copy.
 *                       One retry per call, whatever user memory does.
 * The entry takes whatever mark its task left before (a call Linux refused
 * before kernel_clone() leaves one, and so does a retry that never came
 * back), so kernel_clone() only ever finds the mark of its own call.
 *
 * There is no room in task_struct for a module, so the marks are a small
 * table keyed by (task, its start time): a task pointer freed and reused by
 * a new task never matches an old mark. Every side runs in ftrace context
 * (preemption off, no sleeping), so slots are claimed with cmpxchg and
 * nothing here allocates or locks. A task only ever reads or removes its
 * own mark, and holds at most one: setting one takes any stale one first.
 *
 * Trade-off: CG_CLONE3_MARKS slots. With every slot taken, a new mark
 * overwrites one in round-robin order. A mark of a task that exited stays
 * until overwritten, and while any mark is in the table, a clone3 call in a
 * scope scans it. Only a mark for a call still between its entry and
 * kernel_clone() matters, so a count goes wrong only when more than
 * CG_CLONE3_MARKS clone3 calls that the entry audited or retried are in
 * flight at once. Other calls pay one atomic read.
 */
#include <linux/atomic.h>
#include <linux/sched.h>

#include "clonegate.h"

#define CG_CLONE3_MARKS	64

struct cg_clone3_mark {
	struct task_struct *task;
	u64 start_time;
	enum cg_clone3_mark_state state;
};

static struct cg_clone3_mark cg_marks[CG_CLONE3_MARKS];
static atomic_t cg_marks_used = ATOMIC_INIT(0);
static atomic_t cg_marks_evict = ATOMIC_INIT(0);

static bool cg_mark_is_current(const struct cg_clone3_mark *m)
{
	return READ_ONCE(m->task) == current &&
	       READ_ONCE(m->start_time) == current->start_time;
}

/* Drop current's mark, if any, and say what it was. */
enum cg_clone3_mark_state cg_clone3_mark_take(void)
{
	int i;

	if (!atomic_read(&cg_marks_used))
		return CG_CLONE3_NONE;
	for (i = 0; i < CG_CLONE3_MARKS; i++) {
		struct cg_clone3_mark *m = &cg_marks[i];
		enum cg_clone3_mark_state st = READ_ONCE(m->state);

		if (cg_mark_is_current(m) && cmpxchg(&m->task, current, NULL) == current) {
			atomic_dec(&cg_marks_used);
			return st;
		}
	}
	return CG_CLONE3_NONE;
}

/* Leave a mark for current's clone3 call in progress. */
void cg_clone3_mark_set(enum cg_clone3_mark_state state)
{
	struct cg_clone3_mark *m;
	struct task_struct *old;
	int i;

	cg_clone3_mark_take();
	for (i = 0; i < CG_CLONE3_MARKS; i++) {
		m = &cg_marks[i];
		if (!READ_ONCE(m->task) && !cmpxchg(&m->task, NULL, current))
			goto claimed;
	}
	/* Full: overwrite one, round-robin (see the trade-off above). */
	m = &cg_marks[(unsigned int)atomic_inc_return(&cg_marks_evict) % CG_CLONE3_MARKS];
	old = xchg(&m->task, current);
	if (old)
		atomic_dec(&cg_marks_used);
claimed:
	/*
	 * Only current compares start_time against its own pointer, and it does
	 * so after this store (program order); another task never matches.
	 */
	WRITE_ONCE(m->state, state);
	WRITE_ONCE(m->start_time, current->start_time);
	atomic_inc(&cg_marks_used);
}
