#!/usr/bin/env bash
# x12-parse never puts an element value on stderr: names, member ids, birth
# dates, claim ids and payer claim numbers are distinctive canary strings here,
# inputs trigger every finding the parser has, and stderr is grepped for them
# in every mode. The --errors file may hold them (it is data) but must be
# mode 0600 even under umask 000, also when it existed before with wider modes.
set -u
bin=${CLAIMKIT_BIN:?CLAIMKIT_BIN not set}
[ -x "$bin/x12-parse" ] || { echo "skipped: $bin/x12-parse not built yet"; exit 77; }
bin=$(cd "$bin" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/claimkit-x12phi.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LC_ALL=C TZ=UTC NO_COLOR=1

# Every value below that a person could be found by carries ZZCANARY, or is
# one of these dates (valid and invalid birth / service dates).
cat >canaries <<'EOF'
ZZCANARY
19370412
19370231
20261399
20260230
2026100
EOF

isa() {  # isa CONTROL -> an ISA segment, padded, 00501, ^ repetition, : component
  printf 'ISA*00*          *00*          *ZZ*NORTHWINDCH    *ZZ*LAKESIDEBILL   *261101*1200*^*00501*%s*0*T*:~\n' "$1"
}
head277() {  # head277 ST02 -> ST, BHT and the payer / receiver / provider levels
  cat <<EOF
ST*277*$1*005010X212~
BHT*0010*08*ZZCANARYBHT*20261101*1200*DG~
HL*1**20*1~
NM1*PR*2*ACME HEALTH PLAN*****PI*12345~
HL*2*1*21*1~
NM1*41*2*NORTHWIND BILLING*****46*NWB001~
HL*3*2*19*1~
NM1*1P*2*LAKESIDE CLINIC*****XX*1234567893~
EOF
}
claim() {  # claim HL N -> one complete claim loop full of canaries
  cat <<EOF
HL*$1*3*22*0~
NM1*IL*1*ZZCANARYNAME$2*ZZCANARYFIRST$2*ZZCANARYMID****MI*ZZCANARYMBR$2~
TRN*2*ZZCANARYPCN$2~
STC*F1:65:PR*20261020**150.00*120.00*20261018*CHK*20261022*ZZCANARYCHECK$2*****ZZCANARYMSG$2~
REF*1K*ZZCANARYPCC$2~
REF*EJ*ZZCANARYACCT$2~
REF*D9*ZZCANARYTRACE$2~
DTP*472*D8*20261001~
SVC*HC:99213*150.00*120.00****1~
STC*F1:65:PR*20261020~
REF*FJ*ZZCANARYLINE$2~
EOF
}
# Counts the segments of a transaction body given on stdin (ST..SE = +1 for SE).
wrap() {  # wrap ST02 SE01_OVERRIDE SE02_OVERRIDE < body
  local body n
  body=$(cat)
  n=$(printf '%s\n' "$body" | grep -c '~')
  printf '%s\n' "$body"
  printf 'SE*%s*%s~\n' "${2:-$((n + 1))}" "${3:-$1}"
}

# A clean 277 with everything a claim can carry.
{
  isa 000000101
  echo 'GS*HN*NORTHWINDCH*LAKESIDEBILL*20261101*1200*101*X*005010X212~'
  { head277 0001; claim 4 1; claim 5 2; } | wrap 0001
  echo 'GE*1*101~'
  echo 'IEA*1*000000101~'
} >good.277

# One interchange per finding, each with the canaries in the segment at fault.
{
  # 1: ISA13/IEA02, IEA01, GS06/GE02, GE01, ST02/SE02, SE01
  isa 000000201
  echo 'GS*HN*NORTHWINDCH*LAKESIDEBILL*20261101*1200*201*X*005010X212~'
  { head277 0001; claim 4 3; } | wrap 0001 99 ZZCANARYSE
  echo 'GE*7*ZZCANARYGE~'
  echo 'IEA*5*ZZCANARYIE~'
  # 2: HL parent, HL sequence, STC without TRN, claim without STC, HL without
  #    TRN, empty STC01, invalid dates, GS01 not matching ST01
  isa 000000202
  echo 'GS*HR*NORTHWINDCH*LAKESIDEBILL*20261101*1200*202*X*005010X212~'
  {
    head277 0001
    echo 'HL*4*ZZCANARYHL*22*0~'
    echo 'NM1*IL*1*ZZCANARYNAME4*ZZCANARYFIRST4****MI*ZZCANARYMBR4~'
    echo 'TRN*2*ZZCANARYPCN4~'
    echo 'STC*F1:65:PR*20261399**150.00*120.00*20260230*CHK*20261399*ZZCANARYCHECK4~'
    echo 'DTP*472*D8*2026100~'
    echo 'HL*9*3*22*0~'
    echo 'NM1*IL*1*ZZCANARYNAME5****MI*ZZCANARYMBR5~'
    echo 'STC*F1:65:PR*20261020~'
    echo 'REF*1K*ZZCANARYPCC5~'
    echo 'HL*10*3*22*0~'
    echo 'NM1*IL*1*ZZCANARYNAME6****MI*ZZCANARYMBR6~'
    echo 'TRN*2*ZZCANARYPCN6~'
    echo 'REF*1K*ZZCANARYPCC6~'
    echo 'HL*11*3*22*0~'
    echo 'NM1*IL*1*ZZCANARYNAME7****MI*ZZCANARYMBR7~'
    echo 'HL*12*3*22*0~'
    echo 'NM1*IL*1*ZZCANARYNAME8****MI*ZZCANARYMBR8~'
    echo 'TRN*2*ZZCANARYPCN8~'
    echo 'STC**20261020*ZZCANARYACTION~'
    echo 'ZZCANARYTAG*ZZCANARYNAME9~'
    echo 'Z!*ZZCANARYNAME10~'
  } | wrap 0001
  echo 'GE*1*202~'
  echo 'IEA*1*000000202~'
  # 3: text between interchanges, then a segment outside any transaction,
  #    an ST without SE, a transaction with no HL
  echo 'ZZCANARYSTRAY text between interchanges'
  isa 000000203
  echo 'NM1*IL*1*ZZCANARYNAME11****MI*ZZCANARYMBR11~'
  echo 'GS*HN*NORTHWINDCH*LAKESIDEBILL*20261101*1200*203*X*005010X212~'
  { head277 0001; claim 4 12; }
  { echo 'ST*277*0002*005010X212~'; echo 'BHT*0010*08*ZZCANARYBHT2*20261101*1200*DG~'; } | wrap 0002
  echo 'GE*2*203~'
  echo 'IEA*1*000000203~'
  # 4: a bad ISA (too few elements), then an unsupported 835
  echo 'ISA*00*ZZCANARYAUTH*00*          *ZZ*ZZCANARYSENDER~'
  isa 000000204
  echo 'GS*HP*NORTHWINDCH*LAKESIDEBILL*20261101*1200*204*X*005010X221A1~'
  {
    echo 'ST*835*0001*005010X221A1~'
    echo 'BPR*I*120.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20261022~'
    echo 'CLP*ZZCANARYPCN13*1*150.00*120.00**12*ZZCANARYPCC13~'
    echo 'NM1*QC*1*ZZCANARYNAME13*ZZCANARYFIRST13****MI*ZZCANARYMBR13~'
  } | wrap 0001
  printf 'ST*ZZCANARYST*ZZCANARYCTL~\nBHT*0010*08*ZZCANARYBHT3~\nSE*3*ZZCANARYCTL~\n'
  echo 'GE*2*204~'
  echo 'IEA*1*000000204~'
  # 5: a 999 with a transaction response that has no IK5, and an IK5 without AK2
  isa 000000205
  echo 'GS*FA*NORTHWINDCH*LAKESIDEBILL*20261101*1200*205*X*005010X231A1~'
  {
    echo 'ST*999*0001*005010X231A1~'
    echo 'AK1*HC*17456*005010X222A1~'
    echo 'AK2*837*0001*005010X222A1~'
    echo 'IK3*CLM*22*2300*8~'
    echo 'CTX*CLM01:ZZCANARYPCN14~'
    echo 'IK4*2*782*1*ZZCANARYBADVALUE~'
    echo 'AK2*837*0002*005010X222A1~'
    echo 'IK5*ZZCANARYIK5~'
    echo 'IK5*R~'
    echo 'AK9*R*2*2*0~'
  } | wrap 0001
  echo 'GE*1*205~'
  echo 'IEA*1*000000205~'
  # 6: a truncated interchange: no SE/GE/IEA, cut inside a name
  isa 000000206
  echo 'GS*HN*NORTHWINDCH*LAKESIDEBILL*20261101*1200*206*X*005010X212~'
  head277 0001
  claim 4 15
  printf 'HL*5*3*22*0~\nNM1*IL*1*ZZCANARYNAME16*ZZCANA'
} >broken.277

# A 276 with a birth date and member ids.
{
  isa 000000301
  echo 'GS*HR*NORTHWINDCH*LAKESIDEBILL*20261101*1200*301*X*005010X212~'
  {
    echo 'ST*276*0001*005010X212~'
    echo 'BHT*0010*13*ZZCANARYREQ*20261101*1200~'
    echo 'HL*1**20*1~'
    echo 'NM1*PR*2*ACME HEALTH PLAN*****PI*12345~'
    echo 'HL*2*1*21*1~'
    echo 'NM1*41*2*NORTHWIND BILLING*****46*NWB001~'
    echo 'HL*3*2*19*1~'
    echo 'NM1*1P*2*LAKESIDE CLINIC*****XX*1234567893~'
    echo 'HL*4*3*22*1~'
    echo 'DMG*D8*19370412*F~'
    echo 'NM1*IL*1*ZZCANARYNAME20*ZZCANARYFIRST20****MI*ZZCANARYMBR20~'
    echo 'HL*5*4*23~'
    echo 'DMG*D8*19370231*M~'
    echo 'NM1*QC*1*ZZCANARYDEP21*ZZCANARYFIRST21~'
    echo 'TRN*1*ZZCANARYPCN21~'
    echo 'REF*1K*ZZCANARYPCC21~'
    echo 'AMT*T3*60.00~'
    echo 'DTP*472*D8*2026100~'
  } | wrap 0001 3
  echo 'GE*1*301~'
  echo 'IEA*1*000000301~'
} >req.276

printf 'ZZCANARYNAME30,ZZCANARYMBR30,19370412\n' >notx12.csv
printf '\x00\x01ZZCANARYBIN\xff\xfeISA\x00' >garbage.bin
# A wrapped file (the reader joins the lines) whose SE count is wrong.
fold -w 37 good.277 | sed 's/SE\*[0-9]*\*/SE*3*/' >wrapped.277

inputs=(good.277 broken.277 req.276 notx12.csv garbage.bin wrapped.277)
fail=0
grep -q ZZCANARY broken.277 || { echo "FAIL: test inputs were not built"; exit 1; }

check_stderr() {  # check_stderr LABEL FILE
  if grep -a -n -F -f canaries "$2" >"$work/hits"; then
    echo "FAIL: $1: an element value reached stderr:"
    head -5 "$work/hits"
    fail=1
  fi
}

modes=("" "--strict" "--segments" "--strict --segments" "-q")
for mode in "${modes[@]}"; do
  label="x12-parse ${mode:-(default)}"
  # shellcheck disable=SC2086
  "$bin/x12-parse" $mode "${inputs[@]}" >out.ndjson 2>err.txt
  status=$?
  check_stderr "$label" err.txt
  case $status in 0|1) ;; *) echo "FAIL: $label exited $status"; cat err.txt; fail=1 ;; esac
  [ -s err.txt ] || [ "$mode" = "-q" ] || { echo "FAIL: $label: no findings reported at all"; fail=1; }
  [ "$mode" != "-q" ] || [ ! -s err.txt ] || { echo "FAIL: -q still wrote to stderr"; fail=1; }
  for f in "${inputs[@]}"; do
    # shellcheck disable=SC2086
    "$bin/x12-parse" $mode - <"$f" >/dev/null 2>err.txt
    check_stderr "$label on stdin ($f)" err.txt
  done
done

# The findings must actually have been made (else the test proves nothing).
"$bin/x12-parse" "${inputs[@]}" >/dev/null 2>all.txt
for want in "IEA02 does not match" "IEA01 does not match" "GE02 does not match" "GE01 does not match" \
            "SE02 does not match" "SE01 says" "HL02 does not name" "HL01 is not one more" \
            "STC segment without a TRN" "claim has no STC" "HL has no TRN" "STC01 claim status is empty" \
            "not a valid CCYYMMDD" "DTP03 service date" "GS01 functional identifier" \
            "segment identifier is not valid" "outside any interchange" "outside any transaction" \
            "has no SE segment" "has no HL segment" "interchange skipped" "not read in claims mode" \
            "has no IEA segment" "no ISA segment found" "has no GE segment" "has no IK5/AK5" \
            "without an AK2" "not a known X12 set"; do
  grep -q -F "$want" all.txt || { echo "FAIL: no finding containing '$want' was reported"; fail=1; }
done

# --errors: the file may hold values (raw segments, records), but stderr not,
# and it is private whatever the umask.
for mode in "" "--strict" "--segments"; do
  rm -f rejects.ndjson
  # shellcheck disable=SC2086
  (umask 000 && "$bin/x12-parse" $mode --errors rejects.ndjson "${inputs[@]}" >/dev/null 2>err.txt)
  check_stderr "x12-parse ${mode:-(default)} --errors" err.txt
  perm=$(stat -c %a rejects.ndjson 2>/dev/null)
  [ "$perm" = 600 ] || { echo "FAIL: --errors file created with mode $perm under umask 000, want 600"; fail=1; }
  [ -s rejects.ndjson ] || { echo "FAIL: --errors file is empty ${mode}"; fail=1; }
done
rm -f rejects.ndjson
(umask 000 && : >rejects.ndjson && chmod 666 rejects.ndjson)
(umask 000 && "$bin/x12-parse" --errors rejects.ndjson broken.277 >/dev/null 2>err.txt)
check_stderr "x12-parse --errors (existing file)" err.txt
perm=$(stat -c %a rejects.ndjson)
[ "$perm" = 600 ] || { echo "FAIL: an existing 0666 --errors file was left with mode $perm, want 600"; fail=1; }

# A missing file and an unreadable one: their names are not PHI, but nothing
# read from the other inputs may leak either.
"$bin/x12-parse" broken.277 missing.277 >/dev/null 2>err.txt
check_stderr "x12-parse with a missing file" err.txt

[ $fail = 0 ] && echo "ok: no canary on stderr in ${#modes[@]} modes over ${#inputs[@]} inputs"
exit $fail
