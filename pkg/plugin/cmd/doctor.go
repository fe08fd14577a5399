package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
)

// NewDoctorCmd builds `kubectl akash doctor`.
func NewDoctorCmd(g *Globals) *cobra.Command {
	o := doctor.NewOptions(&g.Globals)
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
		RunE: runScheduled(o, &o.Schedule, o.PrintSchedule),
	}
	o.AddOutputFlags(cmd)
	o.Nodes.AddFlags(cmd)
	o.Schedule.AddFlags(cmd)
	fs, d := cmd.Flags(), &o.Doctor
	fs.StringSliceVar(&d.Checks, "checks", nil, "Run only these checks (comma list of cluster and node check names; see docs/doctor.md).")
	fs.StringSliceVar(&d.Skip, "skip", nil, "Do not run these checks (comma list).")
	fs.IntVar(&d.MinScore, "min-score", 0, "Exit 3 only when the overall score is under this (1-100); default: whenever a warning or an error is found.")
	fs.BoolVar(&d.NoNodes, "no-nodes", false, "Run the cluster checks only: no debug pod is started.")
	fs.StringVar(&d.Chain.API, "api", "", "The chain's REST API for the dangling check (e.g. https://api.example:443); default: --via-cli, or provider-services in the akash-provider pod.")
	fs.DurationVar(&d.Chain.APITimeout, "api-timeout", d.Chain.APITimeout, "Timeout of each request to --api.")
	fs.BoolVar(&d.Chain.Insecure, "insecure-api", false, "Allow --api over plain HTTP to a host other than loopback.")
	fs.StringVar(&d.Chain.ViaCLI, "via-cli", "", "Read the chain with this local akt or provider-services instead of the akash-provider pod.")
	fs.StringVar(&d.Chain.Provider, "provider", "", "The provider's address; default: the one on the cluster's leases.")
	fs.DurationVar(&d.StatusTimeout, "status-timeout", d.StatusTimeout, "How long to wait for the provider's /status.")
	fs.DurationVar(&d.StuckAfter, "stuck-after", d.StuckAfter, "An update waiting this long for resources is a stuck rollout.")
	fs.StringVar(&o.CertWarn, "cert-warn", o.CertWarn, "A certificate that expires within this window is a warning (days like 30d, or a duration).")
	// A scheduled command always runs with --yes (see schedule.CommandArgs); doctor
	// changes nothing, so it accepts and ignores it.
	fs.Bool("yes", false, "Accepted and ignored: doctor changes nothing.")
	_ = fs.MarkHidden("yes")
	fs.StringVar(&d.KernelLog, "kernel-log", "", "Node checks: read this kernel log file on the node (dmesg lines) instead of /dev/kmsg.")
	return cmd
}
