package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
)

// FormatPrometheus is doctor's own -o value, besides the shared ones.
const FormatPrometheus = "prometheus"

// errJQPrometheus: --jq reads JSON, which -o prometheus does not print.
var errJQPrometheus = errors.New("--jq filters JSON output and cannot be combined with -o prometheus")

// Options are `kubectl akash doctor`'s: the node flags, the output, and
// the run's settings (RunOptions), bound to the flags.
type Options struct {
	*cli.Globals
	Doctor   RunOptions
	Output   *output.Flags
	Nodes    *nodedebug.Flags
	Schedule schedule.Flags
	// CertWarn is --cert-warn as given (days like 30d, or a duration).
	CertWarn string

	prometheus bool
	args       []string
}

// NewOptions holds every default of doctor's flags: every node, 30s per
// chain request, 10s for /status, 2m before a rollout is stuck, and
// certificates expiring within 30 days.
func NewOptions(g *cli.Globals) *Options {
	nodes := nodedebug.NewFlags()
	nodes.All = true // unless NODE..., -l or --local say otherwise
	return &Options{Globals: g, Output: output.NewFlags(), Nodes: nodes, CertWarn: "30d",
		Doctor: RunOptions{Chain: ChainSource{APITimeout: 30 * time.Second}, StatusTimeout: 10 * time.Second, StuckAfter: 2 * time.Minute}}
}

// AddOutputFlags binds -o and its companions, with prometheus among -o's
// formats in its usage.
func (o *Options) AddOutputFlags(cmd *cobra.Command) {
	o.Output.JQExample = `.status.results[].findings[] | [.code, .lease, .fix] | @tsv`
	o.Output.AddFlags(cmd)
	f := cmd.Flags().Lookup("output")
	f.Usage = strings.Replace(f.Usage, "(", "("+FormatPrometheus+", ", 1)
}

// Complete takes the node arguments and the global flags the run needs.
func (o *Options) Complete(cmd *cobra.Command) error {
	o.args = cmd.Flags().Args()
	d := &o.Doctor
	d.LeaseNamespace, d.ProviderNamespace, d.ChunkSize = o.LeaseNamespace, o.ProviderNamespace, o.Nodes.ChunkSize
	d.Nodes, d.Selector, d.Debug, d.Warnings = o.args, o.Nodes.Selector, o.Nodes.Options(), o.Streams.ErrOut
	if o.Nodes.Local {
		env := o.Nodes.LocalEnv()
		d.Local = &env
	}
	return nil
}

// Validate checks the flags without I/O.
func (o *Options) Validate() error {
	d := &o.Doctor
	if o.Output.Format() == FormatPrometheus {
		if o.Output.JQExpr != "" {
			return errJQPrometheus
		}
		o.prometheus = true
		*o.Output.PrintFlags.OutputFormat = ""
	}
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if cli.CountTrue(len(o.args) > 0, o.Nodes.Selector != "", o.Nodes.Local, d.NoNodes) > 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., -l SELECTOR, --local or --no-nodes (default: every node)")
	}
	validAPI := func() error { return chain.ValidateAPI(d.Chain.API, d.Chain.Insecure) }
	if err := cli.FirstError(o.Nodes.ValidatePods, d.Validate, validAPI); err != nil {
		return err
	}
	if err := akash.NormalizeAddressFlag("--provider", &d.Chain.Provider); err != nil {
		return err
	}
	w, err := certs.ParseWarn(o.CertWarn)
	if err != nil {
		return fmt.Errorf("--cert-%s", strings.TrimPrefix(err.Error(), "--"))
	}
	d.CertWarn = w
	return nil
}

// PrintSchedule prints, instead of running, the CronJob that runs this
// doctor, with the RBAC of what it reads (ScheduleRules).
func (o *Options) PrintSchedule(cmd *cobra.Command) error {
	return o.Schedule.Print(o.Globals, cmd, o.Output, "doctor", ScheduleRules(o.Doctor))
}

// Run reads everything once, runs the checks, prints and sets the exit code.
func (o *Options) Run(ctx context.Context) error {
	clients, err := o.Clients()
	if err != nil && !o.Nodes.Local {
		return err
	}
	rep, err := Run(ctx, clients, err, o.Doctor)
	if err != nil {
		return err
	}
	return Answer(o.Streams.Out, o.Output, o.prometheus, rep)
}
