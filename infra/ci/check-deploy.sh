#!/usr/bin/env bash
# Static checks of what users deploy (nothing here can run Docker or Kubernetes):
#   - infra/compose/docker-compose.yml with `docker-compose config` (Debian's docker-compose package);
#   - infra/k8s renders with `kubectl kustomize` (kubectl, or Debian's kubernetes-client);
#   - the alert rules with `promtool check rules` and their unit tests with `promtool test rules`, and the
#     Prometheus configs with `promtool check config` (promtool taken from Debian's prometheus package with
#     `apt-get download`, unpacked under ~/.cache: installing the package would start a Prometheus);
#   - the Grafana dashboard parses as JSON and every panel has a query;
#   - the Dockerfiles with hadolint when it is installed (Debian has no package); always with the project's
#     own rules: a pinned base image (no :latest), a non-root USER, a HEALTHCHECK.
# Installs what is missing; exits non-zero naming the first check that failed.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
command -v docker-compose > /dev/null || ensure_packages docker-compose
command -v kubectl > /dev/null || ensure_packages kubernetes-client
command -v python3 > /dev/null || ensure_packages python3

TOOLS=${XDG_CACHE_HOME:-$HOME/.cache}/mysqlha/tools
PROMTOOL=$TOOLS/usr/bin/promtool
if [ ! -x "$PROMTOOL" ]; then
  mkdir -p "$TOOLS/deb"
  (cd "$TOOLS/deb" && { apt-get download prometheus > /dev/null 2>&1 \
     || { apt-get update -q > /dev/null 2>&1 || true; apt-get download prometheus > /dev/null; }; }) \
    || die "could not download Debian's prometheus package for promtool"
  dpkg-deb -x "$TOOLS"/deb/prometheus_*.deb "$TOOLS"
fi

step() { echo "check: $*"; }

step "docker-compose config (infra/compose/docker-compose.yml)"
docker-compose -f infra/compose/docker-compose.yml config -q

step "kubectl kustomize infra/k8s"
kinds=$(kubectl kustomize infra/k8s | grep -c '^kind:')
echo "  $kinds objects rendered"

step "promtool check rules / test rules (infra/monitoring/alerts.yml)"
"$PROMTOOL" check rules infra/monitoring/alerts.yml
"$PROMTOOL" test rules infra/monitoring/alerts-test.yml

step "promtool check config (compose and local Prometheus configs)"
for f in infra/monitoring/prometheus-compose.yml infra/monitoring/prometheus-local.yml; do
  "$PROMTOOL" check config "$f"
done
# Debian's promtool is built without Kubernetes service discovery: the k8s config is checked as YAML only
python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' infra/monitoring/prometheus-k8s.yml \
  || die "infra/monitoring/prometheus-k8s.yml is not valid YAML"

step "Grafana dashboard (infra/monitoring/grafana/dashboards/mysqlha.json)"
python3 - infra/monitoring/grafana/dashboards/mysqlha.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
panels = [p for p in d["panels"] if p["type"] != "row"]
empty = [p["title"] for p in panels if not any(t.get("expr") for t in p.get("targets", []))]
if empty:
    sys.exit("panels without a query: %s" % empty)
print("  %d panels, every one with a query" % len(panels))
PY

step "Dockerfiles"
dockerfiles=$(find services tools -path '*/src/main/docker/*' -name 'Dockerfile*' | sort)
for f in $dockerfiles; do
  grep -Eq '^FROM [^ :]+:[^ ]+' "$f" && ! grep -Eq '^FROM [^ ]+:latest' "$f" || die "$f: the base image needs a pinned tag (not :latest)"
  grep -Eq '^USER [1-9][0-9]*' "$f" || die "$f: no non-root USER"
  grep -Eq '^HEALTHCHECK ' "$f" || die "$f: no HEALTHCHECK (HEALTHCHECK NONE for a one-shot image)"
done
if command -v hadolint > /dev/null; then
  # DL3008: apt packages are Debian's current ones for the pinned base image
  hadolint --ignore DL3008 $dockerfiles
  echo "  $(echo "$dockerfiles" | wc -l) Dockerfiles: hadolint and the project's rules pass"
else
  echo "  $(echo "$dockerfiles" | wc -l) Dockerfiles: the project's rules pass; hadolint is not installed (no Debian package), so it did not run"
fi
echo "deployment checks passed"
