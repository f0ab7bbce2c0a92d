#!/usr/bin/env bash
# Builds the helm CLI from Go modules, once per version, into ~/.cache/loomcycle/helm/<version>/helm.
# A second call with the binary present is instant. Used by e2e/helm-chart.test.ts and by people
# who have no helm on their PATH (`npm run helm:bin`).
#
#   bash scripts/helm-bin.sh            # build (or reuse) and print the binary's path on stdout
#   bash scripts/helm-bin.sh 3.22.0     # or HELM_VERSION=3.22.0
#
# Env: HELM_VERSION (default 3.22.0; an argument wins), HELM_BIN_DIR (default ~/.cache/loomcycle/helm/<version>).
# Needs only `go` and the Go module proxy (helm v3's go.mod has no replace directives, so a plain
# `go build` of helm.sh/helm/v3/cmd/helm inside a throw-away module works). Progress goes to stderr
# and to <dir>/build.log; stdout is the path of the binary.
set -euo pipefail

V=${1:-${HELM_VERSION:-3.22.0}}
V=${V#v}
MAJOR=${V%%.*}
OUT=${HELM_BIN_DIR:-$HOME/.cache/loomcycle/helm/$V}
BIN="$OUT/helm"

if [ -x "$BIN" ] && [ -f "$OUT/VERSION" ]; then echo "$BIN"; exit 0; fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9 # a concurrent caller waits for the running build instead of starting a second one
if [ -x "$BIN" ] && [ -f "$OUT/VERSION" ]; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || { echo "helm-bin: go is not installed (needs the go-svc machine kind)" >&2; exit 1; }
LOG="$OUT/build.log"
exec 3>&1 4>&2 1>>"$LOG" 2>&1
say() { echo "helm-bin: $*"; echo "helm-bin: $*" >&4; }
trap 'st=$?; [ $st -eq 0 ] || { echo "helm-bin: FAILED (exit $st); last lines of $LOG:" >&4; tail -n 30 "$LOG" >&4; }' EXIT
START=$(date +%s)
say "building helm v$V into $OUT (first time on this machine: minutes; log: $LOG)"

SRC="$OUT/src" # the throw-away wrapper module (kept so an interrupted build resumes warm)
mkdir -p "$SRC"
cd "$SRC"
[ -f go.mod ] || go mod init example.invalid/loomcycle-helm-bin
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
MOD="helm.sh/helm/v$MAJOR"
go mod edit -require="$MOD@v$V"
go mod download "$MOD@v$V"
say "modules fetched after $(( $(date +%s) - START ))s"

# The ldflags helm's Makefile sets for a release: the version, and the default KubeVersion that
# `helm template`/`lint` assume without --kube-version (client-go's minor, major 0 -> 1), else
# helm believes it talks to Kubernetes 1.20.
KVER=$(cd "$SRC" && go list -m -f '{{.Version}}' k8s.io/client-go)
KMINOR=$(echo "$KVER" | cut -d. -f2)
LD="-s -w -X $MOD/internal/version.version=v$V -X $MOD/internal/version.gitTreeState=clean"
for p in "$MOD/pkg/lint/rules" "$MOD/pkg/chartutil"; do
  LD="$LD -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$KMINOR"
done
go build -trimpath -ldflags "$LD" -o "$OUT/.helm.tmp" "$MOD/cmd/helm"
mv -f "$OUT/.helm.tmp" "$BIN"
"$BIN" version --short > "$OUT/VERSION"
say "built $("$BIN" version --short) in $(( $(date +%s) - START ))s"
echo "$BIN" >&3
