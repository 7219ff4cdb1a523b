#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_cgroup.sh: the clonegate command finds cgroup v2 where
# /proc/self/mountinfo says it is mounted (userspace/cgroup.c), whatever the
# layout: pure v2 at /sys/fs/cgroup, hybrid at /sys/fs/cgroup/unified, a
# mount point whose name mountinfo escapes (a space \040, a backslash
# \134), a subtree bind
# mount listed before the whole hierarchy, and none at all (one clear error,
# nothing applied). Each layout is built in a private mount namespace
# (unshare -m) on the guest's one cgroup2 hierarchy, so the guest's own
# mounts never change; policy apply, events --cgroup and run each resolve a
# path in it. Prints TAP; run by run_guest.sh after the module is loaded.
. "$(dirname "$0")/tap.sh"
T=/tmp/cli-cgroup.$$
NAME=cgtest-mnt-$$		# the test cgroup, /$NAME in the hierarchy
REAL=/sys/fs/cgroup/$NAME
SP="$T/cg v2\\x"		# a mount point with a space and a backslash
mkdir -p "$T" "$REAL"

# in_ns LAYOUT SCRIPT: run SCRIPT (sh) in a new mount namespace once the
# guest's cgroup2 mount is replaced by LAYOUT (sh commands); $CG, $T, $NAME,
# $SP are exported to both. SCRIPT is a list of its own (it may start a
# background job), run only if LAYOUT was built.
export CG T NAME SP
in_ns() {
	unshare -m --propagation private sh -c "umount /sys/fs/cgroup && $1 || exit 1
$2"
}
hybrid='mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/unified &&
	mount -t cgroup2 none /sys/fs/cgroup/unified'
spaced='mkdir -p "$SP" && mount -t cgroup2 none "$SP"'
subtree='mkdir -p $T/a $T/sub $T/whole && mount -t cgroup2 none $T/a &&
	mount -o bind $T/a/$NAME $T/sub && umount $T/a && mount -t cgroup2 none $T/whole'

# The scope of $NAME is listed (as /$NAME) in the guest's own namespace, in MODE.
listed() {
	$CG --json policy list |
		grep -q "\"cgroup\":\"/$NAME\",\"cgroup_id\":[0-9]*,\"profile\":\"[^\"]*\",\"mode\":\"$1\""
}
unlisted() {
	! $CG --json policy list | grep -q "\"cgroup\":\"/$NAME\""
}
remove() {
	$CG policy remove --cgroup "$REAL" >/dev/null 2>&1
}

# --- pure v2: the guest's layout
check "pure v2: policy apply --cgroup under /sys/fs/cgroup" \
	sh -c "$CG --json policy apply --cgroup $REAL --mode audit | grep -q '\"cgroup\":\"/$NAME\"'"
check "pure v2: listed as /$NAME" listed audit
remove

# --- hybrid: cgroup2 at /sys/fs/cgroup/unified
check "hybrid: mountinfo has cgroup2 only at /sys/fs/cgroup/unified" in_ns "$hybrid" \
	'grep " - cgroup2 " /proc/self/mountinfo | grep -q " /sys/fs/cgroup/unified " &&
	 ! grep " - cgroup2 " /proc/self/mountinfo | grep -q " /sys/fs/cgroup "'
check "hybrid: policy apply --cgroup /sys/fs/cgroup/unified/NAME" in_ns "$hybrid" \
	'$CG --json policy apply --cgroup /sys/fs/cgroup/unified/$NAME --mode audit |
	 grep -q "\"cgroup\":\"/$NAME\""'
check "hybrid: the policy is on the real cgroup" listed audit
check "hybrid: policy apply --cgroup /NAME (relative to the mount)" in_ns "$hybrid" \
	'$CG policy apply --cgroup /$NAME --mode enforce'
check "hybrid: the mode changed" listed enforce
check "hybrid: policy list names it /NAME" in_ns "$hybrid" \
	'$CG --json policy list | grep -q "\"cgroup\":\"/$NAME\""'
remove
# A task in the cgroup forks in a loop; the collector must see a clone of it.
check "hybrid: events --cgroup sees the cgroup's clones" in_ns "$hybrid" \
	'sh -c "echo \$\$ >/sys/fs/cgroup/unified/$NAME/cgroup.procs && while :; do (:); done" &
	 g=$!
	 timeout 120 $CG events --json --cgroup /sys/fs/cgroup/unified/$NAME --count 1 >$T/ev.json
	 st=$?; kill $g; wait $g 2>/dev/null; [ $st = 0 ] && grep -q "^{\"type\":\"clone\"" $T/ev.json'
check "hybrid: run puts CMD in a transient cgroup under the v2 mount" in_ns "$hybrid" \
	'$CG run --audit -- cat /proc/self/cgroup 2>/dev/null | grep -q "^0::/clonegate.run.[0-9]*$"'

# --- a mount point with a space and a backslash: mountinfo escapes both
check "escaped: mountinfo writes them as \\040 and \\134" in_ns "$spaced" \
	'grep -q "cg\\\\040v2\\\\134x .* - cgroup2 " /proc/self/mountinfo'
check "escaped: policy apply --cgroup 'MOUNT/NAME'" in_ns "$spaced" \
	'$CG --json policy apply --cgroup "$SP/$NAME" --mode audit | grep -q "\"cgroup\":\"/$NAME\""'
check "escaped: the policy is on the real cgroup" listed audit
remove
check "escaped: run works" in_ns "$spaced" '$CG run --audit -- true 2>/dev/null'

# --- a bind mount of a subtree first, the whole hierarchy after it
check "subtree: mountinfo lists the subtree (root /NAME) first" in_ns "$subtree" \
	'grep " - cgroup2 " /proc/self/mountinfo | head -1 | grep -q "^[^ ]* [^ ]* [^ ]* /$NAME $T/sub "'
check "subtree: /NAME is resolved in the whole hierarchy" in_ns "$subtree" \
	'$CG --json policy apply --cgroup /$NAME --mode audit | grep -q "\"cgroup\":\"/$NAME\""'
check "subtree: the policy is on the real cgroup" listed audit
remove

# --- no cgroup v2 at all: one clear error, exit 2, nothing applied
check "none: policy apply fails (exit 2)" in_ns : \
	'$CG policy apply --cgroup /$NAME --mode enforce 2>$T/err; [ $? = 2 ]'
check "none: with one line saying cgroup v2 is not mounted" sh -c \
	"[ \$(wc -l <$T/err) = 1 ] && grep -q 'cgroup v2 is not mounted (no cgroup2 filesystem in /proc/self/mountinfo' $T/err"
check "none: nothing was applied" unlisted
check "none: events --cgroup fails (exit 2) with the same error" in_ns : \
	'$CG events --cgroup /$NAME --count 1 2>$T/err; [ $? = 2 ] && grep -q "cgroup v2 is not mounted" $T/err'
check "none: run fails (exit 2) with the same error, CMD not run" in_ns : \
	'$CG run -- touch $T/ran 2>$T/err; [ $? = 2 ] && grep -q "cgroup v2 is not mounted" $T/err &&
	 [ ! -e $T/ran ]'

remove
rmdir "$REAL" 2>/dev/null
rm -rf "$T"
tap_done
