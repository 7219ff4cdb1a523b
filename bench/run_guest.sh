#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/run_guest.sh ROUNDS - the benchmark, inside one guest boot.
#
# Each round visits every configuration (in a rotated order, so drift over
# the boot does not favour one), and under each runs every workload once,
# in a process placed in the bench cgroup:
#   base           module not loaded
#   off            module loaded, bench cgroup scoped in mode off
#   enforce        gvisor-21d66119 enforcing on the bench cgroup
#   enforce_json   + clonegate events --json to /dev/null
#   enforce_gvisor + clonegate events to a reading gVisor-protocol socket
# Writes /results/bench.tsv (round config workload ns_per_op) and
# /results/extra.txt (collector RSS, pipeline rates and drops).
set -u
ROUNDS=${1:-5}
B=/clonegate/copy/bench
CG=/clonegate/bin/clonegate
KO=/clonegate/clonegate.ko
CGDIR=/sys/fs/cgroup/bench
OUT=/results/bench.tsv
EXTRA=/results/extra.txt
CONFIGS="base off enforce enforce_json enforce_gvisor"
WORKLOADS="fork:200 vfork_exec:100 pthread:500 clone3_thread:500 unshare0:5000 setns_uts:2000 getpid:20000"

mkdir -p "$CGDIR" /results
: >"$OUT"
: >"$EXTRA"
collector=
sink=

# Wait (bounded) until FILE contains WORD: the collector's readiness line.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "bench: timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1; }
		sleep 0.1
	done
}

stop_collector() {
	if [ -n "$collector" ]; then
		kill -INT "$collector" 2>/dev/null
		wait "$collector" 2>/dev/null
		collector=
	fi
	if [ -n "$sink" ]; then
		kill "$sink" 2>/dev/null
		wait "$sink" 2>/dev/null
		sink=
	fi
}

configure() {
	stop_collector
	case $1 in
	base)
		grep -q '^clonegate ' /proc/modules && { rmmod clonegate || exit 1; }
		return 0 ;;
	esac
	grep -q '^clonegate ' /proc/modules || insmod "$KO" || exit 1
	case $1 in
	off) $CG policy apply --cgroup "$CGDIR" --mode off || exit 1 ;;
	*) $CG policy apply --cgroup "$CGDIR" --mode enforce --profile gvisor-21d66119 || exit 1 ;;
	esac
	case $1 in
	enforce_json)
		$CG events --json --output /dev/null 2>/tmp/ev.err &
		collector=$!
		wait_for /tmp/ev.err ready ;;
	enforce_gvisor)
		rm -f /tmp/gv.sock
		$B gvisor-sink /tmp/gv.sock &
		sink=$!
		while [ ! -S /tmp/gv.sock ]; do sleep 0.05; done
		$CG events --gvisor-endpoint /tmp/gv.sock 2>/tmp/ev.err &
		collector=$!
		wait_for /tmp/ev.err ready ;;
	esac
}

# Run one workload inside the bench cgroup.
in_cgroup() {
	sh -c 'echo $$ >'"$CGDIR"'/cgroup.procs && exec "$@"' sh "$@"
}

r=1
while [ $r -le "$ROUNDS" ]; do
	# rotate the configuration order each round
	set -- $CONFIGS
	k=1
	while [ $k -lt $r ]; do c=$1; shift; set -- "$@" "$c"; k=$((k + 1)); done
	for c in "$@"; do
		configure "$c"
		for wl in $WORKLOADS; do
			w=${wl%%:*} n=${wl##*:}
			res=$(in_cgroup $B "$w" "$n") || { echo "bench: $w failed under $c" >&2; exit 1; }
			echo "$r $c $res" >>"$OUT"
		done
	done
	echo "# round $r done" >&2
	r=$((r + 1))
done

# The event pipeline at the highest clone rate both CPUs produce.
configure enforce_json
in_cgroup $B pthread 20000 >/tmp/p1.out &
p1=$!
in_cgroup $B fork 2000 >/tmp/p2.out &
p2=$!
wait $p1 $p2
rss=$(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$collector/status)
kill -INT "$collector"
wait "$collector"
collector=
# Both ran at once: the wall time is the longer of n * ns_per_op.
awk -v a="$(cat /tmp/p1.out)" -v b="$(cat /tmp/p2.out)" 'BEGIN {
	split(a, x, " "); split(b, y, " ");
	w1 = 20000 * x[2]; w2 = 2000 * y[2]; w = (w1 > w2 ? w1 : w2);
	printf "pipeline_created 22000\npipeline_wall_ns %.0f\npipeline_rate_per_s %.0f\n", w, 22000 / (w / 1e9) }' >>"$EXTRA"
echo "collector_peak_rss $rss" >>"$EXTRA"
grep -h '"type":"summary"' /tmp/ev.err >>"$EXTRA" || tail -3 /tmp/ev.err >>"$EXTRA"
stop_collector
grep -q '^clonegate ' /proc/modules && rmmod clonegate
rmdir "$CGDIR"
echo "bench: done" >&2
