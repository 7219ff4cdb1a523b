# SPDX-License-Identifier: GPL-2.0
#
# tap.sh: sourced by the shell selftests. TAP lines for one script:
#   check DESCRIPTION COMMAND...   "ok N DESCRIPTION" when COMMAND succeeds,
#                                  else "not ok N ..." and COMMAND's output
#   tap_done                       the "# N passed, N failed" line; returns
#                                  non-zero if any check failed
# $CG is the clonegate command (the guest's, else the one on PATH).
CG=/clonegate/bin/clonegate
[ -x "$CG" ] || CG=$(command -v clonegate)
n=0
fails=0
tap_out=$(mktemp)

check() {
	desc=$1; shift
	n=$((n + 1))
	if "$@" >"$tap_out" 2>&1; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		sed 's/^/# /' "$tap_out"
		fails=$((fails + 1))
	fi
}

tap_done() {
	rm -f "$tap_out"
	echo "# $((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
}
