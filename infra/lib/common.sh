# Shared by the project's scripts: find a JDK >= 21 and install missing Debian packages.
# shellcheck shell=bash

MYSQLHA_PACKAGES=(mariadb-server mariadb-client mariadb-backup galera-4 rsync curl procps sysbench haproxy openssl)
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

# MySQL 9.7 and MySQL Router 9.7 come from Debian's sid suite, built for a newer C library than Debian 12's: they
# live in a minimal sid root of their own (debootstrap), cached outside the checkout, and run through that root's
# dynamic loader (no chroot: paths stay the host's). Idempotent: an existing root with the programs is kept; a
# half-made one (interrupted) is made again. Prints nothing when there is nothing to do. MYSQLHA_MYSQL_ROOT moves it;
# MYSQLHA_DEBIAN_MIRROR names the mirror (default: the Debian mirror apt uses here, else deb.debian.org).
MYSQLHA_MYSQL_PACKAGES=(mysql-server-core mysql-client-core mysql-router)
mysql_root() { echo "${MYSQLHA_MYSQL_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/mysqlha/mysql-sid}"; }

ensure_mysql() {
  local root; root=$(mysql_root)
  [ -x "$root/usr/sbin/mysqld" ] && [ -x "$root/usr/bin/mysqlrouter" ] && [ -f "$root/.complete" ] && return 0
  [ "$(id -u)" -eq 0 ] || die "MySQL 9.7 is installed into $root with debootstrap, which needs root; run this as
root once (it is cached there afterwards), or set MYSQLHA_MYSQL_ROOT to a root made by someone who can"
  ensure_packages debootstrap
  local mirror=${MYSQLHA_DEBIAN_MIRROR:-}
  [ -n "$mirror" ] || mirror=$( { sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources; \
    sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list; } \
    2>/dev/null | grep -E '/debian/?$' | head -1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "installing MySQL 9.7 and MySQL Router 9.7 from Debian sid into $root (about a minute, 814 MB)..."
  local tmp="$root.partial" log="${TMPDIR:-/tmp}/mysqlha-mysql-install.log"
  rm -rf "$tmp"; mkdir -p "$(dirname "$root")"
  {
    debootstrap --variant=minbase sid "$tmp" "$mirror" \
    && chroot "$tmp" apt-get -q -o Acquire::Check-Valid-Until=false update \
    && chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get -q -o Acquire::Check-Valid-Until=false install -y \
         --no-install-recommends "${MYSQLHA_MYSQL_PACKAGES[@]}" \
    && chroot "$tmp" apt-get clean
  } > "$log" 2>&1 || { tail -20 "$log"; die "could not install MySQL into $tmp (from $mirror); full log: $log"; }
  touch "$tmp/.complete"
  rm -rf "$root"; mv "$tmp" "$root"
}

# Writes scripts into DIR that run the MySQL root's mysqldump, mysqlbinlog, mysql and mysqld (its own arguments
# first, a --defaults-file must lead) with the root's loader: for programs that run tools by their path (backup).
mysql_tool_scripts() {
  local dir=$1 root; root=$(mysql_root); mkdir -p "$dir"
  local loader="$root/lib64/ld-linux-x86-64.so.2" libs="$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"
  local p
  for p in mysqldump mysqlbinlog mysql; do
    printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s" "$@"\n' "$loader" "$libs" "$root/usr/bin/$p" > "$dir/$p"
  done
  printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s" "$@" --basedir="%s" --lc-messages-dir="%s" --plugin-dir="%s" --character-sets-dir="%s"\n' \
    "$loader" "$libs" "$root/usr/sbin/mysqld" "$root/usr" "$root/usr/share/mysql" "$root/usr/lib/mysql/plugin" \
    "$root/usr/share/mysql/charsets" > "$dir/mysqld"
  chmod +x "$dir"/mysqldump "$dir"/mysqlbinlog "$dir"/mysql "$dir"/mysqld
}

# Runs a program of the MySQL root (mysql, mysqld, mysqlrouter...) with the root's own loader and libraries:
# mysql_run mysql -h127.0.0.1 -P6033 ...
mysql_run() {
  local root; root=$(mysql_root); local program=$1; shift
  local path="$root/usr/bin/$program"; [ -x "$path" ] || path="$root/usr/sbin/$program"
  [ -x "$path" ] || die "$program is not in $root; infra/ci/install-prereqs.sh installs it"
  "$root/lib64/ld-linux-x86-64.so.2" \
    --library-path "$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu:$root/usr/lib/mysql-router" \
    "$path" "$@"
}
