package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
)

// Answer prints the report (in the Prometheus text format, or as -o asks) and returns its exit status: 1 when a check
// could not run, 3 when the report is failing, else success.
func Answer(w io.Writer, out *output.Flags, prometheus bool, rep *Report) error {
	var err error
	switch {
	case prometheus:
		err = WritePrometheus(w, rep)
	case out.Human():
		err = PrintHuman(w, out, rep)
	default:
		err = out.Print(w, rep, nil)
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

// ScheduleRules are the calls a scheduled doctor makes: LISTs of the lease
// objects and workloads everywhere, the provider's pods, its /status
// through the service proxy and exec for the chain (without --api), the
// nodes and DaemonSets for the GPU check, and, with node checks, the debug
// pods' lifecycle and exec in their namespace.
func ScheduleRules(o Options) []schedule.Rule {
	rules := []schedule.Rule{
		{APIGroups: []string{""}, Resources: []string{"namespaces", "pods", "events", "nodes"}, Verbs: []string{"list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets", "daemonsets"}, Verbs: []string{"list"}},
		{Namespace: o.LeaseNamespace, APIGroups: []string{"akash.network"}, Resources: []string{"manifests", "providerhosts", "providerleasedips"}, Verbs: []string{"list"}},
		{Namespace: o.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get"}},
	}
	if o.Chain.API == "" {
		rules = append(rules, schedule.Rule{Namespace: o.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}})
	}
	if !o.NoNodes {
		ns := o.Debug.Namespace
		rules = append(rules,
			schedule.Rule{Namespace: ns, APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"create", "get", "delete"}},
			schedule.Rule{Namespace: ns, APIGroups: []string{""}, Resources: []string{"pods/exec"}, Verbs: []string{"create", "get"}},
			schedule.Rule{Namespace: ns, APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"list"}},
			schedule.Rule{APIGroups: []string{""}, Resources: []string{"nodes/proxy"}, Verbs: []string{"get"}})
	}
	return rules
}
