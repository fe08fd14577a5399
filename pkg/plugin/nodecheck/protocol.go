package nodecheck

import (
	"context"
	"errors"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// Request is what `agent checks` is asked on a node: which checks (see
// Select), with which options.
type Request struct {
	Only    []string `json:"only,omitempty"`
	Skip    []string `json:"skip,omitempty"`
	Options Options  `json:"options"`
}

// Agent is `kubectl-akash agent checks`, the node side of every registered
// check: it runs the selected checks in one process and prints one Report.
// A check that fails is a Result in it, never the command's failure.
var Agent = &agent.Command[Request, Report]{
	Name:  "checks",
	Short: "Run this node's checks and print one JSON report",
	Flags: func(fs *pflag.FlagSet, r *Request) {
		fs.StringSliceVar(&r.Only, "only", nil, "Run only these checks (comma list).")
		fs.StringSliceVar(&r.Skip, "skip", nil, "Do not run these checks (comma list).")
	},
	Run: func(ctx context.Context, env agent.Env, r Request) (Report, error) {
		return RunLocal(ctx, env, r.Only, r.Skip, r.Options)
	},
	Valid: func(r Report) error {
		if r.Results == nil {
			return errors.New("no results")
		}
		return nil
	},
}

func init() { agent.Register(Agent) }

// decode reads one node's answer through the protocol and names the node
// in its report and findings.
func decode(r nodedebug.NodeResult) (Report, error) {
	rep, err := Agent.Decode(r.Answer())
	if err != nil {
		return Report{Node: r.Node}, err
	}
	rep.Node = r.Node
	for i := range rep.Results {
		rep.Results[i].finish(rep.Results[i].Check, r.Node)
	}
	return rep, nil
}
