#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_policy.sh: the first verbs of the clonegate command drive the module:
# policy apply/list/remove, status and status --reset, and their errors and
# exit codes; a scope whose cgroup is removed is no longer listed.
# Prints TAP; run by run_guest.sh after the module is loaded.
. "$(dirname "$0")/tap.sh"
DIR=/sys/fs/cgroup/cgtest-cli-$$
DIR2=/sys/fs/cgroup/cgtest-cli2-$$

need_nobody
tap_plan 31
mkdir -p "$DIR"
check "policy apply --cgroup enforce" $CG policy apply --cgroup "$DIR" --mode enforce
check "policy list shows the scope" sh -c "$CG policy list > /tmp/cli.list && grep -q 'cgtest-cli-$$' /tmp/cli.list && grep -q enforce /tmp/cli.list && grep -q gvisor-21d66119 /tmp/cli.list"
check "policy list --json parses as one scope" sh -c "$CG --json policy list | grep -q '\"mode\":\"enforce\"'"
check "policy apply changes the mode in place" $CG policy apply --cgroup "$DIR" --mode audit --profile gvisor-8623c872
check "the change is listed" sh -c "$CG policy list | grep 'cgtest-cli-$$' | grep -q audit"
check "policy apply --profile gvisor-head-cgroup2 (the gate open, by name)" $CG policy apply --cgroup "$DIR" --mode audit --profile gvisor-head-cgroup2
check "the scope is listed under that name" sh -c "$CG --json policy list | grep -q '\"profile\":\"gvisor-head-cgroup2\"'"
check "profile show gvisor-head: its rules in order, the gate shut" sh -c "$CG profile show gvisor-head > /tmp/cli.show && grep -q '^  H17b ' /tmp/cli.show && grep -q '^cgroup2: never mounted' /tmp/cli.show && [ \"\$(grep -o '^  [A-Z][0-9][0-9a-z.-]*' /tmp/cli.show | head -3 | tr -d ' ' | tr '\n' ' ')\" = 'H1 H2 A1 ' ]"
check "status reports the module and the scope" sh -c "$CG status | grep -q 'cgtest-cli-$$'"
# 13 attachments (12 hooks, 1 kretprobe); a kernel without ia32 emulation
# (the debug test kernel) lacks the two __ia32_* hooks.
if grep -q ' __ia32_sys_clone3$' /proc/kallsyms; then
	check "status says every entry point is covered" sh -c "$CG status | grep -qx 'coverage: every entry point (13 of 13 hooks attached)'"
	check "status --json lists the 13 hooks, all attached" sh -c "$CG --json status > /tmp/cli.json && [ \$(grep -o '\"attached\":true' /tmp/cli.json | wc -l) = 13 ] && ! grep -q '\"attached\":false' /tmp/cli.json"
else
	check "status names the ia32 entry points as not covered" sh -c "$CG status > /tmp/cli.status && grep -qx 'coverage: NOT covered on this kernel:' /tmp/cli.status && [ \$(grep -c '(no hook on __ia32_sys_' /tmp/cli.status) = 2 ]"
	check "status --json: 11 attached, the 2 ia32 ones not" sh -c "$CG --json status > /tmp/cli.json && [ \$(grep -o '\"attached\":true' /tmp/cli.json | wc -l) = 11 ] && [ \$(grep -o '\"attached\":false' /tmp/cli.json | wc -l) = 2 ]"
fi
exits 2 "unknown profile is an operational error" $CG policy apply --cgroup "$DIR" --mode enforce --profile nope
check "the message names the unknown profile" grep -q "unknown profile" "$tap_last"
exits 1 "missing --mode is a usage error" $CG policy apply --cgroup "$DIR"
exits 2 "a path that is not a cgroup is refused" $CG policy apply --cgroup /nonexistent-cg --mode enforce
exits 2 "the root cgroup is refused" $CG policy apply --cgroup / --mode enforce
exits 2 "unprivileged apply is refused" su -s /bin/sh nobody -c "$CG policy apply --global --mode audit"
check "policy remove" $CG policy remove --cgroup "$DIR"
exits 2 "removing it again says there is none" $CG policy remove --cgroup "$DIR"
check "policy list is empty again" sh -c "! $CG policy list | grep -q 'cgtest-cli-$$'"

# status --reset: an audited setns (rule S2) is counted, then every counter,
# module-wide and the scope's, is zero. Nothing else runs in a scope.
check "policy apply --cgroup audit" $CG policy apply --cgroup "$DIR" --mode audit
check "a task of the scope makes an audited call" sh -c "echo \$\$ > $DIR/cgroup.procs && nsenter -p -t 1 true"
check "status --json counts it" sh -c "$CG --json status > /tmp/cli.json && grep -q '\"S2\":[1-9]' /tmp/cli.json && grep -q '\"audited\":[1-9]' /tmp/cli.json"
exits 2 "unprivileged status --reset is refused" su -s /bin/sh nobody -c "$CG status --reset"
check "the message says to run as root" grep -q "run as root" "$tap_last"
check "status --reset" $CG status --reset
check "status --json: every counter is zero" sh -c "$CG --json status > /tmp/cli.json && sed 's/.*\"counters\"://' /tmp/cli.json > /tmp/cli.counters && grep -q '\"S2\":0' /tmp/cli.counters && ! grep -q ':[1-9]' /tmp/cli.counters && grep -q '\"checked\":0,\"refused\":0,\"audited\":0' /tmp/cli.json && ! grep -qE '\"(checked|refused|audited)\":[1-9]' /tmp/cli.json"
check "policy remove" $CG policy remove --cgroup "$DIR"

# A scope whose cgroup is removed goes with it.
mkdir -p "$DIR2"
id2=$(ls -di "$DIR2" | awk '{ print $1 }')
check "policy apply on a cgroup about to be removed" $CG policy apply --cgroup "$DIR2" --mode enforce
check "rmdir the scoped cgroup" rmdir "$DIR2"
check "its scope is no longer listed" sh -c "$CG --json policy list > /tmp/cli.json && grep -q '\"scopes\":' /tmp/cli.json && ! grep -q '\"cgroup_id\":$id2[,}]' /tmp/cli.json"
rmdir "$DIR"
tap_done
