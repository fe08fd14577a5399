package zombies

import (
	"context"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// ParseKeys parses the agent's --parent values (PID:STARTTICKS); none
// gives nil, which restricts nothing.
func ParseKeys(parents []string) (map[Key]bool, error) {
	if len(parents) == 0 {
		return nil, nil
	}
	only := map[Key]bool{}
	for _, s := range parents {
		key, err := ParseKey(s)
		if err != nil {
			return nil, err
		}
		only[key] = true
	}
	return only, nil
}

// OnNode is the node side of `agent zombies`: it scans the node and, when
// kill is set, signals the parents the default rules allow — or, when
// kill.Only names them, exactly those: the plugin planned them after
// checking their namespaces against the API, which the agent cannot reach,
// and the operator confirmed them. It then marks PID pressure.
func OnNode(ctx context.Context, env agent.Env, kill *KillOptions, pidPressure int) (*Report, error) {
	r, err := Scan(env)
	if err != nil {
		return nil, err
	}
	if kill != nil {
		ko := *kill
		if ko.Only != nil {
			ko.AllNamespaces = true
		}
		Plan(r, ko)
		Execute(ctx, procfs.FS{Proc: env.ProcRoot, Host: env.HostRoot}, r, ko)
	}
	r.Assess(pidPressure)
	return r, nil
}
