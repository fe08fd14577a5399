package zombies

import (
	"encoding/json"
	"fmt"
	"strconv"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// AgentArgv is the agent's command line in the debug pods. The node's name
// is filled in from the result, so every node runs the same argv.
func AgentArgv(extra ...string) []string {
	return append([]string{"kubectl-akash", "agent", "zombies", "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc", "-o", "json"}, extra...)
}

// killArgv asks the agent to signal exactly the parents of r the plan left
// Planned (the confirmed ones), and no other.
func killArgv(r *Report, k KillOptions, pidPressure int) (argv []string, parents int) {
	extra := []string{"--kill", "--yes", "--grace=" + k.Grace.String(), "--pid-pressure=" + strconv.Itoa(pidPressure)}
	for _, p := range r.Status.Parents {
		if p.Action != nil && p.Action.Result == execute.Planned {
			extra = append(extra, "--parent="+p.Key().String())
			parents++
		}
	}
	if k.AllowContainerRestart {
		extra = append(extra, "--allow-container-restart")
	}
	return AgentArgv(extra...), parents
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
	failed := func(err error) *Report {
		r := &Report{TypeMeta: output.TypeMeta(Kind), ObjectMeta: metav1.ObjectMeta{Name: res.Node}}
		r.Status.Node, r.Status.Error, r.Status.Parents = res.Node, err.Error(), []Parent{}
		return r
	}
	if res.Err != nil {
		return failed(res.Err)
	}
	r := &Report{}
	if err := json.Unmarshal(res.Stdout, r); err != nil || r.Kind != Kind {
		return failed(fmt.Errorf("the agent's answer is not a %s report (%v): %.200q", Kind, err, res.Stdout))
	}
	r.Name, r.Status.Node = res.Node, res.Node
	if r.Status.Parents == nil {
		r.Status.Parents = []Parent{}
	}
	return r
}
