// Package certstest builds real certificates and whole host roots (kubeadm,
// kubespray, kubelet and k3s layouts) for the tests of `certs`: every
// certificate is generated here with crypto/x509, so what the tests parse is
// what a node holds.
package certstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Cert is a generated certificate and its key, PEM-encoded.
type Cert struct {
	X509    *x509.Certificate
	CertPEM []byte
	KeyPEM  []byte
	key     *ecdsa.PrivateKey
}

var serial int64 = 1000

// NewCA makes a self-signed CA valid until notAfter.
func NewCA(t testing.TB, cn string, notAfter time.Time) *Cert {
	t.Helper()
	return issue(t, nil, cn, notAfter, true)
}

// Issue makes a leaf (or, with ca, an intermediate) signed by c.
func (c *Cert) Issue(t testing.TB, cn string, notAfter time.Time) *Cert {
	t.Helper()
	return issue(t, c, cn, notAfter, false)
}

func issue(t testing.TB, parent *Cert, cn string, notAfter time.Time, ca bool) *Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notAfter.Add(-365 * 24 * time.Hour).Truncate(time.Second),
		NotAfter:              notAfter.Truncate(time.Second),
		BasicConstraintsValid: true,
		IsCA:                  ca,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"localhost"},
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.X509, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := x509.ParseCertificate(der)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{X509: x, key: key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})}
}

// Write writes b to root/rel, creating directories.
func Write(t testing.TB, root, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// WritePair writes rel.crt and rel.key (kubeadm's naming).
func (c *Cert) WritePair(t testing.TB, root, rel string) {
	t.Helper()
	Write(t, root, rel+".crt", c.CertPEM)
	Write(t, root, rel+".key", c.KeyPEM)
}

// Kubeconfig is a kubeconfig whose user embeds c, as kubeadm writes them.
func (c *Cert) Kubeconfig(server, user string) []byte {
	enc := base64.StdEncoding.EncodeToString
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: kubernetes
  cluster:
    server: %s
    insecure-skip-tls-verify: true
contexts:
- name: %s@kubernetes
  context: {cluster: kubernetes, user: %s}
current-context: %s@kubernetes
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
`, server, user, user, user, user, enc(c.CertPEM), enc(c.KeyPEM))
}

// Expiries used by the layouts: one of each verdict.
type Expiries struct {
	Valid, Expiring, Expired time.Time
}

// DefaultExpiries are relative to now: 5 years, 10 days, expired a day ago.
func DefaultExpiries(now time.Time) Expiries {
	return Expiries{Valid: now.Add(5 * 365 * 24 * time.Hour), Expiring: now.Add(10 * 24 * time.Hour), Expired: now.Add(-24 * time.Hour)}
}

// Kubeadm writes a kubeadm control plane under root/prefix: CAs valid,
// apiserver expiring, front-proxy-client expired, etcd/peer missing,
// the kubeconfigs admin (valid), controller-manager (expired), scheduler
// (valid) with embedded certificates; super-admin.conf absent. It returns
// the CAs by kubeadm name.
func Kubeadm(t testing.TB, root string, e Expiries) map[string]*Cert {
	t.Helper()
	ca := NewCA(t, "kubernetes", e.Valid.Add(5*365*24*time.Hour))
	etcd := NewCA(t, "etcd-ca", e.Valid.Add(5*365*24*time.Hour))
	fp := NewCA(t, "front-proxy-ca", e.Valid.Add(5*365*24*time.Hour))
	pki := "etc/kubernetes/pki/"
	ca.WritePair(t, root, pki+"ca")
	etcd.WritePair(t, root, pki+"etcd/ca")
	fp.WritePair(t, root, pki+"front-proxy-ca")
	ca.Issue(t, "kube-apiserver", e.Expiring).WritePair(t, root, pki+"apiserver")
	ca.Issue(t, "kube-apiserver-kubelet-client", e.Valid).WritePair(t, root, pki+"apiserver-kubelet-client")
	fp.Issue(t, "front-proxy-client", e.Expired).WritePair(t, root, pki+"front-proxy-client")
	etcd.Issue(t, "kube-apiserver-etcd-client", e.Valid).WritePair(t, root, pki+"apiserver-etcd-client")
	etcd.Issue(t, "localhost", e.Valid).WritePair(t, root, pki+"etcd/server")
	etcd.Issue(t, "kube-etcd-healthcheck-client", e.Valid).WritePair(t, root, pki+"etcd/healthcheck-client")
	Write(t, root, pki+"sa.key", []byte("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n"))
	Write(t, root, "etc/kubernetes/admin.conf", ca.Issue(t, "kubernetes-admin", e.Valid).Kubeconfig("https://127.0.0.1:6443", "kubernetes-admin"))
	Write(t, root, "etc/kubernetes/controller-manager.conf", ca.Issue(t, "system:kube-controller-manager", e.Expired).Kubeconfig("https://127.0.0.1:6443", "system:kube-controller-manager"))
	Write(t, root, "etc/kubernetes/scheduler.conf", ca.Issue(t, "system:kube-scheduler", e.Valid).Kubeconfig("https://127.0.0.1:6443", "system:kube-scheduler"))
	return map[string]*Cert{"ca": ca, "etcd-ca": etcd, "front-proxy-ca": fp}
}

// Kubelet writes a kubelet pki dir: the rotated client certificate behind
// the kubelet-client-current.pem symlink (absolute, as the kubelet makes
// it, pointing at a node path under prefix) and the self-signed kubelet.crt.
func Kubelet(t testing.TB, root, prefix string, ca *Cert, e Expiries) {
	t.Helper()
	dir := filepath.Join(prefix, "var/lib/kubelet/pki")
	c := ca.Issue(t, "system:node:node-1", e.Valid)
	Write(t, root, filepath.Join(dir, "kubelet-client-2024-01-01-00-00-00.pem"), append(append([]byte{}, c.CertPEM...), c.KeyPEM...))
	if err := os.Symlink(filepath.Join("/", dir, "kubelet-client-2024-01-01-00-00-00.pem"), filepath.Join(root, dir, "kubelet-client-current.pem")); err != nil {
		t.Fatal(err)
	}
	self := NewCA(t, "node-1-ca@1700000000", e.Valid)
	srv := self.Issue(t, "node-1@1700000000", e.Expiring)
	Write(t, root, filepath.Join(dir, "kubelet.crt"), append(append([]byte{}, srv.CertPEM...), self.CertPEM...))
	Write(t, root, filepath.Join(dir, "kubelet.key"), srv.KeyPEM)
}

// Kubespray writes kubespray's etcd certificates for host node-1 and
// /etc/etcd.env: the member certificate is expired.
func Kubespray(t testing.TB, root string, e Expiries) {
	t.Helper()
	ca := NewCA(t, "etcd-ca", e.Valid)
	dir := "etc/ssl/etcd/ssl/"
	Write(t, root, dir+"ca.pem", ca.CertPEM)
	Write(t, root, dir+"ca-key.pem", ca.KeyPEM)
	for name, exp := range map[string]time.Time{"admin-node-1": e.Valid, "member-node-1": e.Expired, "node-node-1": e.Valid} {
		c := ca.Issue(t, name, exp)
		Write(t, root, dir+name+".pem", c.CertPEM)
		Write(t, root, dir+name+"-key.pem", c.KeyPEM)
	}
	Write(t, root, "etc/etcd.env", []byte("ETCDCTL_API=3\nETCDCTL_CACERT=/etc/ssl/etcd/ssl/ca.pem\nETCDCTL_CERT=/etc/ssl/etcd/ssl/admin-node-1.pem\nETCDCTL_KEY=/etc/ssl/etcd/ssl/admin-node-1-key.pem\nETCDCTL_ENDPOINTS=https://127.0.0.1:2379\n"))
}

// K3s writes part of a k3s server's tls dir: client-admin expiring, the
// serving certificate valid.
func K3s(t testing.TB, root string, e Expiries) {
	t.Helper()
	dir := "var/lib/rancher/k3s/server/tls/"
	server := NewCA(t, "k3s-server-ca@1700000000", e.Valid)
	client := NewCA(t, "k3s-client-ca@1700000000", e.Valid)
	server.WritePair(t, root, dir+"server-ca")
	client.WritePair(t, root, dir+"client-ca")
	client.Issue(t, "system:admin", e.Expiring).WritePair(t, root, dir+"client-admin")
	server.Issue(t, "kube-apiserver", e.Valid).WritePair(t, root, dir+"serving-kube-apiserver")
}

// WantErr compares an error with the sentence wanted: "" is no error, a
// sentence ending in ": " is the start of the error (the rest quotes a
// parser).
func WantErr(t testing.TB, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want == "":
	case err == nil:
		t.Fatalf("no error, want %q", want)
	case strings.HasSuffix(want, ": ") && len(err.Error()) > len(want) && strings.HasPrefix(err.Error(), want):
	case err.Error() != want:
		t.Fatalf("error %q, want %q", err, want)
	}
}
