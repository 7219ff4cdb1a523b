#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/run_guest.sh round R [CONFIGS [WORKLOADS]] | profile | pipeline |
#                    matrix ROUNDS [CONFIGS [WORKLOADS]]
# - the benchmark, inside one guest boot. bench/run boots, per kernel, one
# guest per round, one for the profile pass and one for the pipeline.
# matrix runs ROUNDS rounds and the profile pass in one boot: quicker, for
# experiments, but it understates the noise (below). CONFIGS and WORKLOADS
# (space-separated, as below) narrow a run; make bench runs them all.
#
# round: under qemu -icount (1 vCPU; the guest clock counts instructions),
# visit every configuration (in an order rotated by R, so that none
# always follows the same one), and under each run every workload once, in
# a process placed in the bench cgroup:
#   base           module not loaded
#   base_again     the same again: its ratio to base is what the method's
#                  own noise gives, the floor under every other column
#   off            module loaded, bench cgroup scoped in mode off
#   enforce        gvisor-21d66119 enforcing on the bench cgroup
#   enforce_json   + clonegate events --json to /dev/null (fentry flavour)
#   enforce_gvisor + clonegate events to a reading gVisor-protocol socket
#   enforce_json_kprobe  + clonegate events --json --probes kprobe
#   enforce_json_live  enforce_json with the collector left running during
#                  the measured runs (below)
#   json           the JSON collector alone, module not loaded: the events'
#                  own cost, apart from the module's
#   json_kprobe    the same with --probes kprobe
#   bpf_enforce    module not loaded; gvisor-21d66119 enforced by the BPF
#                  backend instead: the workload runs under
#                  `clonegate run --backend bpf` (its own transient cgroup,
#                  at the bench cgroup's depth), no events
# The collector is stopped (SIGSTOP) while a workload runs and resumed
# between runs, when it drains what the run left in its ring (4 MiB holds
# a run's records with room to spare; stop_collector fails the bench if the
# kernel dropped one, as a dropped record is cheaper than a written one):
# on one CPU its draining would otherwise run in the middle of the
# workload, which on a host has a CPU of its own, and the workload's CPU
# time rose with it (1-3% on a pthread, more the longer the run:
# bench/README.md).
# enforce_json_live shows that case.
#
# Why a boot per round: a thread's cost moves from one boot to the next
# (each boot draws the kernel's base address, its slab freelist order and
# its hash seeds anew): the JSON collector's pthread ratio on 6.1 was
# 1.017x, 1.027x and 1.032x in three boots of one build, each the median
# of 5 rounds in that boot. Rounds in one boot take one draw for the truth.
#
# profile: enforce_json with kernel.bpf_stats_enabled=1, and
# per workload the run count and run time of every BPF program (their
# in-path cost, instruction by instruction; stats are off in the rounds, as
# they add two clock reads per program run).
# Writes /results/bench.tsv (round config workload wall_ns cpu_ns
# collector_cpu_ns, all per operation) and /results/bpf.tsv (workload
# program runs ns).
#
# pipeline: 2 vCPUs, real time: threads and forks from both vCPUs at once
# with the collector running; events delivered and lost, its peak RSS.
# Writes /results/extra.txt.
set -u
MODE=${1:-matrix}
ROUNDS=${2:-5}
B=/clonegate/copy/bench
CG=/clonegate/bin/clonegate
KO=/clonegate/clonegate.ko
CGDIR=/sys/fs/cgroup/bench
OUT=/results/bench.tsv
BPF=/results/bpf.tsv
EXTRA=/results/extra.txt
CONFIGS=${3:-base off enforce json json_kprobe enforce_json enforce_gvisor enforce_json_kprobe enforce_json_live bpf_enforce base_again}
WORKLOADS=${4:-fork:200 vfork_exec:100 pthread:1000 clone3_thread:500 unshare0:5000 setns_uts:2000 getpid:20000}

mkdir -p "$CGDIR" /results
collector=
sink=
config=

# Wait (bounded) until FILE contains WORD: the collector's readiness line.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "bench: timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1; }
		kill -0 "$collector" 2>/dev/null || { echo "bench: the collector died" >&2; cat "$1" >&2; exit 1; }
		sleep 0.05
	done
}

stop_collector() {
	had_collector=$collector
	if [ -n "$collector" ]; then
		# CONT first: a stopped process keeps its SIGINT pending.
		kill -CONT "$collector" 2>/dev/null
		kill -INT "$collector" 2>/dev/null
		wait "$collector" 2>/dev/null
		collector=
	fi
	if [ -n "$sink" ]; then
		kill "$sink" 2>/dev/null
		wait "$sink" 2>/dev/null
		sink=
	fi
	# Every record written, none dropped for want of ring space.
	if [ -n "$had_collector" ] &&
	   ! grep -qE '"dropped_kernel":\{"clone":0,"decision":0,"unshare":0,"setns":0\}|lost: 0 in the kernel' /tmp/ev.err; then
		echo "bench: the collector under $config lost records or gave no summary:" >&2
		cat /tmp/ev.err >&2
		exit 1
	fi
}

start_collector() {
	# Not the last collector's "ready": wait_for may look before the new
	# one's redirection has emptied the file.
	rm -f /tmp/ev.err
	$CG events "$@" 2>/tmp/ev.err &
	collector=$!
	wait_for /tmp/ev.err ready
}

configure() {
	stop_collector
	config=$1
	case $1 in
	base|base_again|json|json_kprobe|bpf_enforce)
		grep -q '^clonegate ' /proc/modules && { rmmod clonegate || exit 1; }
		[ "$1" = json ] && start_collector --json --output /dev/null --probes fentry
		[ "$1" = json_kprobe ] && start_collector --json --output /dev/null --probes kprobe
		return 0 ;;
	esac
	grep -q '^clonegate ' /proc/modules || insmod "$KO" || exit 1
	case $1 in
	off) $CG policy apply --cgroup "$CGDIR" --mode off || exit 1 ;;
	*) $CG policy apply --cgroup "$CGDIR" --mode enforce --profile gvisor-21d66119 || exit 1 ;;
	esac
	case $1 in
	enforce_json|enforce_json_live) start_collector --json --output /dev/null --probes fentry ;;
	enforce_json_kprobe) start_collector --json --output /dev/null --probes kprobe ;;
	enforce_gvisor)
		rm -f /tmp/gv.sock
		$B gvisor-sink /tmp/gv.sock &
		sink=$!
		while [ ! -S /tmp/gv.sock ]; do
			kill -0 $sink 2>/dev/null || { echo "bench: the gVisor sink died" >&2; exit 1; }
			sleep 0.05
		done
		start_collector --gvisor-endpoint /tmp/gv.sock --probes fentry ;;
	esac
}

# Run one workload inside the bench cgroup (bpf_enforce: under the BPF
# backend, in the cgroup its run makes; the run's summary goes to stderr).
in_cgroup() {
	if [ "$config" = bpf_enforce ]; then
		$CG run --backend bpf --profile gvisor-21d66119 -- "$@" 2>/tmp/run.err ||
			{ cat /tmp/run.err >&2; return 1; }
		return 0
	fi
	sh -c 'echo $$ >'"$CGDIR"'/cgroup.procs && exec "$@"' sh "$@"
}

# The collector sits out the workload's runs (see the top of this file).
pause_collector() {
	[ -n "$collector" ] && [ "$config" != enforce_json_live ] && kill -STOP "$collector"
	return 0
}

resume_collector() {
	[ -n "$collector" ] && kill -CONT "$collector"
	return 0
}

# CPU time (ns) the collector has used so far: schedstat's first field.
collector_ns() {
	if [ -n "$collector" ]; then
		read -r ns _ </proc/"$collector"/schedstat
		echo "$ns"
	else
		echo 0
	fi
}

# One workload: its own figures, then the collector's CPU time for the
# events it made. First an unmeasured run of the same workload: a
# configuration switch leaves the kernel's allocators in a state of its own
# (stopping a collector frees its rings, maps and programs), and the first
# workload after it ran measurably cheaper: base, which always followed a
# collector's teardown, came out 1.7% under an identical second baseline
# on 6.12's pthread, a bias as large as the effects measured here. The run
# before brings every configuration to the workload's own steady state.
# The pauses before and after are longer than the collector's 100 ms poll,
# so it starts idle and has taken everything when it is read again; under
# icount an idle guest skips the time.
measure() { # WORKLOAD N
	pause_collector
	in_cgroup $B "$1" "$2" >/dev/null || { echo "bench: $1 failed" >&2; exit 1; }
	resume_collector
	sleep 0.3
	c0=$(collector_ns)
	pause_collector
	res=$(in_cgroup $B "$1" "$2") || { echo "bench: $1 failed" >&2; exit 1; }
	resume_collector
	sleep 0.3
	c1=$(collector_ns)
	echo "$res $(awk -v a="$c0" -v b="$c1" -v n="$2" 'BEGIN {printf "%.1f", (b - a) / n}')"
}

# ASLR off: where a process's mappings land changes how many page-table
# pages and faults its threads cost (pthread moved by +-3% from one run to
# the next with it on; -icount counts every one).
aslr_off() {
	echo 0 >/proc/sys/kernel/randomize_va_space
}

# One round, numbered $1: every configuration (rotated by the round's
# number, so that no configuration always follows the same one), every
# workload under each; lines appended to $OUT.
one_round() {
	r=$1
	set -- $CONFIGS
	k=1
	while [ $k -lt "$r" ]; do c=$1; shift; set -- "$@" "$c"; k=$((k + 1)); done
	for c in "$@"; do
		configure "$c"
		# Let the switch's background work (text patching, RCU
		# callbacks, JIT frees) finish: it is not the workload's.
		# Under icount an idle guest skips this time.
		sleep 1
		for wl in $WORKLOADS; do
			w=${wl%%:*} n=${wl##*:}
			res=$(measure "$w" "$n") || { echo "bench: $w failed under $c" >&2; exit 1; }
			echo "$r $c $res" >>"$OUT"
		done
	done
	echo "# round $r done" >&2
}

# The profile pass: BPF run time per program and workload.
profile() {
	: >"$BPF"
	: >/results/bpf_ops.tsv
	configure enforce_json
	sysctl -qw kernel.bpf_stats_enabled=1 || exit 1
	for wl in $WORKLOADS; do
		w=${wl%%:*} n=${wl##*:}
		$B bpf-stats >/tmp/s0
		in_cgroup $B "$w" "$n" >/dev/null || exit 1
		$B bpf-stats >/tmp/s1
		mkdir -p /results/bpf-raw
		cp /tmp/s0 "/results/bpf-raw/$w.before"
		cp /tmp/s1 "/results/bpf-raw/$w.after"
		# per program: runs and ns during this workload
		awk -v w="$w" 'NR == FNR { r[$1] = $2; t[$1] = $3; next }
			($2 - r[$1]) > 0 { printf "%s %s %d %d\n", w, $1, $2 - r[$1], $3 - t[$1] }' \
			/tmp/s0 /tmp/s1 >>"$BPF"
		echo "$w $n" >>/results/bpf_ops.tsv
	done
	sysctl -qw kernel.bpf_stats_enabled=0
	stop_collector
}

pipeline() {
	: >"$EXTRA"
	configure enforce_json
	in_cgroup $B pthread 20000 >/tmp/p1.out &
	p1=$!
	in_cgroup $B fork 2000 >/tmp/p2.out &
	p2=$!
	wait $p1 $p2
	# Peak (VmHWM: includes libbpf's parse of the kernel BTF at load, freed
	# after) and steady (VmRSS: now, after the load) resident size.
	rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$collector/status)
	steady=$(sed -n 's/^VmRSS:[[:space:]]*//p' /proc/$collector/status)
	kill -INT "$collector"
	wait "$collector"
	collector=
	# Both ran at once: the wall time is the longer of n * ns_per_op.
	awk -v a="$(cat /tmp/p1.out)" -v b="$(cat /tmp/p2.out)" 'BEGIN {
		split(a, x, " "); split(b, y, " ");
		w1 = 20000 * x[2]; w2 = 2000 * y[2]; w = (w1 > w2 ? w1 : w2);
		printf "pipeline_created 22000\npipeline_wall_ns %.0f\npipeline_rate_per_s %.0f\n", w, 22000 / (w / 1e9) }' >>"$EXTRA"
	echo "collector_peak_rss $rss" >>"$EXTRA"
	echo "collector_steady_rss $steady" >>"$EXTRA"
	grep -h '"type":"summary"' /tmp/ev.err >>"$EXTRA" || tail -3 /tmp/ev.err >>"$EXTRA"
}

case $MODE in
matrix)
	aslr_off
	: >"$OUT"
	r=1
	while [ $r -le "$ROUNDS" ]; do one_round $r; r=$((r + 1)); done
	profile ;;
round)
	aslr_off
	: >"$OUT"
	one_round "$ROUNDS" ;;
profile)
	aslr_off
	profile ;;
pipeline) pipeline ;;
*) echo "usage: run_guest.sh round R [CONFIGS [WORKLOADS]] | profile | pipeline | matrix ROUNDS [CONFIGS [WORKLOADS]]" >&2; exit 2 ;;
esac
stop_collector
grep -q '^clonegate ' /proc/modules && rmmod clonegate
rmdir "$CGDIR"
echo "bench: done" >&2
