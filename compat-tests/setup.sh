#!/usr/bin/env bash
# Pre-fetches everything the compatibility harness needs, so that test runs do not download anything:
#   - Apache RocketMQ jars (Maven Central): servers + tools 5.5.0 and 4.9.7, benchmark tools 5.5.0, the official
#     proxy 5.5.0 (rocketmq-proxy), written as classpath files under compat-tests/java/apache-dist/target/classpath/
#   - the gRPC suite's dependencies (rocketmq-client-java 5.x, compat-tests/java/grpc-suites), compiled once
#   - the JUnit suites' dependencies and plugins for both client versions (5.5.0, 4.9.8), compiled once each
#   - the Go suite's modules (rocketmq-client-go/v2 at the pinned version), test binary compiled once
#   - the Go gRPC scenarios' modules (rocketmq-clients/golang/v5 v5.1.2, compat-tests/go-grpc), when downloadable
# Then it proves the Maven side is complete by building the suites offline (mvn -o).
#
# Idempotent (Maven and Go caches make reruns fast) and safe to run on a fresh CI machine.
# Needs: Java 17+, Maven 3.8+, Go 1.22+ on PATH. Usage: compat-tests/setup.sh [--if-needed]
#   --if-needed: do nothing when a previous run in this checkout completed for the same build files (a stamp with
#                their hash under java/apache-dist/target/); npm test calls it this way, so a fresh clone sets
#                itself up and a prepared one starts at once.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stamp="$here/java/apache-dist/target/setup.stamp"
inputs_hash() {
  (cd "$here" && cat setup.sh java/apache-dist/pom.xml java/suites/pom.xml java/grpc-suites/pom.xml go/go.mod go/go.sum go-grpc/go.mod go-grpc/go.sum) | sha256sum | cut -d' ' -f1
}
if [ "${1:-}" = "--if-needed" ]; then
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(inputs_hash)" ] && [ -d "$here/java/apache-dist/target/classpath" ]; then
    echo "compat-tests/setup.sh: already set up for these build files ($stamp); skipping"
    exit 0
  fi
  echo "compat-tests/setup.sh: first run in this checkout (or its build files changed): fetching the Maven and Go dependencies"
fi
mvn_q=(mvn -B -q -Dstyle.color=never)
t_all=$(date +%s)

# Maven 3.8 prints bare ANSI resets even in batch/quiet mode: strip them (pipefail keeps mvn's exit status).
mvnq() { "${mvn_q[@]}" "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
step() { printf '\n== [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
timed() {
  local t0; t0=$(date +%s)
  "$@"
  printf '   done in %ss\n' "$(( $(date +%s) - t0 ))"
}
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "setup.sh: '$1' is not on PATH ($2)" >&2; exit 1; }
}

step "checking tools"
need java "Java 17+"
need mvn "Maven 3.8+"
need go "Go 1.22+"
java -version 2>&1 | sed -n 1p
mvn -v -Dstyle.color=never 2>/dev/null | sed -n 1p | sed 's/\x1b\[[0-9;]*m//g'
go version

for v in 5.5.0 4.9.7; do
  step "Apache RocketMQ $v: rocketmq-namesrv, rocketmq-broker, rocketmq-tools -> classpath file"
  timed mvnq -f "$here/java/apache-dist/pom.xml" -P server "-Drocketmq.version=$v" generate-resources
done
step "Apache RocketMQ 5.5.0 benchmark tools: rocketmq-example -> classpath file"
timed mvnq -f "$here/java/apache-dist/pom.xml" -P benchmark -Drocketmq.version=5.5.0 generate-resources
step "Apache RocketMQ 5.5.0 proxy: rocketmq-proxy -> classpath file (the grpc-proxy suite starts it in cluster mode)"
timed mvnq -f "$here/java/apache-dist/pom.xml" -P proxy -Drocketmq.version=5.5.0 generate-resources
ls -1 "$here/java/apache-dist/target/classpath/"

for v in 5.5.0 4.9.8; do
  step "JUnit suites with rocketmq-client $v: dependencies, compile, surefire JUnit provider"
  # -Dtest=NoSuchTest makes surefire resolve its JUnit Platform provider without running anything.
  timed mvnq -f "$here/java/suites/pom.xml" -P "client-$v" test -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
done

step "gRPC suite (rocketmq-client-java 5.x through the official proxy): dependencies, compile, surefire JUnit provider"
timed mvnq -f "$here/java/grpc-suites/pom.xml" test -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false

step "Go suite: modules (github.com/apache/rocketmq-client-go/v2) and test binary"
(
  cd "$here/go"
  export GOFLAGS="${GOFLAGS:-} -mod=mod"
  timed go mod download
  timed go test -c -o /dev/null .
  go vet ./...
)

step "Go gRPC scenarios: modules (github.com/apache/rocketmq-clients/golang/v5 v5.1.2) and test binary"
# Its own module: when it cannot be fetched, say so in one line and go on (go-grpc-native.compat.ts then skips).
if (cd "$here/go-grpc" && export GOFLAGS="${GOFLAGS:-} -mod=mod" && go mod download >/dev/null 2>&1 && go test -c -o /dev/null . && go vet ./...); then
  echo "   ok"
else
  echo "   compat-tests/go-grpc: github.com/apache/rocketmq-clients/golang/v5 v5.1.2 not downloadable/buildable here; its compat test will skip"
fi

step "offline check: the Java suites and Apache jars resolve without the network"
for v in 5.5.0 4.9.8; do
  mvnq -o -f "$here/java/suites/pom.xml" -P "client-$v" test -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
done
for v in 5.5.0 4.9.7; do
  mvnq -o -f "$here/java/apache-dist/pom.xml" -P server "-Drocketmq.version=$v" generate-resources
done
mvnq -o -f "$here/java/apache-dist/pom.xml" -P benchmark -Drocketmq.version=5.5.0 generate-resources
mvnq -o -f "$here/java/apache-dist/pom.xml" -P proxy -Drocketmq.version=5.5.0 generate-resources
mvnq -o -f "$here/java/grpc-suites/pom.xml" test -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false
echo "   ok"
inputs_hash >"$stamp"

printf '\n== compat-tests setup complete in %ss\n' "$(( $(date +%s) - t_all ))"
