// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* clonegate status: the module, its coverage, its scopes and its counters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clonegate/tables.h>

#include "cmds.h"
#include "ctl.h"
#include "diag.h"
#include "json.h"
#include "lsm_policy.h"
#include "names.h"
#include "opts.h"
#include "scopes.h"

static int status_help(void)
{
	printf("Usage: clonegate status [--all] [--reset] [--json]\n"
	       "\n"
	       "Whether the module is loaded and its version, which entry points its\n"
	       "hooks cover on this kernel, every scope (as 'policy list'), and the\n"
	       "module-wide counters since it was loaded or last reset: calls checked\n"
	       "per entry point, refusals (enforce) and would-be refusals (audit) per\n"
	       "rule, unshare calls whose ignored bits were dropped.\n"
	       "\n"
	       "  --all    print counters that are zero too (JSON always has every one)\n"
	       "  --reset  first set every counter to zero, module-wide and per scope,\n"
	       "           then print the status; needs CAP_SYS_ADMIN, from a task\n"
	       "           outside every enforcing or auditing scope (as 'policy apply')\n"
	       "  --json   one JSON object\n"
	       "\n"
	       "It also says whether the BPF backend is active on the host: its policies\n"
	       "applied ('policy apply --backend bpf') and its runs ('run --backend bpf').\n"
	       "\n"
	       "Exit status 2 when the module is not loaded, or --reset was refused\n"
	       "(then nothing is printed on stdout; stderr says whether the BPF backend\n"
	       "is active).\n");
	return EXIT_OK;
}

static __u32 clamp_u32(__u32 v, __u32 max)
{
	return v && v < max ? v : max;
}

enum row_kind { ROW_ENTRY, ROW_RULE };

/* One counter family: text rows "  KIND NAME [ERRNO] VALUE" or a JSON object. */
static bool print_family(const char *kind, const __u64 *vals, __u32 n, enum row_kind rk,
			 bool all)
{
	bool printed = false;
	char buf[32];
	__u32 i;

	if (json_output)
		jw_begin_object(kind);
	for (i = 0; i < n; i++) {
		const char *name = rk == ROW_ENTRY ? entry_name(i, buf, sizeof(buf))
						   : rule_name(i, buf, sizeof(buf));

		if (json_output) {
			if (i == 0 && !vals[i])
				continue;	/* slot 0 is "none" */
			jw_u64(name, vals[i]);
			continue;
		}
		if (!vals[i] && (!all || i == 0))
			continue;
		if (rk == ROW_RULE)
			printf("  %-8s %-10s %-8s %12llu\n", kind, name,
			       i < CG_RULE_MAX ? errno_name(cg_rules[i].err) : "?",
			       (unsigned long long)vals[i]);
		else
			printf("  %-8s %-10s %-8s %12llu\n", kind, name, "",
			       (unsigned long long)vals[i]);
		printed = true;
	}
	if (json_output)
		jw_end_object();
	return printed;
}

#define COVERAGE_FILE "/sys/module/clonegate/parameters/coverage"

/*
 * The module's coverage report: one line per hook, "yes|no SYMBOL: WHAT".
 * Text: one line when everything is covered, else what is not. JSON: an
 * array of {symbol, attached, covers}. A module too old to report says so.
 */
static void print_coverage(void)
{
	char line[256], *sym, *what;
	int total = 0, missing = 0;
	FILE *f = fopen(COVERAGE_FILE, "r");

	if (json_output)
		jw_begin_array("coverage");
	else if (!f)
		printf("coverage: not reported by this module (%s)\n", COVERAGE_FILE);
	while (f && fgets(line, sizeof(line), f)) {
		bool yes = !strncmp(line, "yes ", 4);

		line[strcspn(line, "\n")] = '\0';
		sym = strchr(line, ' ');
		what = sym ? strstr(sym, ": ") : NULL;
		if (!what)
			continue;
		*what = '\0';
		what += 2;
		sym++;
		total++;
		if (json_output) {
			jw_begin_object(NULL);
			jw_string("symbol", sym);
			jw_bool("attached", yes);
			jw_string("covers", what);
			jw_end_object();
		} else if (!yes) {
			if (!missing++)
				printf("coverage: NOT covered on this kernel:\n");
			printf("  %s (no hook on %s)\n", what, sym);
		}
	}
	if (json_output)
		jw_end_array();
	else if (f && !missing)
		printf("coverage: every entry point (%d of %d hooks attached)\n", total, total);
	if (f)
		fclose(f);
}

/* --reset: zero every counter, or say why not. 0 or -1 (reported). */
static int status_reset(int fd)
{
	int err = ctl_reset(fd);

	if (err == -EPERM)
		report_eperm(fd, "resetting the counters");
	else if (err)
		p_err("resetting the counters: %s", ctl_strerror(err));
	return err ? -1 : 0;
}

/* The other backend: its instances on this host, applied or held by runs. */
static void print_bpf_backend(void)
{
	struct lsm_instance *v;
	int n = lsm_instances(&v, false), i, runs = 0;

	if (n < 0) {
		printf("bpf backend: unknown (%s)\n", strerror(-n));
		return;
	}
	for (i = 0; i < n; i++)
		runs += !v[i].cfg.pinned;
	free(v);
	if (n == 0)
		printf("bpf backend: not active\n");
	else
		printf("bpf backend: active, %d polic%s applied, %d run%s ('clonegate policy list --backend bpf')\n",
		       n - runs, n - runs == 1 ? "y" : "ies", runs, runs == 1 ? "" : "s");
}

static void print_json(const struct cg_version *v, const struct cg_counters *c,
		       const struct scopes *t, __u32 nent, __u32 nrule)
{
	jw_begin_object(NULL);
	jw_begin_object("module");
	jw_bool("loaded", true);
	jw_string("version", v->module_version);
	jw_u64("abi_version", v->abi_version);
	jw_string("kernel_release", v->kernel_release);
	jw_u64("max_scopes", v->max_scopes);
	print_coverage();
	jw_end_object();
	jw_begin_object("bpf_backend");
	jw_i64("active", lsm_policy_active());
	jw_end_object();
	scopes_print(t, "");
	jw_begin_object("counters");
	print_family("checked", c->checked, nent, ROW_ENTRY, true);
	print_family("refused", c->refused, nrule, ROW_RULE, true);
	print_family("audited", c->audited, nrule, ROW_RULE, true);
	print_family("dropped", c->dropped, nent, ROW_ENTRY, true);
	jw_end_object();
	jw_end_object();
	jw_end_line();
}

static void print_text(const struct cg_version *v, const struct cg_counters *c,
		       const struct scopes *t, __u32 nent, __u32 nrule, bool all)
{
	bool any;

	printf("module: loaded, version %s (abi %u) on %s\n", v->module_version,
	       v->abi_version, v->kernel_release);
	print_coverage();
	print_bpf_backend();
	printf("\nscopes (%u of at most %u):\n", t->n, v->max_scopes);
	scopes_print(t, "  ");
	printf("\ncounters (since load or the last reset):\n");
	any = print_family("checked", c->checked, nent, ROW_ENTRY, all);
	any |= print_family("refused", c->refused, nrule, ROW_RULE, all);
	any |= print_family("audited", c->audited, nrule, ROW_RULE, all);
	any |= print_family("dropped", c->dropped, nent, ROW_ENTRY, all);
	if (!any)
		printf("  all zero (--all prints every row)\n");
}

int do_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all",   no_argument, NULL, 'a' },
		{ "reset", no_argument, NULL, 'r' },
		{ "json",  no_argument, NULL, 'j' },
		{ "help",  no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *where = "clonegate status";
	struct cg_counters c;
	struct cg_version v;
	struct scopes t = { 0 };
	__u32 nent, nrule;
	bool all = false, reset = false;
	int opt, fd, err;

	optind = 0;
	while ((opt = next_opt(argc, argv, ":arjh", opts, where)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'r': reset = true; break;
		case 'j': json_output = true; break;
		case 'h': return status_help();
		default:  return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_err(where, "unexpected argument '%s'", argv[optind]);

	fd = ctl_open_or_report();
	if (fd < 0) {
		err = lsm_policy_active();
		if (err > 0)
			p_err("the BPF backend is active: %d polic%s ('clonegate policy list --backend bpf')",
			      err, err == 1 ? "y" : "ies");
		return EXIT_FAIL;
	}
	if (reset && status_reset(fd)) {
		close(fd);
		return EXIT_FAIL;
	}

	err = ctl_version(fd, &v);
	if (!err)
		err = ctl_counters(fd, &c);
	if (err) {
		p_err("reading the module's state: %s", ctl_strerror(err));
		close(fd);
		return EXIT_FAIL;
	}
	if (scopes_fetch(fd, &t)) {
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	v.module_version[sizeof(v.module_version) - 1] = '\0';
	v.kernel_release[sizeof(v.kernel_release) - 1] = '\0';
	nent = clamp_u32(c.nr_entries, CG_ENTRY_SLOTS);
	nrule = clamp_u32(c.nr_rules, CG_RULE_SLOTS);

	if (json_output)
		print_json(&v, &c, &t, nent, nrule);
	else
		print_text(&v, &c, &t, nent, nrule, all);
	scopes_free(&t);
	return EXIT_OK;
}
