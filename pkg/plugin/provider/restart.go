package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/kubectl/pkg/util/podutils"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// Selector selects the akash-provider pods.
var Selector = akash.LabelProviderApp + "=" + akash.ProviderApp

// RestartKind is the kind of `provider restart` results.
const RestartKind = "ProviderRestart"

// Restart is the result of `provider restart`: one per pod.
type Restart struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Status            RestartStatus `json:"status"`
}

// RestartStatus is the delete action and the replacement pod seen Ready.
type RestartStatus struct {
	Action *execute.Action `json:"action"`
	// Replacement is the new pod that became Ready (its name and UID).
	Replacement    string `json:"replacement,omitempty"`
	ReplacementUID string `json:"replacementUID,omitempty"`
	Ready          bool   `json:"ready"`
	// Waited is how long the new pod took to be Ready.
	Waited string `json:"waited,omitempty"`
	// WaitError says why no replacement was seen Ready.
	WaitError string `json:"waitError,omitempty"`
}

// RestartList lists them.
type RestartList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Restart `json:"items"`
}

// PlanRestart plans deleting each provider pod (UID precondition: a pod
// already replaced is left alone), then waiting until as many new pods are
// Ready as were deleted: one group, so a failed delete waits for nothing.
// progress, when not nil, is told when the wait begins.
func PlanRestart(pods []corev1.Pod, client PodLister, timeout time.Duration, progress io.Writer) (*RestartList, *execute.Plan) {
	list := &RestartList{TypeMeta: output.ListMeta(RestartKind)}
	var actions []*execute.Action
	for i := range pods {
		p := &pods[i]
		a := execute.NewDelete(execute.Target{Version: "v1", Resource: "pods", Kind: "Pod",
			Namespace: p.Namespace, Name: p.Name, UID: string(p.UID)})
		actions = append(actions, a)
		list.Items = append(list.Items, Restart{TypeMeta: output.TypeMeta(RestartKind),
			ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}, Status: RestartStatus{Action: a}})
	}
	started := time.Now()
	wait := execute.NewWait("new akash-provider pods Ready", func(ctx context.Context) (string, error) {
		return waitReplacements(ctx, client, pods, actions, list.Items, timeout, started, progress)
	})
	plan := &execute.Plan{}
	plan.Add("akash-provider", append(append([]*execute.Action{}, actions...), wait)...)
	return list, plan
}

// waitReplacements waits until as many new provider pods are Ready as
// were deleted, and records which pod replaced which.
func waitReplacements(ctx context.Context, client PodLister, pods []corev1.Pod, actions []*execute.Action, items []Restart, timeout time.Duration, started time.Time, progress io.Writer) (string, error) {
	old := map[string]bool{}
	deleted := 0
	for i := range pods {
		old[string(pods[i].UID)] = true
		if actions[i].Result == execute.Succeeded || actions[i].Result == execute.NotFound {
			deleted++
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "Waiting up to %s for %d new akash-provider pod(s) to be Ready...\n", timeout, deleted)
	}
	ns := ""
	if len(pods) > 0 {
		ns = pods[0].Namespace
	}
	ready, err := waitProviderReady(ctx, client, ns, old, deleted, timeout)
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
		for i := range items {
			st := &items[i].Status
			if !st.Ready && (st.Action.Result == execute.Succeeded || st.Action.Result == execute.NotFound) {
				st.WaitError = err.Error()
			}
		}
		return "", err
	}
	return fmt.Sprintf("%d new pod(s) Ready after %s", deleted, waited), nil
}

// RestartTable is the human view of a restart: one row per pod.
func RestartTable(items []Restart) *output.Table {
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
		t.AddRow(it.Name, string(it.Status.Action.Result), again, output.Or(it.Status.WaitError, it.Status.Action.Message), it.Status.ReplacementUID)
	}
	return t
}

// PodLister is what waiting needs of the pods client.
type PodLister interface {
	List(ctx context.Context, opts metav1.ListOptions) (*corev1.PodList, error)
	Watch(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error)
}

// waitProviderReady watches the provider pods (one LIST, then a WATCH) until
// want pods that are not in old are Ready, and returns them by name.
func waitProviderReady(ctx context.Context, pods PodLister, ns string, old map[string]bool, want int, timeout time.Duration) (map[string]*corev1.Pod, error) {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = Selector
			return pods.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = Selector
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
		return ready, fmt.Errorf("only %d of %d new akash-provider pod(s) became Ready within %s: check kubectl -n %s describe pod -l %s", len(ready), want, timeout, ns, Selector)
	default:
		return ready, cli.Explain(err, "watching the akash-provider pods")
	}
}
