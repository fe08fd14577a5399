package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/keyutil"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// localRig is `certs renew --local` on a node tree under a test directory
// (renewTree, as --node-root: the real kubeadm runs chrooted into it, the
// real etcdctl snapshots the test cluster's etcd) with the four manifests
// of a stacked-etcd control plane. No kubelet reads them: a restart here
// is the manifest moved out and back.
type localRig struct {
	root, backups string
	args          []string
}

func newLocalRig(t *testing.T, c *cluster.Cluster) *localRig {
	t.Helper()
	root, renew := renewTree(t, c)
	for _, p := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"} {
		certstestWrite(t, root, "etc/kubernetes/manifests/"+p+".yaml",
			"apiVersion: v1\nkind: Pod\nmetadata:\n  name: "+p+"\n  namespace: kube-system\nspec:\n  containers:\n  - name: c\n    image: x\n")
	}
	r := &localRig{root: root, backups: root + "/backups"}
	r.args = append(renew, "--local", "--backup-dir", r.backups, "--out-period", "200ms", "--stop-timeout", "5s")
	return r
}

func (r *localRig) manifests() []string {
	m, _ := filepath.Glob(filepath.Join(r.root, "etc/kubernetes/manifests/*.yaml"))
	return m
}

// renewalSteps decodes a CertificateRenewal and lists its steps as
// verb[:component]=result.
func renewalSteps(t *testing.T, stdout string) (*certs.Renewal, string) {
	t.Helper()
	var ren certs.Renewal
	if err := json.Unmarshal([]byte(stdout), &ren); err != nil {
		t.Fatalf("not a CertificateRenewal: %v\n%s", err, stdout)
	}
	var out []string
	for _, s := range ren.Status.Steps {
		name := string(s.Verb)
		if s.Component != "" {
			name += ":" + s.Component
		}
		out = append(out, name+"="+string(s.Result))
	}
	return &ren, strings.Join(out, " ")
}

// expireCert re-signs pki/<name>.crt of root, same subject, names and key,
// by the CA that issued it, so that it expired an hour ago: to kubeadm it
// is one of its own certificates, expired.
func expireCert(t *testing.T, root, name, ca string) {
	t.Helper()
	pki := root + "/etc/kubernetes/pki/"
	cert, caCert := firstCert(t, pki+name+".crt"), firstCert(t, pki+ca+".crt")
	b, err := os.ReadFile(pki + ca + ".key")
	if err != nil {
		t.Fatal(err)
	}
	key, err := keyutil.ParsePrivateKeyPEM(b)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := *cert
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, caCert, cert.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pki+name+".crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
}

const localPlan = "etcd-snapshot=DryRun backup=DryRun kubeadm-certs-renew=DryRun restart-static-pod:etcd=DryRun restart-static-pod:kube-apiserver=DryRun restart-static-pod:kube-controller-manager=DryRun restart-static-pod:kube-scheduler=DryRun recheck=DryRun"

// The plan names every step and the node's own kubeadm command; without
// --yes and without a terminal it is printed and nothing is done: no
// snapshot, no backup, not a byte of /etc/kubernetes changed.
func TestCertsRenewLocalDryRunAndRefusal(t *testing.T) {
	c := cluster.Get(t)
	r := newLocalRig(t, c)
	old := treeFiles(t, r.root+"/etc/kubernetes")
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	if _, got := renewalSteps(t, res.stdout); got != localPlan {
		t.Errorf("dry-run plan\n got %s\nwant %s", got, localPlan)
	}
	if !strings.Contains(res.stdout, "will run kubeadm v1.35.4 ("+r.root+"/usr/local/bin/kubeadm) chrooted into "+r.root+": /usr/local/bin/kubeadm certs renew all --cert-dir=/etc/kubernetes/pki --kubeconfig=/etc/kubernetes/admin.conf") {
		t.Errorf("the plan does not name the node's kubeadm and its command:\n%s", res.stdout)
	}
	res = kubectlAkash(t, c, runOpts{}, r.args...)
	if res.code != cli.ExitFailure || !strings.Contains(res.stderr, "--yes") || !strings.Contains(res.stdout, "kubeadm-certs-renew") {
		t.Errorf("no --yes: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if fileExists(r.backups) {
		t.Errorf("a snapshot or backup was written without confirmation")
	}
	sameFiles(t, r.root+"/etc/kubernetes", old, "without confirmation")
	if len(r.manifests()) != 4 {
		t.Errorf("manifests moved: %v", r.manifests())
	}
}

// The whole renewal on expired certificates: the snapshot (read back with
// etcdutl) is complete before kubeadm writes its first file, the backup
// holds the old files byte for byte, kubeadm's own check-expiration finds
// every certificate later and no CA changed, the check that failed before
// passes after, and the operator's kubeconfig holds the renewed admin
// certificate (the old file kept).
func TestCertsRenewLocalRunsTheSequence(t *testing.T) {
	c := cluster.Get(t)
	r := newLocalRig(t, c)
	expireCert(t, r.root, "front-proxy-client", "front-proxy-ca")
	expireCert(t, r.root, "apiserver", "ca")
	check := []string{"certs", "check", "--local", "--node-root", r.root, "--kubelet-pki-dir", "/nonexistent", "--no-client"}
	if res := kubectlAkash(t, c, runOpts{}, check...); res.code != cli.ExitFindings {
		t.Fatalf("check before: exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	oldUser := certstest.NewCA(t, "old", time.Now().Add(time.Hour)).Issue(t, "kubernetes-admin", time.Now().Add(time.Hour))
	kubeconfig := filepath.Join(t.TempDir(), "config")
	certstest.Write(t, "/", kubeconfig, oldUser.Kubeconfig("https://127.0.0.1:1", "kubernetes-admin"))
	kubeadmBefore := expiration(t, r.root)
	old := treeFiles(t, r.root+"/etc/kubernetes")
	snapDir := t.TempDir()

	time.Sleep(1100 * time.Millisecond) // renewed certificates must be visibly later, to the second
	res := kubectlAkash(t, c, runOpts{kubeconfig: kubeconfig}, append(r.args, "--yes", "--snapshot-dir", snapDir, "--update-kubeconfig", "-o", "json")...).ok(t)
	ren, steps := renewalSteps(t, res.stdout)
	t.Logf("steps: %s", steps)
	for _, s := range ren.Status.Steps {
		if s.Result != execute.Succeeded {
			t.Errorf("%s %s: %s %s", s.Verb, s.Component, s.Result, s.Message)
		}
		if s.Verb == certs.StepSnapshot && !strings.Contains(s.Message, "etcdutl snapshot status") {
			t.Errorf("the snapshot was not read back with etcdutl: %s", s.Message)
		}
	}
	if last := ren.Status.Steps[len(ren.Status.Steps)-1]; last.Verb != certs.StepKubeconfig {
		t.Errorf("last step %s, want %s", last.Verb, certs.StepKubeconfig)
	}

	// The snapshot and the backup were both written before kubeadm wrote anything.
	snaps, _ := filepath.Glob(filepath.Join(r.backups, "etcd-snapshot-*.db"))
	tgz, _ := filepath.Glob(filepath.Join(r.backups, "kubernetes-certs-*.tar.gz"))
	if len(snaps) != 1 || len(tgz) != 1 {
		t.Fatalf("snapshots %v, backups %v", snaps, tgz)
	}
	var firstWrite time.Time
	for p, b := range old {
		if now, err := os.ReadFile(p); err == nil && !bytes.Equal(now, b) {
			if fi, err := os.Stat(p); err == nil && (firstWrite.IsZero() || fi.ModTime().Before(firstWrite)) {
				firstWrite = fi.ModTime()
			}
		}
	}
	if firstWrite.IsZero() {
		t.Fatalf("kubeadm changed no file")
	}
	for _, f := range []string{snaps[0], tgz[0]} {
		if fi, err := os.Stat(f); err != nil || fi.ModTime().After(firstWrite) {
			t.Errorf("%s was written after kubeadm's first file (%s): %v", f, firstWrite.Format(time.RFC3339Nano), err)
		}
	}
	backupHolds(t, tgz[0], old)
	snapshotCopied(t, c, snapDir, "*-etcd-snapshot-*.db")
	renewedLater(t, kubeadmBefore, expiration(t, r.root))
	if res := kubectlAkash(t, c, runOpts{}, check...); res.code != 0 {
		t.Errorf("check after: exit %d, want 0\n%s", res.code, res.stdout)
	}
	if len(r.manifests()) != 4 {
		t.Errorf("manifests not all back: %v", r.manifests())
	}

	mine, _ := clientcmd.LoadFromFile(kubeconfig)
	admin, _ := clientcmd.LoadFromFile(filepath.Join(r.root, "etc/kubernetes/admin.conf"))
	if mine == nil || admin == nil || !bytes.Equal(mine.AuthInfos["kubernetes-admin"].ClientCertificateData, admin.AuthInfos["kubernetes-admin"].ClientCertificateData) {
		t.Errorf("the kubeconfig does not hold the renewed admin certificate")
	}
	if mine != nil && mine.Clusters["kubernetes"].Server != "https://127.0.0.1:1" {
		t.Errorf("the merge changed the cluster: %+v", mine.Clusters)
	}
	if baks, _ := filepath.Glob(kubeconfig + ".bak-*"); len(baks) != 1 {
		t.Errorf("no backup of the old kubeconfig: %v", baks)
	} else if b, _ := os.ReadFile(baks[0]); !bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString(oldUser.CertPEM))) {
		t.Errorf("the backup is not the old file")
	}
}

// kubeadm itself fails part-way (a CA key it cannot read: check-expiration
// does not read keys, so the plan passes): the snapshot and backup before it
// succeeded, nothing after it runs, the manifests are untouched, the
// report carries kubeadm's error, and the rollback printed on stderr,
// followed as written, puts back /etc/kubernetes byte for byte.
func TestCertsRenewLocalStopsAtFailure(t *testing.T) {
	c := cluster.Get(t)
	r := newLocalRig(t, c)
	certstestWrite(t, r.root, "etc/kubernetes/pki/front-proxy-ca.key", "not a key\n")
	old := treeFiles(t, r.root+"/etc/kubernetes")
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--yes", "-o", "json")...)
	if res.code != cli.ExitFailure {
		t.Fatalf("exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
	}
	want := "etcd-snapshot=Succeeded backup=Succeeded kubeadm-certs-renew=Failed restart-static-pod:etcd=Skipped restart-static-pod:kube-apiserver=Skipped restart-static-pod:kube-controller-manager=Skipped restart-static-pod:kube-scheduler=Skipped recheck=Skipped"
	if _, got := renewalSteps(t, res.stdout); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(res.stdout, "front-proxy-ca.key") {
		t.Errorf("kubeadm's error is not reported:\n%s", res.stdout)
	}
	if len(r.manifests()) != 4 {
		t.Errorf("manifests touched: %v", r.manifests())
	}
	if !strings.Contains(res.stderr, "etcd-snapshot-") {
		t.Errorf("the rollback does not name the snapshot:\n%s", res.stderr)
	}
	m := regexp.MustCompile(`tar xzf (` + regexp.QuoteMeta(r.backups) + `/kubernetes-certs-\S+\.tar\.gz) -C /`).FindStringSubmatch(res.stderr)
	if m == nil {
		t.Fatalf("no rollback instructions:\n%s", res.stderr)
	}
	changed := 0
	for p, b := range old {
		if now, _ := os.ReadFile(p); !bytes.Equal(now, b) {
			changed++
		}
	}
	t.Logf("kubeadm changed %d files before it failed", changed)
	if out, err := exec.Command("tar", "xzf", m[1], "-C", "/").CombinedOutput(); err != nil {
		t.Fatalf("the printed rollback: %v\n%s", err, out)
	}
	sameFiles(t, r.root+"/etc/kubernetes", old, "after the printed rollback")
}

// A manifest left parked by a restart that was cut short is put back before
// anything else, even by a dry run, and reported as a step of its own.
func TestCertsRenewLocalRestoresLeftOverParkedManifest(t *testing.T) {
	c := cluster.Get(t)
	r := newLocalRig(t, c)
	manifest := filepath.Join(r.root, "etc/kubernetes/manifests/kube-scheduler.yaml")
	parked := filepath.Join(r.backups, "parked-manifests/kube-scheduler.yaml")
	if err := os.MkdirAll(filepath.Dir(parked), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(manifest, parked); err != nil {
		t.Fatal(err)
	}
	res := kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	ren, got := renewalSteps(t, res.stdout)
	if want := "restore-parked-manifest:kube-scheduler=Succeeded " + localPlan; got != want {
		t.Errorf("plan\n got %s\nwant %s", got, want)
	}
	if s := ren.Status.Steps[0]; s.Target.Name != manifest || !strings.Contains(s.Message, "moved back") {
		t.Errorf("restore step %s: %s", s.TargetText(), s.Message)
	}
	if !fileExists(manifest) || fileExists(parked) {
		t.Errorf("the manifest is not back (parked copy there: %s)", yesNo(fileExists(parked)))
	}
	// Once back, nothing more to restore.
	res = kubectlAkash(t, c, runOpts{}, append(r.args, "--dry-run=client", "-o", "json")...).ok(t)
	if strings.Contains(res.stdout, certs.StepRestoreParked) {
		t.Errorf("restored again:\n%s", res.stdout)
	}
}
