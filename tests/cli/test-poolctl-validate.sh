#!/usr/bin/env bash
# poolctl validate, run as a user or a CI job runs it. Usage: test-poolctl-validate.sh POOLCTL FIXTURES
#
# Writes its own pool and volume files in a temporary directory and checks exit codes, stdout
# (--print: canonical XML, byte for byte) and stderr (one "error: PATH:LINE: message" line per
# bad file). Prints "ok - ..." or "not ok - ..." per check; exits 1 if any check failed.
set -u

poolctl=${1:?usage: $0 POOLCTL FIXTURES_DIR}
fixtures=${2:-}
if [[ ! -x $poolctl ]]; then
  echo "not ok - poolctl is not executable: $poolctl"
  exit 1
fi
# The checks run inside a temporary directory: make both paths absolute first.
[[ $poolctl == /* ]] || poolctl=$PWD/$poolctl
[[ -z $fixtures || $fixtures == /* ]] || fixtures=$PWD/$fixtures

tmp=$(mktemp -d "${TMPDIR:-/tmp}/poolctl-validate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

checks=0 failed=0
pass() { checks=$((checks + 1)); echo "ok - $1"; }
fail() { # description, details...
  checks=$((checks + 1)); failed=$((failed + 1))
  echo "not ok - $1"
  shift
  local d
  for d in "$@"; do printf '%s\n' "$d" | sed 's/^/#   /'; done
}

# run ARGS...: runs poolctl validate (30 s at most); sets rc, and leaves stdout in $tmp/out,
# stderr in $tmp/err.
run() {
  timeout 30 "$poolctl" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
}
err_lines() { # number of lines on stderr (a last line without newline counts)
  awk 'END { print NR }' "$tmp/err"
}
show() { # stdout and stderr of the last run, for failure details
  echo "rc=$rc"
  sed 's/^/stdout: /' "$tmp/out" | head -n 20
  sed 's/^/stderr: /' "$tmp/err" | head -n 20
}

# expect_exact NAME RC STDOUT-FILE STDERR-FILE: the last run, compared exactly.
expect_exact() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4 problems=""
  ((rc == want_rc)) || problems+="exit status $rc, expected $want_rc"$'\n'
  cmp -s "$tmp/out" "$want_out" ||
    problems+="stdout differs (- expected, + actual):"$'\n'"$(diff -u "$want_out" "$tmp/out" | tail -n +3)"$'\n'
  cmp -s "$tmp/err" "$want_err" ||
    problems+="stderr differs (- expected, + actual):"$'\n'"$(diff -u "$want_err" "$tmp/err" | tail -n +3)"$'\n'
  if [[ -z $problems ]]; then pass "$name"; else fail "$name" "$problems"; fi
}
# err_has PREFIX: some line of the last run's stderr starts with PREFIX (no regex: paths may
# hold any character).
err_has() {
  local l
  while IFS= read -r l || [[ -n $l ]]; do
    [[ $l == "$1"* ]] && return 0
  done <"$tmp/err"
  return 1
}

: >"$tmp/empty"

# ---------------------------------------------------------------------------------------------
# Input files.

cat >web.xml <<'EOF'
<pool type="dir">
  <name>web</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <target>
    <path>/srv//web/</path>
    <permissions><mode>711</mode><owner>0</owner><group>0</group></permissions>
  </target>
</pool>
EOF
cat >web.out <<'EOF'
<pool type='dir'>
  <name>web</name>
  <uuid>11111111-2222-3333-4444-555555555555</uuid>
  <capacity unit='bytes'>0</capacity>
  <allocation unit='bytes'>0</allocation>
  <available unit='bytes'>0</available>
  <source>
  </source>
  <target>
    <path>/srv/web</path>
    <permissions>
      <mode>0711</mode>
      <owner>0</owner>
      <group>0</group>
    </permissions>
  </target>
</pool>
EOF

# Escaping, a port, the fs: namespace under another prefix, no <uuid>.
cat >nfs.xml <<'EOF'
<pool type='netfs' xmlns:mnt='http://libvirt.org/schemas/storagepool/fs/1.0'>
  <name>a&amp;b&lt;c'd"e</name>
  <uuid>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</uuid>
  <source>
    <host name='nfs.example.com' port='2049'/>
    <dir path='/export//a&amp;b/'/>
    <format type='nfs'/>
    <protocol ver='4'/>
  </source>
  <target><path>/mnt/x'y</path></target>
  <mnt:mount_opts><mnt:option name='ro'/><mnt:option name='sync'/></mnt:mount_opts>
</pool>
EOF
cat >nfs.out <<'EOF'
<pool type='netfs' xmlns:fs='http://libvirt.org/schemas/storagepool/fs/1.0'>
  <name>a&amp;b&lt;c&apos;d&quot;e</name>
  <uuid>aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee</uuid>
  <capacity unit='bytes'>0</capacity>
  <allocation unit='bytes'>0</allocation>
  <available unit='bytes'>0</available>
  <source>
    <host name='nfs.example.com' port='2049'/>
    <dir path='/export/a&amp;b'/>
    <format type='nfs'/>
    <protocol ver='4'/>
  </source>
  <target>
    <path>/mnt/x&apos;y</path>
  </target>
  <fs:mount_opts>
    <fs:option name='ro'/>
    <fs:option name='sync'/>
  </fs:mount_opts>
</pool>
EOF

# No <uuid>: the name-based UUID of docs/definitions.md (v5 of "derived" in poold's namespace).
printf "<pool type='dir'><name>derived</name><target><path>/srv/derived</path></target></pool>" >derived.xml
cat >derived.out <<'EOF'
<pool type='dir'>
  <name>derived</name>
  <uuid>4cb3b054-73a3-55db-a7c4-5626e8cbf4f0</uuid>
  <capacity unit='bytes'>0</capacity>
  <allocation unit='bytes'>0</allocation>
  <available unit='bytes'>0</available>
  <source>
  </source>
  <target>
    <path>/srv/derived</path>
  </target>
</pool>
EOF

cat >fs.xml <<'EOF'
<pool type='fs'>
  <name>data</name>
  <source><device path='/dev/vdb1'/><format type='ext4'/></source>
  <target><path>/mnt/data</path></target>
</pool>
EOF
cat >disk.xml <<'EOF'
<pool type='disk'>
  <name>sdb</name>
  <source><device path='/dev/sdb'/><format type='gpt'/></source>
  <target><path>/dev</path></target>
</pool>
EOF
cat >iscsi.xml <<'EOF'
<pool type='iscsi'>
  <name>san</name>
  <source>
    <host name='192.0.2.10'/>
    <device path='iqn.2013-06.com.example:target0'/>
  </source>
  <target><path>/dev/disk/by-path</path></target>
</pool>
EOF
cat >vg.xml <<'EOF'
<pool type='logical'>
  <name>vg0</name>
  <source><device path='/dev/sdc1'/></source>
</pool>
EOF

# Bad pools, each with its first problem on a known line.
cat >relative.xml <<'EOF'
<pool type='dir'>
  <name>relative</name>
  <target><path>relative/path</path></target>
</pool>
EOF
cat >mismatch.xml <<'EOF'
<pool type='dir'>
  <name>mismatch</name>
  <target>
    <path>/srv/x</path>
  </targt>
</pool>
EOF
cat >badtype.xml <<'EOF'

<pool type='floppy'>
  <name>badtype</name>
</pool>
EOF
cat >baduuid.xml <<'EOF'
<pool type='dir'>
  <name>baduuid</name>
  <uuid>1234</uuid>
  <target><path>/srv/baduuid</path></target>
</pool>
EOF

# Volumes.
cat >part.xml <<'EOF'
<volume>
  <name>sdb1</name>
  <capacity unit='MiB'>100</capacity>
  <target>
    <format type='linux-swap'/>
  </target>
</volume>
EOF
cat >part.out <<'EOF'
<volume type='file'>
  <name>sdb1</name>
  <capacity unit='bytes'>104857600</capacity>
  <allocation unit='bytes'>104857600</allocation>
  <target>
    <format type='linux-swap'/>
  </target>
</volume>
EOF
cat >image.xml <<'EOF'
<volume>
  <name>image.qcow2</name>
  <capacity unit='GiB'>1</capacity>
  <target>
    <format type='qcow2'/>
  </target>
</volume>
EOF
cat >image.out <<'EOF'
<volume type='file'>
  <name>image.qcow2</name>
  <capacity unit='bytes'>1073741824</capacity>
  <allocation unit='bytes'>1073741824</allocation>
  <target>
    <format type='qcow2'/>
  </target>
</volume>
EOF

# ---------------------------------------------------------------------------------------------
# Valid files.

run validate "$tmp/web.xml"
expect_exact "a valid pool: exit 0, nothing on stdout or stderr" 0 "$tmp/empty" "$tmp/empty"

run validate "$tmp/web.xml" "$tmp/nfs.xml" "$tmp/derived.xml" "$tmp/fs.xml" "$tmp/disk.xml" \
  "$tmp/iscsi.xml" "$tmp/vg.xml"
expect_exact "several valid pools of several types: exit 0, no output" 0 "$tmp/empty" "$tmp/empty"

run validate --print "$tmp/web.xml"
expect_exact "--print: canonical XML (sizes, empty <source>, sanitized path, octal mode)" \
  0 "$tmp/web.out" "$tmp/empty"

run validate --print "$tmp/nfs.xml"
expect_exact "--print: escaped text and attributes, port, protocol, fs:mount_opts" \
  0 "$tmp/nfs.out" "$tmp/empty"

run validate --print "$tmp/derived.xml"
expect_exact "--print of a pool without <uuid> shows its stable name-based UUID" \
  0 "$tmp/derived.out" "$tmp/empty"

run validate --print "$tmp/derived.xml"
cp "$tmp/out" "$tmp/derived.again"
run validate --print "$tmp/derived.xml"
if [[ -s $tmp/out ]] && cmp -s "$tmp/out" "$tmp/derived.again"; then
  pass "the derived UUID is the same on every run"
else
  fail "the derived UUID is the same on every run" "$(diff "$tmp/derived.again" "$tmp/out")"
fi

# What --print prints is itself valid and prints the same again.
for f in web nfs derived fs disk iscsi vg; do
  run validate --print "$tmp/$f.xml"
  cp "$tmp/out" "$tmp/$f.printed.xml"
  run validate --print "$tmp/$f.printed.xml"
  if ((rc == 0)) && [[ -s $tmp/out && ! -s $tmp/err ]] && cmp -s "$tmp/out" "$tmp/$f.printed.xml"; then
    pass "--print output of $f.xml validates and prints unchanged"
  else
    fail "--print output of $f.xml validates and prints unchanged" "$(show)"
  fi
done

# Relative paths are reported as given.
run validate relative.xml
printf "error: relative.xml:3: target path 'relative/path' is not absolute\n" >"$tmp/want.err"
expect_exact "an error names the file as given, its line and the reason" 1 "$tmp/empty" "$tmp/want.err"

# ---------------------------------------------------------------------------------------------
# Several files, some bad.

run validate --print "$tmp/web.xml" "$tmp/relative.xml" "$tmp/derived.xml"
cat "$tmp/web.out" "$tmp/derived.out" >"$tmp/want.out"
printf "error: %s:3: target path 'relative/path' is not absolute\n" "$tmp/relative.xml" >"$tmp/want.err"
expect_exact "one bad file among good ones: exit 1, the good ones still printed, one error line" \
  1 "$tmp/want.out" "$tmp/want.err"

run validate "$tmp/mismatch.xml" "$tmp/web.xml" "$tmp/badtype.xml" "$tmp/baduuid.xml" "$tmp/relative.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]] && (($(err_lines) == 4)); then
  pass "four bad files: exit 1, exactly four lines on stderr, nothing on stdout"
else
  fail "four bad files: exit 1, exactly four lines on stderr, nothing on stdout" "$(show)"
fi
mapfile -t lines <"$tmp/err"
i=0
for want in "$tmp/mismatch.xml:5" "$tmp/badtype.xml:2" "$tmp/baduuid.xml:3" "$tmp/relative.xml:3"; do
  line=${lines[i]:-}
  if [[ $line == "error: $want: "?* ]]; then
    pass "line $((i + 1)) of stderr is 'error: ${want#"$tmp/"}: ...', in argument order"
  else
    fail "line $((i + 1)) of stderr is 'error: ${want#"$tmp/"}: ...', in argument order" "got: $line"
  fi
  i=$((i + 1))
done
form_ok=yes
for line in "${lines[@]}"; do
  if [[ ! $line =~ ^error:\ [^:]+:[1-9][0-9]*:\ [^[:space:]] ]]; then
    form_ok="got: $line"
    break
  fi
done
if [[ $form_ok == yes && ${#lines[@]} -gt 0 ]]; then
  pass "every error line has the form 'error: PATH:LINE: message'"
else
  fail "every error line has the form 'error: PATH:LINE: message'" "$form_ok"
fi
if [[ ${lines[1]:-} == *"unknown storage pool type 'floppy'"* ]]; then
  pass "the error says what is wrong (unknown type 'floppy')"
else
  fail "the error says what is wrong (unknown type 'floppy')" "got: ${lines[1]:-}"
fi
if [[ ${lines[2]:-} == *"malformed uuid '1234'"* ]]; then
  pass "the error says what is wrong (malformed uuid '1234')"
else
  fail "the error says what is wrong (malformed uuid '1234')" "got: ${lines[2]:-}"
fi

# A file with several problems is one line: the first problem.
cat >twice.xml <<'EOF'
<pool type='dir'>
  <name>twice</name>
  <uuid>nope</uuid>
  <target><path>also/relative</path></target>
</pool>
EOF
run validate "$tmp/twice.xml"
printf "error: %s:3: malformed uuid 'nope'\n" "$tmp/twice.xml" >"$tmp/want.err"
expect_exact "a file with two problems gives one line, for the first" 1 "$tmp/empty" "$tmp/want.err"

# Every line of stderr is a whole error: user text with a newline must not split one failure
# over two lines (or forge a second "error:" line, as CI log parsers read them).
printf "<pool type='dir'>\n  <name>web&#10;error: forged.xml:1: looks real</name>\n  <target><path>/srv/x</path></target>\n</pool>\n" >newline.xml
run validate "$tmp/newline.xml" "$tmp/web.xml"
if ((rc == 1)) && (($(err_lines) == 1)) && [[ $(head -n 1 "$tmp/err") == "error: $tmp/newline.xml:2: "* ]]; then
  pass "a pool name with a newline in it still gives exactly one stderr line"
else
  fail "a pool name with a newline in it still gives exactly one stderr line" "$(show)"
fi

# ---------------------------------------------------------------------------------------------
# Volumes in a pool's context (--pool).

run validate --pool "$tmp/disk.xml" "$tmp/part.xml"
expect_exact "--pool disk: a partition type is a valid volume format" 0 "$tmp/empty" "$tmp/empty"

run validate --print --pool "$tmp/disk.xml" "$tmp/part.xml"
expect_exact "--print --pool disk: the volume's canonical XML" 0 "$tmp/part.out" "$tmp/empty"

run validate --pool "$tmp/disk.xml" "$tmp/image.xml"
printf "error: %s:5: unknown volume format type 'qcow2' for a disk pool\n" "$tmp/image.xml" >"$tmp/want.err"
expect_exact "--pool disk: 'qcow2' is refused, on its line" 1 "$tmp/empty" "$tmp/want.err"

run validate --print --pool "$tmp/web.xml" "$tmp/image.xml"
expect_exact "--pool dir: 'qcow2' is valid" 0 "$tmp/image.out" "$tmp/empty"

run validate --pool "$tmp/web.xml" "$tmp/part.xml"
printf "error: %s:5: unknown volume format type 'linux-swap' for a dir pool\n" "$tmp/part.xml" >"$tmp/want.err"
expect_exact "--pool dir: a partition type is refused" 1 "$tmp/empty" "$tmp/want.err"

run validate --print --pool "$tmp/disk.xml" "$tmp/part.xml" "$tmp/image.xml" "$tmp/part.xml"
cat "$tmp/part.out" "$tmp/part.out" >"$tmp/want.out"
printf "error: %s:5: unknown volume format type 'qcow2' for a disk pool\n" "$tmp/image.xml" >"$tmp/want.err"
expect_exact "--pool with several volumes, one bad: exit 1, the others printed" \
  1 "$tmp/want.out" "$tmp/want.err"

run validate --pool "$tmp/relative.xml" "$tmp/image.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]] && (($(err_lines) == 1)) &&
  err_has "error: $tmp/relative.xml:3: "; then
  pass "--pool with a bad pool file: exit 1, the pool file's error"
else
  fail "--pool with a bad pool file: exit 1, the pool file's error" "$(show)"
fi

run validate --pool "$tmp/missing-pool.xml" "$tmp/image.xml"
if ((rc == 1)) && err_has "error: $tmp/missing-pool.xml: cannot read file"; then
  pass "--pool with a missing pool file: exit 1, cannot read file"
else
  fail "--pool with a missing pool file: exit 1, cannot read file" "$(show)"
fi

run validate "$tmp/image.xml"
if ((rc == 1)) && err_has "error: $tmp/image.xml:1: " && grep -qF "<pool>" "$tmp/err"; then
  pass "a volume file without --pool is refused (root element is not <pool>)"
else
  fail "a volume file without --pool is refused (root element is not <pool>)" "$(show)"
fi

run validate --pool "$tmp/web.xml" "$tmp/fs.xml"
if ((rc == 1)) && err_has "error: $tmp/fs.xml:1: " && grep -qF "<volume>" "$tmp/err"; then
  pass "a pool file given as a volume is refused (root element is not <volume>)"
else
  fail "a pool file given as a volume is refused (root element is not <volume>)" "$(show)"
fi

# ---------------------------------------------------------------------------------------------
# Files that cannot be read, usage errors.

run validate "$tmp/missing.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]] && (($(err_lines) == 1)) &&
  [[ $(<"$tmp/err") == "error: $tmp/missing.xml: cannot read file"* ]]; then
  pass "a missing file: exit 1, 'error: PATH: cannot read file'"
else
  fail "a missing file: exit 1, 'error: PATH: cannot read file'" "$(show)"
fi

run validate --print "$tmp/missing.xml" "$tmp/web.xml"
if ((rc == 1)) && cmp -s "$tmp/out" "$tmp/web.out" && (($(err_lines) == 1)); then
  pass "a missing file does not stop the next one from being checked and printed"
else
  fail "a missing file does not stop the next one from being checked and printed" "$(show)"
fi

run validate "$tmp"
if ((rc == 1)) && err_has "error: $tmp: cannot read file"; then
  pass "a directory: exit 1, cannot read file"
else
  fail "a directory: exit 1, cannot read file" "$(show)"
fi

mkfifo "$tmp/fifo.xml"
run validate "$tmp/fifo.xml"
if ((rc == 1)) && err_has "error: $tmp/fifo.xml: "; then
  pass "a FIFO is refused at once, not waited on"
else
  fail "a FIFO is refused at once, not waited on" "$(show)"
fi

: >empty.xml
run validate "$tmp/empty.xml"
if ((rc == 1)) && (($(err_lines) == 1)) && err_has "error: $tmp/empty.xml: " && grep -q "empty" "$tmp/err"; then
  pass "an empty file: exit 1, says it is empty"
else
  fail "an empty file: exit 1, says it is empty" "$(show)"
fi

run validate
if ((rc == 1)) && [[ ! -s $tmp/out ]] && grep -q "^error: .*no FILE" "$tmp/err"; then
  pass "no FILE: exit 1 with an error"
else
  fail "no FILE: exit 1 with an error" "$(show)"
fi

run validate --print
if ((rc == 1)) && [[ ! -s $tmp/out ]]; then pass "--print without FILE: exit 1"; else fail "--print without FILE: exit 1" "$(show)"; fi

run validate --pool "$tmp/disk.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]]; then pass "--pool POOLFILE without FILE: exit 1"; else fail "--pool POOLFILE without FILE: exit 1" "$(show)"; fi

run validate --no-such-option "$tmp/web.xml"
if ((rc == 1)) && [[ -s $tmp/err ]]; then pass "an unknown option: exit 1 with a message"; else fail "an unknown option: exit 1 with a message" "$(show)"; fi

run validate --help
if ((rc == 0)) && grep -q "^Usage: poolctl validate" "$tmp/out"; then pass "validate --help: usage on stdout, exit 0"; else fail "validate --help: usage on stdout, exit 0" "$(show)"; fi

run frobnicate "$tmp/web.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]] && grep -q "^error: unknown command" "$tmp/err" &&
  grep -q "frobnicate" "$tmp/err"; then
  pass "an unknown command: exit 1, 'error: unknown command' naming it"
else
  fail "an unknown command: exit 1, 'error: unknown command' naming it" "$(show)"
fi

run
if ((rc == 1)); then pass "no command: exit 1"; else fail "no command: exit 1" "$(show)"; fi

if [[ -w /dev/full ]]; then
  timeout 30 "$poolctl" validate --print "$tmp/web.xml" >/dev/full 2>"$tmp/err"
  rc=$?
  if ((rc != 0)); then pass "--print to a full disk fails (exit $rc)"; else fail "--print to a full disk fails" "exit 0"; fi
fi

# ---------------------------------------------------------------------------------------------
# Hostile input: entity bombs, external entities, size.

# Lines of /etc/passwd long enough not to match by chance; none may ever be shown.
leaks_passwd() {
  local l
  [[ -r /etc/passwd ]] || return 1
  while IFS= read -r l; do
    ((${#l} >= 8)) || continue
    grep -qF -- "$l" "$tmp/out" "$tmp/err" && return 0
  done </etc/passwd
  grep -q "root:" "$tmp/out" "$tmp/err"
}

# hostile NAME DESCRIPTION ARGS...: exit 1, an error line naming the file, no passwd content.
hostile() {
  local file=$1 desc=$2
  shift 2
  run validate --print "$@" "$tmp/$file"
  if ((rc == 1)) && [[ ! -s $tmp/out ]] && err_has "error: $tmp/$file:" && ! leaks_passwd; then
    pass "$desc"
  else
    fail "$desc" "$(show)"
  fi
}

{
  echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE pool ['
  echo '  <!ENTITY lol "lol">'
  prev=lol
  for i in 1 2 3 4 5 6 7 8 9; do
    printf '  <!ENTITY lol%s "' "$i"
    for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
    printf '">\n'
    prev=lol$i
  done
  echo ']>'
  echo "<pool type='dir'>"
  echo '  <name>&lol9;</name>'
  echo "  <target><path>/srv/lol</path></target>"
  echo '</pool>'
} >laughs.xml
start=$SECONDS
hostile laughs.xml "a billion-laughs entity bomb is refused"
if ((SECONDS - start <= 10)); then pass "the entity bomb is refused quickly"; else fail "the entity bomb is refused quickly" "took $((SECONDS - start)) s"; fi
if grep -q "lol" "$tmp/out"; then fail "nothing of the bomb is printed" "$(show)"; else pass "nothing of the bomb is printed"; fi

cat >xxe.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE pool [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<pool type='dir'>
  <name>xxe</name>
  <target><path>/srv/x</path></target>
  <source><name>&xxe;</name></source>
</pool>
EOF
hostile xxe.xml "an external entity (XXE) to /etc/passwd is refused, its content never shown"

cat >xxe-dir.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE pool [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<pool type='dir'>
  <name>xxe-dir</name>
  <target><path>/srv/&xxe;</path></target>
</pool>
EOF
hostile xxe-dir.xml "an XXE in a path that would be echoed in an error is refused, no passwd content"

cat >xxe-param.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE pool [
  <!ENTITY % p SYSTEM "file:///etc/passwd">
  %p;
]>
<pool type='dir'>
  <name>xxe-param</name>
  <target><path>/srv/x</path></target>
</pool>
EOF
hostile xxe-param.xml "a parameter entity to /etc/passwd is refused"

cat >xxe-external-dtd.xml <<'EOF'
<!DOCTYPE pool SYSTEM "file:///etc/passwd">
<pool type='dir'>
  <name>xxe-external-dtd</name>
  <target><path>/srv/x</path></target>
</pool>
EOF
hostile xxe-external-dtd.xml "an external DTD (/etc/passwd) is refused"

cat >xxe-vol.xml <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE volume [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<volume>
  <name>&xxe;</name>
  <capacity>1</capacity>
</volume>
EOF
hostile xxe-vol.xml "an XXE in a volume file (--pool) is refused" --pool "$tmp/web.xml"

cat >xinclude.xml <<'EOF'
<pool type='dir' xmlns:xi='http://www.w3.org/2001/XInclude'>
  <name>xinclude</name>
  <target><path>/srv/x</path></target>
  <xi:include href='/etc/passwd' parse='text'/>
</pool>
EOF
run validate --print "$tmp/xinclude.xml"
if leaks_passwd; then
  fail "XInclude is not processed: /etc/passwd never shown" "$(show)"
else
  pass "XInclude is not processed: /etc/passwd never shown"
fi

# 1 MiB is the limit: a valid pool padded to exactly 1 MiB passes, one byte more does not.
pad_to() { # file size: pads a valid pool with trailing spaces
  local head="<pool type='dir'><name>big</name><target><path>/srv/big</path></target></pool>"
  { printf '%s' "$head"; head -c $(($2 - ${#head})) /dev/zero | tr '\0' ' '; } >"$1"
}
pad_to big-limit.xml 1048576
run validate --print "$tmp/big-limit.xml"
if ((rc == 0)) && [[ ! -s $tmp/err ]] && grep -qF "<name>big</name>" "$tmp/out"; then
  pass "a file of exactly 1 MiB is read"
else
  fail "a file of exactly 1 MiB is read" "$(show)"
fi
pad_to big.xml 1048577
run validate --print "$tmp/big.xml"
if ((rc == 1)) && [[ ! -s $tmp/out ]] && (($(err_lines) == 1)) &&
  err_has "error: $tmp/big.xml: " && grep -q "larger than" "$tmp/err"; then
  pass "a file over 1 MiB is refused, saying it is too large"
else
  fail "a file over 1 MiB is refused, saying it is too large" "$(show)"
fi
head -c $((8 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >huge.xml
run validate "$tmp/huge.xml"
if ((rc == 1)) && grep -q "larger than" "$tmp/err"; then
  pass "an 8 MiB file is refused"
else
  fail "an 8 MiB file is refused" "$(show)"
fi

# ---------------------------------------------------------------------------------------------
# The project's fixtures, when there are some: every pool fixture NAME.xml validates, prints
# exactly NAME.out.xml when there is one, and its printed form prints unchanged. (Volume
# fixtures need their pool's type, which only their own harness knows.)

fixture() { # kind (pools/volumes), file, poolctl options...
  local kind=$1 f=$2 name want
  shift 2
  name=$kind/$(basename "$f")
  want=${f%.xml}.out.xml
  run validate --print "$@" "$f"
  if ((rc != 0)); then
    fail "fixture $name validates" "$(show)"
    return
  fi
  if [[ -e $want ]]; then
    expect_exact "fixture $name prints exactly ${want##*/}" 0 "$want" "$tmp/empty"
  fi
  cp "$tmp/out" "$tmp/fixture.printed.xml"
  run validate --print "$@" "$tmp/fixture.printed.xml"
  if ((rc == 0)) && [[ -s $tmp/out ]] && cmp -s "$tmp/out" "$tmp/fixture.printed.xml"; then
    pass "fixture $name: its --print output prints unchanged"
  else
    fail "fixture $name: its --print output prints unchanged" "$(show)"
  fi
}

if [[ -n $fixtures ]]; then
  for f in "$fixtures"/pools/*.xml; do
    if [[ -e $f && $f != *.out.xml ]]; then fixture pools "$f"; fi
  done
fi

echo "$((checks - failed)) passed, $failed failed"
((failed == 0))
