package certs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
)

// byName indexes a scan, failing on duplicates (every row must be one thing).
func byName(t *testing.T, certs []Certificate) map[string]Certificate {
	t.Helper()
	m := map[string]Certificate{}
	for _, c := range certs {
		if _, dup := m[c.Name]; dup {
			t.Fatalf("certificate %q reported twice", c.Name)
		}
		m[c.Name] = c
	}
	return m
}

func scanAndAssess(t *testing.T, root, prefix string, now time.Time, warn time.Duration) map[string]Certificate {
	t.Helper()
	certs := Scan(Host{Root: root}, DefaultLayout(prefix))
	for i := range certs {
		certs[i].Assess(now, warn)
	}
	return byName(t, certs)
}

func TestScanKubeadmVerdicts(t *testing.T) {
	now := time.Now()
	root := t.TempDir()
	cas := certstest.Kubeadm(t, root, certstest.DefaultExpiries(now))
	certstest.Kubelet(t, root, "/", cas["ca"], certstest.DefaultExpiries(now))
	got := scanAndAssess(t, root, "/", now, 30*24*time.Hour)

	want := map[string]Status{
		"ca": Valid, "etcd-ca": Valid, "front-proxy-ca": Valid,
		"apiserver":                Expiring,
		"apiserver-kubelet-client": Valid,
		"front-proxy-client":       Expired,
		"apiserver-etcd-client":    Valid,
		"etcd-server":              Valid,
		"etcd-peer":                Missing,
		"etcd-healthcheck-client":  Valid,
		"admin.conf":               Valid,
		"controller-manager.conf":  Expired,
		"scheduler.conf":           Valid,
		"kubelet-client":           Valid,
		"kubelet-serving":          Expiring,
	}
	for name, st := range want {
		c, ok := got[name]
		if !ok {
			t.Errorf("%s not reported", name)
			continue
		}
		if c.Status != st {
			t.Errorf("%s: status %s (%s), want %s", name, c.Status, c.Message, st)
		}
	}
	if len(got) != len(want) {
		var names []string
		for n := range got {
			names = append(names, n)
		}
		t.Errorf("reported %d certificates %v, want %d (super-admin.conf is optional, sa.key is no certificate)", len(got), names, len(want))
	}
	if a := got["apiserver"].Authority; a != "ca" {
		t.Errorf("apiserver authority %q, want ca", a)
	}
	if a := got["etcd-server"].Authority; a != "etcd-ca" {
		t.Errorf("etcd-server authority %q, want etcd-ca", a)
	}
	if a := got["admin.conf"].Authority; a != "ca" {
		t.Errorf("admin.conf authority %q, want ca (the kubeconfig's embedded certificate)", a)
	}
	if a := got["ca"].Authority; a != "" {
		t.Errorf("self-signed ca authority %q, want empty", a)
	}
	if got["kubelet-client"].Subject != "CN=system:node:node-1" {
		t.Errorf("kubelet-client (through the absolute symlink, resolved under the root): %+v", got["kubelet-client"])
	}
	if r := got["front-proxy-client"].Residual; r != "<invalid>" {
		t.Errorf("expired residual %q, want <invalid>", r)
	}
	if r := got["apiserver"].Residual; r != "9d" {
		t.Errorf("apiserver residual %q, want 9d", r)
	}
	if r := got["ca"].Residual; r != "9y" {
		t.Errorf("ca residual %q, want 9y", r)
	}
	if s := got["apiserver"].ResidualSeconds; s == nil || *s < 9*86400 || *s > 10*86400 {
		t.Errorf("apiserver residualSeconds %v", s)
	}
	for _, c := range got {
		if c.ExternallyManaged {
			t.Errorf("%s externally managed although every CA key is present", c.Name)
		}
	}

	// Without a window nothing is Expiring: the expired ones stay Expired.
	got = scanAndAssess(t, root, "/", now, 0)
	if got["apiserver"].Status != Valid || got["front-proxy-client"].Status != Expired {
		t.Errorf("warn 0: apiserver %s, front-proxy-client %s", got["apiserver"].Status, got["front-proxy-client"].Status)
	}
}

func TestScanExternalCAAndUnreadable(t *testing.T) {
	now := time.Now()
	root := t.TempDir()
	certstest.Kubeadm(t, root, certstest.DefaultExpiries(now))
	if err := os.Remove(filepath.Join(root, "etc/kubernetes/pki/ca.key")); err != nil {
		t.Fatal(err)
	}
	certstest.Write(t, root, "etc/kubernetes/pki/apiserver-kubelet-client.crt", []byte("garbage\n"))
	certstest.Write(t, root, "etc/kubernetes/scheduler.conf", []byte("{not: [yaml"))
	certstest.Write(t, root, "etc/kubernetes/pki/custom.crt", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	unreadable := filepath.Join(root, "etc/kubernetes/pki/etcd/server.crt")
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}
	got := scanAndAssess(t, root, "/", now, 0)
	if !got["ca"].ExternallyManaged || !got["apiserver"].ExternallyManaged || !got["admin.conf"].ExternallyManaged {
		t.Errorf("ca.key absent: ca %v, apiserver %v, admin.conf %v; want externally managed", got["ca"].ExternallyManaged, got["apiserver"].ExternallyManaged, got["admin.conf"].ExternallyManaged)
	}
	if got["etcd-server"].ExternallyManaged {
		t.Errorf("etcd-server is signed by etcd-ca, whose key is present")
	}
	for _, name := range []string{"apiserver-kubelet-client", "scheduler.conf", "custom.crt"} {
		if got[name].Status != Error || got[name].Message == "" {
			t.Errorf("%s: %s %q, want Error with a reason", name, got[name].Status, got[name].Message)
		}
	}
	if os.Geteuid() != 0 { // root reads mode-0 files
		if got["etcd-server"].Status != Error || !strings.Contains(got["etcd-server"].Message, "permission denied") {
			t.Errorf("unreadable etcd-server: %+v", got["etcd-server"])
		}
	}
}

// On a kubespray node etcd's certificates live in /etc/ssl/etcd/ssl: they
// are read there (keys skipped), and kubeadm's etcd ones are not called
// missing.
func TestScanKubesprayAndK3s(t *testing.T) {
	now := time.Now()
	root := t.TempDir()
	e := certstest.DefaultExpiries(now)
	certstest.Kubeadm(t, root, e)
	for _, f := range []string{"etcd/ca", "etcd/server", "etcd/healthcheck-client", "apiserver-etcd-client"} {
		for _, ext := range []string{".crt", ".key"} {
			os.Remove(filepath.Join(root, "etc/kubernetes/pki", f+ext))
		}
	}
	certstest.Kubespray(t, root, e)
	certstest.K3s(t, root, e)
	got := scanAndAssess(t, root, "/", now, 30*24*time.Hour)
	for _, name := range []string{"etcd-ca", "etcd-server", "etcd-peer", "etcd-healthcheck-client", "apiserver-etcd-client"} {
		if c, ok := got[name]; ok {
			t.Errorf("%s reported (%s) on a kubespray node", name, c.Status)
		}
	}
	want := map[string]Status{
		"etcd/ca.pem": Valid, "etcd/admin-node-1.pem": Valid, "etcd/member-node-1.pem": Expired, "etcd/node-node-1.pem": Valid,
		"client-admin.crt": Expiring, "serving-kube-apiserver.crt": Valid, "server-ca.crt": Valid, "client-ca.crt": Valid,
	}
	for name, st := range want {
		if got[name].Status != st {
			t.Errorf("%s: %s (%s), want %s", name, got[name].Status, got[name].Message, st)
		}
	}
	if got["etcd/member-node-1.pem"].Source != SourceKubespray || got["etcd/member-node-1.pem"].Authority != "etcd/ca.pem" {
		t.Errorf("member: %+v", got["etcd/member-node-1.pem"])
	}
	if got["client-admin.crt"].Source != SourceK3s || got["client-admin.crt"].Authority != "client-ca.crt" {
		t.Errorf("k3s client-admin: %+v", got["client-admin.crt"])
	}
	for name := range got {
		if strings.Contains(name, "key") {
			t.Errorf("a key reported as a certificate: %s", name)
		}
	}
}

func TestScanNothingThereIsMissing(t *testing.T) {
	certs := Scan(Host{Root: t.TempDir()}, DefaultLayout("/"))
	if len(certs) != 1 || certs[0].Status != Missing || !strings.Contains(certs[0].Message, "/etc/kubernetes/pki") {
		t.Fatalf("%+v", certs)
	}
}

// A prefix moves every default path (the node keeps its files elsewhere).
func TestScanUnderPrefix(t *testing.T) {
	now := time.Now()
	root := t.TempDir()
	sub := filepath.Join(root, "srv/node")
	cas := certstest.Kubeadm(t, sub, certstest.DefaultExpiries(now))
	certstest.Kubelet(t, root, "/srv/node", cas["ca"], certstest.DefaultExpiries(now))
	got := scanAndAssess(t, root, "/srv/node", now, 0)
	if got["apiserver"].Path != "/srv/node/etc/kubernetes/pki/apiserver.crt" || got["kubelet-client"].Status != Valid {
		t.Fatalf("apiserver %+v\nkubelet-client %+v", got["apiserver"], got["kubelet-client"])
	}
}

func TestCountAndTable(t *testing.T) {
	now := time.Now()
	root := t.TempDir()
	certstest.Kubeadm(t, root, certstest.DefaultExpiries(now))
	l := NewList()
	n := NewNode("cp-1")
	n.Status.Certificates = Scan(Host{Root: root}, DefaultLayout("/"))
	l.Items = append(l.Items, n, NodeCertificates{ObjectMeta: n.ObjectMeta, Status: NodeStatus{Error: "debug pod: boom"}})
	l.Items[1].Name = "cp-2"
	l.Assess(now, 30*24*time.Hour)
	c := l.Count()
	// apiserver expiring; front-proxy-client, controller-manager.conf expired; etcd-peer missing.
	if c.Findings != 4 || c.Errors != 0 || c.NodeErrors != 1 {
		t.Fatalf("counts %+v", c)
	}
	tb := Table(l).Table()
	if len(tb.Rows) != len(n.Status.Certificates)+1 {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	var sawMissing bool
	for _, r := range tb.Rows {
		if r.Cells[1] == "etcd-peer" && r.Cells[3] == "!MISSING!" {
			sawMissing = true
		}
	}
	if !sawMissing {
		t.Errorf("etcd-peer not shown as !MISSING!")
	}
}
