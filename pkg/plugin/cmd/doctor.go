package cmd

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// formatPrometheus is doctor's own -o value, besides the shared ones.
const formatPrometheus = "prometheus"

// DoctorOptions are `kubectl akash doctor`'s.
type DoctorOptions struct {
	*Globals
	Output   *output.Flags
	Nodes    *NodeDebugFlags
	Schedule scheduleOptions
	Checks   []string
	Skip     []string
	MinScore int
	// NoNodes runs the cluster checks only.
	NoNodes bool
	// API and ViaCLI are the chain source of the dangling check; Provider
	// its provider.
	API, ViaCLI, Provider string
	APITimeout            time.Duration
	InsecureAPI           bool
	StatusTimeout         time.Duration
	StuckAfter            time.Duration
	CertWarn              string
	// KernelLog is a saved kernel log on the nodes, for the node checks
	// that read /dev/kmsg.
	KernelLog string

	prometheus bool
	certWarn   time.Duration
	args       []string
}

// NewDoctorCmd builds `kubectl akash doctor`.
func NewDoctorCmd(g *Globals) *cobra.Command {
	o := &DoctorOptions{Globals: g, Output: output.NewFlags(), Nodes: NewDoctorNodeFlags(), APITimeout: 30 * time.Second,
		StatusTimeout: 10 * time.Second, StuckAfter: 2 * time.Minute, CertWarn: "30d"}
	cmd := &cobra.Command{
		Use:     "doctor [NODE...]",
		Short:   "Check the whole provider at once: every check, every node, scored, each finding tied to its lease and its fix",
		GroupID: groupOther,
		Long: longDesc(`
			Runs every check of the provider in one invocation and scores it the way popeye
			scores a cluster. The cluster checks read the cluster once (a constant number
			of LISTs, whatever the number of leases) and reuse the analyses of the commands
			that repair what they find: stuck rollouts and lost commands (replicasets
			force-new, manifests heal), Failed and crash-looping lease pods (pods
			clean-failed), leases the chain and the cluster disagree on (dangling; with
			--api, --via-cli, or provider-services in the akash-provider pod, else not
			applicable), the akash-provider pods and its /status, the NVIDIA device plugin
			on GPU nodes, and the API server's and the kubeconfig's certificates. The node
			checks run in one short-lived debug pod per node (every node, NODE..., or -l),
			--parallel at a time, all of them at once; --local runs them on this machine.

			Every finding has a severity, a stable code (docs/doctor.md), the node,
			namespace, pod, lease and tenant it belongs to, a one-line explanation and the
			command that fixes it. A check that needs what the cluster lacks (no GPU node,
			no chain source) is "not applicable", not failed. Each section's score is the
			share of the objects it scanned without a warning or an error; the overall
			score is the sections' mean; grades A (90+) to F (under 50).

			-o prometheus writes the text exposition format (for the node-exporter
			textfile collector or a Pushgateway): the scores, each check's status, one
			gauge family per check counting its findings by code, severity, node,
			namespace, lease owner and dseq, and the node checks' gauges.

			With --contexts, --all-contexts or --fleet, doctor runs on each context with its
			own clients and reports each context's score and the fleet's: the lowest of them,
			a context that could not be checked counting as 0 (--min-score applies to it).

			Exit codes: 0 healthy; 3 a warning or an error was found (with --min-score:
			the score is under it); 1 a check could not run (named on stderr; every other
			check is still reported), or, over a fleet, a context failed.`),
		Example: examples(`
			# Everything, every node
			kubectl akash doctor

			# The cluster side only, reading the chain through its REST API
			kubectl akash doctor --no-nodes --api https://api.akashnet.example

			# Only some checks, or all but some
			kubectl akash doctor --checks stuck-rollouts,failed-pods
			kubectl akash doctor --skip dangling,device-plugin

			# For the node-exporter textfile collector, from cron
			kubectl akash doctor -o prometheus > /var/lib/node_exporter/textfile/akash.prom

			# Fail (exit 3) only below a score
			kubectl akash doctor --min-score 80`),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if err := o.Validate(); err != nil {
				return err
			}
			if o.Schedule.Enabled(cmd) {
				return o.Schedule.Print(o.Globals, cmd, o.Output, "doctor", doctorRules(g, o))
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.JQExample = `.status.results[].findings[] | [.code, .lease, .fix] | @tsv`
	o.Output.AddFlags(cmd)
	f := cmd.Flags().Lookup("output")
	f.Usage = strings.Replace(f.Usage, "(", "("+formatPrometheus+", ", 1)
	o.Nodes.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	fs := cmd.Flags()
	fs.StringSliceVar(&o.Checks, "checks", nil, "Run only these checks (comma list of cluster and node check names; see docs/doctor.md).")
	fs.StringSliceVar(&o.Skip, "skip", nil, "Do not run these checks (comma list).")
	fs.IntVar(&o.MinScore, "min-score", 0, "Exit 3 only when the overall score is under this (1-100); default: whenever a warning or an error is found.")
	fs.BoolVar(&o.NoNodes, "no-nodes", false, "Run the cluster checks only: no debug pod is started.")
	fs.StringVar(&o.API, "api", "", "The chain's REST API for the dangling check (e.g. https://api.example:443); default: --via-cli, or provider-services in the akash-provider pod.")
	fs.DurationVar(&o.APITimeout, "api-timeout", o.APITimeout, "Timeout of each request to --api.")
	fs.BoolVar(&o.InsecureAPI, "insecure-api", false, "Allow --api over plain HTTP to a host other than loopback.")
	fs.StringVar(&o.ViaCLI, "via-cli", "", "Read the chain with this local akt or provider-services instead of the akash-provider pod.")
	fs.StringVar(&o.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	fs.DurationVar(&o.StatusTimeout, "status-timeout", o.StatusTimeout, "How long to wait for the provider's /status.")
	fs.DurationVar(&o.StuckAfter, "stuck-after", o.StuckAfter, "An update waiting this long for resources is a stuck rollout.")
	fs.StringVar(&o.CertWarn, "cert-warn", o.CertWarn, "A certificate that expires within this window is a warning (days like 30d, or a duration).")
	// A scheduled command always runs with --yes (see commandArgs); doctor
	// changes nothing, so it accepts and ignores it.
	fs.Bool("yes", false, "Accepted and ignored: doctor changes nothing.")
	_ = fs.MarkHidden("yes")
	fs.StringVar(&o.KernelLog, "kernel-log", "", "Node checks: read this kernel log file on the node (dmesg lines) instead of /dev/kmsg.")
	return cmd
}

// NewDoctorNodeFlags are node-debug's node flags with doctor's default:
// every node unless NODE..., -l or --local say otherwise.
func NewDoctorNodeFlags() *NodeDebugFlags {
	f := NewNodeDebugFlags()
	f.All = true
	return f
}

// Validate checks the flags without I/O.
func (o *DoctorOptions) Validate() error {
	if o.Output.Format() == formatPrometheus {
		if o.Output.JQExpr != "" {
			return fmt.Errorf("--jq filters JSON output and cannot be combined with -o prometheus")
		}
		o.prometheus = true
		*o.Output.PrintFlags.OutputFormat = ""
	}
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if o.MinScore < 0 || o.MinScore > 100 {
		return fmt.Errorf("--min-score is a score from 1 to 100 (0: any warning fails), got %d", o.MinScore)
	}
	if o.Nodes.Selector != "" || len(o.args) > 0 || o.Nodes.Local {
		o.Nodes.All = false
	}
	if countTrue(len(o.args) > 0, o.Nodes.Selector != "", o.Nodes.Local, o.NoNodes) > 1 {
		return fmt.Errorf("choose the nodes one way: NODE..., -l SELECTOR, --local or --no-nodes (default: every node)")
	}
	if err := o.Nodes.validatePods(); err != nil {
		return err
	}
	if _, err := doctor.Select(o.Checks, o.Skip, nodeCheckNames()); err != nil {
		return err
	}
	if err := validateChainAPI(o.API, o.InsecureAPI); err != nil {
		return err
	}
	if o.Provider != "" {
		var err error
		if o.Provider, err = akash.NormalizeAddress(o.Provider); err != nil {
			return fmt.Errorf("--provider: %w", err)
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--api-timeout", o.APITimeout}, {"--status-timeout", o.StatusTimeout}} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be positive, got %s", d.name, d.v)
		}
	}
	if o.StuckAfter < 0 {
		return fmt.Errorf("--stuck-after must not be negative, got %s", o.StuckAfter)
	}
	if o.Nodes.ChunkSize < 0 {
		return fmt.Errorf("--chunk-size must be 0 or positive, got %d", o.Nodes.ChunkSize)
	}
	w, err := parseWarn(o.CertWarn)
	if err != nil {
		return fmt.Errorf("--cert-%s", strings.TrimPrefix(err.Error(), "--"))
	}
	o.certWarn = w
	return nil
}

// Run reads everything once, runs the checks, prints and sets the exit code.
func (o *DoctorOptions) Run(ctx context.Context) error {
	sel, err := doctor.Select(o.Checks, o.Skip, nodeCheckNames())
	if err != nil {
		return err
	}
	if o.NoNodes {
		sel = sel.WithoutNodes()
	}
	clients, err := o.Clients()
	if err != nil && !o.Nodes.Local {
		return err
	}
	needs := sel.Needs()
	if len(sel.Node) > 0 && !o.Nodes.Local {
		needs[doctor.ResNodes] = true // the nodes to run on
	}
	if len(sel.Node) > 0 {
		needs[doctor.ResPods], needs[doctor.ResLeaseNamespaces] = true, true // to name pods and leases
	}
	in := &doctor.Input{Now: time.Now(), LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace,
		StuckAfter: o.StuckAfter, CertWarn: o.certWarn}
	if err != nil {
		// --local on a machine without a cluster: the node checks run, the
		// cluster checks say why they could not.
		in.Snapshot, in.LoadErrors = &snapshot.Snapshot{}, map[doctor.Resource]error{}
		for r := range needs {
			in.LoadErrors[r] = err
		}
	} else {
		in.Snapshot, in.LoadErrors = doctor.Load(ctx, clients, needs, doctor.LoadOptions{
			LeaseNamespace: o.LeaseNamespace, ProviderNamespace: o.ProviderNamespace, ChunkSize: o.Nodes.ChunkSize})
		o.readBesides(ctx, clients, sel, in)
	}
	nodes := o.runNodeChecks(ctx, clients, sel, in.Snapshot, in.LoadErrors)
	rep := doctor.Build("doctor", in, sel, nodes, o.MinScore)

	switch {
	case o.prometheus:
		err = doctor.WritePrometheus(o.Streams.Out, rep)
	case o.Output.Human():
		err = doctor.PrintHuman(o.Streams.Out, o.Output, rep)
	default:
		err = o.Output.Print(o.Streams.Out, rep, nil)
	}
	if err != nil {
		return err
	}
	errs, failing := rep.Verdict()
	if errs {
		return &cli.ExitError{Code: cli.ExitFailure, Err: fmt.Errorf("%d check(s) could not run (the others are reported): %s", len(rep.Status.Errors), strings.Join(rep.Status.Errors, "; "))}
	}
	if failing {
		return cli.Silent(cli.ExitFindings)
	}
	return nil
}

// readBesides reads what the snapshot does not hold, for the checks that
// were selected: the chain, the provider's /status, the device plugins (on
// a cluster with GPU nodes only) and the client-side certificates.
func (o *DoctorOptions) readBesides(ctx context.Context, clients *cli.Clients, sel doctor.Selection, in *doctor.Input) {
	if sel.Has("dangling") && !anyFailed(in.LoadErrors, doctor.ResManifests, doctor.ResLeaseNamespaces) {
		in.Chain = o.readChain(ctx, clients, in)
	}
	if sel.Has("provider-status") && len(in.Snapshot.ProviderPods) > 0 {
		pctx, cancel := context.WithTimeout(ctx, o.StatusTimeout)
		body, err := clients.Kube.CoreV1().Services(o.ProviderNamespace).ProxyGet("https", akash.ProviderApp, "8443", "status", nil).DoRaw(pctx)
		cancel()
		p := &doctor.ProviderInput{}
		if err == nil {
			p.Endpoint, p.Err = provider.ParseStatus(body)
		} else {
			p.Err = cli.Explain(err, fmt.Sprintf("reading /status of service %s/%s port 8443 through the API server's service proxy", o.ProviderNamespace, akash.ProviderApp))
		}
		in.Provider = p
	}
	if sel.Has("device-plugin") && hasGPUNode(in.Snapshot) {
		v, err := gpu.ReadCluster(ctx, clients)
		in.GPU = &doctor.GPUInput{View: v, Err: err}
	}
	if sel.Has("apiserver-cert") || sel.Has("kubeconfig-cert") {
		in.Certificates = certs.ClientSide(ctx, clients.Config)
	}
}

// readChain picks the chain source: --api, --via-cli, or provider-services
// in a Ready akash-provider pod; with none of them the dangling check is
// not applicable.
func (o *DoctorOptions) readChain(ctx context.Context, clients *cli.Clients, in *doctor.Input) *doctor.ChainInput {
	var src chain.LeaseSource
	var fixArgs string
	switch {
	case o.API != "":
		src = chain.Verified{LeaseSource: &chain.REST{Base: o.API, Client: &http.Client{Timeout: o.APITimeout}}}
		fixArgs = " --api " + o.API
	case o.ViaCLI != "":
		r := chain.LocalRunner{Binary: o.ViaCLI}
		detected, err := chain.Detect(ctx, r, "--via-cli "+o.ViaCLI)
		if err != nil {
			return &doctor.ChainInput{Err: err}
		}
		src = chain.Verified{LeaseSource: &chain.CLISource{Runner: r, CLI: detected, Where: "with the local " + o.ViaCLI}}
		fixArgs = " --via-cli " + o.ViaCLI
	default:
		if in.LoadErrors[doctor.ResProviderPods] != nil {
			return &doctor.ChainInput{NotApplicable: "no chain source: pass --api URL or --via-cli PATH (the akash-provider pods could not be listed)"}
		}
		pod, err := chain.SelectProviderPod(in.Snapshot.ProviderPods, o.ProviderNamespace)
		if err != nil {
			return &doctor.ChainInput{NotApplicable: "no chain source: pass --api URL or --via-cli PATH, or run a Ready akash-provider pod (" + firstSentence(err.Error()) + ")"}
		}
		src = chain.Verified{LeaseSource: &chain.CLISource{Runner: chain.NewPodRunner(clients, pod), Where: "in pod " + pod.Namespace + "/" + pod.Name}}
	}
	if o.Provider != "" {
		fixArgs += " --provider " + o.Provider
	}
	return doctor.ReadChain(ctx, src, o.Provider, in.Snapshot, fixArgs)
}

// firstSentence cuts an error at its first colon: the part that says what
// is missing.
func firstSentence(s string) string {
	if i := strings.Index(s, ":"); i > 0 {
		return s[:i]
	}
	return s
}

// anyFailed says whether one of the resources could not be listed.
func anyFailed(errs map[doctor.Resource]error, rs ...doctor.Resource) bool {
	for _, r := range rs {
		if errs[r] != nil {
			return true
		}
	}
	return false
}

// hasGPUNode says whether the snapshot's nodes include a GPU node.
func hasGPUNode(s *snapshot.Snapshot) bool {
	for i := range s.Nodes {
		if gpu.IsGPUNode(&s.Nodes[i]) {
			return true
		}
	}
	return false
}

// doctorRules are the calls a scheduled doctor makes: LISTs of the lease
// objects and workloads everywhere, the provider's pods, its /status
// through the service proxy and exec for the chain (without --api), the
// nodes and DaemonSets for the GPU check, and, with node checks, the debug
// pods' lifecycle and exec in their namespace.
func doctorRules(g *Globals, o *DoctorOptions) []schedule.Rule {
	rules := []schedule.Rule{
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "events", "nodes"}, Verbs: []string{"list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets", "daemonsets"}, Verbs: []string{"list"}},
		{Namespace: g.LeaseNamespace, APIGroups: []string{"akash.network"}, Resources: []string{"manifests", "providerhosts", "providerleasedips"}, Verbs: []string{"list"}},
		{Namespace: g.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get"}},
	}
	if o.API == "" {
		rules = append(rules, schedule.Rule{Namespace: g.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}})
	}
	if !o.NoNodes {
		rules = append(rules,
			schedule.Rule{Namespace: o.Nodes.Namespace, APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"create", "get", "delete"}},
			schedule.Rule{Namespace: o.Nodes.Namespace, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}},
			schedule.Rule{Namespace: o.Nodes.Namespace, APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"list"}},
			schedule.Rule{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}})
	}
	return rules
}
