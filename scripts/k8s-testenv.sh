#!/usr/bin/env bash
# Builds the real Kubernetes test plane (kube-apiserver, etcd, kubectl) from Go modules, once per
# version, into ~/.cache/loomcycle/k8s/<version>/. A second call with the binaries present is instant.
#
#   bash scripts/k8s-testenv.sh            # build (or reuse) and print the bin dir on stdout
#   bash scripts/k8s-testenv.sh 1.35.4     # or K8S_VERSION=1.35.4
#
# Env: K8S_VERSION (default 1.35.4; an argument wins), K8S_TESTENV_DIR (default ~/.cache/loomcycle/k8s/<version>).
# etcd is built at the version k8s.io/kubernetes itself pins (never Debian's 3.4: kube-apiserver
# >= 1.31 needs RequestWatchProgress). Recipe: shared/reference/k8s-testenv.md §D9. Needs only
# `go` and the Go module proxy; progress goes to stderr and to <dir>/build.log.
set -euo pipefail

V=${1:-${K8S_VERSION:-1.35.4}}
MINOR=$(echo "$V" | cut -d. -f2)
STAGING="v0.${V#1.}"
OUT=${K8S_TESTENV_DIR:-$HOME/.cache/loomcycle/k8s/$V}
BINS=(kube-apiserver etcd kubectl)

have_all() {
  for b in "${BINS[@]}"; do [ -x "$OUT/$b" ] || return 1; done
  [ -f "$OUT/VERSION" ]
}

if have_all; then echo "$OUT"; exit 0; fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9 # a concurrent caller waits for the running build instead of starting a second one
if have_all; then echo "$OUT"; exit 0; fi

command -v go >/dev/null || { echo "k8s-testenv: go is not installed (needs the go-svc machine kind)" >&2; exit 1; }
LOG="$OUT/build.log"
# The go tool's output goes to the log only; progress lines (say) also to stderr; stdout is the answer.
exec 3>&1 4>&2 1>>"$LOG" 2>&1
say() { echo "k8s-testenv: $*"; echo "k8s-testenv: $*" >&4; }
trap 'st=$?; [ $st -eq 0 ] || { echo "k8s-testenv: FAILED (exit $st); last lines of $LOG:" >&4; tail -n 30 "$LOG" >&4; }' EXIT
START=$(date +%s)
say "building kube-apiserver/etcd/kubectl v$V into $OUT (first time on this machine: minutes; log: $LOG)"

SRC="$OUT/src" # the throw-away wrapper module (kept so an interrupted build resumes warm)
mkdir -p "$SRC"
cd "$SRC"
[ -f go.mod ] || go mod init example.invalid/loomcycle-k8s-testenv
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local

go mod download -json "k8s.io/kubernetes@v$V" > kubernetes-module.json || { cat kubernetes-module.json; say "cannot download k8s.io/kubernetes@v$V"; exit 1; }
KMOD=$(sed -n 's/.*"GoMod": *"\([^"]*\)".*/\1/p' kubernetes-module.json)
# k/k maps every staging module to ./staging/... (ignored in a dependency): point each at its tag.
for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$KMOD"); do
  go mod edit -replace="$m=$m@$STAGING"
done
ETCD=$(awk '$1=="go.etcd.io/etcd/server/v3"{print $2; exit}' "$KMOD")
[ -n "$ETCD" ] || { say "k8s.io/kubernetes@v$V pins no etcd server"; exit 1; }
go mod edit -require="k8s.io/kubernetes@v$V" -require="go.etcd.io/etcd/server/v3@$ETCD"
say "etcd $ETCD (pinned by k8s.io/kubernetes v$V), staging modules $STAGING; modules fetched after $(( $(date +%s) - START ))s"

LD="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LD="$LD -X $p.gitVersion=v$V -X $p.gitMajor=1 -X $p.gitMinor=$MINOR -X $p.gitTreeState=clean"
done

build() { # <name> <package> <ldflags>
  local t0; t0=$(date +%s)
  go build -trimpath -ldflags "$3" -o "$OUT/.$1.tmp" "$2"
  mv -f "$OUT/.$1.tmp" "$OUT/$1"
  say "built $1 in $(( $(date +%s) - t0 ))s"
}
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$LD"
build kubectl k8s.io/kubernetes/cmd/kubectl "$LD"
build etcd go.etcd.io/etcd/server/v3 "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD"

printf 'kubernetes v%s\netcd %s\n' "$V" "$ETCD" > "$OUT/VERSION"
say "done in $(( $(date +%s) - START ))s; sizes: $(du -sh "${BINS[@]/#/$OUT/}" | awk '{printf "%s=%s ", $2, $1}')"
echo "$OUT" >&3
