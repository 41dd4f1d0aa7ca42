#!/usr/bin/env bash
# Regenerates the golden protocol fixtures with the official Apache RocketMQ jars.
#
#   compat-tests/oracle/run.sh            -> protocol/fixtures/java5 and protocol/fixtures/java49
#   compat-tests/oracle/run.sh OUT_DIR    -> OUT_DIR/java5 and OUT_DIR/java49 (e.g. a temp dir to diff against)
#
# Needs Java 17+ and Maven 3.8+. Output is deterministic: rerunning gives byte-identical files.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/protocol/fixtures}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Pin the environment that could leak into RocketMQ's static initialisers.
unset ROCKETMQ_SERIALIZE_TYPE || true
export LC_ALL=C.UTF-8 TZ=UTC

# One source set (common/ + the version's Jar adapter), built and run once per jar version: the pom.xml profile of
# the same name as the output directory (java5 = rocketmq 5.5.0, java49 = 4.9.7).
for flavour in java5 java49; do
  target="$out/$flavour"
  # The directory is ours: clear it so that renamed or removed cases do not linger.
  rm -rf "$target"
  mkdir -p "$target"
  echo "oracle: $flavour -> $target" >&2
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" -P "$flavour" compile exec:exec "-Doracle.out=$target"
done
