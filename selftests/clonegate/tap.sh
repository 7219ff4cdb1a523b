# SPDX-License-Identifier: GPL-2.0
#
# tap.sh: sourced by the shell selftests. TAP lines for one script:
#   tap_plan N                     "TAP version 13" and "1..N"
#   check DESCRIPTION COMMAND...   "ok N DESCRIPTION" when COMMAND succeeds,
#                                  else "not ok N ..." and COMMAND's output
#   exits STATUS DESCRIPTION COMMAND...
#                                  the same when COMMAND exits STATUS, else
#                                  "not ok N DESCRIPTION (exit GOT, want
#                                  STATUS)"; COMMAND's output stays in
#                                  $tap_last for the checks after it
#   report STATUS DESCRIPTION [WHY]
#                                  a result the script worked out itself:
#                                  STATUS 0 is ok, else "not ok N
#                                  DESCRIPTION (WHY)" and whatever is in
#                                  $tap_out
#   need_nobody                    the user nobody, for su
#   wait_line FILE PATTERN PID     until FILE has a line matching PATTERN
#                                  (grep -E); fails at once if process PID
#                                  ended first, and after 30 s
#   tap_done                       the "# N passed, N failed" line; returns
#                                  non-zero if any check failed
# $CG is the clonegate command (the guest's, else the one on PATH).
CG=/clonegate/bin/clonegate
[ -x "$CG" ] || CG=$(command -v clonegate)
n=0
fails=0
tap_out=$(mktemp)
tap_last=$(mktemp)

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2${3:+ ($3)}"
		[ -s "$tap_out" ] && sed 's/^/# /' "$tap_out"
		fails=$((fails + 1))
	fi
	: >"$tap_out"
}

check() {
	desc=$1; shift
	"$@" >"$tap_out" 2>&1
	report $? "$desc"
}

exits() {
	want=$1 desc=$2; shift 2
	"$@" >"$tap_out" 2>&1
	got=$?
	cp "$tap_out" "$tap_last"
	[ "$got" -eq "$want" ]
	report $? "$desc" "exit $got, want $want"
}

# need_nobody: busybox su needs the user in /etc/passwd; the test guest
# may have none.
need_nobody() {
	grep -q '^nobody:' /etc/passwd 2>/dev/null ||
		echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
}

wait_line() {
	wl_i=0
	until grep -Eq "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || return 1
		wl_i=$((wl_i + 1))
		[ $wl_i -gt 600 ] && return 1
		sleep 0.05
	done
}

tap_done() {
	rm -f "$tap_out" "$tap_last"
	echo "# $((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
}
