/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy_rules.c's rows against the BPF backend (policy_rules_bpf.c), with
 * the module unloaded and the policies applied through the command
 * (bpf_backend.h).
 *
 * What each row must get is docs/policy.md's coverage table (8.1), written
 * down here from it, not from the code: a rule's default (bpf_default[]),
 * or the row's entry in bpf_rows[] where Linux's order makes the row differ
 * from its rule's default (a chrooted caller's NEWUSER at depth 32: Linux's
 * chroot check answers before the depth rule is asked).
 *
 *   B_COVERED     the rule's errno, counted under the rule, as the module;
 *   B_LINUX       Linux refuses first, with the rule's errno; nothing counted;
 *   B_LINUX_OTHER Linux refuses first, with another errno; nothing counted;
 *   B_NONE        not covered (no hook sees the call): Linux's answer.
 *
 * Linux's answer is measured in the same run, in a sibling cgroup no
 * policy covers, and asserted, never skipped.
 *
 * Loading the backend is the slow part (the verifier, the attach and the
 * start-up probe; detaching waits for RCU), and the rows switch profiles
 * often. So the binary makes one cgroup per profile and mode, each applied
 * once, when a row first needs it, and removed at the end; the counters
 * are compared before and after each call, so rows never see each other.
 */
#ifndef RULES_BPF_H
#define RULES_BPF_H

#include "bpf_backend.h"

enum bpf_answer { B_DEFAULT, B_COVERED, B_LINUX, B_LINUX_OTHER, B_NONE };

static const unsigned char bpf_default[CG_RULE_SLOTS] = {
	[CG_RULE_C1] = B_COVERED, [CG_RULE_C3] = B_COVERED, [CG_RULE_C6] = B_COVERED,
	[CG_RULE_C8] = B_COVERED, [CG_RULE_C11] = B_COVERED, [CG_RULE_C13] = B_COVERED,
	[CG_RULE_CLONE3_SIZE] = B_COVERED, [CG_RULE_H5] = B_COVERED,
	[CG_RULE_U4_DEPTH] = B_COVERED,
	[CG_RULE_C2] = B_LINUX, [CG_RULE_C4] = B_LINUX, [CG_RULE_C5] = B_LINUX,
	[CG_RULE_C7] = B_LINUX, [CG_RULE_C9] = B_LINUX, [CG_RULE_C10] = B_LINUX,
	[CG_RULE_C12] = B_LINUX, [CG_RULE_H1] = B_LINUX, [CG_RULE_H2] = B_LINUX,
	[CG_RULE_H3] = B_LINUX, [CG_RULE_H4] = B_LINUX, [CG_RULE_H6] = B_LINUX,
	[CG_RULE_H7] = B_LINUX, [CG_RULE_U3] = B_LINUX, [CG_RULE_U4_IDS] = B_LINUX,
	/* Everything else: unshare without NEWUSER, setns, C5.setns, C6.setns. */
};

/*
 * The rows whose answer is not their rule's default, by name, with why
 * (a name that matches no row leaves that row to its default, which then
 * fails it).
 */
static const struct {
	const char *name;
	enum bpf_answer answer;
} bpf_rows[] = {
	/* clone3's copy of its struct: Linux checks the size, set_tid and the signal. */
	{ "clone3 size 63", B_LINUX },
	{ "clone3 size 4097", B_LINUX_OTHER },		/* E2BIG: beyond a page */
	{ "set_tid size 0", B_LINUX_OTHER },		/* EINVAL */
	{ "set_tid size 40", B_LINUX_OTHER },		/* EINVAL */
	{ "set_tid before bad signal (C3 before C8)", B_LINUX_OTHER },
	{ "cold set_tid size 40 (Linux refuses first)", B_LINUX_OTHER },
	{ "cold set_tid and exit signal 100 (Linux refuses first)", B_LINUX_OTHER },
	{ "seed: the same is C3", B_LINUX_OTHER },	/* a thread with an exit signal: EINVAL */
	/* copy_process()'s flag checks come before task_alloc. */
	{ "FS with NEWNS (seed: C1 first)", B_LINUX },
	{ "head: clone3 bit 34", B_LINUX },		/* clone3_args_valid(): unknown flags */
	{ "H5 before C2", B_LINUX },
	/* create_user_ns() checks the chroot before userns_create. */
	{ "chrooted NEWUSER at depth 32 (C11 first: EUSERS)", B_LINUX_OTHER },	/* EPERM */
	{ "chrooted unshare NEWUSER at depth 32 (U4.depth first: EUSERS)", B_LINUX_OTHER },
};

static inline enum bpf_answer t_bpf_answer(const struct row *r)
{
	size_t i;

	for (i = 0; i < sizeof(bpf_rows) / sizeof(bpf_rows[0]); i++)
		if (!strcmp(bpf_rows[i].name, r->name))
			return bpf_rows[i].answer;
	return r->rule && bpf_default[r->rule] ? bpf_default[r->rule] : B_NONE;
}

/* The binary's cgroups: one per profile and mode, and Linux's (made at start-up). */
static struct t_cgroup t_bpf_scopes[CG_PROFILE_MAX][2];
static struct t_cgroup t_bpf_base;
static pid_t t_rules_main_pid;

/* The policy of cg (for this profile and mode), applied unless it is: 0 or the command's exit. */
static inline int t_bpf_applied(const struct t_cgroup *cg, uint32_t profile, uint32_t mode)
{
	return t_bpf_pinned(cg) ? 0 : t_bpf_apply(cg, profile, mode);
}

static const char *const t_answer_names[] = {
	[B_COVERED] = "covered", [B_LINUX] = "Linux first", [B_LINUX_OTHER] = "Linux first, another errno",
	[B_NONE] = "not covered",
};

static uint64_t t_bpf_total(const uint64_t *v)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < CG_RULE_SLOTS; i++)
		s += v[i];
	return s;
}

/*
 * Each row: Linux's answer in @base, then the call in @cg under the policy
 * (applied once per profile), and the counters around it.
 */
static void t_run_rows_bpf(struct __test_metadata *_metadata, uint32_t mode,
			   const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		enum bpf_answer a = t_bpf_answer(r);
		bool refuses = a == B_COVERED && r->expect != T_LINUX;
		struct t_bpf_counts c0, c1;
		struct outcome lin, got;
		uint64_t refused, audited;
		long want;

		const struct t_cgroup *cg = &t_bpf_scopes[r->profile][mode == CG_MODE_AUDIT];

		ASSERT_EQ(0, t_bpf_applied(cg, r->profile, mode))
			TH_LOG("policy apply --backend bpf, profile %s", t_profile_names[r->profile]);
		lin = t_run(r, &t_bpf_base);
		ASSERT_EQ(0, lin.setup) TH_LOG("%s: subject set-up failed", r->name);
		ASSERT_EQ(0, t_bpf_counts(cg, &c0));
		got = t_run(r, cg);
		ASSERT_EQ(0, t_bpf_counts(cg, &c1));
		ASSERT_EQ(0, got.setup) TH_LOG("%s: subject set-up failed", r->name);

		/* What the table claims of Linux, checked on Linux's own answer. */
		if (a == B_LINUX) {
			EXPECT_EQ(-r->expect, lin.ret)
				TH_LOG("%s: Linux should refuse first with the rule's errno", r->name);
		} else if (a == B_LINUX_OTHER) {
			EXPECT_TRUE(lin.ret < 0 && lin.ret != -r->expect)
				TH_LOG("%s: Linux should refuse first with another errno (said %ld)",
				       r->name, lin.ret);
		}
		want = mode == CG_MODE_ENFORCE && refuses ? -r->expect : lin.ret;
		EXPECT_EQ(want, got.ret) TH_LOG("%s (%s, %s): Linux said %ld", r->name,
						T_IA32 ? "ia32" : "x86-64", t_answer_names[a],
						lin.ret);
		if (r->join) {
			EXPECT_EQ(lin.join_ret, got.join_ret) TH_LOG("%s: the join (no hook)", r->name);
		}

		/* Exactly the row's rule moves, in the mode's counter, when covered. */
		refused = t_bpf_total(c1.refused) - t_bpf_total(c0.refused);
		audited = t_bpf_total(c1.audited) - t_bpf_total(c0.audited);
		EXPECT_EQ(mode == CG_MODE_ENFORCE && refuses, refused)
			TH_LOG("%s: refusals counted", r->name);
		EXPECT_EQ(mode == CG_MODE_AUDIT && refuses, audited)
			TH_LOG("%s: audits counted", r->name);
		if (refuses && mode == CG_MODE_ENFORCE) {
			EXPECT_EQ(1, c1.refused[r->rule] - c0.refused[r->rule])
				TH_LOG("%s: refused[%d]", r->name, r->rule);
		} else if (refuses) {
			EXPECT_EQ(1, c1.audited[r->rule] - c0.audited[r->rule])
				TH_LOG("%s: audited[%d]", r->name, r->rule);
		}
		/*
		 * A decided call, or a clone-family call that went through, was
		 * checked; unshare and setns only where a rule covers them.
		 */
		if (refuses || (r->call != CALL_UNSHARE && r->call != CALL_SETNS && got.ret >= 0)) {
			EXPECT_LE(1, c1.checked - c0.checked) TH_LOG("%s: checked", r->name);
		}
		if (r->unchanged && !(mode == CG_MODE_ENFORCE && refuses)) {
			EXPECT_EQ(lin.changed, got.changed);
		}
	}
}

/* The binary's cgroups, made before the tests and removed after them. */
static void __attribute__((constructor)) t_rules_bpf_start(void)
{
	char tag[32];
	int p, m, err = 0;

	for (p = 0; p < CG_PROFILE_MAX; p++) {
		for (m = 0; m < 2; m++) {
			snprintf(tag, sizeof(tag), "rules-bpf-%d-%d", p, m);
			t_bpf_scopes[p][m].fd = -1;
			if (t_profile_names[p] && !err)
				err = t_cgroup_create(&t_bpf_scopes[p][m], tag);
		}
	}
	if (!err)
		err = t_cgroup_create(&t_bpf_base, "rules-bpf-linux");
	if (err) {
		printf("Bail out! cannot make the test cgroups: %s\n", strerror(-err));
		exit(KSFT_FAIL);
	}
	t_rules_main_pid = getpid();
}

static void __attribute__((destructor)) t_rules_bpf_end(void)
{
	int p, m;

	if (t_rules_main_pid != getpid())
		return;
	for (p = 0; p < CG_PROFILE_MAX; p++) {
		for (m = 0; m < 2; m++) {
			if (t_bpf_scopes[p][m].fd < 0)
				continue;
			if (t_bpf_pinned(&t_bpf_scopes[p][m]))
				t_bpf_remove(&t_bpf_scopes[p][m]);
			t_cgroup_destroy(&t_bpf_scopes[p][m]);
		}
	}
	t_cgroup_destroy(&t_bpf_base);
}

#endif /* RULES_BPF_H */
