package zombies

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// ScanArgv is the agent's command line that scans a node. The node's name
// is filled in from the result, so every node runs the same argv.
func ScanArgv(pidPressure int) []string {
	o := Agent.Defaults
	o.PIDPressure = pidPressure
	return Agent.Argv(o)
}

// killArgv asks the agent to signal exactly the parents of r the plan left
// Planned (the confirmed ones), and no other.
func killArgv(r *Report, k KillOptions, pidPressure int) (argv []string, parents int) {
	o := AgentOptions{KillFlags: KillFlags{Kill: true, Grace: k.Grace, AllowContainerRestart: k.AllowContainerRestart, PIDPressure: pidPressure}, Yes: true}
	for _, p := range r.Status.Parents {
		if p.Action != nil && p.Action.Result == execute.Planned {
			o.Parents = append(o.Parents, p.Key().String())
		}
	}
	return Agent.Argv(o), len(o.Parents)
}

// Reports decodes each node's answer, in the order given.
func Reports(results []nodedebug.NodeResult) []*Report {
	reports := make([]*Report, 0, len(results))
	for _, res := range results {
		reports = append(reports, ReportOf(res))
	}
	return reports
}

// ReportOf decodes one node's answer; a node without one gets a report
// carrying the error.
func ReportOf(res nodedebug.NodeResult) *Report {
	r, err := Agent.Decode(res.Answer())
	if err != nil {
		r = &Report{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: res.Node}}
		r.Status.Error = err.Error()
	}
	r.Name, r.Status.Node = res.Node, res.Node
	if r.Status.Parents == nil {
		r.Status.Parents = []Parent{}
	}
	return r
}
