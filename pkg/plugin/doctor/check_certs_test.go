package doctor

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// TestClientCerts: an expired serving certificate is an error, a client
// certificate within --cert-warn a warning, a kubeconfig without one is not
// applicable, and a handshake that failed is a check that could not run.
func TestClientCerts(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { v := metav1.NewTime(now.Add(d)); return &v }
	in := &Input{Now: now, CertWarn: 30 * 24 * time.Hour, Certificates: []certs.Certificate{
		{Name: servingName, Path: "https://10.0.0.1:6443", NotAfter: at(-time.Hour)},
		{Name: clientName, Path: "(embedded client-certificate-data)", NotAfter: at(10 * 24 * time.Hour)},
	}}
	if r := checkAPIServerCert(in); len(r.Findings) != 1 || r.Findings[0].Code != CodeServingExpired || r.Findings[0].Severity != SeverityError {
		t.Errorf("expired serving certificate: %+v", r)
	}
	if r := checkKubeconfigCert(in); len(r.Findings) != 1 || r.Findings[0].Code != CodeClientExpiring || r.Findings[0].Severity != SeverityWarning {
		t.Errorf("expiring client certificate: %+v", r)
	}
	in.Certificates = []certs.Certificate{
		{Name: servingName, Status: certs.Error, Message: "TLS handshake with 10.0.0.1:6443: connection refused"},
		{Name: clientName, Status: certs.Valid, Message: "the kubeconfig authenticates without a client certificate"},
	}
	if r := checkAPIServerCert(in); r.Status != StatusError {
		t.Errorf("a failed handshake: %+v", r)
	}
	if r := checkKubeconfigCert(in); r.Status != StatusNotApplicable {
		t.Errorf("no client certificate: %+v", r)
	}
	in.Certificates = []certs.Certificate{{Name: servingName, Path: "http://127.0.0.1:8001", Status: certs.Error,
		Message: "the kubeconfig's server is plain http: there is no serving certificate"}}
	if r := checkAPIServerCert(in); r.Status != StatusNotApplicable {
		t.Errorf("a plain-http server has no certificate to check, and that is no failure: %+v", r)
	}
}
