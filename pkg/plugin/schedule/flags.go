package schedule

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Flags are --schedule and --schedule-image, shared by every
// command that can run unattended from a CronJob instead of host cron.
type Flags struct {
	Schedule string
	Image    string
}

// AddFlags binds the flags.
func (s *Flags) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.Schedule, "schedule", "", "Instead of acting, print a CronJob (with its ServiceAccount and least-privilege RBAC) that runs this same command with --yes on this cron schedule, e.g. '*/5 * * * *'; review it and pipe it to kubectl apply -f -.")
	cmd.Flags().StringVar(&s.Image, "schedule-image", "", "With --schedule, the image the CronJob runs (default "+DefaultImage()+").")
}

// Enabled reports whether --schedule was given.
func (s *Flags) Enabled(cmd *cobra.Command) bool {
	return cmd.Flags().Changed("schedule")
}

// notScheduled are the flags a scheduled run must not inherit: how this
// invocation reaches the cluster (in the cluster the pod's ServiceAccount
// is used), how it prints (they shape the manifests, not the job's log),
// how it is diagnosed (-v, --profile) and the scheduling flags themselves.
// --yes is always added.
var notScheduled = map[string]bool{
	"schedule": true, "schedule-image": true, "yes": true,
	"kubeconfig": true, "context": true, "cluster": true, "user": true, "server": true, "token": true,
	"as": true, "as-group": true, "as-uid": true, "username": true, "password": true,
	"certificate-authority": true, "client-certificate": true, "client-key": true,
	"insecure-skip-tls-verify": true, "tls-server-name": true, "cache-dir": true, "disable-compression": true,
	"output": true, "jq": true, "no-headers": true, "template": true, "show-managed-fields": true, "allow-missing-template-keys": true,
	"v": true, "vmodule": true, "profile": true, "profile-output": true,
	"plugins": true, // a file on this machine
}

// CommandArgs rebuilds the command line of cmd for the CronJob: the
// subcommand path, every flag the operator set (repeatable flags repeated),
// the lease and provider namespaces spelled out, and --yes.
func CommandArgs(g *cli.Globals, cmd *cobra.Command) []string {
	var path []string
	for c := cmd; c.HasParent(); c = c.Parent() {
		path = append([]string{c.Name()}, path...)
	}
	args := path
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if notScheduled[f.Name] || f.Name == "lease-namespace" || f.Name == "provider-namespace" {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return append(args, "--lease-namespace="+g.LeaseNamespace, "--provider-namespace="+g.ProviderNamespace, "--yes")
}

// Print validates the schedule and prints the manifests of job name with
// rules; nothing is read from or sent to the cluster.
func (s *Flags) Print(g *cli.Globals, cmd *cobra.Command, out *output.Flags, name string, rules []Rule) error {
	if err := ValidateCron(s.Schedule); err != nil {
		return err
	}
	if cmd.Flags().Changed("via-cli") {
		return fmt.Errorf("--schedule runs the command in the cluster through the provider pod; --via-cli (a local binary and key) cannot be scheduled there: drop one of them")
	}
	if f := cmd.Flags().Lookup("watch"); f != nil && f.Changed {
		return fmt.Errorf("--schedule runs the command once per tick; --watch would keep each run going forever: drop --watch")
	}
	if closing, _ := cmd.Flags().GetBool("close"); closing {
		// The job's container has a read-only root and no volume: the backup
		// written before deleting lease objects could not be written (and
		// would be gone with the pod), so every run would fail.
		return fmt.Errorf("--schedule cannot --close: its backup would have nowhere to live; schedule the report without --close and close by hand")
	}
	if out.JQExpr != "" {
		return fmt.Errorf("--schedule prints Kubernetes manifests: --jq does not apply (use -o yaml or -o json)")
	}
	image := s.Image
	if image == "" {
		image = DefaultImage()
	}
	job := Job{Name: name, Namespace: g.ProviderNamespace, Schedule: s.Schedule, Image: image, Args: CommandArgs(g, cmd), Rules: rules}
	objs, err := job.Objects()
	if err != nil {
		return err
	}
	return Print(g.Streams.Out, objs, out.Format())
}

// PodExec is exec into the provider pod: pods/exec needs create (SPDY
// POST, and WebSocket on current API servers) and get (WebSocket upgrades
// are GETs, which API servers before the
// AuthorizePodWebsocketUpgradeCreatePermission gate authorize as get).
func PodExec(ns string) []Rule {
	return []Rule{{Namespace: ns, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}}}
}

// NamespaceGet is the GET of the -n namespace (snapshot.RequireNamespace), when -n
// is given.
func NamespaceGet(ns string) []Rule {
	if ns == "" {
		return nil
	}
	return []Rule{{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get"}}}
}
