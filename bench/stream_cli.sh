#!/bin/sh
# Rows per second and peak memory of `stela lstsq --stream` against the in-memory
# `--method qr` and the one-pass normal equations (`--method normal-cholesky`, which
# reads the whole file too), on the same generated .npy files (bench/make_tall_npy.py).
# Wall time and peak resident set from /usr/bin/time (GNU time's %e and %M).
#
#   bench/stream_cli.sh [N] [D] [DIR]    (defaults 2000000 4 build/stream_bench)
#
# Run from the top of the source tree after `cmake --build --preset release`.
set -eu
n=${1:-2000000}
d=${2:-4}
dir=${3:-build/stream_bench}
stela=${STELA:-build/release/tools/stela}
here=$(dirname "$0")
if [ ! -f "$dir/X.npy" ] || [ "$(cat "$dir/shape" 2>/dev/null)" != "$n $d" ]; then
  python3 "$here/make_tall_npy.py" "$n" "$d" "$dir"
  echo "$n $d" > "$dir/shape"
fi
run() {
  label=$1
  shift
  # Twice: the first run brings the files into the page cache; the second is timed.
  "$stela" "$@" > /dev/null
  /usr/bin/time -f "%e %M" -o "$dir/time" "$stela" "$@" > /dev/null
  read -r seconds kib < "$dir/time"
  awk -v l="$label" -v n="$n" -v s="$seconds" -v k="$kib" \
    'BEGIN { printf "%-34s %8.2f s  %12.0f rows/s  peak RSS %7.1f MB\n", l, s, (s > 0 ? n / s : 0), k / 1024 }'
}
echo "X: $n x $d (.npy float64), y: $n"
limits="--max-bytes 100000000000 --max-elements 100000000000"
run "lstsq --stream (tsqr)" lstsq "$dir/X.npy" "$dir/y.npy" --stream --quiet
run "lstsq --stream --chunk-rows 64" lstsq "$dir/X.npy" "$dir/y.npy" --stream --quiet --chunk-rows 64
run "lstsq --method qr (in memory)" lstsq "$dir/X.npy" "$dir/y.npy" --method qr $limits
run "lstsq --method normal-cholesky" lstsq "$dir/X.npy" "$dir/y.npy" --method normal-cholesky $limits
