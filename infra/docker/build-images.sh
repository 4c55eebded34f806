#!/usr/bin/env bash
# Builds every image: the applications (./mvnw -Dquick package, unit tests only), then one image per service and
# the CLI, tagged mysqlha/<name>:${TAG:-0.1.0}. Needs a Docker engine (or DOCKER=podman).
#   TAG=0.1.0 infra/docker/build-images.sh
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
ROOT=$(project_root)
cd "$ROOT"
find_jdk
DOCKER=${DOCKER:-docker}
command -v "$DOCKER" > /dev/null || die "$DOCKER not found: install Docker (or set DOCKER=podman) to build images"
TAG=${TAG:-0.1.0}
./mvnw -B -q -Dquick package
for s in health-probe topology failover proxy-gateway backup alert-forwarder; do
  "$DOCKER" build -f "services/$s/src/main/docker/Dockerfile.jvm" -t "mysqlha/$s:$TAG" "services/$s"
done
"$DOCKER" build -f tools/cli/src/main/docker/Dockerfile -t "mysqlha/cli:$TAG" tools/cli
echo "built: mysqlha/{health-probe,topology,failover,proxy-gateway,backup,alert-forwarder,cli}:$TAG"
