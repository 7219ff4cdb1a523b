#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_bpf.sh: the BPF LSM backend through the command, with the module
# unloaded for the first part (it is loaded again after): 'run --backend
# bpf' gets the profile's errnos (C1 from task_alloc, C3 with set_tid,
# which Linux would allow; A1 for clone3's size beyond gVisor's struct;
# U4.depth and C11 from userns_create), gvisor-head lets through what the
# seed refuses, audit mode lets everything run and reports the same
# rules, the summary's per-call detail and --events come from the
# backend's own decision events, the programs are gone when the run ends,
# 'clonegate status' says whether the backend is active, and the module
# and the backend refuse each other. Then 'policy apply --backend bpf':
# pinned, listed, enforced, refused where scopes overlap and for bad
# input, replaced in place, applied and removed ten times under a running
# workload that never sees anything but Linux's answer or the rule's, and
# gone after 'policy remove'. Last, a workload runs on with Linux's
# answers when its run is killed.
# Prints TAP; run by run_guest.sh after the module is loaded.
. "$(dirname "$0")/tap.sh"
WL=/clonegate/bin/cg-workload
# cg-workload exits with the errno of the last step that failed: set_tid's.
SEED_REFUSED="clone3-newtime clone3-newns clone3-pidfd clone3-clear-sighand clone3-settid"
tap_plan 78

# Linux's answer to every step, before the backend is involved.
exits 0 "without a policy, Linux runs every step" $WL fork threads $SEED_REFUSED clone3-size96

if ! rmmod clonegate 2>"$tap_out"; then
	echo "# rmmod clonegate failed: $(cat "$tap_out")"
fi
check "the module is not loaded" sh -c "! grep -q '^clonegate ' /proc/modules"

exits 95 "enforce, seed: the refused steps fail, the last with C3's errno (EOPNOTSUPP)" \
	$CG run --backend bpf -- $WL fork threads $SEED_REFUSED
check "fork and threads ran" sh -c "grep -q 'fork *ok' $tap_last && grep -q 'threads *ok' $tap_last"
check "NEWTIME, NEWNS, PIDFD and CLEAR_SIGHAND got EINVAL (C1)" \
	sh -c "[ \$(grep -c 'failed: Invalid argument (errno 22)' $tap_last) = 4 ]"
check "set_tid got EOPNOTSUPP (C3), which Linux would have allowed" \
	grep -q 'clone3-settid *failed: .*(errno 95)' "$tap_last"
check "the summary names the backend and counts this run's refusals" \
	sh -c "grep -q 'mode enforce, cgroup .*, backend bpf' $tap_last && grep -q ': 5 refused, 0 audited' $tap_last"
check "per call, from the backend's decision events: C1 refused 4 kinds of clone3, C3 one" \
	sh -c "[ \$(grep -Ec '^  refused +C1 +clone3 .* EINVAL +1 ' $tap_last) = 4 ] && grep -Eq '^  refused +C3 +clone3 .* ENOTSUP +1 ' $tap_last"

exits 22 "enforce: clone3 with a 96-byte struct, zero beyond 88 bytes: A1's EINVAL (Linux runs it)" \
	$CG run --backend bpf -- $WL clone3-size96
check "counted under A1" grep -Eq '^  refused +A1 +clone3 .* EINVAL +1 ' "$tap_last"

exits 0 "audit, seed: every step runs" $CG run --backend bpf --audit -- $WL fork threads $SEED_REFUSED
check "the same rules are counted as audited" \
	sh -c "grep -q ': 0 refused, 5 audited' $tap_last && [ \$(grep -Ec '^  audited +C1 +clone3 ' $tap_last) = 4 ] && grep -Eq '^  audited +C3 +clone3 ' $tap_last"

exits 22 "enforce, gvisor-head: only NEWTIME is refused" \
	$CG run --backend bpf --profile gvisor-head -- $WL clone3-newns clone3-pidfd clone3-clear-sighand clone3-newtime
check "NEWNS, PIDFD and CLEAR_SIGHAND ran" sh -c "[ \$(grep -c ' ok\$' $tap_last) = 3 ]"

# A profile from a file, with no module: C1 alone, for NEWTIME only, with EPERM.
cat >/tmp/cli-bpf.profile <<'PROFILE'
clonegate-profile 1
name no-newtime
base none
clone-flags -NEWTIME
rule C1 on
errno C1 EPERM
PROFILE
exits 1 "a profile file: only its rule refuses, with its errno (EPERM)" \
	$CG run --backend bpf --profile /tmp/cli-bpf.profile -- $WL fork clone3-settid clone3-newtime
check "... set_tid (C3 off) and fork ran, NEWTIME got EPERM" \
	sh -c "grep -q 'fork *ok' $tap_last && grep -q 'clone3-settid *ok' $tap_last && grep -q 'clone3-newtime *failed: .*(errno 1)' $tap_last"
check "... the summary names the file's profile and counts C1 once" \
	sh -c "grep -q 'profile no-newtime, mode enforce' $tap_last && grep -Eq '^  refused +C1 +clone3 +NEWTIME +EPERM +1 ' $tap_last"
printf 'clonegate-profile 1\nname bad\nrule C77 on\n' >/tmp/cli-bpf-bad.profile
exits 2 "a bad profile file is refused before anything runs" \
	$CG run --backend bpf --profile /tmp/cli-bpf-bad.profile -- $WL fork
check "... naming the file and line, and CMD never ran" \
	sh -c "grep -q '^/tmp/cli-bpf-bad.profile:3:' $tap_last && ! grep -q 'fork *ok' $tap_last"
rm -f /tmp/cli-bpf.profile /tmp/cli-bpf-bad.profile

$CG --json run --backend bpf --audit -- $WL clone3-newtime >/dev/null 2>/tmp/cli-bpf.json
check "--json: the summary says backend bpf and lists C1 audited once" \
	grep -q '"backend":"bpf".*"audited":1,.*"calls":.{"result":"audited","rule":"C1","entry_point":"clone3","flags":128,.*"count":1,' /tmp/cli-bpf.json

# U4.depth: gVisor refuses a user namespace beyond depth 32 (counting init
# as 1); Linux allows one more. Each level maps root to root (busybox
# unshare -r); the last unshare is made at depth 32.
cat >/tmp/cli-bpf-nest.sh <<'EOF'
if [ "$1" -lt 31 ]; then
	exec unshare -r sh /tmp/cli-bpf-nest.sh $(($1 + 1)) "$2"
fi
case $2 in
unshare) unshare -r true ;;
clone) /clonegate/bin/cg-workload clone3-newuser ;;
esac
EOF
exits 0 "Linux allows a user namespace at depth 33" sh /tmp/cli-bpf-nest.sh 0 unshare
exits 1 "enforce: unshare(NEWUSER) at depth 33 is refused from userns_create" \
	$CG run --backend bpf -- sh /tmp/cli-bpf-nest.sh 0 unshare
check "with U4.depth's errno (EUSERS), counted" \
	sh -c "grep -q 'Too many users' $tap_last && grep -Eq '^  refused +U4.depth +unshare +NEWUSER +EUSERS +1 ' $tap_last"
exits 87 "enforce: clone3(NEWUSER) at depth 33 gets C11's EUSERS, from userns_create" \
	$CG run --backend bpf -- sh /tmp/cli-bpf-nest.sh 0 clone
check "counted under C11" grep -Eq '^  refused +C11 +clone3 .* EUSERS +1 ' "$tap_last"
exits 0 "the programs are gone when the run ends: Linux answers again" $WL clone3-newtime clone3-settid clone3-size96

# status while a run holds the programs (the command says when it runs,
# and waits to be told to end: no sleeps).
rm -f /tmp/cli-bpf.up /tmp/cli-bpf.go
mkfifo /tmp/cli-bpf.up /tmp/cli-bpf.go
$CG run --backend bpf -- sh -c 'echo up >/tmp/cli-bpf.up; read x </tmp/cli-bpf.go' >/dev/null 2>&1 &
timeout 60 sh -c 'read x </tmp/cli-bpf.up'
exits 2 "status without the module exits 2 ..." $CG status
check "... and says the BPF backend is active, one run" grep -q "the BPF backend is active: 1 policy (" "$tap_last"
# The run may have failed to start: then nobody reads, and the write must not hang.
timeout 60 sh -c 'echo go >/tmp/cli-bpf.go'
wait
rm -f /tmp/cli-bpf.up /tmp/cli-bpf.go

# Bad input and conflicts change nothing.
exits 1 "--backend takes module or bpf" $CG run --backend ebpf -- true
exits 22 "--events FILE: the backend's decision events as JSON lines" \
	$CG run --backend bpf --events /tmp/cli-bpf-ev.json -- $WL fork clone3-newtime
check "... one, C1's, refused, with the caller's context" \
	sh -c "[ \$(wc -l </tmp/cli-bpf-ev.json) = 1 ] && grep -q '^{\"type\":\"decision\",\"context_data\":{.*\"process_name\":\"cg-workload\",\"parent_thread_group_id\":[1-9][0-9]*},\"entry_point\":\"clone3\",\"rule\":\"C1\",\"mode\":\"enforce\",\"errorno\":22,\"flags\":128,' /tmp/cli-bpf-ev.json"
rm -f /tmp/cli-bpf-ev.json

insmod /clonegate/clonegate.ko || echo "# cannot load /clonegate/clonegate.ko again"
check "status: the BPF backend is not active once the run ended" sh -c "$CG status | grep -qx 'bpf backend: not active'"

# The reverse: while a run of the BPF backend is attached, the module takes
# no enforcing or auditing scope, from policy apply or from run.
mkdir -p /sys/fs/cgroup/cli-bpf
mkfifo /tmp/cli-bpf.up /tmp/cli-bpf.go
$CG run --backend bpf -- sh -c 'echo up >/tmp/cli-bpf.up; read x </tmp/cli-bpf.go' >/dev/null 2>&1 &
timeout 60 sh -c 'read x </tmp/cli-bpf.up'
exits 2 "policy apply --mode enforce is refused while the BPF backend runs" \
	$CG policy apply --cgroup /sys/fs/cgroup/cli-bpf --mode enforce
check "... saying why and what to do" \
	grep -q "the BPF backend is active (1 policy: see 'clonegate policy list --backend bpf'): the two backends never police the same task" "$tap_last"
exits 2 "policy apply --mode audit too" $CG policy apply --global --mode audit
exits 2 "run (module backend) too" $CG run -- true
check "nothing was applied" sh -c "$CG --json policy list | grep -q '\"scopes\":\[\]'"
exits 0 "mode off polices nothing: allowed" $CG policy apply --cgroup /sys/fs/cgroup/cli-bpf --mode off
$CG policy remove --cgroup /sys/fs/cgroup/cli-bpf >/dev/null 2>&1
timeout 60 sh -c 'echo go >/tmp/cli-bpf.go'
wait
rm -f /tmp/cli-bpf.up /tmp/cli-bpf.go
exits 0 "once the run ended, policy apply takes the scope" \
	$CG policy apply --cgroup /sys/fs/cgroup/cli-bpf --mode audit
$CG policy remove --cgroup /sys/fs/cgroup/cli-bpf >/dev/null 2>&1
rmdir /sys/fs/cgroup/cli-bpf
mkdir -p /sys/fs/cgroup/cli-bpf
$CG policy apply --cgroup /sys/fs/cgroup/cli-bpf --mode audit >/dev/null 2>&1
exits 2 "refused while the module polices a scope" $CG run --backend bpf -- true
check "the message says why and what to do" grep -q "the two backends never police the same task" "$tap_last"
$CG policy remove --cgroup /sys/fs/cgroup/cli-bpf >/dev/null 2>&1
rmdir /sys/fs/cgroup/cli-bpf

# policy apply --backend bpf: pinned, so the policy outlives the command.
P=/sys/fs/cgroup/cli-bpf-pin
mkdir -p $P
PIN=/sys/fs/bpf/clonegate/cgroup_$(stat -c %i $P)
in_p() { sh -c "echo \$\$ >$P/cgroup.procs && exec $*"; }
exits 0 "policy apply --backend bpf --cgroup, enforce" $CG policy apply --backend bpf --cgroup $P --mode enforce
check "... pins its links and counters" sh -c "cd $PIN && ls kernel_clone task_alloc userns_create counts"
exits 22 "a task in the cgroup gets C1's EINVAL for NEWTIME; its fork runs" in_p $WL fork clone3-newtime
check "... fork ran" grep -q 'fork *ok' "$tap_last"
check "policy list --backend bpf: the scope, profile, mode, holder and counts" \
	sh -c "$CG policy list --backend bpf | grep -Eq '^/cli-bpf-pin +gvisor-21d66119 +enforce +pin +[0-9]+ +1 +0\$'"
check "... and as JSON" sh -c "$CG --json policy list --backend bpf | grep -q '\"cgroup\":\"/cli-bpf-pin\",.*\"held_by\":\"pin\",.*\"refused\":1,\"audited\":0'"
check "status: one policy applied" sh -c "$CG status | grep -q 'bpf backend: active, 1 policy applied, 0 runs'"
mkdir -p $P/sub
exits 2 "a BPF scope inside it is refused" $CG policy apply --backend bpf --cgroup $P/sub --mode enforce
check "... naming the scope it would overlap" grep -q "already polices /cli-bpf-pin (profile gvisor-21d66119, applied)" "$tap_last"
exits 2 "a global one too" $CG policy apply --backend bpf --global --mode audit
exits 2 "and a run under it" $CG run --backend bpf --parent-cgroup $P -- true
exits 2 "the module takes no enforcing scope meanwhile" $CG policy apply --cgroup $P/sub --mode enforce
rmdir $P/sub
exits 1 "--backend bpf has no mode off" $CG policy apply --backend bpf --cgroup $P --mode off
exits 2 "an unknown profile is refused" $CG policy apply --backend bpf --cgroup $P --mode audit --profile nope
need_nobody
exits 2 "not root: refused" su -s /bin/sh nobody -c "$CG policy apply --backend bpf --cgroup $P --mode audit"
check "... saying it needs root" grep -q "the BPF backend needs root" "$tap_last"
check "none of these changed the policy" \
	sh -c "$CG policy list --backend bpf | grep -Eq '^/cli-bpf-pin +gvisor-21d66119 +enforce +pin '"
exits 0 "applying again replaces it: audit, gvisor-head" \
	$CG policy apply --backend bpf --cgroup $P --mode audit --profile gvisor-head
exits 0 "... NEWTIME now runs (audit)" in_p $WL clone3-newtime
check "... one policy, the new one, counting from zero: C1 audited once" \
	sh -c "[ \$($CG policy list --backend bpf | grep -c cli-bpf-pin) = 1 ] && $CG policy list --backend bpf | grep -Eq '^/cli-bpf-pin +gvisor-head +audit +pin +[0-9]+ +0 +1\$'"

# Applied and removed under load: a workload forks, starts threads and asks
# for NEWTIME in the cgroup all along. fork and threads must never fail, and
# NEWTIME gets either Linux's answer or C1's EINVAL, never anything else.
rm -f /tmp/cli-bpf.stop /tmp/cli-bpf.res
mkfifo /tmp/cli-bpf.up
in_p sh -c "'i=0; while [ ! -e /tmp/cli-bpf.stop ]; do $WL fork threads >/dev/null || echo fail >>/tmp/cli-bpf.res;
	$WL clone3-newtime >/dev/null; echo newtime=\$? >>/tmp/cli-bpf.res; i=\$((i + 1));
	[ \$i = 1 ] && timeout 60 sh -c \"echo up >/tmp/cli-bpf.up\"; done'" &
loadpid=$!
timeout 60 sh -c 'read x </tmp/cli-bpf.up'
report $? "the workload runs in the cgroup (its first round done)"
ok=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	$CG policy apply --backend bpf --cgroup $P --mode enforce >/dev/null 2>&1 || ok=1
	$CG policy remove --backend bpf --cgroup $P >/dev/null 2>&1 || ok=1
done
: >/tmp/cli-bpf.stop
wait $loadpid
report $ok "10 times applied and removed while the workload runs"
check "... fork and threads never failed" sh -c "[ -s /tmp/cli-bpf.res ] && ! grep -q fail /tmp/cli-bpf.res"
check "... NEWTIME got 0 or EINVAL, nothing else, in every round" \
	sh -c "[ \$(grep -c '^newtime=' /tmp/cli-bpf.res) -ge 1 ] && [ \$(grep -c -v -e '^newtime=0\$' -e '^newtime=22\$' /tmp/cli-bpf.res) = 0 ]"
rm -f /tmp/cli-bpf.stop /tmp/cli-bpf.res /tmp/cli-bpf.up
check "nothing is pinned after the last remove" sh -c "[ -z \"\$(ls /sys/fs/bpf/clonegate)\" ]"
check "status: not active" sh -c "$CG status | grep -qx 'bpf backend: not active'"
exits 2 "removing again says there is none" $CG policy remove --backend bpf --cgroup $P
check "... saying so" grep -q "/cli-bpf-pin has no BPF backend policy to remove" "$tap_last"
rmdir $P

# A cgroup removed with its policy still applied: listed as such, no
# longer in the way of other scopes, and its policy can still be removed.
mkdir -p /sys/fs/cgroup/cli-bpf-gone
$CG policy apply --backend bpf --cgroup /cli-bpf-gone --mode audit >/dev/null 2>&1
rmdir /sys/fs/cgroup/cli-bpf-gone
check "a policy whose cgroup was removed is listed so" \
	sh -c "$CG policy list --backend bpf | grep -q '^/cli-bpf-gone .* (cgroup removed)\$'"
exits 0 "... does not stand in the way of a global one" $CG policy apply --backend bpf --global --mode audit
exits 0 "... and is removed by its old path" $CG policy remove --backend bpf --cgroup /sys/fs/cgroup/cli-bpf-gone
exits 0 "the global one is removed too" $CG policy remove --backend bpf --global
check "nothing is pinned or attached after" sh -c "[ -z \"\$(ls /sys/fs/bpf/clonegate)\" ] && $CG status | grep -qx 'bpf backend: not active'"

# The programs detached under a running workload: the run holds them, so
# killing it (SIGKILL: no clean-up of its own) detaches them while CMD runs
# on. CMD reports each step's status through a fifo and waits on another.
mkfifo /tmp/cli-bpf.r1 /tmp/cli-bpf.go /tmp/cli-bpf.r2
$CG run --backend bpf -- sh -c "$WL clone3-newtime >/dev/null; echo \$? >/tmp/cli-bpf.r1;
	read x </tmp/cli-bpf.go; $WL clone3-newtime >/dev/null; echo \$? >/tmp/cli-bpf.r2" >/dev/null 2>&1 &
runpid=$!
r1=$(timeout 60 cat /tmp/cli-bpf.r1)
check "attached: the workload's NEWTIME is refused (C1, EINVAL)" [ "$r1" = 22 ]
kill -KILL $runpid
wait $runpid 2>/dev/null
check "the run killed: the programs went with it" sh -c "$CG status | grep -qx 'bpf backend: not active'"
timeout 60 sh -c 'echo go >/tmp/cli-bpf.go'
r2=$(timeout 60 cat /tmp/cli-bpf.r2)
check "the workload runs on, now with Linux's answer: NEWTIME succeeds" [ "$r2" = 0 ]
# Nothing removes the killed run's cgroup: it empties when CMD ends.
timeout 60 sh -c "until grep -qx 'populated 0' /sys/fs/cgroup/clonegate.run.$runpid/cgroup.events; do sleep 0.1; done"
check "its cgroup is left behind, empty, and can be removed" rmdir /sys/fs/cgroup/clonegate.run.$runpid
rm -f /tmp/cli-bpf.r1 /tmp/cli-bpf.go /tmp/cli-bpf.r2
rm -f /tmp/cli-bpf-nest.sh /tmp/cli-bpf.json
tap_done
