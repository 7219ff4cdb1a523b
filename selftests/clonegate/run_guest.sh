#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_guest.sh [NAME...] - run the clonegate selftests inside the test guest
# (scripts/vm copies out/selftests/ to /clonegate/selftests/) and print TAP,
# in the format of the kselftest runner:
#
#   TAP version 13
#   1..N
#   ok 1 insmod clonegate.ko
#   # selftests: clonegate: module_loaded
#   # <the binary's own TAP, each line prefixed with "# ">
#   ok 2 selftests: clonegate: module_loaded
#   ...
#   ok N rmmod clonegate
#
# 1. insmod /clonegate/clonegate.ko (a SKIP if it is absent, a failure if it
#    does not load);
# 2. every binary of tests.list (TEST_PROGS, TEST_GEN_PROGS, then the 32-bit
#    ones), or only the NAMEs given, each in its own session and killed with
#    all its processes after timeout= seconds from ./settings (kselftest's
#    format): "not ok ... # TIMEOUT"; exit 4 (KSFT_SKIP) is "ok ... # SKIP";
# 3. rmmod clonegate, if step 1 loaded it (unloading must be clean too).
#
# Exit status: 0 when every line is ok, 1 otherwise.
# Internal: run_guest.sh --watchdog SECS PID FLAG (the per-binary timer).
set -u

cd "$(dirname "$0")" || exit 1
self=$(pwd)/${0##*/}

# Kill every process of session $1 (the test binary and whatever it forked,
# whichever process group they moved to).
kill_session() {
	ks_sid=$1
	for ks_stat in /proc/[0-9]*/stat; do
		read -r ks_line 2>/dev/null <"$ks_stat" || continue
		ks_pid=${ks_stat#/proc/}
		ks_pid=${ks_pid%/stat}
		# Fields after "(comm) ": state ppid pgrp session ...
		set -- ${ks_line##*) }
		[ "${4:-}" = "$ks_sid" ] && kill -KILL "$ks_pid" 2>/dev/null
	done
	return 0
}

# Kill every process but $2 that has file $1 open (one exec: ls).
kill_holders() {
	ls -l /proc/[0-9]*/fd 2>/dev/null | {
		kh_pid=
		while read -r kh_line; do
			case $kh_line in
			/proc/*/fd:) kh_pid=${kh_line#/proc/}; kh_pid=${kh_pid%/fd:} ;;
			*" -> $1")
				[ "$kh_pid" = "$2" ] || kill -KILL "$kh_pid" 2>/dev/null ;;
			esac
		done
	}
	return 0
}

if [ "${1:-}" = --watchdog ]; then
	sleep "$2"
	: >"$4"
	kill_session "$3"
	exit 0
fi

timeout=45
if [ -r settings ]; then
	t=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' settings)
	[ -n "$t" ] && timeout=$t
fi

if [ $# -gt 0 ]; then
	tests=$*
	for t in $tests; do
		grep -qx "$t" tests.list 2>/dev/null ||
			echo "# warning: $t is not in tests.list (TEST_GEN_PROGS)"
	done
else
	tests=$(cat tests.list 2>/dev/null)
fi

n=0
for t in $tests; do n=$((n + 1)); done
ko=/clonegate/clonegate.ko
echo "TAP version 13"
echo "1..$((n + 2))"
echo "# kernel $(uname -r), per-binary timeout ${timeout}s"

num=1 failed=0 loaded=0
if [ ! -f $ko ]; then
	echo "ok $num insmod clonegate.ko # SKIP $ko is absent (not built for this kernel?)"
elif [ -d /sys/module/clonegate ]; then
	echo "ok $num insmod clonegate.ko # SKIP already loaded"
elif out=$(insmod $ko 2>&1); then
	loaded=1
	echo "ok $num insmod clonegate.ko"
else
	echo "# $out"
	echo "not ok $num insmod clonegate.ko"
	failed=1
fi

tmp=$(mktemp -d)
fifo=$tmp/out
mkfifo "$fifo"
for t in $tests; do
	num=$((num + 1))
	echo "# selftests: clonegate: $t"
	if [ ! -x "./$t" ]; then
		echo "not ok $num selftests: clonegate: $t # ./$t is missing or not executable"
		failed=1
		continue
	fi
	flag=$tmp/timeout.$num
	# The binary's output reaches us through a FIFO and gets the "# " prefix.
	sed 's/^/# /' <"$fifo" &
	spid=$!
	# setsid does not fork here (we are not a group leader): $! is the
	# session id of the test and of everything it starts.
	setsid "./$t" </dev/null >"$fifo" 2>&1 &
	pid=$!
	setsid "$self" --watchdog "$timeout" "$pid" "$flag" </dev/null >/dev/null 2>&1 &
	wpid=$!
	wait $pid 2>/dev/null
	rc=$?
	kill_session "$wpid"
	kill_session "$pid"	# what the test left behind in its session
	kill_holders "$fifo" "$spid"	# and whatever still holds its output open
	wait $spid
	if [ -e "$flag" ]; then
		echo "not ok $num selftests: clonegate: $t # TIMEOUT ${timeout} seconds"
		failed=1
	elif [ "$rc" = 0 ]; then
		echo "ok $num selftests: clonegate: $t"
	elif [ "$rc" = 4 ]; then
		echo "ok $num selftests: clonegate: $t # SKIP"
	else
		echo "not ok $num selftests: clonegate: $t # exit=$rc"
		failed=1
	fi
done
rm -rf "$tmp"

num=$((num + 1))
if [ "$loaded" = 1 ]; then
	if out=$(rmmod clonegate 2>&1); then
		echo "ok $num rmmod clonegate"
	else
		echo "# $out"
		echo "not ok $num rmmod clonegate"
		failed=1
	fi
else
	echo "ok $num rmmod clonegate # SKIP not loaded by this run"
fi
exit $failed
