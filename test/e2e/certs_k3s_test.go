package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// k3sStandIn is the real k3s's behaviour, as far as a renewal sees it
// (k3s-io/k3s pkg/cli/cert/cert.go and docs/cli/certificate.md,
// etcd-snapshot.md): `certificate rotate` copies server/tls to
// server/tls-<unix time> and removes the leaf certificates and keys, which
// k3s writes anew when it starts (`server`, as the stand-in systemctl
// runs it; here with openssl, signed by the node's own CAs); `etcd-snapshot
// save` needs the server running and writes <name>-<node>-<time> into
// server/db/snapshots, logging "Snapshot … saved.". Every call is
// appended to the log. Touching <root>/fail-rotate makes the rotation fail.
const k3sStandIn = `#!/bin/sh
echo "k3s $*" >> "$LOG"
data=/var/lib/rancher/k3s
name=on-demand
for a in "$@"; do
  case "$a" in
  --data-dir=*) data="${a#--data-dir=}" ;;
  --name=*) name="${a#--name=}" ;;
  esac
done
tls="$data/server/tls"
case "$1 $2" in
"--version "*)
  echo "k3s version v1.33.4+k3s1 (148243c4)"
  echo "go version go1.24.4"
  ;;
"certificate rotate")
  if [ -e "$ROOT/fail-rotate" ]; then
    echo 'level=fatal msg="open '"$tls"'/client-admin.crt: permission denied"' >&2
    exit 1
  fi
  backup="$data/server/tls-$(date +%s%N)"
  cp -a "$tls" "$backup" || exit 1
  for leaf in $LEAVES; do rm -f "$tls/${leaf%%:*}.crt" "$tls/${leaf%%:*}.key"; done
  echo 'level=info msg="Successfully backed up certificates to '"$backup"', please restart k3s server or agent to rotate certificates"'
  ;;
"etcd-snapshot save")
  if [ ! -e "$ROOT/running" ]; then
    echo 'level=fatal msg="etcd-snapshot: dial tcp 127.0.0.1:6443: connect: connection refused"' >&2
    exit 1
  fi
  mkdir -p "$data/server/db/snapshots"
  file="$name-node-1-$(date +%s)"
  head -c 8192 /dev/urandom > "$data/server/db/snapshots/$file"
  echo 'level=info msg="Snapshot '"$file"' saved."'
  ;;
"server "*)
  for leaf in $LEAVES; do
    crt="$tls/${leaf%%:*}.crt" ca="$tls/${leaf##*:}"
    [ -e "$crt" ] && continue
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tls/${leaf%%:*}.key" \
      -subj "/CN=${leaf%%:*}" -out "$crt.csr" 2>/dev/null || exit 1
    openssl x509 -req -in "$crt.csr" -CA "$ca.crt" -CAkey "$ca.key" -set_serial "$(date +%s%N)" -days 365 -out "$crt" 2>/dev/null || exit 1
    rm -f "$crt.csr"
  done
  ;;
*)
  echo "stand-in k3s: unexpected arguments: $*" >&2
  exit 2
  ;;
esac
`

// systemctlStandIn records each call; the k3s unit's state is the file
// <root>/running. start runs the stand-in k3s server (which writes the
// missing certificates, as k3s does on start) and waits for it, as
// `systemctl start` waits for k3s's Type=notify unit.
const systemctlStandIn = `#!/bin/sh
echo "systemctl $*" >> "$LOG"
[ "$2" = k3s ] || { echo "stand-in systemctl: unit $2 not found" >&2; exit 5; }
case "$1" in
stop) rm -f "$ROOT/running" ;;
start) "$ROOT/usr/local/bin/k3s" server --data-dir="$DATA" && touch "$ROOT/running" ;;
is-active) if [ -e "$ROOT/running" ]; then echo active; else echo inactive; exit 3; fi ;;
*) echo "stand-in systemctl: $1?" >&2; exit 1 ;;
esac
`

// k3sRig is a k3s server's host root (the certificates certstest.K3s
// writes, leaves signed by the node's CAs), with the stand-ins above in
// usr/local/bin and k3s running.
type k3sRig struct {
	root, data, tls, log, backups string
	args                          []string
}

func newK3sRig(t *testing.T, embeddedEtcd bool) *k3sRig {
	t.Helper()
	root := t.TempDir()
	r := &k3sRig{root: root, data: root + "/var/lib/rancher/k3s", log: root + "/calls.log", backups: root + "/backups"}
	r.tls = r.data + "/server/tls"
	certstest.K3s(t, root, certstest.DefaultExpiries(time.Now()))
	if embeddedEtcd {
		certstestWrite(t, root, "var/lib/rancher/k3s/server/db/etcd/config", "name: node-1\n")
	} else {
		certstestWrite(t, root, "var/lib/rancher/k3s/server/db/state.db", "sqlite")
	}
	env := "#!/bin/sh\nexport LOG=" + r.log + " ROOT=" + root + " DATA=" + r.data +
		" LEAVES='client-admin:client-ca serving-kube-apiserver:server-ca'\n"
	for name, body := range map[string]string{"k3s": k3sStandIn, "systemctl": systemctlStandIn} {
		certstestWrite(t, root, "usr/local/bin/"+name, strings.Replace(body, "#!/bin/sh\n", env, 1))
		if err := os.Chmod(filepath.Join(root, "usr/local/bin", name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	certstestWrite(t, root, "running", "")
	r.args = []string{"certs", "renew", "--local", "--node-root", root, "--k3s", root + "/usr/local/bin/k3s",
		"--systemctl", root + "/usr/local/bin/systemctl", "--backup-dir", r.backups, "--ready-timeout", "20s"}
	return r
}

// calls are the stand-ins' calls so far, without the version probes.
func (r *k3sRig) calls(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(r.log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "" && !strings.HasPrefix(l, "k3s --version") {
			out = append(out, l)
		}
	}
	return out
}

func (r *k3sRig) running() bool { return fileExists(r.root + "/running") }

const k3sPlan = "k3s-etcd-snapshot=DryRun backup=DryRun stop-k3s=DryRun k3s-certificate-rotate=DryRun start-k3s=DryRun wait-ready=DryRun recheck=DryRun"

// Hostile first: the plan names the node k3s and every step, and neither
// a dry run nor a run without --yes stops k3s, snapshots, backs up or
// touches a certificate. On a SQLite server the plan says there is no
// etcd to snapshot.
func TestCertsRenewK3sDryRunAndRefusal(t *testing.T) {
	c := cluster.Get(t)
	r := newK3sRig(t, true)
	old := treeFiles(t, r.data)
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	ren, got := renewalSteps(t, res.stdout)
	if got != k3sPlan {
		t.Errorf("dry-run plan\n got %s\nwant %s", got, k3sPlan)
	}
	for _, s := range ren.Status.Steps {
		if s.Flavour != certs.FlavourK3s {
			t.Errorf("%s: flavour %q, want k3s", s.Verb, s.Flavour)
		}
	}
	if s := ren.StepOf(ren.Status.Steps[0].Node, certs.StepK3sRotate); s == nil || !strings.Contains(s.Message, r.root+"/usr/local/bin/k3s certificate rotate --data-dir="+r.data) {
		t.Errorf("the plan does not name the rotation's command: %+v", s)
	}
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client")...).ok(t)
	if !strings.Contains(res.stdout, "FLAVOUR") || !strings.Contains(res.stdout, " k3s ") {
		t.Errorf("the table does not name the flavour:\n%s", res.stdout)
	}
	res = kubectlAkash(t, c, runOpts{}, r.args...)
	if res.code != cli.ExitFailure || !strings.Contains(res.stderr, "--yes") {
		t.Errorf("no --yes: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if calls := r.calls(t); len(calls) != 0 {
		t.Errorf("without confirmation the stand-ins were called: %v", calls)
	}
	if fileExists(r.backups) || !r.running() {
		t.Errorf("backups written (%v) or k3s stopped (running %v) without confirmation", fileExists(r.backups), r.running())
	}
	sameFiles(t, r.data, old, "without confirmation")

	sqlite := newK3sRig(t, false)
	res = kubectlAkash(t, c, runOpts{}, append(sqlite.args, "--dry-run=client", "-o", "json")...).ok(t)
	ren, got = renewalSteps(t, res.stdout)
	if want := strings.Replace(k3sPlan, "k3s-etcd-snapshot=DryRun", "k3s-etcd-snapshot=Skipped", 1); got != want {
		t.Errorf("SQLite plan\n got %s\nwant %s", got, want)
	}
	if m := ren.Status.Steps[0].Message; !strings.Contains(m, "no embedded etcd") || !strings.Contains(m, "state.db") {
		t.Errorf("the skipped snapshot does not say why: %s", m)
	}
}

// The renewal, confirmed: the snapshot is taken while k3s runs, then the
// backup, stop, rotate, start in that order; every leaf certificate is
// issued anew (new serial, later NotBefore), the CAs are kept, the backup
// holds the old files byte for byte, and k3s runs.
func TestCertsRenewK3sRotates(t *testing.T) {
	c := cluster.Get(t)
	r := newK3sRig(t, true)
	old := treeFiles(t, r.tls)
	oldLeaf := map[string]string{}
	for _, leaf := range []string{"client-admin", "serving-kube-apiserver"} {
		oldLeaf[leaf] = firstCert(t, r.tls+"/"+leaf+".crt").SerialNumber.String()
	}
	caBefore, _ := os.ReadFile(r.tls + "/server-ca.crt")
	time.Sleep(1100 * time.Millisecond) // a new NotBefore must be visibly later, to the second

	snapDir := t.TempDir()
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--yes", "--snapshot-dir", snapDir, "-o", "json")...).ok(t)
	ren, got := renewalSteps(t, res.stdout)
	if want := strings.ReplaceAll(k3sPlan, "DryRun", "Succeeded"); got != want {
		t.Errorf("steps\n got %s\nwant %s", got, want)
	}
	for _, s := range ren.Status.Steps {
		t.Logf("%s: %s %s", s.Verb, s.Result, s.Message)
	}
	want := []string{"k3s etcd-snapshot save", "systemctl stop k3s", "k3s certificate rotate", "systemctl start k3s", "k3s server", "systemctl is-active k3s"}
	calls := r.calls(t)
	if len(calls) != len(want) {
		t.Fatalf("calls %q, want %q", calls, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(calls[i], w) {
			t.Errorf("call %d is %q, want %q…", i, calls[i], w)
		}
	}
	if !r.running() {
		t.Errorf("k3s is not running after the renewal")
	}
	for leaf, serial := range oldLeaf {
		now := firstCert(t, r.tls+"/"+leaf+".crt")
		if now.SerialNumber.String() == serial || time.Since(now.NotBefore) > time.Minute {
			t.Errorf("%s was not issued anew: serial %s (was %s), NotBefore %s", leaf, now.SerialNumber, serial, now.NotBefore)
		}
	}
	if caNow, _ := os.ReadFile(r.tls + "/server-ca.crt"); !bytes.Equal(caNow, caBefore) {
		t.Errorf("the server CA changed")
	}
	if s := ren.StepOf(ren.Status.Steps[0].Node, certs.StepRecheck); s == nil || !strings.Contains(s.Message, "2 issued anew") {
		t.Errorf("the re-check did not compare with before: %+v", s)
	}
	snaps, _ := filepath.Glob(r.data + "/server/db/snapshots/kubectl-akash-*")
	tgz, _ := filepath.Glob(r.backups + "/k3s-certs-*.tar.gz")
	if len(snaps) != 1 || len(tgz) != 1 {
		t.Fatalf("snapshots %v, backups %v", snaps, tgz)
	}
	backupHolds(t, tgz[0], old)
	copied, _ := filepath.Glob(snapDir + "/*-kubectl-akash-*")
	if len(copied) != 1 {
		t.Fatalf("the snapshot was not copied into --snapshot-dir: %v", copied)
	}
	if a, b := readFile(t, copied[0]), readFile(t, snaps[0]); !bytes.Equal(a, b) {
		t.Errorf("the copy %s differs from the node's snapshot %s", copied[0], snaps[0])
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A rotation that fails leaves k3s running: the start is attempted after
// the failed rotate, everything after it is skipped, the exit code is 1,
// and the rollback names the backup and how to check k3s.
func TestCertsRenewK3sFailedRotateStartsK3sAgain(t *testing.T) {
	c := cluster.Get(t)
	r := newK3sRig(t, true)
	certstestWrite(t, r.root, "fail-rotate", "")
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--yes", "-o", "json")...)
	if res.code != cli.ExitFailure {
		t.Fatalf("exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
	}
	_, got := renewalSteps(t, res.stdout)
	if want := "k3s-etcd-snapshot=Succeeded backup=Succeeded stop-k3s=Succeeded k3s-certificate-rotate=Failed start-k3s=Succeeded wait-ready=Skipped recheck=Skipped"; got != want {
		t.Errorf("steps\n got %s\nwant %s", got, want)
	}
	rotate, start := -1, -1
	for i, call := range r.calls(t) {
		switch {
		case strings.HasPrefix(call, "k3s certificate rotate"):
			rotate = i
		case strings.HasPrefix(call, "systemctl start k3s"):
			start = i
		}
	}
	if rotate < 0 || start < rotate {
		t.Errorf("k3s was not started after the failed rotation: %q", r.calls(t))
	}
	if !r.running() {
		t.Errorf("a failed rotation left k3s stopped")
	}
	if !strings.Contains(res.stdout, "permission denied") {
		t.Errorf("the rotation's error is not reported:\n%s", res.stdout)
	}
	if !strings.Contains(res.stderr, "tar xzf "+r.backups+"/k3s-certs-") || !strings.Contains(res.stderr, "systemctl status k3s") {
		t.Errorf("no rollback advice:\n%s", res.stderr)
	}
}

// A rotation killed between stop and start (its status file unfinished,
// nobody holding its lock) left k3s stopped: the next run, even a dry
// run, starts it before anything else and says so.
func TestCertsRenewK3sStartsWhatAKilledRunLeftStopped(t *testing.T) {
	c := cluster.Get(t)
	r := newK3sRig(t, true)
	os.Remove(r.root + "/running")
	certstestWrite(t, r.root, "backups/k3s-rotate.json", `{"service":"k3s","stop":{"done":true},"rotate":{"done":false},"start":{"done":false},"finished":false}`)
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	ren, got := renewalSteps(t, res.stdout)
	if want := "start-k3s=Succeeded " + k3sPlan; got != want {
		t.Errorf("plan\n got %s\nwant %s", got, want)
	}
	if s := ren.Status.Steps[0]; !strings.Contains(s.Message, "cut short") {
		t.Errorf("the first step does not say why k3s was started: %s", s.Message)
	}
	if !r.running() {
		t.Errorf("k3s is still stopped")
	}
	if calls := r.calls(t); len(calls) == 0 || !strings.HasPrefix(calls[0], "systemctl start k3s") {
		t.Errorf("calls %q", calls)
	}
	// Once started, there is nothing more to do.
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	if _, got := renewalSteps(t, res.stdout); got != k3sPlan {
		t.Errorf("started again: %s", got)
	}
}

// k3sNode is this machine as a k3s node in the API (--local names the
// node by the host name): a Node with a +k3s kubelet, Ready, and its
// Lease, renewed by renew() as a kubelet would.
func k3sNode(t *testing.T, c *cluster.Cluster) (name string, renew func()) {
	t.Helper()
	name, err := os.Hostname()
	if err != nil || name == cluster.RealNodeName {
		t.Fatalf("this machine's host name %q (%v) cannot stand for a node here", name, err)
	}
	ctx := t.Context()
	_, err = c.Kube().CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name,
		Annotations: map[string]string{"k3s.io/node-args": `["server","--cluster-init"]`}},
		// No kubelet runs it: nothing may be scheduled there.
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{{Key: "kubectl-akash.test/k3s-stand-in", Effect: corev1.TaintEffectNoSchedule}}}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Kube().CoreV1().Nodes().Delete(context.Background(), name, metav1.DeleteOptions{})
		_ = c.Kube().CoordinationV1().Leases(corev1.NamespaceNodeLease).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	if err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		node, err := c.Kube().CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		node.Status.NodeInfo.KubeletVersion = "v1.33.4+k3s1"
		node.Status.Conditions = []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now()}}
		_, err = c.Kube().CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	now := metav1.NewMicroTime(time.Now())
	if _, err := c.Kube().CoordinationV1().Leases(corev1.NamespaceNodeLease).Create(ctx, &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: corev1.NamespaceNodeLease},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &name, RenewTime: &now}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return name, func() {
		l, err := c.Kube().CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return
		}
		now := metav1.NewMicroTime(time.Now())
		l.Spec.RenewTime = &now
		_, _ = c.Kube().CoordinationV1().Leases(corev1.NamespaceNodeLease).Update(context.Background(), l, metav1.UpdateOptions{})
	}
}

// The wait for Ready is real: with a kubelet renewing its lease, the
// node is Ready after the start, and the plan names the API's evidence
// that the node is k3s; with a lease nobody renews (k3s not coming back),
// the wait fails, the re-check is not run, and k3s is still started. A
// node the API calls k3s whose k3s directory is not where this command
// looks is refused before anything is done.
func TestCertsRenewK3sWaitsForTheNode(t *testing.T) {
	c := cluster.Get(t)
	name, renew := k3sNode(t, c)
	r := newK3sRig(t, true)
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	if ren, _ := renewalSteps(t, res.stdout); !strings.Contains(ren.StepOf(name, certs.StepK3sStop).Message, "kubelet v1.33.4+k3s1") {
		t.Errorf("the plan does not give the API's evidence: %s", ren.StepOf(name, certs.StepK3sStop).Message)
	}
	renewing, stop := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewing)
		for {
			select {
			case <-stop:
				return
			case <-time.After(300 * time.Millisecond):
				renew()
			}
		}
	}()
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--yes", "-o", "json")...).ok(t)
	close(stop)
	<-renewing
	ren, got := renewalSteps(t, res.stdout)
	if want := strings.ReplaceAll(k3sPlan, "DryRun", "Succeeded"); got != want {
		t.Errorf("steps\n got %s\nwant %s", got, want)
	}
	if s := ren.StepOf(name, certs.StepWaitReady); s == nil || !strings.Contains(s.Message, "node Ready, its kubelet (v1.33.4+k3s1) renewed its lease") {
		t.Errorf("wait-ready: %+v", s)
	}

	// Nobody renews the lease now.
	r = newK3sRig(t, true)
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--yes", "--ready-timeout", "3s", "-o", "json")...)
	if res.code != cli.ExitFailure {
		t.Fatalf("a node that does not come back: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	ren, got = renewalSteps(t, res.stdout)
	if want := "k3s-etcd-snapshot=Succeeded backup=Succeeded stop-k3s=Succeeded k3s-certificate-rotate=Succeeded start-k3s=Succeeded wait-ready=Failed recheck=Skipped"; got != want {
		t.Errorf("steps\n got %s\nwant %s", got, want)
	}
	if s := ren.StepOf(name, certs.StepWaitReady); s == nil || !strings.Contains(s.Message, "has not renewed its lease") {
		t.Errorf("wait-ready: %+v", s)
	}
	if !r.running() {
		t.Errorf("k3s is not running")
	}

	// The API says k3s; the k3s directory is elsewhere.
	empty := t.TempDir()
	res = kubectlAkash(t, c, runOpts{}, "certs", "renew", "--local", "--node-root", empty, "--backup-dir", empty+"/backups", "--dry-run=client")
	if res.code != cli.ExitFailure || !strings.Contains(res.stderr, "is k3s (kubelet v1.33.4+k3s1) but "+empty+"/var/lib/rancher/k3s/server/tls is not on it") || fileExists(empty+"/backups") {
		t.Errorf("k3s elsewhere: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// The same renewal through a debug pod on the real node: the agent runs
// each step chrooted into the host, with the flags the client passes it
// (--k3s, --systemctl, --k3s-dir, --backup-dir), and the client re-checks
// through the agent's scan.
func TestCertsRenewK3sThroughDebugPod(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "certs-renew-k3s")
	r := newK3sRig(t, true)
	args := append(r.args[:0:0], r.args...)
	args[2] = node // in place of --local
	args = append(args, "--image", c.AgentImage, "--debug-namespace", ns, "-o", "json")
	res := kubectlAkash(t, c, runOpts{}, append(args, "--dry-run=client")...).ok(t)
	if _, got := renewalSteps(t, res.stdout); got != k3sPlan {
		t.Errorf("plan\n got %s\nwant %s", got, k3sPlan)
	}
	if calls := r.calls(t); len(calls) != 0 {
		t.Errorf("the dry run called %v", calls)
	}
	res = kubectlAkash(t, c, runOpts{}, append(args, "--yes", "--ready-timeout", "60s")...) // the kubelet renews its lease every 10s
	ren, got := renewalSteps(t, res.stdout)
	for _, s := range ren.Status.Steps {
		t.Logf("%s: %s %s", s.Verb, s.Result, s.Message)
	}
	// The real node's kubelet renews its lease: the wait succeeds.
	if want := strings.ReplaceAll(k3sPlan, "DryRun", "Succeeded"); got != want || res.code != 0 {
		t.Errorf("exit %d, steps\n got %s\nwant %s\n%s", res.code, got, want, res.stderr)
	}
	if !r.running() || len(r.calls(t)) != 6 {
		t.Errorf("running %v, calls %q", r.running(), r.calls(t))
	}
	noDebugPods(t, c, ns)
}
