package doctor

import (
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// restartsWorthTelling is how many restarts of the provider container
// make a warning: a provider that keeps restarting drops bids and
// re-reads every Manifest each time.
const restartsWorthTelling = 5

// checkProviderPods is provider status's pod view, as findings.
func checkProviderPods(in *Input) CheckResult {
	pods := in.Snapshot.ProviderPods
	if len(pods) == 0 {
		r := result(1)
		r.Findings = append(r.Findings, Finding{Code: CodeNoProviderPod, Severity: SeverityError, Namespace: in.ProviderNamespace, Object: "statefulset/" + akash.ProviderApp,
			Message: fmt.Sprintf("no akash-provider pod (label %s) in namespace %s: the provider bids on nothing and serves no manifest", provider.Selector, in.ProviderNamespace),
			Fix:     fmt.Sprintf("kubectl -n %s get statefulset akash-provider (install or fix the akash-provider helm release; wrong namespace? --provider-namespace)", in.ProviderNamespace)})
		return r
	}
	st := provider.NewStatus(akash.ProviderApp, in.ProviderNamespace, pods)
	r := result(len(st.Spec.Pods))
	for _, p := range st.Spec.Pods {
		switch {
		case !p.Ready:
			r.Findings = append(r.Findings, Finding{Code: CodeProviderNotReady, Severity: SeverityError, Node: p.Node, Namespace: in.ProviderNamespace, Pod: p.Name,
				Message: fmt.Sprintf("the akash-provider pod is not Ready (phase %s, %d restarts, version %s)", p.Phase, p.Restarts, p.Version),
				Fix:     "kubectl akash provider logs (then kubectl akash provider restart --yes)"})
		case p.Restarts >= restartsWorthTelling:
			r.Findings = append(r.Findings, Finding{Code: CodeProviderRestarts, Severity: SeverityWarning, Node: p.Node, Namespace: in.ProviderNamespace, Pod: p.Name,
				Message: fmt.Sprintf("the akash-provider container restarted %d times: each restart drops open bids and re-reads every Manifest", p.Restarts),
				Fix:     fmt.Sprintf("kubectl -n %s logs %s -c provider --previous", in.ProviderNamespace, p.Name)})
		}
	}
	return r
}

// checkProviderStatus reports a /status that does not answer.
func checkProviderStatus(in *Input) CheckResult {
	if len(in.Snapshot.ProviderPods) == 0 {
		return notApplicable("no akash-provider pod to answer /status (see provider-pods)")
	}
	p := in.Provider
	if p == nil {
		return notApplicable("/status was not read")
	}
	r := result(1)
	if p.Err != nil {
		r.Findings = append(r.Findings, Finding{Code: CodeStatusUnanswered, Severity: SeverityError, Namespace: in.ProviderNamespace, Object: "service/" + akash.ProviderApp,
			Message: "the provider's /status does not answer: " + firstLine(p.Err.Error()),
			Fix:     "kubectl akash provider status (then kubectl akash provider logs; kubectl akash provider restart --yes)"})
	}
	return r
}
