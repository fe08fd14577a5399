package certs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// Layout says where a node keeps its certificates. Every path is the
// node's own (absolute, before the host root is applied), and every one is
// a flag, so tests and unusual installs can point anywhere.
type Layout struct {
	// KubernetesDir holds kubeadm's pki/ and kubeconfigs (/etc/kubernetes).
	KubernetesDir string `json:"kubernetesDir"`
	// EtcdSSLDir is kubespray's etcd certificate directory (/etc/ssl/etcd/ssl).
	EtcdSSLDir string `json:"etcdSSLDir"`
	// KubeletPKIDir is the kubelet's --cert-dir (/var/lib/kubelet/pki).
	KubeletPKIDir string `json:"kubeletPKIDir"`
	// K3sDir is k3s's data dir (/var/lib/rancher/k3s).
	K3sDir string `json:"k3sDir"`
}

// DefaultLayout is the standard layout under prefix ("/" on a real node; a
// directory of the node when the certificates live elsewhere, as in tests).
func DefaultLayout(prefix string) Layout {
	if prefix == "" {
		prefix = "/"
	}
	return Layout{
		KubernetesDir: path.Join(prefix, "etc/kubernetes"),
		EtcdSSLDir:    path.Join(prefix, "etc/ssl/etcd/ssl"),
		KubeletPKIDir: path.Join(prefix, "var/lib/kubelet/pki"),
		K3sDir:        path.Join(prefix, "var/lib/rancher/k3s"),
	}
}

// kubeadmCerts are the certificates `kubeadm certs check-expiration`
// reports, by its names, with the CA that signs each. etcd marks the ones a
// kubespray node keeps in EtcdSSLDir instead.
var kubeadmCerts = []struct {
	name, file string
	ca         bool
	etcd       bool
}{
	{"ca", "pki/ca.crt", true, false},
	{"apiserver", "pki/apiserver.crt", false, false},
	{"apiserver-kubelet-client", "pki/apiserver-kubelet-client.crt", false, false},
	{"front-proxy-ca", "pki/front-proxy-ca.crt", true, false},
	{"front-proxy-client", "pki/front-proxy-client.crt", false, false},
	{"apiserver-etcd-client", "pki/apiserver-etcd-client.crt", false, true},
	{"etcd-ca", "pki/etcd/ca.crt", true, true},
	{"etcd-server", "pki/etcd/server.crt", false, true},
	{"etcd-peer", "pki/etcd/peer.crt", false, true},
	{"etcd-healthcheck-client", "pki/etcd/healthcheck-client.crt", false, true},
}

// kubeadmKubeconfigs are the kubeconfigs with client certificates kubeadm
// writes; super-admin.conf exists only on the first control-plane node
// (kubeadm 1.29+), and kubelet.conf is not kubeadm's to renew but is read
// too. Optional ones are reported only when present.
var kubeadmKubeconfigs = []struct {
	name     string
	optional bool
}{
	{"admin.conf", false},
	{"super-admin.conf", true},
	{"controller-manager.conf", false},
	{"scheduler.conf", false},
	{"kubelet.conf", true},
}

// Scan reads every certificate of the layout that the node has. A layout
// part (kubeadm, kubespray etcd, kubelet, k3s) counts when its directory
// exists; inside it, an expected file that is absent is Missing. A node
// with none of them gets one Missing entry that says where it looked, so an
// empty answer is never mistaken for a healthy one.
func Scan(h Host, l Layout) []Certificate {
	var out []Certificate
	kubespray := h.Exists(l.EtcdSSLDir)
	if h.Exists(path.Join(l.KubernetesDir, "pki")) {
		out = append(out, scanKubeadm(h, l.KubernetesDir, kubespray)...)
	}
	if h.Exists(path.Join(l.KubernetesDir, "ssl")) { // kubespray's own Kubernetes certificates
		out = append(out, scanDir(h, path.Join(l.KubernetesDir, "ssl"), "", SourceKubespray, ".crt", ".pem")...)
	}
	if kubespray {
		out = append(out, scanDir(h, l.EtcdSSLDir, "etcd/", SourceKubespray, ".pem")...)
	}
	if h.Exists(l.KubeletPKIDir) {
		out = append(out, scanKubelet(h, l.KubeletPKIDir)...)
	}
	for _, d := range []string{"server/tls", "server/tls/etcd", "agent"} {
		if dir := path.Join(l.K3sDir, d); h.Exists(dir) {
			out = append(out, scanDir(h, dir, strings.TrimPrefix(strings.TrimPrefix(d, "server/tls"), "/")+"/", SourceK3s, ".crt")...)
		}
	}
	for i := range out {
		out[i].Name = strings.TrimPrefix(out[i].Name, "/")
	}
	if len(out) == 0 {
		out = append(out, Certificate{Name: "(none)", Status: Missing,
			Message: "none of " + strings.Join([]string{l.KubernetesDir + "/pki", l.EtcdSSLDir, l.KubeletPKIDir, l.K3sDir + "/server/tls"}, ", ") + " exists on this node"})
	}
	linkAuthorities(h, out)
	return out
}

// scanKubeadm reads kubeadm's certificates and kubeconfigs, then any other
// *.crt in pki/ that kubeadm does not name (a custom one is still a
// certificate that can expire). The etcd ones are not expected on a
// kubespray node, whose etcd certificates live in EtcdSSLDir.
func scanKubeadm(h Host, dir string, kubespray bool) []Certificate {
	var out []Certificate
	known := map[string]bool{}
	for _, k := range kubeadmCerts {
		p := path.Join(dir, k.file)
		known[p] = true
		if k.etcd && kubespray && !h.Exists(p) {
			continue
		}
		c := h.certFile(k.name, SourceKubeadm, p)
		if k.ca {
			c.keyPath = strings.TrimSuffix(p, ".crt") + ".key"
		}
		out = append(out, c)
	}
	for _, k := range kubeadmKubeconfigs {
		p := path.Join(dir, k.name)
		if k.optional && !h.Exists(p) {
			continue
		}
		out = append(out, h.kubeconfigCert(k.name, p))
	}
	for _, sub := range []string{"pki", "pki/etcd"} {
		for _, c := range scanDir(h, path.Join(dir, sub), strings.TrimPrefix(sub+"/", "pki/"), SourceKubeadm, ".crt") {
			if !known[c.Path] {
				out = append(out, c)
			}
		}
	}
	return out
}

// scanKubelet reads the kubelet's client certificate (rotated:
// kubelet-client-current.pem, a symlink to the dated file) and its serving
// certificate (kubelet.crt, self-signed, or kubelet-server-current.pem with
// serverTLSBootstrap). Either one absent is Missing.
func scanKubelet(h Host, dir string) []Certificate {
	client := h.certFile("kubelet-client", SourceKubelet, path.Join(dir, "kubelet-client-current.pem"))
	if client.Status == Missing && h.Exists(path.Join(dir, "kubelet-client.crt")) { // rotation off
		client = h.certFile("kubelet-client", SourceKubelet, path.Join(dir, "kubelet-client.crt"))
	}
	serving := h.certFile("kubelet-serving", SourceKubelet, path.Join(dir, "kubelet-server-current.pem"))
	if serving.Status == Missing {
		serving = h.certFile("kubelet-serving", SourceKubelet, path.Join(dir, "kubelet.crt"))
		if serving.Status == Missing {
			serving.Message = "neither kubelet-server-current.pem nor kubelet.crt exists"
		}
	}
	return []Certificate{client, serving}
}

// scanDir reads every file of dir with one of the suffixes, skipping
// private keys (…-key.pem, *.key) and files without a certificate that are
// clearly keys. A directory that cannot be listed is one Error entry.
func scanDir(h Host, dir, prefix, source string, suffixes ...string) []Certificate {
	real, err := h.resolve(dir)
	var entries []os.DirEntry
	if err == nil {
		entries, err = os.ReadDir(h.path(real))
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return []Certificate{{Name: prefix + "*", Source: source, Path: dir, Status: Error, Message: err.Error()}}
	}
	var out []Certificate
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, "-key.pem") || strings.HasSuffix(n, ".key") || !hasSuffix(n, suffixes) {
			continue
		}
		p := path.Join(dir, n)
		c := Certificate{Name: prefix + n, Source: source, Path: p}
		b, ok := h.read(&c, p)
		if ok && !bytes.Contains(b, []byte("CERTIFICATE-----")) && bytes.Contains(b, []byte("PRIVATE KEY-----")) {
			continue // a key stored under a certificate-looking name
		}
		if ok {
			fill(&c, b)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func hasSuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// linkAuthorities names each certificate's CA by the CA's own Name when that
// CA is on the same node (kubeadm's CERTIFICATE AUTHORITY column: ca,
// etcd-ca, front-proxy-ca), and applies kubeadm's "externally managed" rule:
// a kubeadm CA whose key is absent, and every certificate it signed.
func linkAuthorities(h Host, certs []Certificate) {
	for i := range certs {
		ca := &certs[i]
		if ca.cert == nil || !ca.IsCA {
			continue
		}
		if ca.keyPath != "" && !h.Exists(ca.keyPath) {
			ca.ExternallyManaged = true
		}
		if bytes.Equal(ca.cert.RawSubject, ca.cert.RawIssuer) {
			ca.Authority = "" // self-signed root: kubeadm leaves the column empty
		}
	}
	for i := range certs {
		c := &certs[i]
		if c.cert == nil || (c.IsCA && c.Authority == "") {
			continue
		}
		for j := range certs {
			ca := certs[j]
			if i == j || ca.cert == nil || !ca.IsCA || !bytes.Equal(ca.cert.RawSubject, c.cert.RawIssuer) {
				continue
			}
			if c.cert.CheckSignatureFrom(ca.cert) != nil {
				continue
			}
			c.Authority = ca.Name
			c.ExternallyManaged = c.ExternallyManaged || ca.ExternallyManaged
			break
		}
	}
}
