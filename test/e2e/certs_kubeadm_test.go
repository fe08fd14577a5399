package e2e

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// kubeadmRoot is a host root whose /etc/kubernetes the real kubeadm wrote
// (`init phase certs all` and `init phase kubeconfig all`, local paths
// only), with the real kubeadm, and the given etcd tools, in usr/local/bin.
// The advertise address is a documentation address kubeadm accepts (it
// refuses loopback); admin.conf points at 127.0.0.1:1, so kubeadm's attempt
// to read its config from the cluster is refused at once and nothing else
// is dialled.
func kubeadmRoot(t *testing.T, c *cluster.Cluster, tools ...string) string {
	t.Helper()
	root := t.TempDir()
	kubeadm := filepath.Join(c.BinDir, "kubeadm")
	for _, args := range [][]string{
		{"init", "phase", "certs", "all", "--cert-dir", root + "/etc/kubernetes/pki",
			"--apiserver-advertise-address", "192.0.2.10", "--kubernetes-version", "v1.35.4"},
		{"init", "phase", "kubeconfig", "all", "--cert-dir", root + "/etc/kubernetes/pki", "--kubeconfig-dir", root + "/etc/kubernetes",
			"--apiserver-advertise-address", "192.0.2.10", "--control-plane-endpoint", "127.0.0.1:1", "--kubernetes-version", "v1.35.4", "--node-name", "cp-1"},
	} {
		if out, err := exec.Command(kubeadm, args...).CombinedOutput(); err != nil {
			t.Fatalf("kubeadm %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, tool := range append([]string{"kubeadm"}, tools...) {
		b, err := os.ReadFile(filepath.Join(c.BinDir, tool))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(root+"/usr/local/bin", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "usr/local/bin", tool), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(root+"/etc/kubernetes/manifests", 0o755); err != nil {
		t.Fatal(err)
	}
	return root
}

// expiration is the real kubeadm's own check-expiration, run in root.
func expiration(t *testing.T, root string) map[string]time.Time {
	t.Helper()
	cmd := exec.Command("/usr/local/bin/kubeadm", "certs", "check-expiration", "-o", "json")
	cmd.SysProcAttr = chroot(root)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubeadm certs check-expiration: %v", err)
	}
	var info struct {
		Certificates, CertificateAuthorities []struct {
			Name           string     `json:"name"`
			ExpirationDate *time.Time `json:"expirationDate"`
			Missing        bool       `json:"missing"`
		}
	}
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]time.Time{}
	for _, e := range append(info.Certificates, info.CertificateAuthorities...) {
		if !e.Missing && e.ExpirationDate != nil {
			got[e.Name] = *e.ExpirationDate
		}
	}
	return got
}

// checkLocal is `certs check --local --host-root root` by name.
func checkLocal(t *testing.T, c *cluster.Cluster, root string) map[string]certs.Certificate {
	t.Helper()
	r := kubectlAkash(t, c, runOpts{}, "certs", "check", "--local", "--host-root", root, "--no-client", "-o", "json")
	for _, n := range decodeCerts(t, r) {
		return n
	}
	t.Fatalf("no node in\n%s%s", r.stdout, r.stderr)
	return nil
}

// The renewal through the real kubeadm v1.35.4, on a root the real kubeadm
// wrote, with a kubespray /etc/etcd.env that points the real etcdctl at the
// test cluster's etcd: kubeadm's check-expiration and certs check agree to
// the second before and after, every certificate expires later, every
// kubeconfig still verifies against the CA, the snapshot is verified with
// etcdutl and copied back, and the backup holds the old files byte for byte.
func TestCertsRenewRealKubeadm(t *testing.T) {
	c := cluster.Get(t)
	root := kubeadmRoot(t, c, "etcdctl", "etcdutl")
	certstestWrite(t, root, "etc/etcd.env", "ETCDCTL_ENDPOINTS="+c.EtcdURL()+"\nETCDCTL_DIAL_TIMEOUT=5s\n")

	// (1) both tools read the same names and dates.
	kubeadmSays := expiration(t, root)
	before := checkLocal(t, c, root)
	if len(kubeadmSays) < 14 {
		t.Fatalf("kubeadm reports %d certificates: %v", len(kubeadmSays), kubeadmSays)
	}
	for name, when := range kubeadmSays {
		if got := before[name]; got.NotAfter == nil || !got.NotAfter.Time.Equal(when) {
			t.Errorf("%s: kubeadm says %s, certs check %+v", name, when, got.NotAfter)
		}
	}
	old := map[string][]byte{}
	filepath.Walk(root+"/etc/kubernetes", func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			old[strings.TrimPrefix(p, root)], _ = os.ReadFile(p)
		}
		return nil
	})

	time.Sleep(1100 * time.Millisecond) // renewed certificates must be visibly later, to the second
	snapDir := t.TempDir()
	args := []string{"certs", "renew", "--local", "--host-root", root, "--snapshot-dir", snapDir, "--etcd-service=", "-o", "json"}
	r := kubectlAkash(t, c, runOpts{}, append(args, "--dry-run=client")...).ok(t)
	if !strings.Contains(r.stdout, "will run kubeadm v1.35.4 (/usr/local/bin/kubeadm): /usr/local/bin/kubeadm certs renew all --cert-dir=/etc/kubernetes/pki --kubeconfig=/etc/kubernetes/admin.conf") ||
		!strings.Contains(r.stdout, "check-expiration agrees on all") {
		t.Errorf("the plan does not name the kubeadm and its command:\n%s", r.stdout)
	}

	// (2) and (3)
	r = kubectlAkash(t, c, runOpts{}, append(args, "--yes")...).ok(t)
	var ren certs.Renewal
	if err := json.Unmarshal([]byte(r.stdout), &ren); err != nil {
		t.Fatal(err)
	}
	for _, s := range ren.Status.Steps {
		t.Logf("%s %s: %s %s", s.Verb, s.Component, s.Result, s.Message)
		if s.Result != execute.Succeeded && s.Result != execute.Skipped {
			t.Errorf("%s: %s", s.Verb, s.Result)
		}
		if s.Verb == certs.StepSnapshot && (s.Result != execute.Succeeded || !strings.Contains(s.Message, "etcdutl snapshot status")) {
			t.Errorf("snapshot not verified with etcdutl: %s", s.Message)
		}
	}
	after := checkLocal(t, c, root)
	kubeadmSays = expiration(t, root)
	for name, b := range before {
		a := after[name]
		if b.Source != certs.SourceKubeadm && b.Source != certs.SourceKubeconfig || b.NotAfter == nil {
			continue
		}
		switch {
		case b.IsCA || name == "kubelet.conf":
			if !a.NotAfter.Equal(b.NotAfter) {
				t.Errorf("%s changed: %s -> %s", name, b.NotAfter, a.NotAfter)
			}
		case !a.NotAfter.After(b.NotAfter.Time):
			t.Errorf("%s not renewed: %s -> %s", name, b.NotAfter, a.NotAfter)
		}
		if k, ok := kubeadmSays[name]; ok && !k.Equal(a.NotAfter.Time) {
			t.Errorf("after: %s: kubeadm says %s, certs check %s", name, k, a.NotAfter)
		}
	}
	ca := x509.NewCertPool()
	ca.AddCert(firstCert(t, root+"/etc/kubernetes/pki/ca.crt"))
	for _, conf := range []string{"admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf"} {
		cfg, err := clientcmd.LoadFromFile(root + "/etc/kubernetes/" + conf)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range cfg.AuthInfos {
			block, _ := pem.Decode(u.ClientCertificateData)
			if block == nil {
				t.Errorf("%s: no client certificate", conf)
				continue
			}
			pair, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				t.Errorf("%s: %v", conf, err)
				continue
			}
			if _, err := pair.Verify(x509.VerifyOptions{Roots: ca, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Errorf("%s does not verify against the CA: %v", conf, err)
			}
		}
	}
	if m, _ := filepath.Glob(filepath.Join(snapDir, "*-etcd-snapshot-*.db")); len(m) != 1 {
		t.Errorf("snapshot not copied back: %v", m)
	} else if out, err := exec.Command(filepath.Join(c.BinDir, "etcdutl"), "snapshot", "status", m[0]).CombinedOutput(); err != nil {
		t.Errorf("the copied snapshot does not read: %v\n%s", err, out)
	}
	// The backup restores the old files byte for byte.
	tgz, _ := filepath.Glob(root + "/var/backups/kubectl-akash/kubernetes-certs-*.tar.gz")
	if len(tgz) != 1 {
		t.Fatalf("backups: %v", tgz)
	}
	backupHolds(t, tgz[0], old)
}

// etcdctl 3.6 alone (no etcdutl): its `snapshot status` is only help text
// that exits 0, so the snapshot is verified by etcd's sha256 trailer; a
// snapshot with a byte changed is refused.
func TestCertsRenewSnapshotWithoutEtcdutl(t *testing.T) {
	c := cluster.Get(t)
	root := kubeadmRoot(t, c, "etcdctl")
	certstestWrite(t, root, "etc/etcd.env", "ETCDCTL_ENDPOINTS="+c.EtcdURL()+"\n")
	ops := &certs.NodeOps{Host: certs.Host{Root: root}, Layout: certs.DefaultLayout("/")}
	ops.Defaults()
	file, msg, err := ops.Snapshot(t.Context())
	if err != nil || !strings.Contains(msg, "sha256 trailer matches") {
		t.Fatalf("snapshot: %v %s", err, msg)
	}
	b, _ := os.ReadFile(root + file)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(root+file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := certs.VerifySnapshot(root + file); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("a corrupted snapshot: %v", err)
	}
}

func certstestWrite(t *testing.T, root, rel, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(root, rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// backupHolds asserts that the archive holds every file of old, byte for
// byte, under its path without the leading "/" (tar xzf FILE -C /).
func backupHolds(t *testing.T, archive string, old map[string][]byte) {
	t.Helper()
	inTar := untar(t, archive)
	for p, b := range old {
		if got, ok := inTar[strings.TrimPrefix(p, "/")]; !ok || !bytes.Equal(got, b) {
			t.Errorf("backup of %s: present %v, the old bytes %v", p, ok, bytes.Equal(got, b))
		}
	}
}

func untar(t *testing.T, file string) map[string][]byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			out[h.Name], _ = io.ReadAll(tr)
		}
	}
}

// TestCertsCheckCrossChecksWithKubeadm: on a node with a kubeadm that has
// check-expiration -o json, certs check asks it too and reports that it
// agrees on every certificate (and would report each disagreement).
func TestCertsCheckCrossChecksWithKubeadm(t *testing.T) {
	c := cluster.Get(t)
	root := kubeadmRoot(t, c)
	r := kubectlAkash(t, c, runOpts{}, "certs", "check", "--local", "--host-root", root, "--no-client", "-o", "json")
	if r.code != 0 {
		t.Fatalf("fresh certificates, kubeadm agreeing: exit %d\n%s", r.code, r.stderr)
	}
	nodes := listItems[certs.NodeCertificates](t, "NodeCertificatesList", r.stdout, r.stderr)
	if len(nodes) != 1 {
		t.Fatalf("%d nodes", len(nodes))
	}
	k := nodes[0].Status.Kubeadm
	if k == nil || k.Version != "v1.35.4" || k.Compared < 14 || len(k.Disagreements) != 0 || k.Error != "" {
		t.Fatalf("kubeadm's view: %+v", k)
	}
}
