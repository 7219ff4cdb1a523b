#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# events_synthetic.sh: 'clonegate events --synthetic N' passes exactly N
# made-up records (7 in 10 clone, 1 each decision, unshare, setns) through
# the decoder and the sinks, without BPF, and reports the rate; the
# benchmarks use it for the collector's ceiling. Prints TAP.
. "$(dirname "$0")/tap.sh"
T=/tmp/synthetic.$$
mkdir -p "$T"

lines() { [ "$(grep -c "$2" "$1")" = "$3" ] || { echo "$1: $(grep -c "$2" "$1") lines with $2, want $3"; return 1; }; }

check "--synthetic 10000 --json exits 0" sh -c \
	"$CG events --synthetic 10000 --json --fields all --output $T/j.json 2>$T/j.err"
check "10000 JSON lines" lines "$T/j.json" '' 10000
check "7000 clone events" lines "$T/j.json" '^{"type":"clone"' 7000
check "1000 decision events" lines "$T/j.json" '^{"type":"decision"' 1000
check "1000 unshare events" lines "$T/j.json" '^{"type":"unshare"' 1000
check "1000 setns events" lines "$T/j.json" '^{"type":"setns"' 1000
check "every context field is there (cwd, container id, credentials)" \
	lines "$T/j.json" '"container_id":"ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12".*"cwd":"/home/src/build"' 10000
check "the summary counts them" \
	grep -q '"events":{"clone":7000,"decision":1000,"unshare":1000,"setns":1000}' "$T/j.err"
check "the rate line says 10000 events" grep -q '^{"type":"synthetic","events":10000,"ns":[0-9]*,"events_per_s":[1-9][0-9]*,"max_rss_kb":[1-9]' "$T/j.err"
check "text output: a header and 10000 lines" sh -c \
	"$CG events --synthetic 10000 --output $T/t.txt 2>$T/t.err && [ \$(wc -l <$T/t.txt) = 10001 ] &&
	 grep -q '^clonegate: synthetic: 10000 events in' $T/t.err"
# No BTF, no module, no BPF needed.
check "works without kernel BTF" unshare -m sh -c \
	"mount -t tmpfs none /sys/kernel/btf && $CG events --synthetic 100 --output /dev/null"
check "--synthetic 0 is a usage error (exit 1)" sh -c \
	"$CG events --synthetic 0 2>$T/e0; [ \$? = 1 ] && grep -q 'synthetic needs a number above 0' $T/e0"
check "--synthetic with --count is a usage error (exit 1)" sh -c \
	"$CG events --synthetic 5 --count 5 2>$T/e1; [ \$? = 1 ] && grep -q 'synthetic takes no --count' $T/e1"
check "an unwritable output fails (exit 2) before anything runs" sh -c \
	"$CG events --synthetic 5 --output /proc/nonexistent/x 2>$T/e2; [ \$? = 2 ] && grep -q 'cannot open' $T/e2"
rm -rf "$T"
tap_done
