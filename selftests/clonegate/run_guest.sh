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
# The kernel's debug checks the command line asks for (scripts/check's
# GUEST_DEBUG): one more line, which fails if any did not take effect.
debug=
for a in $(cat /proc/cmdline); do
	case $a in slub_debug=* | panic_on_warn=* | init_on_free=* | kfence.sample_interval=*) debug="$debug $a" ;; esac
done
echo "TAP version 13"
echo "1..$((n + 2 + (${#debug} > 0)))"
echo "# kernel $(uname -r), per-binary timeout ${timeout}s"

num=0 failed=0 loaded=0
if [ -n "$debug" ]; then
	num=1
	why=
	for a in $debug; do
		case $a in
		slub_debug=*)
			# FZPU on a slab cache that is surely there
			for f in sanity_checks red_zone poison store_user; do
				[ "$(cat /sys/kernel/slab/kmalloc-64/$f 2>/dev/null)" = 1 ] || why="$why slub_debug:$f"
			done ;;
		panic_on_warn=1)
			[ "$(cat /proc/sys/kernel/panic_on_warn)" = 1 ] || why="$why panic_on_warn" ;;
		init_on_free=1)
			dmesg | grep -q 'mem auto-init:.*heap free:on' || why="$why init_on_free" ;;
		kfence.sample_interval=*)
			# only where the kernel has KFENCE
			if [ -d /sys/module/kfence ]; then
				[ "$(cat /sys/module/kfence/parameters/sample_interval)" = "${a#*=}" ] || why="$why kfence"
			fi ;;
		esac
	done
	if [ -z "$why" ]; then
		echo "ok $num kernel debug checks on:$debug$([ -d /sys/module/kfence ] || echo ' (no KFENCE in this kernel)')"
	else
		echo "not ok $num kernel debug checks on:$debug # not in effect:$why"
		failed=1
	fi
fi
num=$((num + 1))
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
	t0=$(date +%s)
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
	# Where a guest's time goes (scripts/check sums these per kernel).
	echo "# $t took $(($(date +%s) - t0)) s"
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
