package cmd

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/kubectl/pkg/util/podutils"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// ProviderRestart is the result of `provider restart`: one per pod.
type ProviderRestart struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            ProviderRestartStatus `json:"status"`
}

// ProviderRestartStatus is the delete action and the replacement pod seen Ready.
type ProviderRestartStatus struct {
	Action *execute.Action `json:"action"`
	// Replacement is the new pod that became Ready (its name and UID).
	Replacement    string `json:"replacement,omitempty"`
	ReplacementUID string `json:"replacementUID,omitempty"`
	Ready          bool   `json:"ready"`
	// Waited is how long the new pod took to be Ready.
	Waited string `json:"waited,omitempty"`
}

// ProviderRestartList lists them.
type ProviderRestartList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []ProviderRestart `json:"items"`
}

func newProviderRestartCmd(g *Globals) *cobra.Command {
	out, exec := output.NewFlags(), execute.NewOptions()
	timeout := 5 * time.Minute
	cmd := &cobra.Command{
		Use:   "restart",
		Short: "Delete the akash-provider pod(s) and wait until the replacement is Ready",
		Long: templates.LongDesc(`
			Deletes each akash-provider pod (with its UID as a precondition, so a pod
			that was already replaced is left alone) and then watches until as many new
			provider pods — pods with other UIDs — are Ready as were deleted, or until
			--timeout. The provider re-reads its Manifests and chain state on start, which
			is what manifests heal needs afterwards.

			The plan is printed first; it acts after --yes or an interactive y, and
			--dry-run=client|server rehearses the delete without waiting.`),
		Example: templates.Examples(`
			kubectl akash provider restart --yes
			kubectl akash provider restart --dry-run=server`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := exec.Complete(cmd); err != nil {
				return err
			}
			if err := out.Validate(); err != nil {
				return err
			}
			if err := exec.Validate(); err != nil {
				return err
			}
			if timeout <= 0 {
				return fmt.Errorf("--timeout must be positive, got %s", timeout)
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pods, err := listProviderPods(ctx, c, g.ProviderNamespace)
			if err != nil {
				return err
			}
			list := ProviderRestartList{TypeMeta: output.ListMeta("ProviderRestart")}
			var actions []*execute.Action
			for i := range pods {
				p := &pods[i]
				a := execute.NewDelete(execute.Target{Version: "v1", Resource: "pods", Kind: "Pod",
					Namespace: p.Namespace, Name: p.Name, UID: string(p.UID)})
				actions = append(actions, a)
				list.Items = append(list.Items, ProviderRestart{TypeMeta: output.TypeMeta("ProviderRestart"),
					ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}, Status: ProviderRestartStatus{Action: a}})
			}
			started := time.Now()
			wait := execute.NewWait("new akash-provider pods Ready", func(ctx context.Context) (string, error) {
				return waitReplacements(ctx, g, c, pods, actions, list.Items, timeout, started, out.Human())
			})
			plan := &execute.Plan{}
			plan.Add("akash-provider", append(append([]*execute.Action{}, actions...), wait)...)
			flow := &execute.Flow{
				Options: exec, Streams: g.Streams, Output: out,
				Result: &list,
				Table:  func() *output.Table { return restartTable(list.Items) },
				Plan:   plan,
				Engine: exec.NewEngine().
					Register(exec.NewKube(c.Dynamic, g.LeaseNamespace, g.ProviderNamespace), execute.Delete).
					Register(execute.Local{}, execute.Wait),
				Question: fmt.Sprintf("Delete %d akash-provider pod(s) in %s; the StatefulSet re-creates them.", len(actions), g.ProviderNamespace),
			}
			return flow.Run(ctx)
		},
	}
	out.AddFlags(cmd)
	exec.AddFlags(cmd)
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "How long to wait for the new provider pod(s) to be Ready.")
	return cmd
}

// waitReplacements waits until as many new provider pods are Ready as
// were deleted, and records which pod replaced which.
func waitReplacements(ctx context.Context, g *Globals, c *cli.Clients, pods []corev1.Pod, actions []*execute.Action, items []ProviderRestart, timeout time.Duration, started time.Time, human bool) (string, error) {
	old := map[string]bool{}
	deleted := 0
	for i := range pods {
		old[string(pods[i].UID)] = true
		if actions[i].Result == execute.Succeeded || actions[i].Result == execute.NotFound {
			deleted++
		}
	}
	if human {
		fmt.Fprintf(g.Streams.ErrOut, "Waiting up to %s for %d new akash-provider pod(s) to be Ready...\n", timeout, deleted)
	}
	ready, err := waitProviderReady(ctx, c.Kube.CoreV1().Pods(g.ProviderNamespace), g.ProviderNamespace, old, deleted, timeout)
	waited := time.Since(started).Round(time.Second).String()
	for i := range items {
		st := &items[i].Status
		// StatefulSet pods come back under their own name; otherwise hand
		// out the new pods in name order.
		if r, ok := ready[items[i].Name]; ok {
			st.Replacement, st.ReplacementUID, st.Ready, st.Waited = r.Name, string(r.UID), true, waited
			delete(ready, r.Name)
		}
	}
	rest := make([]string, 0, len(ready))
	for name := range ready {
		rest = append(rest, name)
	}
	sort.Strings(rest)
	for i := range items {
		st := &items[i].Status
		if st.Ready || len(rest) == 0 {
			continue
		}
		r := ready[rest[0]]
		rest = rest[1:]
		st.Replacement, st.ReplacementUID, st.Ready, st.Waited = r.Name, string(r.UID), true, waited
	}
	if err != nil {
		fmt.Fprintf(g.Streams.ErrOut, "error: %v\n", err) // the table shows which pods are not Ready again
		return "", err
	}
	return fmt.Sprintf("%d new pod(s) Ready after %s", deleted, waited), nil
}

func restartTable(items []ProviderRestart) *output.Table {
	t := output.NewTable(output.Column{Name: "POD"}, output.Column{Name: "RESULT"}, output.Column{Name: "READY AGAIN"},
		output.Column{Name: "MESSAGE"}, output.Column{Name: "NEW UID", Wide: true})
	for _, it := range items {
		again := ""
		switch {
		case it.Status.Ready:
			again = "after " + it.Status.Waited
		case it.Status.Action.Result == execute.Succeeded:
			again = "no"
		}
		t.AddRow(it.Name, string(it.Status.Action.Result), again, it.Status.Action.Message, it.Status.ReplacementUID)
	}
	return t
}

// podLister is what waiting needs of the pods client.
type podLister interface {
	List(ctx context.Context, opts metav1.ListOptions) (*corev1.PodList, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// waitProviderReady watches the provider pods (one LIST, then a WATCH) until
// want pods that are not in old are Ready, and returns them by name.
func waitProviderReady(ctx context.Context, pods podLister, ns string, old map[string]bool, want int, timeout time.Duration) (map[string]*corev1.Pod, error) {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = providerSelector
			return pods.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = providerSelector
			return pods.Watch(ctx, o)
		},
	}
	current := map[string]*corev1.Pod{}
	readyNew := func() map[string]*corev1.Pod {
		out := map[string]*corev1.Pod{}
		for _, p := range current {
			if !old[string(p.UID)] && p.DeletionTimestamp == nil && podutils.IsPodReady(p) {
				out[p.Name] = p
			}
		}
		return out
	}
	_, err := watchtools.UntilWithSync(wctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		p, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		if ev.Type == watch.Deleted {
			delete(current, p.Name)
		} else {
			current[p.Name] = p
		}
		return len(readyNew()) >= want, nil
	})
	ready := readyNew()
	switch {
	case err == nil:
		return ready, nil
	case ctx.Err() != nil:
		return ready, fmt.Errorf("interrupted while waiting for the new akash-provider pod(s): %d of %d Ready: %w", len(ready), want, ctx.Err())
	case wctx.Err() != nil || errors.Is(err, watchtools.ErrWatchClosed):
		return ready, fmt.Errorf("only %d of %d new akash-provider pod(s) became Ready within %s: check kubectl -n %s describe pod -l %s", len(ready), want, timeout, ns, providerSelector)
	default:
		return ready, cli.Explain(err, "watching the akash-provider pods")
	}
}
