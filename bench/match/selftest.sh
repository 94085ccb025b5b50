#!/bin/sh
# Checks sightline_match_eval's scoring on a tiny made-up set with a fake matcher (no media, no
# corpus): pairs in either order, a misplaced segment, a pair between two copies (not scored), a
# hard negative and an unrelated false pair.   bench/match/selftest.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=$T/set
mkdir -p "$S"
tab() { printf '%s\t' "$@" | sed 's/\t$//'; echo; }
{
  tab file source src_start src_end file_start file_end role edit
  tab orig/x.mp4 x 0 10 0 10 original original
  tab copies/x/mirror.mp4 x 0 10 0 10 copy mirror
  tab copies/x/excerpt.mp4 x 3 7 0 4 copy excerpt
  tab neg/asl/a.mkv asl:a 0 2 0 2 hardneg none
  tab neg/asl/b.mkv asl:b 0 2 0 2 hardneg none
  tab neg/gif/g.gif gif:g 0 3 0 3 distractor none
} > "$S/pieces.tsv"
{
  tab a b edit a_start a_end b_start b_end
  tab orig/x.mp4 copies/x/mirror.mp4 mirror 0 10 0 10
  tab orig/x.mp4 copies/x/excerpt.mp4 excerpt 3 7 0 4
  tab neg/asl/a.mkv neg/asl/b.mkv hard_negative none none none none
  tab orig/x.mp4 neg/gif/g.gif unrelated none none none none
} > "$S/truth.tsv"
seg() { printf '{"a_start":%s,"a_end":%s,"b_start":%s,"b_end":%s,"score":0.9}' "$@"; }
cat > "$T/sightline" <<EOF
#!/bin/sh
cat <<'JSON'
{"pairs":[
 {"a":"$S/orig/x.mp4","b":"$S/copies/x/mirror.mp4","score":0.9,"mirrored":true,
  "segments":[$(seg 5 6 1 2),$(seg 0.2 10 0.1 9.9)],"evidence":[]},
 {"a":"$S/copies/x/excerpt.mp4","b":"$S/orig/x.mp4","score":0.8,"mirrored":false,
  "segments":[$(seg 0 4 1.5 7)],"evidence":[]},
 {"a":"$S/copies/x/excerpt.mp4","b":"$S/copies/x/mirror.mp4","score":0.8,"segments":[]},
 {"a":"$S/neg/asl/b.mkv","b":"$S/neg/asl/a.mkv","score":0.4,"segments":[]},
 {"a":"$S/neg/gif/g.gif","b":"$S/orig/x.mp4","score":0.3,"segments":[]}
],"groups":[]}
JSON
EOF
chmod +x "$T/sightline"
out=$("$BUILD/sightline_match_eval" --sightline "$T/sightline" "$S")
fail=0
expect() {
  if ! echo "$out" | grep -Eq "$1"; then
    echo "selftest: expected a line matching: $1" >&2
    fail=1
  fi
}
expect '^mirror +1 +1\.00 +1\.00 +0\.20 +0\.20$'
expect '^excerpt +1 +1\.00 +0\.00 +1\.50 +1\.50$'
expect '^all edits +2 +1\.00 +0\.50 +0\.85 +1\.50$'
expect '^hard negatives \(same room\) +1 +1$'
expect '^unrelated +11 +1$'
expect 'false \(unrelated\): neg/gif/g\.gif ~ orig/x\.mp4'
if [ $fail -ne 0 ]; then
  echo "$out" >&2
  exit 1
fi
echo "selftest: sightline_match_eval scores as expected"
