# Shared by the project's scripts: find a JDK >= 21 and install missing Debian packages.
# shellcheck shell=bash

MYSQLHA_PACKAGES=(mariadb-server mariadb-client mariadb-backup galera-4 rsync curl procps sysbench haproxy)
# What the tests add: the driver matrix's clients beyond the JVM (Python, Go; Node.js's mysql2 comes from npm)
MYSQLHA_TEST_PACKAGES=(python3-pymysql python3-mysqldb golang-go golang-github-go-sql-driver-mysql-dev)

die() { echo "error: $*" >&2; exit 1; }

java_major() { # prints the major version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1 | cut -d. -f1
}

# Sets JAVA_HOME to a JDK >= 21: $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
find_jdk() {
  local candidate major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ]; then export JAVA_HOME; return 0; fi
    echo "note: JAVA_HOME=$JAVA_HOME is Java ${major:-?}; looking for 21 or newer in /usr/lib/jvm" >&2
  fi
  for candidate in "${MYSQLHA_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (JAVA_HOME is unset or older, nothing in /usr/lib/jvm).
Install one, e.g. 'apt-get install openjdk-21-jdk-headless' (Debian 13 / Ubuntu 24.04) or Temurin 21+
from https://adoptium.net, or set JAVA_HOME to it."
  export JAVA_HOME=$best
}

# Installs whichever of the given Debian packages are missing (apt-get, as root or through sudo).
ensure_packages() {
  local missing=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages: ${missing[*]}; this script installs them with apt-get
(Debian/Ubuntu). Install them with your package manager and rerun."
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "missing packages: ${missing[*]}; run as root or install sudo, or install them yourself"
    sudo="sudo"
  fi
  echo "installing: ${missing[*]}"
  # policy-rc.d-style guard: the Debian package must not matter to us, our servers run from our own dirs.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null 2>&1 || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
      || die "could not install: ${missing[*]}"
  }
}

project_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# Builds the project (./mvnw -Dquick install, no tests) when any of the given files is missing; the log goes to
# /tmp/mysqlha-build-<name>.log and its tail is shown when the build fails.
ensure_built() {
  local name=$1 f; shift
  for f in "$@"; do
    [ -e "$f" ] && continue
    echo "building (./mvnw -Dquick install)..."
    ./mvnw -B -q -Dquick install > "/tmp/mysqlha-build-$name.log" 2>&1 \
      || { tail -30 "/tmp/mysqlha-build-$name.log"; die "build failed; full log: /tmp/mysqlha-build-$name.log"; }
    return 0
  done
}

# Runs a main class of libs/test-support (the benchmarks and drills) with the JDK find_jdk chose, from the project
# root, with -D options: run_test_support_main CLASS [-Dkey=value...]
run_test_support_main() {
  local class=$1; shift
  exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=java.util.logging.LogManager -Dbuild.project.root="$ROOT" "$@" \
    -cp "libs/test-support/target/classes:$(cat libs/test-support/target/classpath.txt)" "$class"
}
