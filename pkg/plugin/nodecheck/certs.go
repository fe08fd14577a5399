package nodecheck

import (
	"context"
	"fmt"
	"path"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// Codes of the certs check.
const (
	CodeCertExpired    = "NC701"
	CodeCertExpiring   = "NC702"
	CodeCertMissing    = "NC703"
	CodeCertUnreadable = "NC704"
)

// DefaultCertWarn is the window in which a certificate is reported as
// expiring: kubeadm's own renewal advice is a month ahead.
const DefaultCertWarn = 30 * 24 * time.Hour

// The certs check is a thin adapter over the certs package's scan (the one
// `certs check` runs on a node): a finding per certificate that is expired,
// expiring within the window, missing or unreadable, and its seconds to
// expiry as a gauge. Only control-plane nodes have these certificates; a
// worker's own kubelet certificates are rotated by the kubelet.
func init() {
	Register(Check{
		Name:        "certs",
		Description: "Control-plane certificates (kubeadm, kubespray etcd, k3s) expired, expiring, missing or unreadable",
		Applies:     certsApply,
		Run:         runCerts,
	})
}

// controlPlaneMarks are what only a control plane has (node paths, under
// the host root): kubeadm's CA key or apiserver certificate (a kubeadm
// worker keeps only ca.crt in pki/), kubespray's etcd certificates, k3s's
// server tls directory (agents have none).
func controlPlaneMarks(l certs.Layout) []string {
	return []string{path.Join(l.KubernetesDir, "pki/ca.key"), path.Join(l.KubernetesDir, "pki/apiserver.crt"),
		l.EtcdSSLDir, path.Join(l.K3sDir, "server/tls")}
}

func certsApply(env agent.Env) (bool, string) {
	h := certs.Host{Root: env.HostRoot}
	for _, p := range controlPlaneMarks(certs.DefaultLayout("/")) {
		if h.Exists(p) {
			return true, ""
		}
	}
	return false, "no control-plane certificates on this node"
}

func runCerts(_ context.Context, env agent.Env, opts Options) Result {
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	h := certs.Host{Root: env.HostRoot}
	scanned := certs.Scan(h, certs.DefaultLayout("/"))
	fix := "kubectl akash certs renew " + nodeArg(env)
	res := Result{}
	for _, c := range scanned {
		c.Assess(now(), opts.certWarn())
		where := c.Name
		if c.Path != "" {
			where += " (" + c.Path + ")"
		}
		switch c.Status {
		case certs.Expired:
			res.Findings = append(res.Findings, Finding{Code: CodeCertExpired, Severity: SeverityError, Fix: fix,
				Message: fmt.Sprintf("certificate %s expired %s ago: the components that present it are refused", where, residual(c))})
		case certs.Expiring:
			res.Findings = append(res.Findings, Finding{Code: CodeCertExpiring, Severity: SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("certificate %s expires in %s: renew it before the control plane stops talking to itself", where, residual(c))})
		case certs.Missing:
			res.Findings = append(res.Findings, Finding{Code: CodeCertMissing, Severity: SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("certificate %s is missing: %s", where, c.Message)})
		case certs.Error:
			res.Findings = append(res.Findings, Finding{Code: CodeCertUnreadable, Severity: SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("certificate %s cannot be read: %s", where, c.Message)})
		}
		if c.ResidualSeconds != nil {
			res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_certificate_expiry_seconds",
				Help:   "Seconds until the certificate expires (negative once expired).",
				Labels: map[string]string{"certificate": c.Name, "source": c.Source}, Value: float64(*c.ResidualSeconds)})
		}
	}
	return res
}

// residual is the time left (or past), without kubeadm's <invalid>.
func residual(c certs.Certificate) string {
	if c.ResidualSeconds == nil {
		return "an unknown time"
	}
	d := time.Duration(*c.ResidualSeconds) * time.Second
	if d < 0 {
		d = -d
	}
	return duration.HumanDuration(d)
}
