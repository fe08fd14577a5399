package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs/certstest"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// TestDoctorLocalCertsBuiltRoot: doctor --local on a control-plane host
// root whose kubeadm apiserver certificate (a real one) expired yesterday
// reports it under Certificates with the renew command, exits 3, and says
// the gpu check is not applicable (no GPU in the root) rather than failed.
func TestDoctorLocalCertsBuiltRoot(t *testing.T) {
	c := cluster.Get(t)
	host := t.TempDir()
	now := time.Now()
	ca := certstest.NewCA(t, "kubernetes", now.Add(10*365*24*time.Hour))
	ca.WritePair(t, host, "etc/kubernetes/pki/ca")
	ca.Issue(t, "kube-apiserver", now.Add(-24*time.Hour)).WritePair(t, host, "etc/kubernetes/pki/apiserver")

	r := kubectlAkash(t, c, runOpts{}, "doctor", "--local", "--host-root", host, "--checks", "certs,gpu", "-o", "json")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := decodeDoctor(t, r)
	res := checkOf(t, rep, "certs")
	if res.Section != "certificates" || res.Status != doctor.StatusFindings {
		t.Fatalf("certs: %+v", res)
	}
	var expired *doctor.Finding
	for i, f := range res.Findings {
		if f.Code == nodecheck.CodeCertExpired && strings.HasPrefix(f.Message, "certificate apiserver ") {
			expired = &res.Findings[i]
		}
	}
	if expired == nil || expired.Severity != "error" || !strings.HasPrefix(expired.Fix, "kubectl akash certs renew ") {
		t.Errorf("the expired apiserver certificate: %+v\n%s", expired, r.stdout)
	}
	if g := checkOf(t, rep, "gpu"); g.Status != doctor.StatusNotApplicable || g.Section != "gpu" {
		t.Errorf("gpu on a root without GPUs: %+v", g)
	}

	// -o prometheus: the text parser reads it back, with the apiserver
	// certificate's seconds to expiry (negative) as a gauge.
	r = kubectlAkash(t, c, runOpts{}, "doctor", "--local", "--host-root", host, "--checks", "certs", "-o", "prometheus")
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(r.stdout))
	if r.code != 3 || err != nil {
		t.Fatalf("prometheus: exit %d, %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	fam := families["kubectl_akash_node_certificate_expiry_seconds"]
	found := false
	for _, m := range fam.GetMetric() {
		for _, l := range m.Label {
			if l.GetName() == "certificate" && l.GetValue() == "apiserver" && m.GetGauge().GetValue() < 0 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no negative expiry gauge for the apiserver certificate:\n%s", r.stdout)
	}

	// A worker's root (no control-plane certificates): not applicable, exit 0.
	r = kubectlAkash(t, c, runOpts{}, "doctor", "--local", "--host-root", t.TempDir(), "--checks", "certs", "-o", "json")
	if r.code != 0 {
		t.Fatalf("worker root: exit %d, want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if res := checkOf(t, decodeDoctor(t, r), "certs"); res.Status != doctor.StatusNotApplicable || !strings.HasSuffix(res.Reason, "no control-plane certificates on this node") {
		t.Errorf("worker root: %+v", res)
	}
}
