package doctor

import (
	"fmt"

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

// checkAPIServerCert reports the API server's serving certificate.
func checkAPIServerCert(in *Input) CheckResult {
	c := clientCert(in, servingName)
	if c == nil {
		return notApplicable("the API server's certificate was not read")
	}
	if c.Status == certs.Error {
		return failed(c.Message)
	}
	r := result(1)
	fix := "kubectl akash certs renew --all-control-plane --update-kubeconfig --yes (or k3s certificate rotate on k3s)"
	switch c.Status {
	case certs.Expired:
		r.Findings = append(r.Findings, Finding{Code: CodeServingExpired, Severity: SeverityError, Object: "apiserver/" + c.Path,
			Message: fmt.Sprintf("the API server's serving certificate expired on %s: clients refuse it", c.NotAfter.UTC().Format(certs.DateLayout)), Fix: fix})
	case certs.Expiring:
		r.Findings = append(r.Findings, Finding{Code: CodeServingExpiring, Severity: SeverityWarning, Object: "apiserver/" + c.Path,
			Message: fmt.Sprintf("the API server's serving certificate expires on %s (in %s)", c.NotAfter.UTC().Format(certs.DateLayout), c.Residual), Fix: fix})
	}
	return r
}

// checkKubeconfigCert reports the kubeconfig's own client certificate.
func checkKubeconfigCert(in *Input) CheckResult {
	c := clientCert(in, clientName)
	if c == nil {
		return notApplicable("the kubeconfig's certificate was not read")
	}
	if c.Status == certs.Error {
		return failed(c.Message)
	}
	if c.NotAfter == nil && c.Status == certs.Valid {
		return notApplicable(c.Message)
	}
	r := result(1)
	fix := "kubectl akash certs renew --all-control-plane --update-kubeconfig --yes (or copy a renewed admin.conf into your kubeconfig)"
	switch c.Status {
	case certs.Expired:
		r.Findings = append(r.Findings, Finding{Code: CodeClientExpired, Severity: SeverityError, Object: "kubeconfig/" + c.Path,
			Message: fmt.Sprintf("the kubeconfig's client certificate expired on %s: the API server answers Unauthorized", c.NotAfter.UTC().Format(certs.DateLayout)), Fix: fix})
	case certs.Expiring:
		r.Findings = append(r.Findings, Finding{Code: CodeClientExpiring, Severity: SeverityWarning, Object: "kubeconfig/" + c.Path,
			Message: fmt.Sprintf("the kubeconfig's client certificate expires on %s (in %s)", c.NotAfter.UTC().Format(certs.DateLayout), c.Residual), Fix: fix})
	case certs.Missing:
		r.Findings = append(r.Findings, Finding{Code: CodeClientMissing, Severity: SeverityError, Object: "kubeconfig/" + c.Path,
			Message: "the kubeconfig names a client certificate file that is not there: " + c.Path, Fix: "point client-certificate in your kubeconfig at the renewed certificate"})
	}
	return r
}
