package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
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

// ScheduleRules are the calls a scheduled doctor makes: the LISTs of its
// one cluster read (ReadSpec of the checks selected), the scheduler's
// events, the GPU check's DaemonSets, ClusterPolicies and device plugin
// pods, the provider's /status through the service proxy, exec for the
// chain (without --api), and, with node checks, the debug pods' lifecycle
// and exec in their namespace and the kubelets' configz.
func ScheduleRules(o RunOptions) []schedule.Rule {
	var reads []schedule.Rule
	if sel, err := o.selection(); err == nil {
		spec, _ := ReadSpec(o.needs(sel), o.load())
		reads = append(spec.Rules(), eventsSpec(o.load()).Rules()...)
		if sel.Has("device-plugin") {
			reads = append(append(reads, gpu.ClusterSpec().Rules()...), snapshot.Spec{AllPods: true}.Rules()...)
		}
	}
	rules := []schedule.Rule{{Namespace: o.ProviderNamespace, APIGroups: []string{""}, Resources: []string{"services/proxy"}, Verbs: []string{"get"}}}
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
	return schedule.Merge(reads, rules)
}
