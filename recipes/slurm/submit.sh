#!/bin/bash
# Runs a Tessera sweep on a Slurm cluster: submits sweep.sbatch as a job array (task I evaluates shard I/N), then
# merge.sbatch with --dependency=afterok:<array>, so the merge starts only when every shard succeeded. Prints
# both job ids and returns at once; watch them with `squeue -u "$USER"`.
#
#   recipes/slurm/submit.sh --spec sweep.yaml --shards 8 --out results/ [--result all.csv] [--pareto]
#                           [--design preset:nvidia-dgx-h100] [--cli out/main/cli.js] [-- <more sbatch options>]
#
# SPEC, OUT and the CLI must be on a file system every node shares. Options after `--` go to both sbatch calls
# (a partition, an account, a time limit). Logs: OUT/logs/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() {
  {
    echo 'usage:'
    sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^#//'
  } >&2
  exit 2
}
absolute() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac }

spec='' shards='' out='' result='all.csv' pareto=0 design='' cli="$here/../../out/main/cli.js"
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --spec) spec="${2:?--spec needs a file}"; shift 2 ;;
    --shards) shards="${2:?--shards needs a number}"; shift 2 ;;
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --result) result="${2:?--result needs a file name}"; shift 2 ;;
    --design) design="${2:?--design needs a design}"; shift 2 ;;
    --cli) cli="${2:?--cli needs out/main/cli.js}"; shift 2 ;;
    --pareto) pareto=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    *) echo "submit.sh: unknown option $1" >&2; usage ;;
  esac
done
[ -n "$spec" ] && [ -n "$shards" ] && [ -n "$out" ] || usage
if ! [[ "$shards" =~ ^[1-9][0-9]*$ ]]; then
  echo "submit.sh: --shards must be a whole number ≥ 1 (got $shards)" >&2
  exit 2
fi
[ -f "$spec" ] || { echo "submit.sh: no sweep document at $spec" >&2; exit 2; }
[ -f "$cli" ] || { echo "submit.sh: no Tessera CLI at $cli (build it: npm run build:fast)" >&2; exit 2; }

SPEC="$(absolute "$spec")" OUT="$(absolute "$out")" TESSERA_CLI="$(absolute "$cli")"
SHARDS="$shards" RESULT="$result" PARETO="$pareto" DESIGN="$design"
export SPEC OUT TESSERA_CLI SHARDS RESULT PARETO DESIGN
mkdir -p "$OUT/logs"

array_id="$(sbatch --parsable --array="1-$shards" --chdir="$OUT" --output="$OUT/logs/sweep-%A_%a.out" \
  "${extra[@]}" "$here/sweep.sbatch")"
array_id="${array_id%%;*}" # --parsable prints "id" or "id;cluster"
merge_id="$(sbatch --parsable --dependency="afterok:$array_id" --kill-on-invalid-dep=yes --chdir="$OUT" \
  --output="$OUT/logs/merge-%j.out" "${extra[@]}" "$here/merge.sbatch")"
merge_id="${merge_id%%;*}"

echo "sweep array job: $array_id ($shards shards → $OUT/part-1.jsonl … part-$shards.jsonl)"
echo "merge job: $merge_id (after the array succeeds → $RESULT in $OUT)"
