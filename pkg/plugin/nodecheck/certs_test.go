package nodecheck

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
)

// A kubeadm control plane with real certificates: front-proxy-client and
// controller-manager.conf expired, apiserver expiring in 10 days, etcd
// peer missing. Each is a finding with the renew command, and each
// certificate that has a date is a gauge of its seconds to expiry.
func TestCertsKubeadmControlPlane(t *testing.T) {
	h := newHost(t)
	certstest.Kubeadm(t, h.env.HostRoot, certstest.DefaultExpiries(h.now))
	r := h.run("certs", Options{})
	if r.Status != StatusFindings {
		t.Fatalf("status %s (%s): %s", r.Status, r.Reason, codes(r))
	}
	byName := map[string]Finding{}
	for _, f := range r.Findings {
		if f.Fix != "kubectl akash certs renew node-1" {
			t.Errorf("fix %q", f.Fix)
		}
		for _, n := range []string{"front-proxy-client", "controller-manager.conf", "apiserver ", "etcd-peer"} {
			if strings.HasPrefix(f.Message, "certificate "+n) {
				byName[strings.TrimSpace(n)] = f
			}
		}
	}
	want := map[string]string{"front-proxy-client": CodeCertExpired, "controller-manager.conf": CodeCertExpired, "apiserver": CodeCertExpiring, "etcd-peer": CodeCertMissing}
	for n, code := range want {
		if byName[n].Code != code {
			t.Errorf("%s: %+v, want %s; all: %s", n, byName[n], code, codes(r))
		}
	}
	if len(r.Findings) != len(want) {
		t.Errorf("findings %s, want exactly %d", codes(r), len(want))
	}
	if byName["front-proxy-client"].Severity != SeverityError || byName["apiserver"].Severity != SeverityWarning {
		t.Errorf("severities: %+v", byName)
	}
	v, ok := metricOf(r, "kubectl_akash_node_certificate_expiry_seconds", map[string]string{"certificate": "apiserver", "source": "kubeadm"})
	if !ok || v <= 9*24*3600 || v > 10*24*3600 {
		t.Errorf("apiserver expiry metric %v %v, want about 10 days", v, ok)
	}
	if v, _ := metricOf(r, "kubectl_akash_node_certificate_expiry_seconds", map[string]string{"certificate": "front-proxy-client"}); v >= 0 {
		t.Errorf("expired certificate's metric %v, want negative", v)
	}

	// A narrower window, or none: the apiserver's 10 days are no longer a
	// finding; the expired ones still are.
	for _, w := range []time.Duration{5 * 24 * time.Hour, -1} {
		r = h.run("certs", Options{CertWarn: w})
		for _, f := range r.Findings {
			if f.Code == CodeCertExpiring {
				t.Errorf("expiring with window %s: %+v", w, f)
			}
		}
		findingOf(t, r, CodeCertExpired)
	}
}

// k3s and kubespray control planes are control planes too.
func TestCertsK3sAndKubespray(t *testing.T) {
	h := newHost(t)
	certstest.K3s(t, h.env.HostRoot, certstest.DefaultExpiries(h.now))
	r := h.run("certs", Options{})
	if f := findingOf(t, r, CodeCertExpiring); !strings.Contains(f.Message, "client-admin") || f.Fix != "kubectl akash certs renew node-1" {
		t.Errorf("k3s: %+v", f)
	}

	h = newHost(t)
	certstest.Kubespray(t, h.env.HostRoot, certstest.DefaultExpiries(h.now))
	if f := findingOf(t, h.run("certs", Options{}), CodeCertExpired); !strings.Contains(f.Message, "member-node-1") {
		t.Errorf("kubespray: %+v", f)
	}
}

// A worker has only the kubelet's own certificates (which it rotates
// itself): not applicable, not a finding and not a failure.
func TestCertsNotApplicableOnWorker(t *testing.T) {
	h := newHost(t)
	ca := certstest.NewCA(t, "kubernetes", h.now.Add(365*24*time.Hour))
	certstest.Kubelet(t, h.env.HostRoot, "", ca, certstest.DefaultExpiries(h.now))
	r := h.run("certs", Options{})
	if r.Status != StatusNotApplicable || r.Reason != "no control-plane certificates on this node" || len(r.Findings) != 0 {
		t.Errorf("worker: %s %q %s", r.Status, r.Reason, codes(r))
	}
}

// A kubeadm worker keeps the cluster CA's certificate (not its key) in
// /etc/kubernetes/pki: that is not a control plane, and kubeadm's
// control-plane certificates are not "missing" there.
func TestCertsNotApplicableOnKubeadmWorker(t *testing.T) {
	h := newHost(t)
	ca := certstest.NewCA(t, "kubernetes", h.now.Add(365*24*time.Hour))
	certstest.Write(t, h.env.HostRoot, "etc/kubernetes/pki/ca.crt", ca.CertPEM)
	certstest.Write(t, h.env.HostRoot, "etc/kubernetes/kubelet.conf", ca.Issue(t, "system:node:node-1", h.now.Add(365*24*time.Hour)).Kubeconfig("https://10.0.0.1:6443", "system:node:node-1"))
	r := h.run("certs", Options{})
	if r.Status != StatusNotApplicable || len(r.Findings) != 0 {
		t.Errorf("kubeadm worker: %s %q %s", r.Status, r.Reason, codes(r))
	}
}
