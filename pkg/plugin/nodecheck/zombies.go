package nodecheck

import (
	"context"
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/zombies"
)

// Codes of the zombies check.
const (
	CodeZombies          = "NC101"
	CodeZombiePodPidsMax = "NC102"
)

// The zombies check is a thin adapter over the zombies package's scan (the
// same one `node-debug zombies` runs): one finding per parent with
// zombies, and one per zombie-holding pod whose pids cgroup is nearly full.
// Node-wide PID headroom is the pids check's.
func init() {
	Register(Check{
		Name:        "zombies",
		Description: "Zombie processes, grouped by the parent that does not reap them, and their pods' PID limits",
		Run:         runZombies,
	})
}

func runZombies(_ context.Context, env agent.Env, opts Options) Result {
	rep, err := zombies.Scan(env)
	if err != nil {
		return errorResult("%v", err)
	}
	rep.Assess(opts.pidPressure())
	res := Result{}
	res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_zombies", Help: "Zombie processes on the node.", Value: float64(rep.Status.Zombies)})
	fix := "kubectl akash node-debug zombies " + nodeArg(env) + " --kill"
	for _, p := range rep.Status.Parents {
		f := Finding{Code: CodeZombies, Severity: SeverityWarning, Fix: fix,
			Message: fmt.Sprintf("%d zombie process(es) of %s (PID %d) not reaped, the oldest for %ds: each holds a PID until its parent reaps it", p.Zombies, p.Command, p.PID, p.OldestZombieSeconds)}
		if p.Pod != nil {
			f.PodUID = p.Pod.UID
			res.Metrics = append(res.Metrics, Metric{Name: "kubectl_akash_node_pod_zombies", Help: "Zombie processes per pod.",
				Labels: map[string]string{"pod_uid": p.Pod.UID}, Value: float64(p.Zombies)})
		}
		res.Findings = append(res.Findings, f)
		if p.Pids != nil && p.Pids.Pressure && p.Pod != nil {
			res.Findings = append(res.Findings, Finding{Code: CodeZombiePodPidsMax, Severity: SeverityError, PodUID: p.Pod.UID, Fix: fix,
				Message: fmt.Sprintf("the pod's pids cgroup holds %d of its %d PIDs while it keeps zombies: new processes in it will fail to start", p.Pids.Current, p.Pids.Max)})
		}
	}
	for _, w := range rep.Status.Warnings {
		res.Findings = append(res.Findings, Finding{Code: CodeUnreadable, Severity: SeverityInfo, Message: w})
	}
	return res
}

// nodeArg names the node in a fix command (NODE when the check runs
// without a node name).
func nodeArg(env agent.Env) string {
	if env.NodeName == "" {
		return "NODE"
	}
	return env.NodeName
}
