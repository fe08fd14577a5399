package nodeinfo

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Options: `agent info` has none.
type Options struct{}

// Agent is `kubectl-akash agent info`: the node's facts as one NodeInfo.
var Agent = &agent.Command[Options, NodeInfo]{
	Name:  "info",
	Short: "Print this node's kernel, PID, cgroup and runtime facts as JSON",
	Run: func(_ context.Context, env agent.Env, _ Options) (NodeInfo, error) {
		return Collect(env), nil
	},
	Kind: Kind,
}

func init() { agent.Register(Agent) }

// FromAnswer is one node's facts, or a node whose Status.Error says why
// there are none.
func FromAnswer(a agent.Answer) NodeInfo {
	info, err := Agent.Decode(a)
	info.TypeMeta = output.TypeMeta(Kind)
	info.ObjectMeta = metav1.ObjectMeta{Name: a.Node}
	if err != nil {
		info.Status.Error = err.Error()
	}
	return info
}
