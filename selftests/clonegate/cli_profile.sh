#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# cli_profile.sh: profiles from files and profile diff, with no module
# needed: profile validate (OK, and each kind of error with its exact
# FILE:LINE:COL and nothing on stdout), profile show of a file against the
# built-in it names as its base, and profile diff of two built-ins line by
# line, of a profile with itself, and its exit codes (0 same, 1 differ,
# 2 error). With the module: profile load and unload, a loaded profile
# shown, diffed, applied and run by name, and what each refusal changes
# (nothing). Prints TAP; run by run_guest.sh (docs/profile-format.md).
. "$(dirname "$0")/tap.sh"
T=$(mktemp -d)

# pf NAME LINE...: write $T/NAME.profile, one argument a line.
pf() {
	f=$T/$1.profile
	shift
	if [ $# -gt 0 ]; then printf '%s\n' "$@" >"$f"; else : >"$f"; fi
}

# show_tail PROFILE: profile show --json from "clone_supported" on, that is
# without what names it (name, id, file, base, description, default).
show_tail() {
	$CG --json profile show "$1" | sed 's/^.*"clone_supported":/"clone_supported":/'
}

# same_show A B: A and B show the same JSON but for what names them.
same_show() {
	show_tail "$1" >"$T/a.json" && show_tail "$2" >"$T/b.json" &&
		grep -q '"rules":\[' "$T/a.json" && diff -u "$T/b.json" "$T/a.json"
}

# bad DESCRIPTION WHERE_AND_WHAT LINE...: the file of LINEs is refused by
# validate (exit 1, nothing on stdout) with exactly "FILE:WHERE_AND_WHAT",
# and show prints nothing on stdout for it either (exit 2).
bad() {
	desc=$1 want=$2
	shift 2
	pf bad "$@"
	echo "$f:$want" >"$T/want"
	$CG profile validate "$f" >"$T/out" 2>"$T/err"
	rc=$?
	$CG profile show "$f" >"$T/show.out" 2>/dev/null
	src=$?
	{
		diff -u "$T/want" "$T/err"
		[ "$rc" = 1 ] || echo "validate: exit $rc, want 1"
		[ ! -s "$T/out" ] || { echo "validate wrote to stdout:"; cat "$T/out"; }
		[ "$src" = 2 ] || echo "show: exit $src, want 2"
		[ ! -s "$T/show.out" ] || { echo "show wrote to stdout:"; cat "$T/show.out"; }
	} >"$tap_out" 2>&1
	[ "$rc" = 1 ] && [ "$src" = 2 ] && [ ! -s "$T/out" ] && [ ! -s "$T/show.out" ] &&
		cmp -s "$T/want" "$T/err"
	report $? "$desc"
}

tap_plan 111

# ---- valid files ------------------------------------------------------------
pf head 'clonegate-profile 1' 'name my-head' 'base gvisor-head'
exits 0 "validate: a file that names only its base" $CG profile validate "$T/head.profile"
check "validate: one line, OK, the name and the base" \
	sh -c "[ \"\$(cat $tap_last)\" = '$T/head.profile: OK: profile my-head, base gvisor-head' ]"
check "round trip: base gvisor-head alone shows as gvisor-head (JSON)" same_show "$T/head.profile" gvisor-head
check "show --json of a file names it: no id, its file and base" \
	sh -c "$CG --json profile show $T/head.profile | grep -q '^{\"name\":\"my-head\",\"id\":null,\"file\":\"$T/head.profile\",\"base\":\"gvisor-head\",'"
check "show (text) of a file: its name, path and base first" \
	sh -c "[ \"\$($CG profile show $T/head.profile | head -1)\" = 'my-head (from $T/head.profile, base gvisor-head)' ]"
pf seed 'clonegate-profile 1' 'name my-seed' 'base gvisor-21d66119'
check "round trip: base gvisor-21d66119 alone shows as gvisor-21d66119" same_show "$T/seed.profile" gvisor-21d66119
exits 0 "diff of a file with only a base and that base: same, exit 0" $CG profile diff "$T/head.profile" gvisor-head
check "... and nothing printed" sh -c "[ ! -s $tap_last ]"

pf gate 'clonegate-profile 1' 'name my-gate' 'base gvisor-head' 'cgroup2 mounted'
check "cgroup2 mounted on gvisor-head is gvisor-head-cgroup2" same_show "$T/gate.profile" gvisor-head-cgroup2
pf shut 'clonegate-profile 1' 'name my-shut' 'base gvisor-head-cgroup2' 'cgroup2 unmounted'
check "cgroup2 unmounted on gvisor-head-cgroup2 is gvisor-head" same_show "$T/shut.profile" gvisor-head
pf empty 'clonegate-profile 1' 'name nothing' 'base none'
check "base none is Linux's answer everywhere (the linux profile)" same_show "$T/empty.profile" linux

# The example of docs/profile-format.md, in a name ending in .profile
# given without a '/' (the other way a path is told from a name).
(cd "$T" && pf no-userns 'clonegate-profile 1' \
	'# Linux everywhere, except that no new user namespace is made or joined' \
	'name no-userns' 'description Linux, but no new user namespaces' 'base none   # Linux' \
	'clone-flags -NEWUSER' 'setns-types -NEWUSER' \
	'rule C1 on' 'rule S2 on' 'errno C1 EPERM' 'errno S2 EPERM')
check "a file named NAME.profile without a '/' is a file" sh -c "cd $T && $CG profile validate no-userns.profile"
check "its JSON: C1 and S2 on, with the errno the file names" \
	sh -c "$CG --json profile show $T/no-userns.profile | grep -q '\"rules\":\[{\"rule\":\"C1\",\"id\":2,\"errno\":\"EPERM\",\"errno_value\":1,[^}]*},{\"rule\":\"S2\",\"id\":23,\"errno\":\"EPERM\",\"errno_value\":1,[^}]*}\]'"
check "its JSON: NEWUSER is the one clone flag refused" \
	sh -c "$CG --json profile show $T/no-userns.profile | grep -q '\"clone_refused_flags\":\[\"NEWUSER\"\]'"
check "its JSON: the base and the description" \
	sh -c "$CG --json profile show $T/no-userns.profile | grep -q '\"base\":\"none\",\"description\":\"Linux, but no new user namespaces\"'"
check "show (text): C1's errno is the file's" \
	sh -c "$CG profile show $T/no-userns.profile | grep -qx 'clone flags (C1: any other flag -> EPERM)'"
exits 1 "diff linux FILE: they differ, exit 1" $CG profile diff linux "$T/no-userns.profile"
cat >"$T/want" <<'WANT'
FIELD         ITEM           linux              no-userns
clone-flags   NEWUSER        yes                no
setns-types   NEWUSER        yes                no
rule          C1             off                on
rule          S2             off                on
WANT
check "... the two flags and the two rules, line by line" diff -u "$T/want" "$tap_last"
pf errno 'clonegate-profile 1' 'name other-errno' 'base gvisor-head' 'errno C10 EACCES' 'errno C9 EINVAL'
exits 1 "diff gvisor-head FILE: an errno that differs" $CG profile diff gvisor-head "$T/errno.profile"
check "... is one errno line (naming the catalogue's errno changes nothing)" \
	sh -c "[ \"\$(sed 1d $tap_last)\" = 'errno         C10            EPERM              EACCES' ]"
pf quirk 'clonegate-profile 1' 'name no-setns-quirk' 'base gvisor-head' 'rule C5.setns off' 'rule c6.SETNS off'
check "a file can turn the quirks C5.setns and C6.setns off (ids case-insensitive)" $CG profile validate "$T/quirk.profile"
exits 1 "diff gvisor-head FILE: the two quirk rules" $CG profile diff gvisor-head "$T/quirk.profile"
check "... are two rule lines" sh -c "[ \"\$(sed 1d $tap_last | tr -s ' ' | tr '\n' '|')\" = 'rule C5.setns on off|rule C6.setns on off|' ]"

# ---- diff of the built-ins ---------------------------------------------------
# gvisor-21d66119 against gvisor-head: the differences of the spec's summary
# table (docs/policy.md section 7) that are a table's fields.
exits 1 "diff gvisor-21d66119 gvisor-head: they differ, exit 1" \
	$CG profile diff gvisor-21d66119 gvisor-head
cat >"$T/want" <<'WANT'
FIELD         ITEM           gvisor-21d66119    gvisor-head
clone-flags   PIDFD          no                 yes
clone-flags   NEWNS          no                 yes
clone-flags   DETACHED       no                 yes
clone-flags   NEWCGROUP      no                 yes
clone-flags   CLEAR_SIGHAND  no                 yes
clone-flags   INTO_CGROUP    no                 yes
unshare-flags NEWCGROUP      no                 yes
setns-types   NEWUSER        no                 yes
setns-types   NEWPID         no                 yes
clone-caps    NEWCGROUP      no                 yes
unshare-caps  NEWCGROUP      no                 yes
setns-pidfd   -              no                 yes
rule          H1             off                on
rule          H2             off                on
rule          H3             off                on
rule          H4             off                on
rule          H5             off                on
rule          H6             off                on
rule          C5.setns       off                on
rule          C6.setns       off                on
rule          H7             off                on
rule          H10            off                on
rule          H11            off                on
rule          H12            off                on
rule          H12.proc       off                on
rule          H13            off                on
rule          H14            off                on
rule          H15            off                on
rule          H16a           off                on
rule          H16b           off                on
rule          H16c           off                on
rule          H16d           off                on
rule          H16.creds      off                on
rule          H17a           off                on
rule          H17b           off                on
rule          H18            off                on
WANT
check "... line by line" diff -u "$T/want" "$tap_last"
exits 1 "diff --json gvisor-21d66119 gvisor-head" $CG profile diff --json gvisor-21d66119 gvisor-head
check "... 36 differences, the first and the last as in the table" \
	sh -c "[ \$(grep -o '{\"field\"' $tap_last | wc -l) = 36 ] && grep -q '^{\"a\":\"gvisor-21d66119\",\"b\":\"gvisor-head\",\"same\":false,\"differences\":\[{\"field\":\"clone-flags\",\"item\":\"PIDFD\",\"a\":\"no\",\"b\":\"yes\"},' $tap_last && grep -q '{\"field\":\"rule\",\"item\":\"H18\",\"a\":\"off\",\"b\":\"on\"}\]}$' $tap_last"
exits 1 "diff gvisor-head gvisor-head-cgroup2: the gate" $CG profile diff gvisor-head gvisor-head-cgroup2
cat >"$T/want" <<'WANT'
FIELD         ITEM           gvisor-head        gvisor-head-cgroup2
setns-types   NEWCGROUP      no                 yes
cgroup2       -              unmounted          mounted
rule          H5             on                 off
rule          H10            on                 off
rule          H11            on                 off
WANT
check "... line by line" diff -u "$T/want" "$tap_last"
exits 0 "diff A A: exit 0" $CG profile diff gvisor-head gvisor-head
check "... and nothing printed" sh -c "[ ! -s $tap_last ]"
exits 0 "diff --json A A: exit 0" $CG profile diff --json gvisor-21d66119 gvisor-21d66119
check "... same, no differences" \
	sh -c "[ \"\$(cat $tap_last)\" = '{\"a\":\"gvisor-21d66119\",\"b\":\"gvisor-21d66119\",\"same\":true,\"differences\":[]}' ]"
exits 2 "diff with an unknown profile: exit 2" $CG profile diff gvisor-head nope
exits 2 "diff with a bad file: exit 2" $CG profile diff gvisor-head "$T/nonexistent.profile"
check "... its error names the file" grep -q "^$T/nonexistent.profile:1:1: error: found no file to read" "$tap_last"
exits 2 "diff with one profile: a usage error, exit 2" $CG profile diff gvisor-head

# ---- bad files ----------------------------------------------------------------
V='clonegate-profile 1'
bad "an empty file" "1:1: error: found the end of the file, expected 'clonegate-profile 1'"
bad "comments only" "3:1: error: found the end of the file, expected 'clonegate-profile 1'" '# a' ''
bad "no version line" "2:1: error: found 'name', expected 'clonegate-profile 1' first" '' 'name x'
bad "another version" "1:19: error: found version '2', expected 1" 'clonegate-profile 2'
bad "no name" "3:1: error: found the end of the file, expected a 'name' line" "$V" 'base none'
bad "no base" "3:1: error: found the end of the file, expected a 'base' line" "$V" 'name x'
bad "an unknown key" "2:3: error: found 'colour', expected a key (name, description, base, clone-flags, unshare-flags, setns-types, clone-caps, unshare-caps, setns-pidfd, cgroup2, rule, errno)" "$V" '  colour blue'
bad "a key twice" "4:1: error: found a second 'name' (the first is line 2), expected each key once" "$V" 'name x' 'base none' 'name y'
bad "a name with a capital" "2:7: error: found 'A' in the name, expected a-z, 0-9, '.', '_' or '-'" "$V" 'name mA'
bad "a name of 33 characters" "2:38: error: found a name longer than 32 characters, expected a shorter one" "$V" 'name abcdefghijklmnopqrstuvwxyz0123456'
bad "a built-in's name" "2:6: error: found 'linux', a built-in profile's name, expected a name of its own" "$V" 'name linux'
bad "an unknown base" "3:6: error: found 'gvisor-tip', expected 'none' or a built-in profile ('clonegate profile list')" "$V" 'name x' 'base gvisor-tip'
bad "a mask before the base" "3:1: error: found 'clone-flags' before 'base', expected the base profile first" "$V" 'name x' 'clone-flags VM' 'base none'
bad "an unknown flag" "4:16: error: found 'VMM', expected a flag name as 'clonegate profile show' prints them, or a 0x mask" "$V" 'name x' 'base none' 'clone-flags VM VMM'
bad "a flag setns cannot enter" "4:21: error: found 'VM', expected a namespace flag (NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWTIME)" "$V" 'name x' 'base none' 'setns-types +NEWNS +VM'
bad "bits outside the clone flags" "4:13: error: found bits 0x7f that this key does not take, expected bits within 0x3ffffff80" "$V" 'name x' 'base none' 'clone-flags 0xff'
bad "bits above the namespace flags" "4:12: error: found bits 0x400000000 that this key does not take, expected bits within 0x7e020080" "$V" 'name x' 'base none' 'clone-caps 0x400020000'
bad "+FLAG mixed with FLAG" "4:17: error: found 'NEWNS', expected +FLAG or -FLAG like the first flag of the line" "$V" 'name x' 'base none' 'clone-flags -VM NEWNS'
bad "an unknown rule" "4:6: error: found 'H19', expected a rule id such as C1 or H16a (docs/policy.md)" "$V" 'name x' 'base gvisor-head' 'rule H19 on'
bad "a rule twice" "5:6: error: found a second line for C1 (the first is line 4), expected one" "$V" 'name x' 'base none' 'rule C1 on' 'rule c1 off'
bad "neither on nor off" "4:9: error: found 'yes', expected 'on' or 'off'" "$V" 'name x' 'base none' 'rule C1 yes'
bad "an unknown errno" "5:10: error: found 'EWHATEVER', expected an errno name such as EPERM or EINVAL" "$V" 'name x' 'base none' 'rule C1 on' 'errno C1 EWHATEVER'
bad "an errno for a rule that refuses nothing" "4:7: error: found U-drop, which refuses nothing, expected a rule that returns an errno" "$V" 'name x' 'base gvisor-head' 'errno U-drop EPERM'
bad "an errno for a rule that is off" "4:7: error: found an errno for H1, which is off, expected 'rule H1 on'" "$V" 'name x' 'base gvisor-21d66119' 'errno H1 EPERM'
bad "a gate rule on with cgroup2 mounted" "5:6: error: found H10 on while cgroup2 is mounted, expected 'cgroup2 unmounted' (H10 refuses only without cgroup2)" "$V" 'name x' 'base gvisor-head' 'cgroup2 mounted' 'rule H10 on'
bad "a word too many" "3:11: error: found 'gvisor-head', expected the end of the line" "$V" 'name x' 'base none gvisor-head'
bad "a control character" "2:7: error: found byte 0x01, expected printable ASCII text" "$V" "$(printf 'name x\001')"
bad "a line of 257 characters" "2:257: error: found a line longer than 256 characters, expected a shorter one" "$V" "#$(printf '%0256d' 0)"
rm -f "$f"; mkdir "$f"
$CG profile validate "$f" >"$T/out" 2>"$T/err"
rc=$?
echo "$f:1:1: error: found something that is not a regular file, expected a readable regular file" >"$T/want"
diff -u "$T/want" "$T/err" >"$tap_out"
[ "$rc" = 1 ] && [ ! -s "$T/out" ] && cmp -s "$T/want" "$T/err"
report $? "a directory is no profile file (exit 1, nothing on stdout)" "exit $rc"

# ---- loaded profiles (the module) -------------------------------------------
DIR=/sys/fs/cgroup/cgtest-cliprof-$$
need_nobody
mkdir -p "$DIR"

# norm_show ARG: profile show --json without what tells a file from a loaded
# profile (id, file, base, loaded): what the file says.
norm_show() {
	$CG --json profile show "$1" |
		sed -e 's/"id":[^,]*,//' -e 's/"file":"[^"]*",//' -e 's/"base":"[^"]*",//' \
		    -e 's/"loaded":true,//'
}
same_loaded() {
	norm_show "$1" >"$T/a.json" && norm_show "$2" >"$T/b.json" &&
		grep -q "\"name\":\"$1\"" "$T/a.json" && diff -u "$T/a.json" "$T/b.json"
}
# refused_load DESC WANT_STDERR_GREP FILE: exit 2, nothing on stdout, stderr
# matching, and the list of profiles unchanged.
refused_load() {
	desc=$1 want=$2 file=$3
	$CG --json profile list >"$T/list.before"
	$CG profile load "$file" >"$T/out" 2>"$T/err"
	rc=$?
	$CG --json profile list >"$T/list.after"
	{
		cat "$T/err"
		[ "$rc" = 2 ] || echo "load: exit $rc, want 2"
		[ ! -s "$T/out" ] || { echo "load wrote to stdout:"; cat "$T/out"; }
		diff -u "$T/list.before" "$T/list.after"
	} >"$tap_out" 2>&1
	[ "$rc" = 2 ] && [ ! -s "$T/out" ] && grep -q -- "$want" "$T/err" &&
		cmp -s "$T/list.before" "$T/list.after"
	report $? "$desc"
}

pf nouser 'clonegate-profile 1' 'name no-userns' 'description Linux, but no new user namespaces' \
	'base none' 'clone-flags -NEWUSER' 'setns-types -NEWUSER' 'rule C1 on' 'rule S2 on'
NOUSER=$T/nouser.profile
exits 0 "profile load FILE" $CG profile load "$NOUSER"
check "... says what it loaded, under which id" grep -q "^loaded profile no-userns (id 6[4-9]) from $NOUSER\$" "$tap_last"
check "profile list shows it, loaded" sh -c "$CG --json profile list | grep -q '{\"name\":\"no-userns\",\"id\":6[4-9],\"description\":\"Linux, but no new user namespaces\",\"default\":false,\"loaded\":true,\"scopes\":0}'"
check "round trip: show --json NAME is show --json FILE (but for id, file, base)" same_loaded no-userns "$NOUSER"
check "show --json NAME says loaded and its id" sh -c "$CG --json profile show no-userns | grep -q '^{\"name\":\"no-userns\",\"id\":6[4-9],\"loaded\":true,'"
exits 0 "diff FILE NAME: the same, exit 0" $CG profile diff "$NOUSER" no-userns
exits 1 "diff linux NAME: differs, exit 1" $CG profile diff linux no-userns
check "... in exactly C1, S2 and NEWUSER twice" sh -c "[ \$(grep -c 'NEWUSER\|^rule  *C1\|^rule  *S2' $tap_last) = 4 ]"
refused_load "loading the same name again: taken, nothing changes" "a profile named 'no-userns' is already loaded" "$NOUSER"
pf badload 'clonegate-profile 1' 'name bad-load' 'base none' 'clone-flags -NEWUSR'
refused_load "a bad file loads nothing and names FILE:LINE:COL" "^$T/badload.profile:4:14: error: found 'NEWUSR'" "$T/badload.profile"
# A file's errno lines load with it, and its rules refuse with them.
pf errload 'clonegate-profile 1' 'name err-load' 'base none' 'clone-flags -NEWUSER' \
	'setns-types -NEWPID' 'rule C1 on' 'rule S2 on' 'errno C1 EPERM' 'errno S2 EACCES'
ERRLOAD=$T/errload.profile
exits 0 "a file whose errno lines change errnos loads" $CG profile load "$ERRLOAD"
check "round trip with errno lines: show --json NAME is show --json FILE" same_loaded err-load "$ERRLOAD"
check "... C1 refuses with EPERM, S2 with EACCES" sh -c "$CG --json profile show err-load | grep -q '{\"rule\":\"C1\",\"id\":2,\"errno\":\"EPERM\",\"errno_value\":1,.*{\"rule\":\"S2\",\"id\":23,\"errno\":\"EACCES\",\"errno_value\":13,'"
exits 0 "diff FILE NAME with errno lines: the same, exit 0" $CG profile diff "$ERRLOAD" err-load
pf errnone 'clonegate-profile 1' 'name err-none' 'base none' 'clone-flags -NEWUSER' \
	'setns-types -NEWPID' 'rule C1 on' 'rule S2 on'
exits 1 "diff NAME FILE: the loaded errnos against the catalogue's" $CG profile diff err-load "$T/errnone.profile"
check "... in exactly C1's and S2's errno" sh -c "[ \$(sed 1d $tap_last | wc -l) = 2 ] && grep -Eq '^errno +C1 +EPERM +EINVAL\$' $tap_last && grep -Eq '^errno +S2 +EACCES +EINVAL\$' $tap_last"
exits 1 "run --profile NAME: setns into a pid namespace fails" $CG run --profile err-load -- nsenter -p -t 1 true
check "... with the profile's errno (EACCES), not the catalogue's" grep -q "Permission denied" "$tap_last"
check "... and the decision event says EACCES" \
	sh -c "grep -Eq '^  refused +S2 +setns +pid +EACCES +1 ' $tap_last"
exits 0 "... unload it" $CG profile unload err-load
pf errbad 'clonegate-profile 1' 'name err-bad' 'base none' 'rule C1 on' 'errno C1 ENOTTY'
refused_load "an errno a profile may not give loads nothing and names FILE:LINE:COL" "^$T/errbad.profile:5:10: error: found 'ENOTTY', expected an errno name" "$T/errbad.profile"
pf erroff 'clonegate-profile 1' 'name err-off' 'base none' 'errno C1 EPERM'
refused_load "an errno for a rule that is off loads nothing" "^$T/erroff.profile:4:7: error: found an errno for C1, which is off" "$T/erroff.profile"
pf okerr 'clonegate-profile 1' 'name ok-err' 'base none' 'rule C1 on' 'errno C1 EINVAL'
exits 0 "an errno line that names the catalogue's errno loads" $CG profile load "$T/okerr.profile"
exits 0 "... and unloads" $CG profile unload ok-err
pf other 'clonegate-profile 1' 'name other' 'base gvisor-head'
cp "$T/other.profile" /tmp/cliprof-other.profile
chmod 644 /tmp/cliprof-other.profile
$CG --json profile list >"$T/list.before"
exits 2 "unprivileged profile load is refused" su -s /bin/sh nobody -c "$CG profile load /tmp/cliprof-other.profile"
check "... as permission denied, nothing loaded" sh -c "grep -q 'permission denied' $tap_last && $CG --json profile list >$T/list.after && cmp -s $T/list.after $T/list.before"
exits 2 "unprivileged profile unload is refused" su -s /bin/sh nobody -c "$CG profile unload no-userns"
rm -f /tmp/cliprof-other.profile

check "policy apply --profile NAME (loaded)" $CG policy apply --cgroup "$DIR" --mode enforce --profile no-userns
check "the scope is listed under the loaded name" sh -c "$CG --json policy list | grep -q '\"profile\":\"no-userns\"'"
$CG --json profile list >"$T/list.before"
exits 2 "unload while a scope uses it is refused" $CG profile unload no-userns
check "... saying it is in use by 1 scope, nothing changed" sh -c "grep -q \"profile 'no-userns' is in use by 1 scope\" $tap_last && $CG --json profile list >$T/list.after && cmp -s $T/list.after $T/list.before"
check "run --profile NAME (loaded): a plain command runs" $CG run --profile no-userns -- true
check "policy remove; then unload" sh -c "$CG policy remove --cgroup $DIR && $CG profile unload no-userns"
check "... and it is no longer listed" sh -c "! $CG --json profile list | grep -q no-userns"
exits 2 "unload again: no such loaded profile" $CG profile unload no-userns
check "... says so" grep -q "no loaded profile named 'no-userns'" "$tap_last"
exits 2 "unload a built-in is refused" $CG profile unload gvisor-head
exits 2 "policy apply with a name neither built in nor loaded" $CG policy apply --cgroup "$DIR" --mode audit --profile no-userns
exits 0 "re-load after unload" $CG profile load "$NOUSER"
check "round trip again" same_loaded no-userns "$NOUSER"
check "unload" $CG profile unload no-userns

# The maximum: 16 loaded profiles, the 17th refused.
i=0
while [ $i -lt 17 ]; do
	pf "max$i" 'clonegate-profile 1' "name max-$i" 'base gvisor-head'
	i=$((i + 1))
done
SIXTEEN="0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"
check "16 profiles load" sh -c "for i in $SIXTEEN; do $CG profile load $T/max\$i.profile >/dev/null || exit 1; done"
refused_load "the 17th is refused: the maximum, nothing changes" "maximum of 16 loaded profiles" "$T/max16.profile"
check "unload the 16" sh -c "for i in $SIXTEEN; do $CG profile unload max-\$i >/dev/null || exit 1; done"
check "none left loaded" sh -c "! $CG --json profile list | grep -q '\"loaded\":true'"
rmdir "$DIR"

rm -rf "$T"
tap_done
