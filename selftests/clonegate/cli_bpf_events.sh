#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_bpf_events.sh: 'clonegate events' reads the decisions of the BPF
# backend's policies, applied or held by a run: every collector gets every
# event (two at once), each filtered to its --cgroup and --fields; a policy
# applied or a run started after the collector is read too; a full ring
# counts what it lost, so that read + lost adds up; a collector killed
# with SIGKILL gives its slot to the next one, and with every slot held a
# new collector says it cannot read that policy. The module is loaded but
# polices nothing. Collectors are stopped with SIGINT once the workload
# has ended: what it caused is in their rings by then, and they drain them
# before they exit.
# Prints TAP; run by run_guest.sh after the module is loaded.
. "$(dirname "$0")/tap.sh"
WL=/clonegate/bin/cg-workload
P=/sys/fs/cgroup/cli-bpfev-p
Q=/sys/fs/cgroup/cli-bpfev-q
R=/sys/fs/cgroup/cli-bpfev-r
T=/tmp/cli-bpfev
mkdir -p $P $Q $R $T
in_cg() { cg=$1; shift; sh -c "echo \$\$ >$cg/cgroup.procs && exec $*"; }
cgid() { stat -c %i "$1"; }

# start NAME [OPTIONS...]: a collector writing JSON lines to $T/NAME.json,
# ready (it reads every policy attached) when this returns 0.
start() {
	name=$1; shift
	$CG -v events --json --ring-size 65536 --output $T/$name.json "$@" 2>$T/$name.err &
	eval "pid_$name=$!"
	wait_line $T/$name.err 'clonegate: ready' $!
}
# stop NAME: SIGINT, then wait for the summary.
stop() {
	eval "kill -INT \$pid_$1; wait \$pid_$1"
}
# decisions NAME: collector NAME's decision events, one per line, in $T/NAME.dec.
decisions() { grep '"type":"decision"' $T/$1.json >$T/$1.dec; }

tap_plan 30

exits 0 "policy apply --backend bpf, enforce, on P" $CG policy apply --backend bpf --cgroup $P --mode enforce
exits 0 "policy apply --backend bpf, audit, gvisor-head, on Q" \
	$CG policy apply --backend bpf --cgroup $Q --mode audit --profile gvisor-head

check "collector A starts (every task)" start a
check "collector B starts (--cgroup Q, two context fields)" start b --cgroup $Q --fields thread_id,process_name
exits 22 "in P: NEWTIME is refused (C1, EINVAL)" in_cg $P $WL clone3-newtime
exits 0 "in Q: NEWTIME runs (audit)" in_cg $Q $WL clone3-newtime
stop a
stop b
decisions a
decisions b
check "A got two decisions" sh -c "[ \$(wc -l <$T/a.dec) = 2 ]"
check "... P's: clone3, C1, enforce, EINVAL, NEWTIME, P's scope, the seed profile, the caller" \
	grep -q "^{\"type\":\"decision\",\"context_data\":{.*\"process_name\":\"cg-workload\".*},\"entry_point\":\"clone3\",\"rule\":\"C1\",\"mode\":\"enforce\",\"errorno\":22,\"flags\":128,\"scope_cgroup_id\":$(cgid $P),\"profile\":\"gvisor-21d66119\"}\$" $T/a.dec
check "... Q's: audit, Q's scope, gvisor-head" \
	grep -q "\"rule\":\"C1\",\"mode\":\"audit\",\"errorno\":22,\"flags\":128,\"scope_cgroup_id\":$(cgid $Q),\"profile\":\"gvisor-head\"}\$" $T/a.dec
check "B got Q's decision only" sh -c "[ \$(wc -l <$T/b.dec) = 1 ] && grep -q '\"scope_cgroup_id\":$(cgid $Q)' $T/b.dec"
check "... with the context fields it asked for, and no other" \
	grep -Eq '"context_data":\{"thread_id":[0-9]+,"process_name":"cg-workload"\},' $T/b.dec
check "A's summary counts 2 decisions, none lost" \
	sh -c "grep -q '\"type\":\"summary\",\"events\":{[^}]*\"decision\":2[,}]' $T/a.err && grep -q '\"dropped_kernel\":{[^}]*\"decision\":0[,}]' $T/a.err"

# A policy applied, and a run started, while the collector runs: read from
# the next sync on (-v says when).
check "collector C starts" start c
exits 0 "policy apply --backend bpf on R meanwhile" $CG policy apply --backend bpf --cgroup $R --mode enforce
check "C reads R's policy within its next sync" wait_line $T/c.err 'policy on /cli-bpfev-r ' $pid_c
exits 22 "in R: NEWTIME is refused" in_cg $R $WL clone3-newtime
mkfifo $T/up $T/go
$CG run --backend bpf -- sh -c "echo up >$T/up; read x <$T/go; $WL clone3-pidfd" >$T/run.out 2>&1 &
runpid=$!
timeout 60 sh -c "read x <$T/up"
check "C reads the run's policy too" wait_line $T/c.err "policy on /clonegate.run.$runpid " $pid_c
timeout 60 sh -c "echo go >$T/go"
wait $runpid
st=$?
cp $T/run.out $tap_out
[ $st = 22 ]
report $? "... whose PIDFD is refused (exit 22)" "exit $st"
stop c
decisions c
check "C got R's decision and the run's, each once" \
	sh -c "[ \$(grep -c '\"scope_cgroup_id\":$(cgid $R),' $T/c.dec) = 1 ] && [ \$(grep -c '\"mode\":\"enforce\",\"errorno\":22,\"flags\":4096,' $T/c.dec) = 1 ]"
check "the run's summary had it as well (its own ring)" grep -Eq '^  refused +C1 +clone3 .*PIDFD' $T/run.out

# A full ring: D, stopped, cannot take what 20 refusals write into 4 KiB.
rm -f $T/d.json
$CG events --json --ring-size 4096 --output $T/d.json 2>$T/d.err &
pid_d=$!
check "collector D starts (4 KiB rings)" wait_line $T/d.err 'clonegate: ready' $pid_d
kill -STOP $pid_d
exits 22 "20 refusals in P while D is stopped" in_cg $P $WL $(for i in $(seq 20); do printf 'clone3-newtime '; done)
kill -CONT $pid_d
stop d
decisions d
check "D lost some, and read + lost = 20" \
	sh -c "got=\$(wc -l <$T/d.dec);
	       lost=\$(sed -n 's/.*\"dropped_kernel\":{[^}]*\"decision\":\([0-9]*\).*/\1/p' $T/d.err);
	       echo got \$got lost \$lost; [ \"\$lost\" -ge 1 ] && [ \$((got + lost)) = 20 ]"

# Slots: 8 per policy. A collector killed with SIGKILL keeps its slot until
# the next collector finds it dead; with all 8 held, a ninth reads nothing.
for i in 1 2 3 4 5 6 7 8; do start s$i || echo "# collector s$i did not start"; done
check "a ninth collector starts ..." start s9
check "... saying P's policy has 8 collectors already" \
	grep -q "the BPF backend policy on /cli-bpfev-p has 8 collectors already" $T/s9.err
stop s9
kill -KILL $pid_s1
wait $pid_s1 2>/dev/null
check "with s1 killed, a tenth starts and takes its slot" start s10
check "... without a word about P's policy" sh -c "! grep -q 'collectors already' $T/s10.err"
exits 22 "in P: NEWTIME is refused" in_cg $P $WL clone3-newtime
for i in 2 3 4 5 6 7 8 10; do stop s$i; done
for i in 2 3 4 5 6 7 8 10; do decisions s$i; done
check "s10 and the seven others each got the refusal" \
	sh -c "for i in 2 3 4 5 6 7 8 10; do [ \$(grep -c '\"scope_cgroup_id\":$(cgid $P),' $T/s\$i.dec) = 1 ] || exit 1; done"

for c in $P $Q $R; do $CG policy remove --backend bpf --cgroup $c >/dev/null 2>&1; done
check "every policy removed: nothing attached" sh -c "$CG status | grep -qx 'bpf backend: not active'"
rmdir $P $Q $R /sys/fs/cgroup/clonegate.run.$runpid 2>/dev/null
rm -rf $T
tap_done
