#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_run.sh: 'clonegate run' runs a command under a policy in a transient
# cgroup: exit statuses and signals pass through, the cgroup and the scope
# are gone afterwards (also when the command is killed), refusals reach the
# command with the spec's errno and are summarized, --audit lets the same
# workload run and lists the rule, --json and --events are valid JSON, and
# every error path exits with its documented status and message.
# Prints TAP; run by run_guest.sh after the module is loaded.
#
# The refused call is busybox's 'nsenter -p': setns() into a pid namespace,
# which gVisor refuses (rule S2, EINVAL) and Linux allows to root.
. "$(dirname "$0")/tap.sh"
T=/tmp/cli-run.$$
mkdir -p "$T"

# json FILE: every line of FILE is one valid JSON value (RFC 8259 grammar,
# checked by a recursive-descent parser in awk: busybox has no jq).
json() {
	[ -s "$1" ] || return 1
	awk '
	function err(m) { bad = 1; return 0 }
	function ws() { while (p <= L && index(" \t\r", substr(s, p, 1))) p++ }
	function str(   c) {
		if (substr(s, p, 1) != "\"") return err()
		p++
		while (p <= L) {
			c = substr(s, p, 1)
			if (c == "\"") { p++; return 1 }
			if (c == "\\") {
				c = substr(s, p + 1, 1)
				if (c == "u") {
					if (substr(s, p + 2, 4) !~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/) return err()
					p += 6
				} else if (index("\"\\/bfnrt", c)) p += 2
				else return err()
			} else if (c < " ") return err()
			else p++
		}
		return err()
	}
	function num(   t) {
		t = substr(s, p)
		if (!match(t, /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) return err()
		p += RLENGTH
		return 1
	}
	function val(   c) {
		if (++depth > 64) return err()
		ws(); c = substr(s, p, 1)
		if (c == "{") { p++; ws()
			if (substr(s, p, 1) == "}") { p++; depth--; return 1 }
			for (;;) { ws(); if (!str()) return 0; ws()
				if (substr(s, p, 1) != ":") return err(); p++
				if (!val()) return 0; ws(); c = substr(s, p, 1); p++
				if (c == "}") break; if (c != ",") return err() }
		} else if (c == "[") { p++; ws()
			if (substr(s, p, 1) == "]") { p++; depth--; return 1 }
			for (;;) { if (!val()) return 0; ws(); c = substr(s, p, 1); p++
				if (c == "]") break; if (c != ",") return err() }
		} else if (c == "\"") { if (!str()) return 0 }
		else if (substr(s, p, 4) == "true" || substr(s, p, 4) == "null") p += 4
		else if (substr(s, p, 5) == "false") p += 5
		else if (!num()) return 0
		depth--
		return 1
	}
	{ s = $0; L = length(s); p = 1; depth = 0; bad = 0
	  if (!val()) bad = 1; ws(); if (p <= L) bad = 1
	  if (bad) { print "invalid JSON on line " NR ": " s; exit 1 } }
	' "$1"
}

# No transient cgroup and no scope of 'run' is left behind.
clean() {
	! ls -d /sys/fs/cgroup/clonegate.run.* /sys/fs/cgroup/*/clonegate.run.* 2>/dev/null | grep -q . &&
	! $CG policy list | grep -q clonegate.run
}

need_nobody
tap_plan 49

# --help and usage errors
exits 0 "run --help" $CG run --help
check "--help documents the exit statuses" sh -c "grep -q '127  CMD was not found' $tap_last && grep -q '128+N' $tap_last"
exits 1 "run without a command is a usage error" $CG run
exits 1 "run with an unknown option is a usage error" $CG run --bogus -- true
exits 2 "an unknown profile is an operational error" $CG run --profile nope -- true
check "the message names the profile and the fix" grep -q "unknown profile 'nope'.*clonegate profile list" "$tap_last"

# the happy path, exit statuses and signals
exits 0 "run -- true exits 0" $CG run -- true
check "the summary says nothing was refused" grep -q "no call was refused or audited" "$tap_last"
exits 3 "CMD's exit status 3 passes through" $CG run -- sh -c 'exit 3'
exits 137 "CMD killed by SIGKILL exits 137" $CG run -- sh -c 'kill -KILL $$'
exits 127 "a missing command exits 127" $CG run -- /nonexistent/cmd
check "the message says command not found" grep -q "/nonexistent/cmd: command not found" "$tap_last"
exits 126 "a command that cannot be executed exits 126" $CG run -- /etc/passwd
check "stdin and stdout pass through" sh -c "echo through | $CG run -- cat 2>/dev/null | grep -qx through"
check "CMD runs inside the transient cgroup" sh -c "$CG run -- cat /proc/self/cgroup 2>/dev/null | grep -q '^0::/clonegate.run.[0-9]*\$'"
check "no cgroup and no scope are left" clean

# cleanup when CMD is killed and left processes behind
exits 137 "CMD killed with a background child left" $CG run -- sh -c 'sleep 1000 & kill -KILL $$'
check "the leftover process was killed with the cgroup" sh -c "! ps | grep -v grep | grep -q 'sleep 1000'"
check "no cgroup and no scope are left after a kill" clean

# SIGTERM is forwarded: CMD says it started through a fifo, then is killed.
mkfifo "$T/fifo"
$CG run -- sh -c "echo started > $T/fifo; exec sleep 1000" >"$tap_out" 2>&1 &
runpid=$!
read -r started <"$T/fifo"
kill -TERM "$runpid"
wait "$runpid"
got=$?
[ "$started" = started ] && [ "$got" -eq 143 ]
report $? "SIGTERM to run reaches CMD: exit 143" "exit $got"
check "no cgroup and no scope are left after SIGTERM" clean

# enforce: the refused call fails with the spec's errno and is summarized
exits 1 "enforce: setns into a pid namespace fails" $CG run -- nsenter -p -t 1 true
check "CMD got EINVAL (rule S2)" grep -q "Invalid argument" "$tap_last"
check "the summary lists S2 setns refused, with the first process" \
	sh -c "grep -E '^  refused +S2 +setns +pid +EINVAL +1  [0-9]+ nsenter' $tap_last"
# audit: the same workload runs and the rule is listed
exits 0 "audit: the same workload succeeds" $CG run --audit -- nsenter -p -t 1 true
check "the summary lists S2 audited" sh -c "grep -E '^  audited +S2 +setns' $tap_last"

# The demo's side by side: the seed and today's gVisor disagree on NEWNS,
# PIDFD and CLEAR_SIGHAND (C1 refuses them under the seed only).
WL=/clonegate/bin/cg-workload
exits 22 "gvisor-21d66119: clone3 NEWNS, PIDFD and CLEAR_SIGHAND get EINVAL" \
	$CG run --profile gvisor-21d66119 -- $WL clone3-newns clone3-pidfd clone3-clear-sighand
check "each of the three failed, under C1" sh -c "[ \$(grep -c 'failed: Invalid argument' $tap_last) = 3 ] && grep -Eq '^  refused +C1 +clone3 +NEWNS +EINVAL' $tap_last"
exits 0 "gvisor-head: the same three run" \
	$CG run --profile gvisor-head -- $WL clone3-newns clone3-pidfd clone3-clear-sighand
check "each of the three ran" sh -c "[ \$(grep -c ' ok\$' $tap_last) = 3 ]"

# --json and --events
$CG --json run --audit --events "$T/events.json" -- nsenter -p -t 1 true >"$T/stdout" 2>"$T/stderr"
got=$?
[ "$got" -eq 0 ]
report $? "run --json --events exits 0" "exit $got"
check "the --json summary is valid JSON" json "$T/stderr"
check "the --json summary lists the call" \
	sh -c "grep -q '\"type\":\"run_summary\".*\"rule\":\"S2\",\"entry_point\":\"setns\".*\"count\":1,\"first_pid\":[0-9]*,\"first_comm\":\"nsenter\"' $T/stderr"
check "--events FILE is valid JSON lines" json "$T/events.json"
check "--events has the decision event" \
	sh -c "grep -q '\"type\":\"decision\".*\"rule\":\"S2\",\"mode\":\"audit\",\"errorno\":22' $T/events.json"

# --parent-cgroup
mkdir -p /sys/fs/cgroup/cli-run-parent
check "--parent-cgroup puts the cgroup under it" \
	sh -c "$CG run --parent-cgroup cli-run-parent -- cat /proc/self/cgroup 2>/dev/null | grep -q '^0::/cli-run-parent/clonegate.run.'"
rmdir /sys/fs/cgroup/cli-run-parent

# operational errors
exits 2 "scope busy: the transient cgroup exists already" \
	sh -c "mkdir /sys/fs/cgroup/clonegate.run.\$\$ && exec $CG run -- true"
check "the message says scope busy with the fix" grep -q "scope busy:.*rmdir" "$tap_last"
rmdir /sys/fs/cgroup/clonegate.run.* 2>/dev/null
exits 2 "not root is refused" su -s /bin/sh nobody -c "$CG run -- true"
check "the message says to run as root" grep -q "needs root" "$tap_last"
exits 2 "no cgroup v2 is refused" unshare -m sh -c "umount /sys/fs/cgroup && exec $CG run -- true"
check "the message says how to mount cgroup v2" grep -q "cgroup v2 is not mounted" "$tap_last"

# Without decision events (BTF hidden in a mount namespace): counters only.
exits 1 "without events: the refused call still fails" \
	unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec $CG run -- nsenter -p -t 1 true"
check "the summary says detail is unavailable, and why" grep -q "per-call detail unavailable (this kernel has no BTF" "$tap_last"
check "the summary has the scope's and the rule's counters" \
	sh -c "grep -q '1 refused, 0 audited' $tap_last && grep -qE '^  S2 +1 +0' $tap_last"
exits 2 "--events without events is an operational error" \
	unshare -m sh -c "mount -t tmpfs none /sys/kernel/btf && exec $CG run --events - -- true"
check "no cgroup and no scope are left at the end" clean

# Module not loaded: unload it for one command, then load it back for the
# tests that follow (run_guest.sh unloads it at the end).
if rmmod clonegate 2>"$tap_out"; then
	exits 2 "module not loaded is an operational error" $CG run -- true
	check "the message says to load the module" grep -q "module not loaded (run 'clonegate module load')" "$tap_last"
	insmod /clonegate/clonegate.ko || echo "# cannot load /clonegate/clonegate.ko again"
else
	report 1 "module not loaded is an operational error" "rmmod clonegate failed"
	report 1 "the message says to load the module" "not run"
fi

rm -rf "$T"
tap_done
