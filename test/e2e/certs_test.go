package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

func decodeCerts(t *testing.T, r result) map[string]map[string]certs.Certificate {
	t.Helper()
	out := map[string]map[string]certs.Certificate{}
	for _, n := range listItems[certs.NodeCertificates](t, "NodeCertificatesList", r.stdout, r.stderr) {
		if n.Status.Error != "" {
			t.Fatalf("node %s: %s", n.Name, n.Status.Error)
		}
		out[n.Name] = map[string]certs.Certificate{}
		for _, c := range n.Status.Certificates {
			out[n.Name][c.Name] = c
		}
	}
	return out
}

// firstCert parses the first certificate of a PEM file.
func firstCert(t *testing.T, file string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		t.Fatalf("%s: no PEM", file)
	}
	x, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The remote path on the real kubelet: the agent in a debug pod reads a
// kubeadm + kubespray tree the test built on this machine (the node), and
// the real kubelet's own certificates; the client side reads the API
// server's serving certificate through a handshake.
func TestCertsCheckRealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "certs-check")
	root := t.TempDir()
	e := certstest.DefaultExpiries(time.Now())
	certstest.Kubeadm(t, root, e)
	certstest.Kubespray(t, root, e)
	kubeletPKI := filepath.Join(c.Dir, "node/kubelet/pki")

	r := kubectlAkash(t, c, runOpts{}, "certs", "check", node, "--image", c.AgentImage, "--debug-namespace", ns,
		"--node-root", root, "--kubelet-pki-dir", kubeletPKI, "--warn", "30d", "-o", "json")
	if r.code != cli.ExitFindings {
		t.Fatalf("exit %d, want 3 (expired and expiring certificates)\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := decodeCerts(t, r)
	n := got[node]
	for name, want := range map[string]certs.Status{
		"apiserver": certs.Expiring, "front-proxy-client": certs.Expired,
		"controller-manager.conf": certs.Expired, "admin.conf": certs.Valid,
		"etcd/member-node-1.pem": certs.Expired, "etcd/admin-node-1.pem": certs.Valid,
	} {
		if n[name].Status != want {
			t.Errorf("%s: %s (%s), want %s", name, n[name].Status, n[name].Message, want)
		}
	}
	// kubespray's etcd replaces kubeadm's: its absent etcd-peer is not reported missing.
	if c, ok := n["etcd-peer"]; ok {
		t.Errorf("etcd-peer reported (%s) on a kubespray node", c.Status)
	}
	if p := n["apiserver"].Path; p != root+"/etc/kubernetes/pki/apiserver.crt" {
		t.Errorf("apiserver path %q", p)
	}
	// The real kubelet's serving certificate, as the test reads the file itself.
	serving := firstCert(t, filepath.Join(kubeletPKI, "kubelet.crt"))
	if ks := n["kubelet-serving"]; ks.NotAfter == nil || !ks.NotAfter.Equal(&metav1.Time{Time: serving.NotAfter}) || ks.Subject != serving.Subject.String() {
		t.Errorf("kubelet-serving %+v, want the real kubelet's %s until %s", ks, serving.Subject, serving.NotAfter)
	}

	// The client side: what the API server presents, compared with a handshake of our own.
	u, err := url.Parse(c.RESTConfig().Host)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reading the certificate
	if err != nil {
		t.Fatal(err)
	}
	peer := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	api := got[certs.ClientNode]["apiserver (served)"]
	if api.Status != certs.Valid || api.NotAfter == nil || !api.NotAfter.Equal(&metav1.Time{Time: peer.NotAfter}) || api.Subject != peer.Subject.String() {
		t.Errorf("served apiserver certificate %+v, want %s until %s", api, peer.Subject, peer.NotAfter)
	}
	if kc := got[certs.ClientNode]["kubeconfig client"]; !strings.Contains(kc.Message, "without a client certificate") {
		t.Errorf("the admin kubeconfig uses a token; got %+v", kc)
	}
	noDebugPods(t, c, ns)

	// The table says it the kubeadm way.
	r = kubectlAkash(t, c, runOpts{}, "certs", "check", node, "--image", c.AgentImage, "--debug-namespace", ns,
		"--node-root", root, "--kubelet-pki-dir", kubeletPKI, "--no-client")
	for _, want := range []string{"RESIDUAL TIME", "<invalid>", "etcd/member-node-1.pem", "etcd/ca.pem"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != cli.ExitFindings {
		t.Errorf("expired certificates without --warn: exit %d, want 3", r.code)
	}

	// No control-plane label in this cluster: the default says what to do.
	r = kubectlAkash(t, c, runOpts{}, "certs", "check", "--image", c.AgentImage, "--debug-namespace", ns)
	if r.code != cli.ExitFailure || !strings.Contains(r.stderr, "node-role.kubernetes.io/control-plane") {
		t.Errorf("default selector: exit %d\n%s", r.code, r.stderr)
	}
	noDebugPods(t, c, ns)
}

// staticPod is a busybox static pod on the real node, in the real kubelet's
// static-pod dir under a unique name; cleanup removes its manifest (and a
// parked copy) first.
func staticPod(t *testing.T, c *cluster.Cluster, ns, backupDir string) (name, dir string) {
	t.Helper()
	name = "e2e-certs-" + rand.String(6)
	dir = filepath.Join(c.Dir, "node/kubelet/manifests")
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: %s
spec:
  terminationGracePeriodSeconds: 1
  tolerations: [{key: %s, operator: Exists}]
  containers:
  - name: main
    image: %s
    imagePullPolicy: Never
    command: ["/bin/sleep", "100000"]
`, name, ns, cluster.RealNodeTaintKey, cluster.BusyboxImage)
	file := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(file, []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Remove(file)
		os.Remove(filepath.Join(backupDir, "parked-manifests", name+".yaml"))
	})
	return name, dir
}

// mirrorReady waits for the mirror pod to be Ready and returns it.
func mirrorReady(t *testing.T, c *cluster.Cluster, ns, name string, timeout time.Duration, also func(*corev1.Pod) (bool, string)) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	eventually(t, timeout, func(ctx context.Context) (bool, string, error) {
		p, err := c.Kube().CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, "no mirror pod", nil
		}
		if err != nil {
			return false, err.Error(), nil
		}
		ready := false
		for _, cond := range p.Status.Conditions {
			ready = ready || (cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue)
		}
		if !ready || len(p.Status.ContainerStatuses) == 0 {
			return false, "not Ready: " + string(p.Status.Phase), nil
		}
		if also != nil {
			if ok, why := also(p); !ok {
				return false, why, nil
			}
		}
		pod = p
		return true, "", nil
	})
	return pod
}

// The runbook's restart step is a no-op, and certs renew's is not: on the
// real kubelet, deleting the mirror pod leaves the same container running,
// while renew (the real kubeadm, etcdctl and etcdutl in a tree the real
// kubeadm wrote, the test cluster's etcd, a real busybox static pod)
// renews every certificate, snapshots etcd, and moves the manifest out and
// back through the guardian, and the container is replaced.
func TestCertsRenewRestartsRealStaticPod(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	debugNS := c.Namespace(t, "certs-renew-debug")
	podNS := c.Namespace(t, "certs-renew-static")
	root, renew := renewTree(t, c)
	backups := filepath.Join(root, "backups")
	name, dir := staticPod(t, c, podNS, backups)
	mirror := name + "-" + node

	before := mirrorReady(t, c, podNS, mirror, 90*time.Second, nil)
	container := before.Status.ContainerStatuses[0].ContainerID

	// The runbook's `kubectl delete pods -l component=...`: the mirror comes back, the container does not change.
	if err := c.Kube().CoreV1().Pods(podNS).Delete(t.Context(), mirror, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	again := mirrorReady(t, c, podNS, mirror, 60*time.Second, func(p *corev1.Pod) (bool, string) {
		return p.UID != before.UID, "the old mirror pod is still there"
	})
	if got := again.Status.ContainerStatuses[0].ContainerID; got != container {
		t.Fatalf("deleting the mirror pod replaced the container (%s -> %s): the premise of the restart step is wrong", container, got)
	}

	snapDir := t.TempDir()
	args := append(renew, node, "--image", c.AgentImage, "--debug-namespace", debugNS,
		"--static-pod-dir", dir, "--static-pods", name, "--static-pod-namespace", podNS,
		"--backup-dir", backups, "--snapshot-dir", snapDir, "--out-period", "21s", "--ready-timeout", "60s", "-o", "json")

	kubeadmBefore := expiration(t, root)
	oldFiles := treeFiles(t, root+"/etc/kubernetes")
	time.Sleep(1100 * time.Millisecond) // renewed certificates must be visibly later, to the second
	r := kubectlAkash(t, c, runOpts{}, append(args, "--dry-run=client")...).ok(t)
	if strings.Contains(r.stdout, `"Succeeded"`) || fileExists(backups) {
		t.Fatalf("dry run acted:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "will run kubeadm v1.35.4 ("+root+"/usr/local/bin/kubeadm) chrooted into "+root+": /usr/local/bin/kubeadm certs renew all --cert-dir=/etc/kubernetes/pki") {
		t.Errorf("the plan does not name the node's kubeadm, its root and its command:\n%s", r.stdout)
	}
	sameFiles(t, root+"/etc/kubernetes", oldFiles, "after the dry run")

	r = kubectlAkash(t, c, runOpts{}, append(args, "--yes")...).ok(t)
	var ren certs.Renewal
	if err := json.Unmarshal([]byte(r.stdout), &ren); err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, s := range ren.Status.Steps {
		steps = append(steps, string(s.Verb)+"="+string(s.Result))
		t.Logf("%s %s: %s %s", s.Verb, s.Component, s.Result, s.Message)
		switch {
		case s.Verb == certs.StepRestart && !strings.Contains(s.Message, "its processes ended"):
			t.Errorf("the restart did not see the pod's processes end (its cgroup on the node): %s", s.Message)
		case s.Verb == certs.StepSnapshot && !strings.Contains(s.Message, "etcdutl snapshot status"):
			t.Errorf("the snapshot was not read back with the etcdutl beside etcdctl: %s", s.Message)
		case s.Verb == certs.StepKubeadm && !strings.Contains(s.Message, "check-expiration agrees"):
			t.Errorf("kubeadm's check-expiration was not compared after the renewal: %s", s.Message)
		}
		if s.Result != execute.Succeeded && !(s.Verb == certs.StepEtcdSvc && s.Result == execute.Skipped) {
			t.Errorf("%s %s: %s %s", s.Verb, s.Component, s.Result, s.Message)
		}
	}
	t.Logf("steps: %s", strings.Join(steps, " "))
	after := mirrorReady(t, c, podNS, mirror, 10*time.Second, nil)
	if got := after.Status.ContainerStatuses[0].ContainerID; got == container {
		t.Errorf("certs renew did not replace the container (%s)", got)
	}
	if !fileExists(filepath.Join(dir, name+".yaml")) {
		t.Errorf("the manifest is not back in %s", dir)
	}
	renewedLater(t, kubeadmBefore, expiration(t, root))
	snapshotCopied(t, c, snapDir, node+"-etcd-snapshot-*.db")
	if m, _ := filepath.Glob(filepath.Join(backups, "kubernetes-certs-*.tar.gz")); len(m) != 1 {
		t.Errorf("no backup archive: %v", m)
	} else {
		backupHolds(t, m[0], oldFiles)
	}
	noDebugPods(t, c, debugNS)
}

// renewTree is a node tree in a new directory (see kubeadmRoot), with the
// real kubeadm, etcdctl and etcdutl in its usr/local/bin and kubespray's
// etc/etcd.env pointing etcdctl at the test cluster's etcd. It returns the
// tree and the `certs renew` arguments that aim at it as --node-root.
func renewTree(t *testing.T, c *cluster.Cluster) (string, []string) {
	t.Helper()
	root := kubeadmRoot(t, c, "etcdctl", "etcdutl")
	certstestWrite(t, root, "etc/etcd.env", "ETCDCTL_ENDPOINTS="+c.EtcdURL()+"\nETCDCTL_DIAL_TIMEOUT=5s\n")
	bin := root + "/usr/local/bin/"
	return root, []string{"certs", "renew", "--node-root", root, "--kubeadm", bin + "kubeadm", "--etcdctl", bin + "etcdctl", "--etcd-service="}
}

// treeFiles are the regular files under dir by path, with their bytes.
func treeFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			out[p], err = os.ReadFile(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFiles asserts that dir holds exactly the files of old, byte for byte.
func sameFiles(t *testing.T, dir string, old map[string][]byte, when string) {
	t.Helper()
	now := treeFiles(t, dir)
	for p, b := range old {
		if got, ok := now[p]; !ok || !bytes.Equal(got, b) {
			t.Errorf("%s: %s changed (present %v)", when, p, ok)
		}
	}
	for p := range now {
		if _, ok := old[p]; !ok {
			t.Errorf("%s: %s is new", when, p)
		}
	}
}

// renewedLater asserts, by kubeadm's own check-expiration before and after,
// that every certificate and kubeconfig expires later and no CA changed.
func renewedLater(t *testing.T, before, after map[string]time.Time) {
	t.Helper()
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("%s: kubeadm no longer reports it", name)
		case name != "ca" && name != "etcd-ca" && name != "front-proxy-ca":
			if !a.After(b) {
				t.Errorf("%s not renewed: kubeadm says %s, before %s", name, a, b)
			}
		case !a.Equal(b):
			t.Errorf("the CA %s changed: %s -> %s", name, b, a)
		}
	}
}

// snapshotCopied asserts that one snapshot matching glob was copied into
// dir and that the real etcdutl reads it.
func snapshotCopied(t *testing.T, c *cluster.Cluster, dir, glob string) {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, glob))
	if len(m) != 1 {
		t.Errorf("snapshot not copied back: %v", m)
		return
	}
	if out, err := exec.Command(filepath.Join(c.BinDir, "etcdutl"), "snapshot", "status", m[0], "-w", "json").CombinedOutput(); err != nil || !strings.Contains(string(out), `"hash"`) {
		t.Errorf("the copied snapshot does not read: %v\n%s", err, out)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
