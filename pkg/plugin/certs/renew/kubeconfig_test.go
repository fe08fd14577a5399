package renew

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
)

func TestWriteNewNeverOverwritesAndKeepsCredentialsPrivate(t *testing.T) {
	name := filepath.Join(t.TempDir(), "config.bak")
	if err := writeNew(name, []byte("old credentials")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("a kubeconfig backup must be 0600: %v %v", fi.Mode(), err)
	}
	if err := writeNew(name, []byte("other")); err == nil {
		t.Fatal("an existing backup must never be overwritten")
	}
	if b, _ := os.ReadFile(name); string(b) != "old credentials" {
		t.Fatalf("the first backup was changed: %q", b)
	}
}

func TestCertIdentityNamesWhomTheCredentialsAre(t *testing.T) {
	ca := certstest.NewCA(t, "kubernetes", time.Now().Add(time.Hour))
	admin := ca.Issue(t, "kubernetes-admin", time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC))
	who, err := certIdentity(admin.CertPEM)
	if err != nil || !strings.Contains(who, `"kubernetes-admin"`) || !strings.Contains(who, "2027-01-02T03:04:05Z") {
		t.Fatalf("%q %v", who, err)
	}
	if _, err := certIdentity([]byte("not pem")); err == nil {
		t.Fatal("garbage must be refused")
	}
}
