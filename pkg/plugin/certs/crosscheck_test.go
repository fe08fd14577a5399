package certs

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDisagreements(t *testing.T) {
	at := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	later := metav1.NewTime(at.Add(time.Hour))
	same := metav1.NewTime(at.Add(300 * time.Millisecond)) // the same second
	scanned := []Certificate{
		{Name: "apiserver", Source: SourceKubeadm, Path: "/etc/kubernetes/pki/apiserver.crt", NotAfter: &same},
		{Name: "front-proxy-client", Source: SourceKubeadm, Path: "/etc/kubernetes/pki/front-proxy-client.crt", NotAfter: &later},
		{Name: "admin.conf", Source: SourceKubeconfig, Path: "/etc/kubernetes/admin.conf", NotAfter: &same},
		{Name: "kubelet.conf", Source: SourceKubeconfig, Path: "/etc/kubernetes/kubelet.conf", NotAfter: &same},
		{Name: "etcd-server", Source: SourceKubeadm, Path: "/etc/kubernetes/pki/etcd/server.crt", NotAfter: &same},
	}
	kubeadm := []expirationEntry{
		{Name: "apiserver", ExpirationDate: &at},
		{Name: "front-proxy-client", ExpirationDate: &at},
		{Name: "admin.conf", ExpirationDate: &at},
		{Name: "scheduler.conf", ExpirationDate: &at},
		{Name: "ca", ExternallyManaged: true},
	}
	got := strings.Join(Disagreements(kubeadm, scanned), "\n")
	for _, want := range []string{
		"front-proxy-client: kubeadm says it expires 2027-01-02T03:04:05Z, this command read 2027-01-02T04:04:05Z",
		"scheduler.conf: kubeadm says it expires 2027-01-02T03:04:05Z, this command finds none",
		"etcd-server: this command reads /etc/kubernetes/pki/etcd/server.crt, kubeadm does not report it",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "apiserver:") || strings.Contains(got, "admin.conf") || strings.Contains(got, "kubelet.conf") || strings.Contains(got, "ca:") {
		t.Errorf("agreeing, not kubeadm's, or externally managed entries are no disagreement:\n%s", got)
	}
}
