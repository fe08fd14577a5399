package cmd

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// The exit code is the point of --warn: kubeadm exits 0 even when expired.
func TestCertsCheckLocalExitCodes(t *testing.T) {
	now := time.Now()
	far := now.Add(3 * 365 * 24 * time.Hour)
	soon := now.Add(10 * 24 * time.Hour)

	healthy := t.TempDir()
	cas := certstest.Kubeadm(t, healthy, certstest.Expiries{Valid: far, Expiring: soon, Expired: far})
	cas["etcd-ca"].Issue(t, "localhost", far).WritePair(t, healthy, "etc/kubernetes/pki/etcd/peer")
	certstest.Kubelet(t, healthy, "/", cas["ca"], certstest.Expiries{Valid: far, Expiring: far})

	// apiserver expires in 10 days: fine without --warn, a finding with 30d, not with 7d.
	for _, c := range []struct {
		warn string
		code int
	}{{"", 0}, {"30d", cli.ExitFindings}, {"7d", 0}} {
		args := []string{"certs", "check", "--local", "--host-root", healthy}
		if c.warn != "" {
			args = append(args, "--warn", c.warn)
		}
		stdout, stderr, code := runPlugin(t, args...)
		if code != c.code {
			t.Errorf("--warn %q: exit %d, want %d\n%s%s", c.warn, code, c.code, stdout, stderr)
		}
	}

	// JSON: residual seconds, one item for this machine.
	stdout, _, _ := runPlugin(t, "certs", "check", "--local", "--host-root", healthy, "-o", "json", "--warn", "30d")
	var l certs.List
	if err := json.Unmarshal([]byte(stdout), &l); err != nil || len(l.Items) != 1 {
		t.Fatalf("%v\n%s", err, stdout)
	}
	for _, c := range l.Items[0].Status.Certificates {
		if c.Name == "apiserver" && (c.Status != certs.Expiring || c.ResidualSeconds == nil || *c.ResidualSeconds <= 0) {
			t.Errorf("apiserver: %+v", c)
		}
	}

	// Expired without --warn is still a finding.
	expired := t.TempDir()
	certstest.Kubeadm(t, expired, certstest.DefaultExpiries(now))
	stdout, _, code := runPlugin(t, "certs", "check", "--local", "--host-root", expired)
	if code != cli.ExitFindings || !strings.Contains(stdout, "<invalid>") || !strings.Contains(stdout, "!MISSING!") {
		t.Errorf("expired: exit %d\n%s", code, stdout)
	}

	// An unreadable certificate is an error, exit 1.
	certstest.Write(t, expired, "etc/kubernetes/pki/apiserver.crt", []byte("not a certificate"))
	stdout, stderr, code := runPlugin(t, "certs", "check", "--local", "--host-root", expired)
	if code != cli.ExitFailure || !strings.Contains(stderr, "could not be read") {
		t.Errorf("unreadable: exit %d\n%s%s", code, stdout, stderr)
	}

	// Nothing at all is not healthy.
	_, _, code = runPlugin(t, "certs", "check", "--local", "--host-root", t.TempDir())
	if code != cli.ExitFindings {
		t.Errorf("empty root: exit %d, want 3", code)
	}
}

func TestCertsBadInputIsOneSentence(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"certs", "check", "n1", "--local"}, "choose the nodes one way"},
		{[]string{"certs", "check", "--all", "-l", "a=b"}, "choose the nodes one way"},
		{[]string{"certs", "check", "--all-nodes", "-l", "a=b"}, "choose the nodes one way"},
		{[]string{"certs", "check", "--local", "--warn", "soon"}, "--warn takes days"},
		{[]string{"certs", "check", "--local", "--node-root", "relative"}, "must be absolute"},
		{[]string{"certs", "renew"}, "choose the nodes one way"},
		{[]string{"certs", "renew", "--local", "--node", "x"}, "choose the nodes one way"},
		{[]string{"certs", "renew", "--local", "x"}, "choose the nodes one way"},
		{[]string{"certs", "renew", "x", "--all-control-plane"}, "choose the nodes one way"},
		{[]string{"certs", "renew", "--local", "--k3s-dir", "rel"}, "must be absolute"},
		{[]string{"certs", "renew", "--local", "--backup-dir", "rel"}, "must be absolute"},
	}
	for _, c := range cases {
		_, stderr, code := runPlugin(t, c.args...)
		if code != cli.ExitFailure || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, stderr, c.want)
		}
	}
}

// --all-nodes, certs check's name for --all before every node command
// chose its nodes the same way, still means every node and says so.
func TestCertsCheckAllNodesIsDeprecated(t *testing.T) {
	_, stderr, code := runPlugin(t, "certs", "check", "--all-nodes", "--local")
	if !strings.Contains(stderr, "--all-nodes has been deprecated, use --all") {
		t.Errorf("no deprecation line: %q", stderr)
	}
	if code != cli.ExitFailure || !strings.Contains(stderr, "choose the nodes one way") {
		t.Errorf("--all-nodes did not count as --all: exit %d, %q", code, stderr)
	}
}

// --node, the old way to name the nodes, still works and says once that
// NODE... is the way now.
func TestCertsRenewNodeFlagIsDeprecated(t *testing.T) {
	_, stderr, _ := runPlugin(t, "certs", "renew", "--node", "x", "--local")
	if !strings.Contains(stderr, "--node has been deprecated, name the nodes as arguments: certs renew NODE...") {
		t.Errorf("no deprecation line: %q", stderr)
	}
	if !strings.Contains(stderr, "choose the nodes one way") {
		t.Errorf("--node x did not count as naming a node: %q", stderr)
	}
}
