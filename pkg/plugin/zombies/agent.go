package zombies

import (
	"context"
	"errors"

	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// AgentOptions are the options of `kubectl-akash agent zombies`.
type AgentOptions struct {
	KillFlags
	// Yes is required with Kill: the agent never prompts, the plugin asked
	// the operator already.
	Yes bool `json:"yes,omitempty"`
	// Parents, with Kill, are the only parents to signal, as PID:STARTTICKS:
	// the confirmed plan.
	Parents []string `json:"parents,omitempty"`
}

// Agent is `kubectl-akash agent zombies`, which node-debug zombies runs in
// its debug pods: it scans, and with Kill and Yes signals the parents named
// by Parents, then prints the report.
var Agent = &agent.Command[AgentOptions, *Report]{
	Name:     "zombies",
	Short:    "Scan this node's processes for zombies (and signal their parents with --kill --yes)",
	Defaults: AgentOptions{KillFlags: NewKillFlags()},
	Flags: func(fs *pflag.FlagSet, o *AgentOptions) {
		o.KillFlags.AddFlags(fs)
		fs.BoolVarP(&o.Yes, "yes", "y", false, "Required with --kill: the agent acts without asking.")
		fs.StringArrayVar(&o.Parents, "parent", nil, "With --kill: only this parent, as PID:STARTTICKS (repeatable); the plugin passes the confirmed plan.")
	},
	Run:  runAgent,
	Kind: Kind,
}

func init() { agent.Register(Agent) }

// Validate checks the options without I/O; procRoot is the /proc the
// agent scans.
func (o *AgentOptions) Validate(procRoot string) error {
	if err := o.KillFlags.Validate(procRoot); err != nil {
		return err
	}
	if o.Kill && !o.Yes {
		return errors.New("the agent never prompts: --kill needs --yes (node-debug zombies asks the operator first)")
	}
	_, err := ParseKeys(o.Parents)
	return err
}

// runAgent checks the options and runs OnNode.
func runAgent(ctx context.Context, env agent.Env, o AgentOptions) (*Report, error) {
	if err := o.Validate(env.ProcRoot); err != nil {
		return nil, err
	}
	only, err := ParseKeys(o.Parents)
	if err != nil {
		return nil, err
	}
	var kill *KillOptions
	if o.Kill {
		ko := o.Options(false)
		ko.Only = only
		kill = &ko
	}
	return OnNode(ctx, env, kill, o.PIDPressure)
}

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
