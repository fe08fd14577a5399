#!/usr/bin/env bash
# Builds, once, the real Kubernetes components the local test cluster runs, from Go
# modules only (these machines reach the Go module proxy and Debian, nothing else):
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl,
#   kubeadm                                                                      (k8s.io/kubernetes)
#   etcd 3.6                                                                     (go.etcd.io/etcd/server/v3)
#   etcdctl, etcdutl 3.6                                                         (go.etcd.io/etcd/etcdctl/v3, etcdutl/v3)
#   kwok                                                                         (sigs.k8s.io/kwok)
# The binaries are cached outside the repository, keyed by version, so a second run
# is instant; a missing cache is simply rebuilt.
#
# Usage: hack/testbin.sh [COMPONENT...]
# With no argument it builds all of the above (what `make test` runs); with some, only
# those, into the same cache, e.g. the control plane and kwok for `make demo`:
#   hack/testbin.sh etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok
# A later call asking for more builds only what is still missing.
# Prints the directory holding the binaries on stdout; build chatter goes to stderr.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.35.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.6}
KWOK_VERSION=${KWOK_VERSION:-0.8.0}
CACHE=${KUBECTL_AKASH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-akash}
BIN=${TESTBIN_DIR:-$CACHE/testbin/k8s-v$K8S_VERSION-etcd-v$ETCD_VERSION-kwok-v$KWOK_VERSION}
mkdir -p "$BIN"

K8S_COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl kubeadm)
ETCD_COMPONENTS=(etcd etcdctl etcdutl)
ALL=("${K8S_COMPONENTS[@]}" "${ETCD_COMPONENTS[@]}" kwok)
WANT=("$@")
[ $# -gt 0 ] || WANT=("${ALL[@]}")
for c in "${WANT[@]}"; do
  case " ${ALL[*]} " in
    *" $c "*) ;;
    *) echo "testbin: unknown component \"$c\" (known: ${ALL[*]})" >&2; exit 2 ;;
  esac
done

# wanted NAME...: prints those of the named components that were asked for.
wanted() { local c w; for c in "$@"; do for w in "${WANT[@]}"; do [ "$c" != "$w" ] || echo "$c"; done; done; }

# missing NAME...: true when any of the named binaries is not built yet.
missing() { local b; for b in "$@"; do [ -x "$BIN/$b" ] || return 0; done; return 1; }

# The k8s.io/kubernetes module replaces its staging repos with ./staging paths, which
# a module that requires it cannot follow; map each one to the published v0.<minor>.<patch>.
# build_kubernetes COMPONENT...: builds those of k8s.io/kubernetes's commands.
build_kubernetes() {
  local work mod minor
  work=$(mktemp -d); trap 'rm -rf "$work"' RETURN
  cd "$work"
  go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" >/dev/null
  mod=$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.mod
  minor=v0.${K8S_VERSION#1.}
  {
    printf 'module testbin\n\ngo 1.24\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
    awk -v v="$minor" '/=> \.\/staging/ {print "\t" $1 " => " $1 " " v}' "$mod"
    printf ')\n'
  } >go.mod
  printf 'package main\n\nimport (\n\t_ "k8s.io/kubernetes/cmd/kube-apiserver/app"\n\t_ "k8s.io/kubernetes/cmd/kubeadm/app"\n\t_ "k8s.io/kubernetes/cmd/kubelet/app"\n)\n\nfunc main() {}\n' >main.go
  GOFLAGS=-mod=mod go mod tidy >&2 # its errors say why a build cannot start
  local c
  for c in "$@"; do
    [ -x "$BIN/$c" ] && continue
    echo "testbin: building $c v$K8S_VERSION (first run only)" >&2
    local ldflags=-s
    # kubectl akash reads `kubeadm version` to plan a renewal: stamp it as a release build is.
    [ "$c" = kubeadm ] && ldflags="-s -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(cut -d. -f2 <<<"$K8S_VERSION")"
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$BIN/$c.tmp.$$" "k8s.io/kubernetes/cmd/$c"
    mv "$BIN/$c.tmp.$$" "$BIN/$c"
  done
}

# etcd, etcdctl and etcdutl from one module that requires them all: etcdctl's and
# etcdutl's own go.mod carry replace directives, so `go install ...@version` refuses them.
# (etcdctl 3.6 only saves snapshots; reading one back is etcdutl's.)
# build_etcd COMPONENT...: builds those of etcd, etcdctl and etcdutl.
build_etcd() {
  local work
  work=$(mktemp -d); trap 'rm -rf "$work"' RETURN
  cd "$work"
  printf 'module etcdbin\n\ngo 1.24\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 v%s\n\tgo.etcd.io/etcd/etcdctl/v3 v%s\n\tgo.etcd.io/etcd/etcdutl/v3 v%s\n)\n' "$ETCD_VERSION" "$ETCD_VERSION" "$ETCD_VERSION" >go.mod
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >main.go
  mkdir tools
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "go.etcd.io/etcd/etcdctl/v3/ctlv3"\n\t_ "go.etcd.io/etcd/etcdutl/v3/etcdutl"\n)\n' >tools/tools.go
  GOFLAGS=-mod=mod go mod tidy >&2 # its errors say why a build cannot start
  local c
  for c in "$@"; do
    [ -x "$BIN/$c" ] && continue
    if [ "$c" = etcd ]; then
      echo "testbin: building etcd v$ETCD_VERSION (first run only)" >&2
      GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$BIN/etcd.tmp.$$" .
      mv "$BIN/etcd.tmp.$$" "$BIN/etcd"
      continue
    fi
    echo "testbin: building $c v$ETCD_VERSION (first run only)" >&2
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$BIN/$c.tmp.$$" "go.etcd.io/etcd/$c/v3"
    mv "$BIN/$c.tmp.$$" "$BIN/$c"
  done
}

build_kwok() {
  echo "testbin: building kwok v$KWOK_VERSION (first run only)" >&2
  GOBIN="$BIN" CGO_ENABLED=0 go install -trimpath "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  # kwok's stage definitions (node heartbeat, pod lifecycle) ship in the module source.
  local src
  src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$KWOK_VERSION/kustomize/stage
  [ -d "$src" ] || (cd "$(mktemp -d)" && go mod download "sigs.k8s.io/kwok@v$KWOK_VERSION")
  rm -rf "$BIN/kwok-stage"; cp -r "$src" "$BIN/kwok-stage"; chmod -R u+w "$BIN/kwok-stage"
}

k8s=($(wanted "${K8S_COMPONENTS[@]}"))
etcd=($(wanted "${ETCD_COMPONENTS[@]}"))
if [ ${#k8s[@]} -gt 0 ] && missing "${k8s[@]}"; then (build_kubernetes "${k8s[@]}"); fi
if [ ${#etcd[@]} -gt 0 ] && missing "${etcd[@]}"; then (build_etcd "${etcd[@]}"); fi
if [ -n "$(wanted kwok)" ] && { missing kwok || [ ! -d "$BIN/kwok-stage" ]; }; then (build_kwok); fi
echo "$BIN"
