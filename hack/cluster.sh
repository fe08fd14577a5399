#!/usr/bin/env bash
# A real Kubernetes control plane on this machine, for kubectl-akash's tests and demos.
# Everything listens on 127.0.0.1 only:
#   etcd, kube-apiserver, kube-controller-manager, kube-scheduler  (real, from hack/testbin.sh)
#   kwok, which plays N fake nodes: they turn Ready with the capacity we give them, and
#   pods the scheduler binds to them go Running without any container runtime.
# On top it installs what an Akash provider cluster has: the akash.network CRDs, the
# `lease` and `akash-services` namespaces, and nodes labelled akash.network=true.
#
# Usage: hack/cluster.sh up [--real-node] | down [--purge] | env | status
#   up       start (a no-op when already up); prints nothing on stdout
#            --real-node also starts one real node, "localhost": kubelet + containerd +
#            runc + CNI (Debian packages, installed when missing), tainted
#            kubectl-akash.test/real-node=true:NoSchedule; see lib/realnode.sh
#   down     stop every process `up` started; --purge also deletes the state dir
#   env      print `export KUBECONFIG=...` for the admin kubeconfig
#   status   say what runs; exit 0 only when everything does
#   load-image TARBALL
#            import an image tarball into the real node's containerd (e.g. make image's)
#
# Environment:
#   KUBECTL_AKASH_CLUSTER_DIR     state dir: kubeconfigs, pid files, logs, etcd data
#                                 (default /tmp/kubectl-akash-cluster)
#   KUBECTL_AKASH_APISERVER_PORT  kube-apiserver port (default 36443); etcd takes the
#                                 two ports 64 and 63 below it, so clusters on
#                                 different ports can run side by side
#   KUBECTL_AKASH_NODES           number of kwok nodes (default 3)
#   KUBECTL_AKASH_TESTBIN         where the binaries are (default: hack/testbin.sh's output)
#   KUBECTL_AKASH_OWNER_PID       tie the cluster to that process: once it exits, the
#                                 cluster is brought down and its state dir deleted
#                                 (the test harness sets it, so a killed test run
#                                 leaves nothing behind)
#
# Files in the state dir: kubeconfig (admin, group system:masters), viewer.kubeconfig
# (user e2e-viewer, no groups, no RBAC bindings), <component>.log and <component>.pid.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
STATE=$(realpath -m "${KUBECTL_AKASH_CLUSTER_DIR:-/tmp/kubectl-akash-cluster}")
PORT=${KUBECTL_AKASH_APISERVER_PORT:-36443}
ETCD_PORT=$((PORT - 64))
ETCD_PEER_PORT=$((PORT - 63))
NODES=${KUBECTL_AKASH_NODES:-3}
KUBECONFIG_ADMIN=$STATE/kubeconfig
KUBECONFIG_VIEWER=$STATE/viewer.kubeconfig
CRDS=$ROOT/test/testdata/crds/akash.network.yaml
# up creates this file; down --purge deletes only a directory that has it.
MARKER=$STATE/.kubectl-akash-cluster

# The control plane in start order; down stops them in reverse.
CONTROL_PLANE=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# shellcheck source=lib/proc.sh
source "$HERE/lib/proc.sh"
# shellcheck source=lib/realnode.sh
source "$HERE/lib/realnode.sh"
# The real node's daemons (containerd, kubelet) once `up --real-node` made one.
# shellcheck disable=SC2207
REAL_NODE=($(real_node_components))

log() { echo "cluster: $*" >&2; }
kc() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" --request-timeout=10s "$@"; }

# port_busy PORT: something on 127.0.0.1 accepts connections on PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# etcd_healthy: GET /health on etcd's client port, in plain bash (no curl needed).
etcd_healthy() {
  local r
  r=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
    printf "GET /health HTTP/1.0\r\n\r\n" >&3 && cat <&3' _ "$ETCD_PORT") || return 1
  [[ $r == *'"health":"true"'* ]]
}
apiserver_ready() { kc get --raw /readyz; }
# The controller-manager and the scheduler serve no port here (--secure-port=0); they
# are up once they lead (their log says so) and, for the controller-manager, once its
# service-account controller has done its first piece of work.
leads() { grep -qi 'successfully acquired lease' "$STATE/$1.log"; }
kcm_ready() { leads kube-controller-manager && kc -n default get serviceaccount default; }
scheduler_ready() { leads kube-scheduler; }

resolve_bin() {
  BIN=${KUBECTL_AKASH_TESTBIN:-}
  [ -n "$BIN" ] || BIN=$("$HERE/testbin.sh")
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
    [ -x "$BIN/$b" ] || { echo "error: $BIN/$b is missing: run hack/testbin.sh" >&2; exit 1; }
  done
  [ -d "$BIN/kwok-stage" ] || { echo "error: $BIN/kwok-stage is missing: run hack/testbin.sh" >&2; exit 1; }
}

# prepare_state: creates the state dir, or checks that an existing one is ours, and
# writes the credentials once: service-account keys, the token file, two kubeconfigs.
prepare_state() {
  if [ -d "$STATE" ] && [ ! -e "$MARKER" ] && [ -n "$(ls -A "$STATE")" ]; then
    echo "error: $STATE is not empty and was not made by $0; choose another KUBECTL_AKASH_CLUSTER_DIR" >&2
    exit 1
  fi
  mkdir -p "$STATE/pki"
  touch "$MARKER"
  command -v openssl >/dev/null || { echo "error: openssl is needed (apt-get install openssl)" >&2; exit 1; }
  if [ ! -s "$STATE/pki/sa.key" ]; then
    openssl genrsa -out "$STATE/pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$STATE/pki/sa.key" -pubout -out "$STATE/pki/sa.pub" 2>/dev/null
  fi
  if [ ! -s "$STATE/tokens.csv" ]; then
    # token,user,uid[,"groups"]: the viewer is in no group, so RBAC grants it nothing
    # beyond what every authenticated user gets (discovery).
    printf '%s,admin,admin,"system:masters"\n%s,e2e-viewer,e2e-viewer\n' \
      "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" >"$STATE/tokens.csv"
    chmod 600 "$STATE/tokens.csv"
  fi
  write_kubeconfig "$KUBECONFIG_ADMIN" admin
  write_kubeconfig "$KUBECONFIG_VIEWER" e2e-viewer
}

# write_kubeconfig FILE USER. The API server makes its own self-signed serving
# certificate (bundled with its CA) in pki/ on first start; clients verify against it.
write_kubeconfig() {
  local token
  token=$(awk -F, -v u="$2" '$2 == u {print $1}' "$STATE/tokens.csv")
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kubectl-akash
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority: $STATE/pki/apiserver.crt
users:
- name: $2
  user:
    token: $token
contexts:
- name: $2@kubectl-akash
  context: {cluster: kubectl-akash, user: $2, namespace: default}
current-context: $2@kubectl-akash
EOF
  chmod 600 "$1"
}

start_etcd() {
  proc_start etcd "$BIN/etcd" --name=default --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync
  proc_wait 30 "etcd healthy on 127.0.0.1:$ETCD_PORT" etcd etcd_healthy
}

# --profiling=true: the bench asks the API server for a full garbage collection before
# each measurement (/debug/pprof/heap?gc=1, hack/bench/servergc.go); only
# system:masters may read /debug, and it listens on loopback only.
start_apiserver() {
  proc_start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$PORT" --cert-dir="$STATE/pki" \
    --authorization-mode=RBAC --token-auth-file="$STATE/tokens.csv" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$STATE/pki/sa.pub" --service-account-signing-key-file="$STATE/pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --allow-privileged=true \
    --kubelet-preferred-address-types=InternalIP,Hostname --profiling=true
  proc_wait 90 "kube-apiserver ready on 127.0.0.1:$PORT" kube-apiserver apiserver_ready
}

# The controller-manager's default client rate (20 requests/s) is what a provider-sized
# seed waits on: every lease's rollout is a handful of writes by the Deployment and
# ReplicaSet controllers. On loopback there is no one to protect, so both controllers
# and the scheduler may go as fast as the machine does.
start_controllers() {
  local rate=(--kube-api-qps=1000 --kube-api-burst=2000)
  proc_start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$KUBECONFIG_ADMIN" \
    --secure-port=0 --service-account-private-key-file="$STATE/pki/sa.key" \
    --root-ca-file="$STATE/pki/apiserver.crt" --profiling=false "${rate[@]}" \
    --concurrent-deployment-syncs=16 --concurrent-replicaset-syncs=16
  proc_start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$KUBECONFIG_ADMIN" --secure-port=0 --profiling=false "${rate[@]}"
  proc_wait 60 "kube-controller-manager running" kube-controller-manager kcm_ready
  proc_wait 60 "kube-scheduler running" kube-scheduler scheduler_ready
}

# start_kwok: kwok animates nodes annotated kwok.x-k8s.io/node=fake with kwok's own
# stage definitions: nodes turn Ready at once and heartbeat; pods go Running at once,
# jobs' pods complete, and deleted pods go away.
start_kwok() {
  local stages=$BIN/kwok-stage f
  for f in "$stages/node/fast/node-initialize.yaml" "$stages/node/heartbeat/node-heartbeat.yaml" \
    "$stages"/pod/fast/pod-*.yaml; do
    echo '---'
    cat "$f"
  done >"$STATE/kwok-stages.yaml"
  proc_start kwok "$BIN/kwok" --kubeconfig="$KUBECONFIG_ADMIN" --config="$STATE/kwok-stages.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=127.0.0.1
}

# install_akash: what a provider cluster has before any lease: the CRDs, the
# provider's namespaces, and nodes open to leases.
install_akash() {
  # The server warns that it ignores the schemas' uint formats; the real CRD has them too.
  kc apply -f "$CRDS" >/dev/null 2>"$STATE/crds.err" ||
    proc_fail "applying $CRDS failed: $(cat "$STATE/crds.err")" kube-apiserver
  kc wait --for=condition=Established --timeout=60s \
    crd/manifests.akash.network crd/providerhosts.akash.network crd/providerleasedips.akash.network >/dev/null
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: lease}
---
apiVersion: v1
kind: Namespace
metadata: {name: akash-services}
EOF
  local i
  for ((i = 0; i < NODES; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    akash.network: "true"
    type: kwok
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
status:
  capacity: &capacity {cpu: "4", memory: 16Gi, pods: "110", ephemeral-storage: 100Gi}
  allocatable: *capacity
  # The API server dials a node by its InternalIP (see start_apiserver), else its
  # Hostname; kwok would make the Hostname the node's name, which only a DNS server
  # could resolve. Both addresses are loopback, so whichever is preferred, what dials
  # a kwok node (node-debug --all execs into its debug pods, kwok's nodes proxy
  # configz) stays on this machine and fails the same way: kwok runs no kubelet.
  addresses: [{type: InternalIP, address: 127.0.0.1}, {type: Hostname, address: localhost}]
EOF
  done | kc apply -f - >/dev/null
  if [ "$NODES" -gt 0 ]; then
    kc wait --for=condition=Ready --timeout=60s node -l type=kwok >/dev/null 2>"$STATE/nodes.err" ||
      proc_fail "kwok nodes did not become Ready: $(cat "$STATE/nodes.err")" kwok
  fi
}

# watch_owner: when KUBECTL_AKASH_OWNER_PID is set, a detached watcher brings the
# cluster down once that process is gone, however it ended.
watch_owner() {
  local owner=${KUBECTL_AKASH_OWNER_PID:-}
  [ -n "$owner" ] || return 0
  proc_start owner-watch bash -c \
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; KUBECTL_AKASH_CLUSTER_DIR=$3 exec "$2" down --purge' \
    owner-watch "$owner" "$SELF" "$STATE/"
}

all_running() {
  local c
  for c in "${CONTROL_PLANE[@]}" "${REAL_NODE[@]}"; do proc_alive "$c" || return 1; done
}

cmd_up() {
  local real_node=0 started=$SECONDS
  while [ $# -gt 0 ]; do
    case $1 in
    --real-node) real_node=1 ;;
    *) usage ;;
    esac
    shift
  done
  resolve_bin
  [ -e "$MARKER" ] && proc_clean_stale
  if [ -e "$MARKER" ] && all_running && apiserver_ready >/dev/null 2>&1; then
    [ "$real_node" = 0 ] || start_real_node
    log "already up: $(cmd_env)"
    watch_owner
    return 0
  fi
  local p
  for p in "$ETCD_PORT:etcd" "$ETCD_PEER_PORT:etcd" "$PORT:kube-apiserver"; do
    if ! proc_alive "${p#*:}" && port_busy "${p%%:*}"; then
      echo "error: port ${p%%:*} on 127.0.0.1 is taken by another process; pick another KUBECTL_AKASH_APISERVER_PORT" >&2
      exit 1
    fi
  done
  prepare_state
  start_etcd
  start_apiserver
  start_controllers
  start_kwok
  install_akash
  [ "$real_node" = 0 ] || start_real_node
  watch_owner
  log "up in $((SECONDS - started))s with $NODES kwok nodes: $(cmd_env)"
}

cmd_down() {
  local purge=0
  case ${1:-} in
  --purge) purge=1 ;;
  "") ;;
  *) usage ;;
  esac
  if [ -d "$STATE" ]; then
    local i pid
    # The watcher runs this very command when its owner exits: it must not stop itself.
    if pid=$(proc_pid owner-watch) && [ "$pid" != $$ ]; then proc_stop owner-watch 2; fi
    real_node_down
    for ((i = ${#CONTROL_PLANE[@]} - 1; i >= 0; i--)); do proc_stop "${CONTROL_PLANE[i]}"; done
    kill_strays
  fi
  if [ "$purge" = 1 ] && [ -d "$STATE" ]; then
    if [ -e "$MARKER" ]; then rm -rf "$STATE"; else echo "not deleting $STATE: not a cluster state dir" >&2; fi
  fi
}

# kill_strays: SIGKILLs any of our binaries still running on this state dir, e.g.
# one whose pid file was lost, so that down never leaves a process behind.
kill_strays() {
  local p pid cmd
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" != $$ ] || continue
    cmd=$(proc_cmdline "$pid") || continue
    [[ $cmd == *"$STATE/"* ]] || continue
    case ${cmd%% *} in
    */etcd | */kube-apiserver | */kube-controller-manager | */kube-scheduler | */kwok | */kubelet | containerd)
      echo "killing stray ${cmd%% *} ($pid)" >&2
      kill -KILL "$pid" 2>/dev/null || true
      ;;
    esac
  done
}

cmd_env() { echo "export KUBECONFIG=$KUBECONFIG_ADMIN"; }

cmd_status() {
  local c pid ok=0
  echo "state dir: $STATE"
  echo "api server: https://127.0.0.1:$PORT"
  for c in "${CONTROL_PLANE[@]}" "${REAL_NODE[@]}" owner-watch; do
    if pid=$(proc_pid "$c"); then
      printf '  %-24s running (pid %s)\n' "$c" "$pid"
    elif [ "$c" != owner-watch ]; then
      printf '  %-24s stopped\n' "$c"
      ok=1
    fi
  done
  if [ "$ok" = 0 ]; then
    BIN=${KUBECTL_AKASH_TESTBIN:-$("$HERE/testbin.sh")}
    if apiserver_ready >/dev/null 2>&1; then
      echo "api server ready; nodes:"
      kc get nodes -o wide | sed 's/^/  /'
    else
      echo "api server not ready"
      ok=1
    fi
  fi
  return "$ok"
}

usage() {
  echo "usage: $0 up [--real-node] | down [--purge] | env | status | load-image TARBALL" >&2
  exit 2
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
env) cmd_env ;;
status) cmd_status ;;
load-image) real_node_load_image "$@" ;;
*) usage ;;
esac
