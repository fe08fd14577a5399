# shellcheck shell=bash
# One real node for the local cluster: kubelet + containerd + runc + CNI, registered
# as node "localhost", so tests can run real privileged hostPID pods and exec into them.
# Sourced by hack/cluster.sh after lib/proc.sh; uses STATE, PORT, BIN, log and kc.
#
# Everything lives under $STATE/node: containerd's root and state, its config and
# socket, the CNI config and IPAM data, the kubelet's root dir, pod logs. What cannot
# live there is named after this rig and removed by real_node_down: the CNI bridge
# ($RN_BRIDGE), the node's address link ($RN_LINK), pod network namespaces (by their
# address in $RN_SUBNET), the empty /kubepods cgroups the kubelet made.
#
# Facts this relies on (learned the hard way on small sandboxed machines):
#   - cgroup v1 hosts need failCgroupV1: false; the kubelet runs with the cgroupfs driver.
#   - The kubelet serves on $RN_NODE_IP only (a port-less link of this rig, see below), with
#     anonymous auth and AlwaysAllow; it registers as "localhost" with that InternalIP,
#     and kube-apiserver prefers InternalIP, so exec, logs and the node proxy
#     (/api/v1/nodes/localhost/proxy/configz) reach it. The node proxy refuses loopback
#     and link-local addresses ("address not allowed"), hence no 127.0.0.1.
#   - Without CAP_SYS_RESOURCE, runc fails ("can't get final child's PID from pipe")
#     when asked to lower oom_score_adj: containerd runs runc through a wrapper that
#     raises process.oomScoreAdj in the bundle's config.json to the current value.
#   - No registry: a pause and a busybox image are built from Debian's busybox-static
#     and imported with ctr.
#   - Only one kubelet may own the machine's /kubepods cgroups: a second real node
#     would kill the first one's containers, so up refuses while another kubelet runs.

RN=$STATE/node
RN_SOCK=$RN/containerd/containerd.sock
RN_BRIDGE=kakash-e2e0
RN_SUBNET=10.250.73
# The node's own address, on a link this rig creates and real_node_down deletes: a
# bridge with no ports (the kind CNI needs anyway; a dummy link needs a kernel module
# small machines may lack). Traffic to it never leaves the machine (no port, no wire,
# and a local address is delivered locally), so the tests still talk only to loopback
# or to interfaces they made. A /32 of its own, outside RN_SUBNET (10.250.73.0/24, the
# pods), kwok's pod CIDR (10.244.0.0/16) and the service range (10.96.0.0/16);
# start_real_node refuses it if another interface of the machine already has it.
RN_LINK=kakash-e2enode
RN_NODE_IP=10.250.74.1
RN_NET=kubectl-akash-e2e
RN_NODE=localhost
RN_KUBELET_PORT=$((PORT - 62))
RN_TAINT=kubectl-akash.test/real-node=true:NoSchedule
RN_PACKAGES=(containerd runc containernetworking-plugins busybox-static jq iproute2)
# Present only while this state dir has a real node; down reads it.
RN_MARKER=$STATE/.real-node
# Machine-wide: held (flock) by the real node's containerd and kubelet for as long as
# they run. A test harness that took it itself sets KUBECTL_AKASH_REAL_NODE_LOCK_HELD=1
# and passes the locked file as an open descriptor, which they inherit the same way.
# A second real node waits for it or fails with a clear message.
RN_LOCK=/tmp/kubectl-akash-real-node.lock

rn_ctr() { ctr --address "$RN_SOCK" -n k8s.io "$@"; }

# real_node_components: the daemons of the real node in start order, if there is one.
real_node_components() {
  [ -e "$RN_MARKER" ] && echo containerd kubelet
  return 0
}

# rn_install: the Debian packages the node needs, installed when missing.
rn_install() {
  if command -v containerd >/dev/null && command -v runc >/dev/null && command -v ctr >/dev/null &&
    [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /bin/busybox ] &&
    command -v jq >/dev/null && command -v ip >/dev/null; then
    return 0
  fi
  command -v apt-get >/dev/null ||
    { echo "error: --real-node needs ${RN_PACKAGES[*]} (Debian packages) and there is no apt-get" >&2; exit 1; }
  log "installing ${RN_PACKAGES[*]} (first run only)"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${RN_PACKAGES[@]}"; } \
    >"$STATE/apt.log" 2>&1 || proc_fail "apt-get install ${RN_PACKAGES[*]} failed" apt
}

# rn_other_kubelet: prints "PID COMMAND" of a kubelet not of this state dir, if any.
rn_other_kubelet() {
  local p pid cmd
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$(cat "$p/comm" 2>/dev/null)" = kubelet ] || continue
    cmd=$(proc_cmdline "$pid") || continue
    [[ $cmd == *"$STATE/"* ]] && continue
    echo "$pid $cmd"
    return 0
  done
  return 1
}

# rn_preflight: refuses to start a second node on this machine, or one on top of
# containers a previous node left running in /kubepods.
rn_preflight() {
  local other busy
  if other=$(rn_other_kubelet); then
    echo "error: another kubelet runs on this machine (pid ${other%% *}: ${other#* })." >&2
    echo "  Only one kubelet may own /kubepods cgroups at a time: stop that cluster first" >&2
    echo "  (KUBECTL_AKASH_CLUSTER_DIR=<its state dir> hack/cluster.sh down), then retry." >&2
    exit 1
  fi
  busy=$(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs \
    /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs /sys/fs/cgroup/kubepods/cgroup.procs \
    /sys/fs/cgroup/kubepods/*/cgroup.procs /sys/fs/cgroup/kubepods/*/*/cgroup.procs 2>/dev/null | head -5 | tr '\n' ' ') || true
  if [ -n "$busy" ]; then
    echo "error: processes still run in the /kubepods cgroups (pids $busy...), left by a real node" >&2
    echo "  that was not brought down; stop them (or that node's cluster) before starting a new one." >&2
    exit 1
  fi
}

# rn_write_config: containerd's config, the runc wrapper, the CNI conflist, the kubelet's config.
rn_write_config() {
  mkdir -p "$RN/containerd" "$RN/cni/conf" "$RN/cni/data" "$RN/kubelet/manifests" "$RN/pod-logs" "$RN/opt"
  cat >"$RN/runc-wrap" <<'EOF'
#!/usr/bin/env bash
# Test-only: this machine lacks CAP_SYS_RESOURCE, so runc may not lower
# oom_score_adj; raise the bundle's process.oomScoreAdj to ours, then run runc.
bundle="" prev=""
for a in "$@"; do
  [ "$prev" = --bundle ] || [ "$prev" = -b ] && bundle=$a
  prev=$a
done
if [ -n "$bundle" ] && [ -f "$bundle/config.json" ]; then
  min=$(cat /proc/self/oom_score_adj)
  jq --argjson min "$min" 'if (.process.oomScoreAdj // 0) < $min then .process.oomScoreAdj = $min else . end' \
    "$bundle/config.json" >"$bundle/config.json.tmp" && mv "$bundle/config.json.tmp" "$bundle/config.json"
fi
exec runc "$@"
EOF
  chmod +x "$RN/runc-wrap"
  cat >"$RN/containerd/config.toml" <<EOF
version = 2
root = "$RN/containerd/root"
state = "$RN/containerd/state"
[grpc]
  address = "$RN_SOCK"
[plugins."io.containerd.internal.v1.opt"]
  path = "$RN/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:v1"
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RN/runc-wrap"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RN/cni/conf"
EOF
  cat >"$RN/cni/conf/10-$RN_NET.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "$RN_NET", "plugins": [
  {"type": "bridge", "bridge": "$RN_BRIDGE", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$RN/cni/data", "ranges": [[{"subnet": "$RN_SUBNET.0/24"}]]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  cat >"$RN/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
failSwapOn: false
podPidsLimit: 4096
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$RN_SOCK
staticPodPath: $RN/kubelet/manifests
podLogsDir: $RN/pod-logs
address: $RN_NODE_IP
port: $RN_KUBELET_PORT
readOnlyPort: 0
healthzPort: 0
enforceNodeAllocatable: []
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
registerWithTaints:
- {key: ${RN_TAINT%%=*}, value: "$(t=${RN_TAINT#*=}; echo "${t%%:*}")", effect: ${RN_TAINT##*:}}
EOF
}

# rn_import_images: localhost/pause:v1 and localhost/busybox:v1, one static busybox layer.
rn_import_images() {
  local w arch d img ep c
  w=$(mktemp -d)
  arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
  mkdir -p "$w/rootfs/bin" "$w/rootfs/tmp" "$w/rootfs/etc" "$w/out"
  cp /bin/busybox "$w/rootfs/bin/busybox"
  for c in sh sleep ps cat ls kill env date mkdir grep sed awk tr head tail chroot nsenter echo true false id hostname wc; do
    ln -sf busybox "$w/rootfs/bin/$c"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$w/rootfs/etc/passwd"
  tar -C "$w/rootfs" --owner=0 --group=0 --numeric-owner -cf "$w/out/layer.tar" .
  d=$(sha256sum "$w/out/layer.tar" | cut -d' ' -f1)
  for img in pause busybox; do
    ep='["/bin/sh"]'
    [ "$img" = pause ] && ep='["/bin/sleep","2147483647"]'
    printf '{"architecture":"%s","os":"linux","config":{"Entrypoint":%s,"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
      "$arch" "$ep" "$d" >"$w/out/config.json"
    printf '[{"Config":"config.json","RepoTags":["localhost/%s:v1"],"Layers":["layer.tar"]}]' "$img" >"$w/out/manifest.json"
    tar -C "$w/out" -cf "$w/$img.tar" manifest.json config.json layer.tar
    rn_ctr images import "$w/$img.tar" >/dev/null 2>"$w/err" || { cat "$w/err" >&2; rm -rf "$w"; proc_fail "importing localhost/$img:v1" containerd; }
  done
  rm -rf "$w"
}

node_ready() {
  [ "$(kc get node "$RN_NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# start_real_node: containerd, the images, the kubelet; waits for node Ready.
start_real_node() {
  if [ -e "$RN_MARKER" ] && proc_alive kubelet && proc_alive containerd && node_ready >/dev/null 2>&1; then
    return 0
  fi
  rn_install
  if [ "${KUBECTL_AKASH_REAL_NODE_LOCK_HELD:-}" != 1 ]; then
    exec 9>>"$RN_LOCK"
    if ! flock -n 9; then
      echo "error: another real node runs on this machine (it holds $RN_LOCK)." >&2
      echo "  Only one kubelet may own /kubepods cgroups at a time: bring that cluster down first." >&2
      exit 1
    fi
  fi
  rn_preflight
  touch "$RN_MARKER"
  rn_add_node_ip
  rn_write_config
  proc_start containerd containerd --config "$RN/containerd/config.toml"
  proc_wait 30 "containerd serving on $RN_SOCK" containerd rn_ctr version
  rn_import_images
  proc_start kubelet "$BIN/kubelet" --config="$RN/kubelet/config.yaml" --kubeconfig="$KUBECONFIG_ADMIN" \
    --hostname-override="$RN_NODE" --node-ip="$RN_NODE_IP" --address="$RN_NODE_IP" --root-dir="$RN/kubelet/root" --cert-dir="$RN/kubelet/pki"
  # The first start creates the cgroup hierarchy and registers the node: it may take a while.
  proc_wait 180 "node $RN_NODE Ready" kubelet node_ready
  exec 9>&- # containerd and the kubelet keep the lock; nothing started later takes it
  log "real node $RN_NODE Ready (kubelet on $RN_NODE_IP:$RN_KUBELET_PORT, taint $RN_TAINT)"
}

# rn_add_node_ip: the port-less bridge $RN_LINK with $RN_NODE_IP/32. Only one real node
# runs on a machine (the lock, rn_preflight), so a link of that name is one a crashed
# run left: it is made anew, unless this state dir's kubelet still serves on it.
# Refuses when another interface has the address.
rn_add_node_ip() {
  local other
  if proc_alive kubelet && ip -4 -o addr show dev "$RN_LINK" 2>/dev/null | grep -q " $RN_NODE_IP/"; then
    return 0
  fi
  rn_remove_node_ip
  other=$(ip -4 -o addr show to "$RN_NODE_IP/32" 2>/dev/null | awk '{print $2}' | head -1)
  if [ -n "$other" ]; then
    echo "error: $RN_NODE_IP, the real node's address, is already on interface $other of this machine." >&2
    exit 1
  fi
  { ip link add "$RN_LINK" type bridge && ip addr add "$RN_NODE_IP/32" dev "$RN_LINK" && ip link set "$RN_LINK" up; } \
    >"$STATE/node-ip.log" 2>&1 || { rn_remove_node_ip; proc_fail "creating link $RN_LINK with $RN_NODE_IP: $(cat "$STATE/node-ip.log")"; }
}

# rn_remove_node_ip: the node's address link, if there is one.
rn_remove_node_ip() {
  ip link show "$RN_LINK" >/dev/null 2>&1 || return 0
  ip link delete "$RN_LINK" 2>/dev/null || true
}

# rn_wait SECONDS CMD...: polls CMD until it succeeds or SECONDS pass.
rn_wait() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

rn_no_tasks() { [ -z "$(rn_ctr tasks ls -q 2>/dev/null)" ]; }

# real_node_down: stops the real node and removes everything it made outside its
# state dir. Runs while the API server still runs, so the kubelet can first tear
# its pods down properly (CNI DEL, network namespaces removed).
real_node_down() {
  [ -e "$RN_MARKER" ] || return 0
  local pid
  [ -n "${BIN:-}" ] || BIN=${KUBECTL_AKASH_TESTBIN:-$("$HERE/testbin.sh")}
  if proc_alive kubelet && apiserver_ready >/dev/null 2>&1; then
    kc delete pods --all-namespaces --field-selector "spec.nodeName=$RN_NODE" --grace-period=1 --wait=false >/dev/null 2>&1 || true
    proc_alive containerd && rn_wait 30 rn_no_tasks || true
  fi
  proc_stop kubelet
  if proc_alive containerd; then
    local t
    for t in $(rn_ctr tasks ls -q 2>/dev/null); do rn_ctr tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    rn_wait 10 rn_no_tasks || true
  fi
  proc_stop containerd
  # Shims outlive containerd: end the ones of this node (their -address names our socket).
  for pid in $(rn_pids_matching "containerd-shim" "$RN_SOCK"); do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in $(rn_pids_matching "" "$RN/"); do kill -KILL "$pid" 2>/dev/null || true; done
  # Anything left in the kubepods cgroups is a container of this node (up refuses to
  # start on busy ones, and only one node runs at a time).
  for pid in $(cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/kubepods/cgroup.procs 2>/dev/null) \
    $(find /sys/fs/cgroup/pids/kubepods /sys/fs/cgroup/kubepods -mindepth 1 -name cgroup.procs -exec cat {} + 2>/dev/null); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  rn_unmount_state
  rn_remove_network
  rn_remove_cgroups
  rm -rf /var/lib/cni/results/"$RN_NET"-* 2>/dev/null || true
  rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null || true
  rm -f "$RN_MARKER"
}

# rn_pids_matching COMM_PREFIX TEXT: pids whose comm starts with COMM_PREFIX and whose
# command line contains TEXT.
rn_pids_matching() {
  local p pid cmd
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" != $$ ] || continue
    [[ $(cat "$p/comm" 2>/dev/null) == "$1"* ]] || continue
    cmd=$(proc_cmdline "$pid") || continue
    [[ $cmd == *"$2"* ]] && echo "$pid"
  done
  return 0
}

# rn_unmount_state: every mount under the state dir, deepest first (overlay rootfs,
# shm, the kubelet's volumes).
rn_unmount_state() {
  local m _
  for _ in 1 2 3; do
    m=$(awk -v s="$STATE/" 'index($5, s) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    [ -n "$m" ] || return 0
    while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done <<<"$m"
  done
}

# rn_remove_network: pod network namespaces still holding an address of our subnet,
# the veths on our bridge, the bridge, and the node's address link.
rn_remove_network() {
  command -v ip >/dev/null || return 0
  local ns
  for ns in /var/run/netns/cni-*; do
    [ -e "$ns" ] || continue
    ip -n "${ns##*/}" -4 -o addr show 2>/dev/null | grep -q " $RN_SUBNET\." || continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
  if ip link show "$RN_BRIDGE" >/dev/null 2>&1; then
    local v
    for v in $(ip -o link show master "$RN_BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
      ip link delete "$v" 2>/dev/null || true
    done
    ip link delete "$RN_BRIDGE" 2>/dev/null || true
  fi
  rn_remove_node_ip
}

# rn_remove_cgroups: the kubelet's /kubepods cgroups, now empty, deepest first. rmdir
# refuses a cgroup that still has processes, so nothing running is touched.
rn_remove_cgroups() {
  local d
  for d in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# real_node_load_image FILE: imports an image tarball (docker-archive or OCI layout)
# into the real node's containerd, where pods find it with imagePullPolicy IfNotPresent.
real_node_load_image() {
  [ -e "$RN_MARKER" ] && proc_alive containerd ||
    { echo "error: no real node runs on $STATE (start it with: $0 up --real-node)" >&2; exit 1; }
  [ -f "${1:-}" ] || { echo "usage: $0 load-image TARBALL" >&2; exit 2; }
  rn_ctr images import "$1" >&2
}
