package doctor

import (
	"errors"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
)

// FromNodeReports turns nodecheck's per-node reports (already attributed
// to pods and leases) into doctor's node results; a node without a report
// (its debug pod failed, it is not Ready) makes every selected check an
// error on that node, so the check names it while the other nodes' findings
// stay.
func FromNodeReports(reports []nodecheck.Report, errs []error, checks []string) []NodeResult {
	var out []NodeResult
	for _, rep := range reports {
		for _, res := range rep.Results {
			nr := NodeResult{Check: res.Check, Node: rep.Node, Status: res.Status, Reason: res.Reason}
			for _, f := range res.Findings {
				// The report names a pod by namespace and name; one the API
				// server does not know is named by its UID as the object.
				if f.Pod == "" && f.PodUID != "" {
					f.Object = "pod-uid/" + f.PodUID
				}
				f.PodUID = ""
				nr.Findings = append(nr.Findings, f)
			}
			for _, m := range res.Metrics {
				m.Labels = copyLabels(m.Labels)
				nr.Metrics = append(nr.Metrics, m)
			}
			out = append(out, nr)
		}
	}
	for _, err := range errs {
		node, why := "", err.Error()
		var ne *nodecheck.NodeError
		if errors.As(err, &ne) {
			node, why = ne.Node, ne.Err.Error()
		}
		for _, c := range checks {
			out = append(out, NodeResult{Check: c, Node: node, Status: StatusError, Reason: why})
		}
	}
	return out
}

func copyLabels(l map[string]string) map[string]string {
	out := make(map[string]string, len(l)+1)
	for k, v := range l {
		out[k] = v
	}
	return out
}
