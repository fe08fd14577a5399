package gpu

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Agent is `kubectl-akash agent gpu`, the node side of `node-debug gpu`:
// the node's report as JSON, exit 0 whatever it found, since the plugin
// joins it with the cluster's side before judging the node.
var Agent = &agent.Command[Options, GPUNode]{
	Name:     "gpu",
	Short:    "Print this node's NVIDIA driver, GPUs, Xids and fabric manager state as JSON",
	Defaults: Options{Timeout: DefaultTimeout},
	Run: func(ctx context.Context, env agent.Env, o Options) (GPUNode, error) {
		return Collect(ctx, env, o), nil
	},
	Kind: Kind,
}

func init() { agent.Register(Agent) }

// FromAnswer is one node's report, or a node whose Status.Error says why
// there is none.
func FromAnswer(a agent.Answer) GPUNode {
	n, err := Agent.Decode(a)
	n.TypeMeta = output.TypeMeta(Kind)
	n.ObjectMeta = metav1.ObjectMeta{Name: a.Node}
	if err != nil {
		n.Status = Status{Error: err.Error()}
	}
	return n
}
