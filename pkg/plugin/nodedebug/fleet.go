package nodedebug

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/bounded"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/progress"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// Options configure the debug pods.
type Options struct {
	// Namespace the debug pods run in (--debug-namespace, default kube-system).
	Namespace string
	// Image runs the agent (--image); it must contain this program.
	Image string
	// Parallel bounds how many nodes are worked on at once (--parallel).
	Parallel int
	// PodTimeout bounds how long a pod may take to start (--pod-timeout).
	PodTimeout time.Duration
	// Lifetime bounds a debug pod's whole life (its activeDeadlineSeconds, and
	// the agent's own exit): a reaper for pods whose plugin died before
	// deleting them. Zero means PodTimeout plus 15 minutes.
	Lifetime time.Duration
}

// NodeResult is one node's answer to Run.
type NodeResult struct {
	Node string
	// Stdout is what the agent printed: its JSON report.
	Stdout []byte
	// Stderr is what the agent printed on stderr.
	Stderr string
	// ExitCode is the agent's exit code (-1 when it did not run). Checks
	// that exit non-zero for findings read it together with Err.
	ExitCode int
	// Err says why this node has no report (NotReady, pod did not start, exec
	// failed, the agent exited non-zero...); the other nodes are unaffected.
	Err error
}

// Answer is r as the agent protocol decodes it (agent.Command.Decode).
func (r NodeResult) Answer() agent.Answer {
	return agent.Answer{Node: r.Node, Stdout: r.Stdout, ExitCode: r.ExitCode, Err: r.Err}
}

// AgentExitError is a NodeResult.Err for an agent that ran and exited
// non-zero; Stdout may still hold a report.
type AgentExitError struct {
	Code   int
	Stderr string
}

func (e *AgentExitError) Error() string {
	msg := fmt.Sprintf("the agent exited with code %d", e.Code)
	if s := lastLine(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// Run runs argv (the agent's command line, from agent.Command.Argv) in a
// debug pod on each node, at most
// o.Parallel at a time, and returns one result per node in the order given.
// Every pod is deleted before Run returns, also when ctx is cancelled.
func Run(ctx context.Context, c *cli.Clients, o Options, nodes []string, argv []string) []NodeResult {
	return RunEach(ctx, c, o, nodes, func(context.Context, string) ([]string, error) { return argv, nil })
}

// RunEach is Run with a command line per node: argvFor is called in the
// node's turn (within the parallel bound), before its pod starts, so it may
// read what that node's command needs; its error is the node's result and
// no pod is started for it.
func RunEach(ctx context.Context, c *cli.Clients, o Options, nodes []string, argvFor func(ctx context.Context, node string) ([]string, error)) []NodeResult {
	out := make([]NodeResult, len(nodes))
	parallel := o.Parallel
	if parallel < 1 {
		parallel = 1
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	report := progress.From(ctx)
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = NodeResult{Node: n, ExitCode: -1, Err: fmt.Errorf("interrupted before the node was checked: %w", ctx.Err())}
				return
			}
			defer func() { <-sem }()
			if argv, err := argvFor(ctx, n); err != nil {
				out[i] = NodeResult{Node: n, ExitCode: -1, Err: err}
			} else {
				out[i] = runOne(ctx, c, o, n, argv)
			}
			mu.Lock()
			done++
			status := "ok"
			if out[i].Err != nil {
				status = "failed"
			}
			report.Printf("node-debug: %d/%d nodes done, %s: %s", done, len(nodes), n, status)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// runOne is one node: start its pod, exec the check, delete the pod.
func runOne(ctx context.Context, c *cli.Clients, o Options, node string, argv []string) (r NodeResult) {
	r = NodeResult{Node: node, ExitCode: -1}
	p, err := Start(ctx, c, o, node)
	if err != nil {
		r.Err = err
		return r
	}
	defer func() {
		if err := p.Close(); err != nil && r.Err == nil {
			r.Err = err
		}
	}()
	stdout, stderr := bounded.NewBuffer("the agent's report", bounded.Output), bounded.NewBuffer("the agent's error output", bounded.Output)
	code, err := p.Exec(ctx, argv, Streams{Out: stdout, Err: stderr})
	r.Stdout, r.Stderr, r.ExitCode = stdout.Bytes(), stderr.String(), code
	switch {
	case err != nil:
		r.Err = err
	case code != 0:
		r.Err = &AgentExitError{Code: code, Stderr: r.Stderr}
	}
	return r
}

// RunChosen runs argv on the Ready nodes SelectNodes or ChooseNodes chose
// and returns every node's result, the problems (nodes not Ready or not
// found) included, sorted by node name.
func RunChosen(ctx context.Context, c *cli.Clients, o Options, ready []string, problems []NodeResult, argv []string) []NodeResult {
	results := append(problems, Run(ctx, c, o, ready, argv)...)
	sort.SliceStable(results, func(i, j int) bool { return results[i].Node < results[j].Node })
	return results
}

// SelectNodes resolves the nodes to work on: the names given, every node
// (all), or the nodes matching a label selector — one snapshot LIST
// (NodeSpec), in pages of chunk nodes (0: one request). Nodes that are
// not Ready come back as results with Err set, so they are reported while
// the others are checked.
func SelectNodes(ctx context.Context, c *cli.Clients, names []string, all bool, selector string, chunk int64) (ready []string, problems []NodeResult, err error) {
	if _, err := labels.Parse(selector); err != nil {
		return nil, nil, fmt.Errorf("invalid label selector %q: %w", selector, err)
	}
	snap, err := snapshot.Load(ctx, c, NodeSpec(names, selector, chunk))
	if err != nil {
		return nil, nil, err
	}
	return ChooseNodes(snap.Nodes, names, selector)
}

// NodeSpec reads the nodes SelectNodes chooses from: those matching
// selector, or those named (one name: that node alone).
func NodeSpec(names []string, selector string, chunk int64) snapshot.Spec {
	return snapshot.Spec{Nodes: true, NodeSelector: selector, NodeNames: names, ChunkSize: chunk}
}

// ChooseNodes is SelectNodes on nodes a command has already listed: the
// names given, or else every node matching selector ("" matches all).
func ChooseNodes(nodes []corev1.Node, names []string, selector string) (ready []string, problems []NodeResult, err error) {
	sel, err := labels.Parse(selector)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid label selector %q: %w", selector, err)
	}
	byName := make(map[string]*corev1.Node, len(nodes))
	var matching []*corev1.Node
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
		if sel.Matches(labels.Set(nodes[i].Labels)) {
			matching = append(matching, &nodes[i])
		}
	}
	consider := func(n *corev1.Node) {
		if why := notReady(n); why != "" {
			problems = append(problems, NodeResult{Node: n.Name, ExitCode: -1, Err: fmt.Errorf("%s", why)})
			return
		}
		ready = append(ready, n.Name)
	}
	if len(names) == 0 {
		for _, n := range matching {
			consider(n)
		}
		if len(matching) == 0 && selector != "" {
			return nil, nil, fmt.Errorf("no node matches the selector %q", selector)
		}
		return ready, problems, nil
	}
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			continue
		}
		seen[name] = true
		n, ok := byName[name]
		if !ok {
			problems = append(problems, NodeResult{Node: name, ExitCode: -1, Err: fmt.Errorf("node %q not found", name)})
			continue
		}
		consider(n)
	}
	return ready, problems, nil
}

// notReady says why a node cannot run a debug pod, or "".
func notReady(n *corev1.Node) string {
	for _, c := range n.Status.Conditions {
		if c.Type != corev1.NodeReady {
			continue
		}
		if c.Status == corev1.ConditionTrue {
			return ""
		}
		why := fmt.Sprintf("node is NotReady (Ready=%s", c.Status)
		if c.Reason != "" {
			why += ", " + c.Reason
		}
		if !c.LastTransitionTime.IsZero() {
			why += fmt.Sprintf(", since %s", c.LastTransitionTime.UTC().Format(time.RFC3339))
		}
		why += ")"
		if c.Message != "" {
			why += ": " + c.Message
		}
		return why
	}
	return "node is NotReady (it has never reported a Ready condition)"
}

// DefaultImage is the image the release pipeline publishes for this version.
func DefaultImage() string {
	return "ghcr.io/kubectl-akash/kubectl-akash:" + imageTag()
}
