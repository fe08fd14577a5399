package certs

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
)

// Host reads a node's files through the directory its / is mounted at
// ("/host" in a debug pod, "/" or --host-root with --local).
type Host struct {
	Root string
}

// path is where the node's absolute path p is on this machine.
func (h Host) path(p string) string { return filepath.Join(h.Root, p) }

// resolve follows symlinks of the node's path p the way the node would:
// an absolute link target (kubelet-client-current.pem points at
// /var/lib/kubelet/pki/kubelet-client-<date>.pem) is a node path, so it is
// looked up under Root, not on this machine's /.
func (h Host) resolve(p string) (string, error) {
	for hops := 0; hops < 16; hops++ {
		fi, err := os.Lstat(h.path(p))
		if err != nil {
			return p, err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return p, nil
		}
		target, err := os.Readlink(h.path(p))
		if err != nil {
			return p, err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return p, fmt.Errorf("%s: too many levels of symbolic links", p)
}

// ReadFile reads the node's file p, following its symlinks on the node.
func (h Host) ReadFile(p string) ([]byte, error) {
	real, err := h.resolve(p)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(h.path(real))
}

// Exists reports whether the node's path p exists (a dangling symlink does not).
func (h Host) Exists(p string) bool {
	real, err := h.resolve(p)
	if err != nil {
		return false
	}
	_, err = os.Stat(h.path(real))
	return err == nil
}

// certFile reads the first certificate of a PEM file into a Certificate:
// Missing when the file is absent, Error when it cannot be read or parsed.
func (h Host) certFile(name, source, p string) Certificate {
	c := Certificate{Name: name, Source: source, Path: p}
	if b, ok := h.read(&c, p); ok {
		fill(&c, b)
	}
	return c
}

// read reads the file p of c; when it cannot, c is marked Missing (absent)
// or Error (unreadable) and ok is false.
func (h Host) read(c *Certificate, p string) (b []byte, ok bool) {
	b, err := h.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.Status, c.Message = Missing, "no such file"
		return nil, false
	case err != nil:
		c.Status, c.Message = Error, err.Error()
		return nil, false
	}
	return b, true
}

// fill parses the first CERTIFICATE block of b into c (a bundle's first
// certificate is the leaf, the one kubeadm reports).
func fill(c *Certificate, b []byte) {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			c.Status, c.Message = Error, "no PEM CERTIFICATE block"
			return
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		x, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			c.Status, c.Message = Error, "parsing the certificate: "+err.Error()
			return
		}
		setCert(c, x)
		return
	}
}

// setCert copies the facts of x into c.
func setCert(c *Certificate, x *x509.Certificate) {
	c.cert = x
	c.Subject = x.Subject.String()
	c.Issuer = x.Issuer.String()
	nb, na := metav1.NewTime(x.NotBefore.UTC()), metav1.NewTime(x.NotAfter.UTC())
	c.NotBefore, c.NotAfter = &nb, &na
	c.IsCA = x.IsCA
	c.Serial = x.SerialNumber.Text(16)
	c.Authority = x.Issuer.CommonName
	if c.Status == "" {
		c.Status = Valid
	}
}

// kubeconfigCert reads the client certificate of a kubeconfig's user: the
// embedded client-certificate-data (kubeadm's admin.conf etc.), or the file
// client-certificate names (kubelet.conf after bootstrap: the kubelet's
// rotating client certificate), read on the node.
func (h Host) kubeconfigCert(name, p string) Certificate {
	c := Certificate{Name: name, Source: SourceKubeconfig, Path: p}
	b, ok := h.read(&c, p)
	if !ok {
		return c
	}
	cfg, err := clientcmd.Load(b)
	if err != nil {
		c.Status, c.Message = Error, "parsing the kubeconfig: "+err.Error()
		return c
	}
	user := ""
	if ctx, ok := cfg.Contexts[cfg.CurrentContext]; ok {
		user = ctx.AuthInfo
	}
	auth, ok := cfg.AuthInfos[user]
	if !ok {
		for n, a := range cfg.AuthInfos { // a single-user kubeconfig without a current context
			user, auth, ok = n, a, true
			break
		}
	}
	switch {
	case !ok:
		c.Status, c.Message = Error, "the kubeconfig has no user"
	case len(auth.ClientCertificateData) > 0:
		fill(&c, auth.ClientCertificateData)
	case auth.ClientCertificate != "":
		ref := auth.ClientCertificate
		if !filepath.IsAbs(ref) {
			ref = filepath.Join(filepath.Dir(p), ref)
		}
		f := h.certFile(name, SourceKubeconfig, ref)
		f.Path = p
		f.Message = strings.TrimSpace("client certificate in " + ref + " " + f.Message)
		return f
	default:
		c.Status, c.Message = Error, fmt.Sprintf("user %q has no client certificate", user)
	}
	return c
}
