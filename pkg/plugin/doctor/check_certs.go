package doctor

import (
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// clientCert finds one of the client-side certificates by name.
func clientCert(in *Input, name string) *certs.Certificate {
	for i := range in.Certificates {
		if in.Certificates[i].Name == name {
			c := in.Certificates[i]
			c.Assess(in.Now, in.CertWarn)
			return &c
		}
	}
	return nil
}

// The names certs.ClientSide gives its two certificates.
const (
	servingName = "apiserver (served)"
	clientName  = "kubeconfig client"
)

// certCheck is how one client-side certificate is judged and reported.
type certCheck struct {
	name, what, expiredEffect string
	expired, expiring, object string
	fix                       string
}

var (
	servingCheck = certCheck{name: servingName, what: "the API server's serving certificate", expiredEffect: "clients refuse it",
		expired: CodeServingExpired, expiring: CodeServingExpiring, object: "apiserver/",
		fix: "kubectl akash certs renew --all-control-plane --update-kubeconfig --yes (or k3s certificate rotate on k3s)"}
	clientCheck = certCheck{name: clientName, what: "the kubeconfig's client certificate", expiredEffect: "the API server answers Unauthorized",
		expired: CodeClientExpired, expiring: CodeClientExpiring, object: "kubeconfig/",
		fix: "kubectl akash certs renew --all-control-plane --update-kubeconfig --yes (or copy a renewed admin.conf into your kubeconfig)"}
)

// checkAPIServerCert reports the API server's serving certificate.
func checkAPIServerCert(in *Input) CheckResult { return servingCheck.run(in) }

// checkKubeconfigCert reports the kubeconfig's own client certificate; a
// kubeconfig without one (a token, an exec plugin) has nothing to expire.
func checkKubeconfigCert(in *Input) CheckResult { return clientCheck.run(in) }

// run judges the certificate at in.Now with in.CertWarn.
func (k certCheck) run(in *Input) CheckResult {
	c := clientCert(in, k.name)
	switch {
	case c == nil:
		return notApplicable(k.what + " was not read")
	case strings.HasPrefix(c.Path, "http://"):
		// A plain-http server (a local proxy, kubectl proxy) serves no
		// certificate: nothing to check, nothing that failed.
		return notApplicable(c.Message)
	case c.Status == certs.Error:
		return failed(c.Message)
	case c.NotAfter == nil && c.Status == certs.Valid:
		return notApplicable(c.Message)
	}
	r := result(1)
	f := Finding{Severity: SeverityError, Object: k.object + c.Path, Fix: k.fix}
	switch c.Status {
	case certs.Expired:
		f.Code, f.Message = k.expired, fmt.Sprintf("%s expired on %s: %s", k.what, c.NotAfter.UTC().Format(certs.DateLayout), k.expiredEffect)
	case certs.Expiring:
		f.Code, f.Severity, f.Message = k.expiring, SeverityWarning, fmt.Sprintf("%s expires on %s (in %s)", k.what, c.NotAfter.UTC().Format(certs.DateLayout), c.Residual)
	case certs.Missing:
		f.Code, f.Message, f.Fix = CodeClientMissing, k.what+" names a file that is not there: "+c.Path, "point client-certificate in your kubeconfig at the renewed certificate"
	default:
		return r
	}
	r.Findings = append(r.Findings, f)
	return r
}
