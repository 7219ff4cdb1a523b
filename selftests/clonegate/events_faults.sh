#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# events_faults.sh: the kernel side never depends on the collector.
# A collector killed with SIGKILL mid-stream leaves enforcement, clones and
# the module's unload unaffected; a restarted collector resumes reporting.
# Prints TAP; run by run_guest.sh after the module is loaded.
. "$(dirname "$0")/tap.sh"
KO=/clonegate/clonegate.ko
DIR=/sys/fs/cgroup/cgtest-faults-$$
T=/tmp/faults.$$
mkdir -p "$T"

# Start a collector writing JSON to $1; wait (bounded) for its ready line.
start_collector() {
	$CG events --json --output "$1" 2>"$1.err" &
	collector=$!
	wait_line "$1.err" ready "$collector"
}

# N processes from the scoped cgroup; all must succeed.
forks_in_scope() {
	sh -c 'echo $$ > '"$DIR"'/cgroup.procs; i=0; while [ $i -lt '"$1"' ]; do /bin/true || exit 1; i=$((i + 1)); done'
}

# One refused call from the scope: busybox nsenter into a pid ns (rule S2).
refused_in_scope() {
	sh -c 'echo $$ > '"$DIR"'/cgroup.procs; exec nsenter -p -t 1 /bin/true' 2>/dev/null
	[ $? -ne 0 ]
}

count_type() { grep -c "\"type\":\"$1\"" "$2"; }

tap_plan 10
mkdir -p "$DIR"
check "policy applied" $CG policy apply --cgroup "$DIR" --mode enforce
check "collector starts" start_collector "$T/a.json"
check "clones run while the collector runs" forks_in_scope 50
kill -KILL "$collector"
wait "$collector" 2>/dev/null
check "clones still run after the collector died (SIGKILL)" forks_in_scope 50
check "refusals still happen after the collector died" refused_in_scope
check "the module unloads once the collector is gone" sh -c "$CG policy remove --cgroup $DIR && rmmod clonegate && insmod $KO"
check "policy re-applied after the reload" $CG policy apply --cgroup "$DIR" --mode enforce
check "restarted collector starts" start_collector "$T/b.json"
forks_in_scope 20 >/dev/null 2>&1
refused_in_scope
# The collector writes within its poll interval; stop it cleanly to flush.
kill -INT "$collector"
wait "$collector" 2>/dev/null
check "restarted collector reports the new clones" sh -c "[ \$(grep -c '\"type\":\"clone\"' $T/b.json) -ge 20 ]"
check "restarted collector reports the refusal" grep -q '"rule":"S2"' "$T/b.json"
$CG policy remove --cgroup "$DIR" >/dev/null 2>&1
rmdir "$DIR"
rm -rf "$T"
tap_done
