package zombies

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// KillOptions say how far --kill may go.
type KillOptions struct {
	// Grace is how long each signal gets to work before the next one.
	Grace time.Duration
	// AllowContainerRestart permits SIGKILL of a container's PID 1, which
	// kills every process of the container and makes the kubelet restart it.
	AllowContainerRestart bool
	// DryRun sends nothing: outcomes say what would be sent.
	DryRun bool
	// Eligible says why a parent must not be signalled ("" = it may be).
	// nil means RequirePodCgroup; tests on this machine's /proc, where no
	// process is in a pod, pass their own.
	Eligible func(*Parent) string
	// Only, when not nil, restricts the plan to these parents (PID and
	// start ticks): the ones an operator confirmed, so a parent that
	// appeared since is never acted on unseen.
	Only map[Key]bool
	// Namespaces widen the kill beyond lease namespaces (labelled
	// akash.network=true) to the pods of these namespaces too.
	Namespaces []string
	// AllNamespaces lets the kill reach every pod, in any namespace, and
	// pods the API could not name.
	AllNamespaces bool
	// Poll is how often zombies are re-checked while waiting (100ms if 0).
	Poll time.Duration
}

// Key identifies a process for its whole life: PID and start time.
type Key struct {
	PID        int
	StartTicks uint64
}

// String is PID:STARTTICKS, the agent's --parent syntax.
func (k Key) String() string { return fmt.Sprintf("%d:%d", k.PID, k.StartTicks) }

// ParseKey parses PID:STARTTICKS.
func ParseKey(s string) (Key, error) {
	a, b, ok := strings.Cut(s, ":")
	pid, err1 := strconv.Atoi(a)
	ticks, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || pid < 1 {
		return Key{}, fmt.Errorf("--parent %q: want PID:STARTTICKS, e.g. 4711:123456", s)
	}
	return Key{PID: pid, StartTicks: ticks}, nil
}

// Key of the parent.
func (p *Parent) Key() Key { return Key{PID: p.PID, StartTicks: p.StartTicks} }

// shimComm is how every containerd shim shows in stat: comm is cut to 15
// bytes, so containerd-shim-runc-v2 reads "containerd-shim".
const shimComm = "containerd-shim"

// Signal is the verb of a kill action: its target is a process on a node.
const Signal execute.Verb = "signal"

// RequirePodCgroup is the safety rule: only processes inside a pod's
// container, as their cgroup says (a kubepods path with a pod UID, which
// the kubelet and the runtime set and a process cannot choose), never the
// host's PID 1, nor anything calling itself a containerd-shim. A process's
// name proves nothing: any process can set it, so a shim among the
// ancestors does not make a process a container's.
func RequirePodCgroup(p *Parent) string {
	switch {
	case p.PID == 1:
		return "it is the host's PID 1"
	case p.Pod == nil:
		return "it is not in a pod's cgroup: a host process, never signalled"
	case strings.HasPrefix(p.Command, shimComm):
		return "it calls itself a containerd-shim: a shim's zombies are reaped when its container goes"
	}
	return ""
}

// InScope says why the kill must leave p's pod alone ("" = it may act):
// by default only lease pods (namespace labelled akash.network=true) are
// signalled, never the provider's own, the CNI's, the ingress's or a
// static pod's; --namespace and --all-namespaces widen that. A pod the
// API could not name is in an unknown namespace, so only --all-namespaces
// reaches it.
func InScope(p *Parent, o KillOptions) string {
	switch {
	case o.AllNamespaces:
		return ""
	case p.Pod == nil:
		return "it is not in a pod"
	case p.Pod.Name == "":
		return fmt.Sprintf("its pod (uid %s) could not be named through the API, so its namespace is unknown: pass --all-namespaces to signal it anyway", p.Pod.UID)
	case p.Pod.LeaseNamespace || slices.Contains(o.Namespaces, p.Pod.Namespace):
		return ""
	}
	return fmt.Sprintf("pod %s/%s is not in a lease namespace (%s=true): pass --namespace %s (or --all-namespaces) to allow it",
		p.Pod.Namespace, p.Pod.Name, akash.LabelManaged, p.Pod.Namespace)
}

// Step is a signal of the escalation, by name: it is sent to a process on
// a Linux node, which numbers it.
type Step string

const (
	sigCHLD Step = "SIGCHLD"
	sigTERM Step = "SIGTERM"
	sigKILL Step = "SIGKILL"
)

// Steps says which signals the escalation will send to p, and why others
// are left out. An empty steps list means nothing can work.
func Steps(p *Parent, o KillOptions) (steps []Step, notes []string) {
	if p.CatchesSIGCHLD {
		steps = append(steps, sigCHLD)
	} else {
		notes = append(notes, "no SIGCHLD: it has no SIGCHLD handler (SigCgt), so the signal would be discarded")
	}
	switch {
	case p.ContainerInit && !p.CatchesSIGTERM:
		notes = append(notes, "no SIGTERM: it is the container's PID 1 without a SIGTERM handler, so the kernel drops SIGTERM")
	case p.IgnoresSIGTERM:
		notes = append(notes, "no SIGTERM: it ignores SIGTERM (SigIgn)")
	default:
		steps = append(steps, sigTERM)
	}
	if p.ContainerInit && !o.AllowContainerRestart {
		notes = append(notes, "no SIGKILL: it is the container's PID 1, and killing it restarts the whole container: pass --allow-container-restart to allow that")
	} else {
		steps = append(steps, sigKILL)
	}
	return steps, notes
}

// Plan attaches a signal action to every parent of r: Planned with the
// steps it will take, or Skipped with why not.
func Plan(r *Report, o KillOptions) []*execute.Action {
	eligible := o.Eligible
	if eligible == nil {
		eligible = RequirePodCgroup
	}
	var actions []*execute.Action
	for i := range r.Status.Parents {
		p := &r.Status.Parents[i]
		a := &execute.Action{Verb: Signal, Target: execute.Target{
			Version: "v1", Resource: "processes", Kind: "Process",
			Namespace: r.Status.Node, Name: strconv.Itoa(p.PID), UID: "start:" + strconv.FormatUint(p.StartTicks, 10),
		}}
		steps, notes := Steps(p, o)
		switch {
		case p.Command == "":
			a.Outcome = execute.Outcome{Result: execute.Skipped, Message: "the parent exited during the scan"}
		case o.Only != nil && !o.Only[p.Key()]:
			a.Outcome = execute.Outcome{Result: execute.Skipped, Message: "not in the confirmed plan (new since the scan)"}
		case eligible(p) != "":
			a.Outcome = execute.Outcome{Result: execute.Skipped, Message: "not signalled: " + eligible(p)}
		case InScope(p, o) != "":
			a.Outcome = execute.Outcome{Result: execute.Skipped, Message: "not signalled: " + InScope(p, o)}
		case len(steps) == 0:
			a.Outcome = execute.Outcome{Result: execute.Skipped, Message: "no signal can make it reap: " + strings.Join(notes, "; ")}
		default:
			msg := describeSteps(steps, notes)
			if !p.ContainerInit && o.AllowContainerRestart {
				msg += "; if its zombies then pass to the container's init, which does not reap them, SIGKILL of that init follows (the container restarts)"
			}
			a.Outcome = execute.Outcome{Result: execute.Planned, Message: msg}
		}
		p.Action = a
		actions = append(actions, a)
	}
	return actions
}

func describeSteps(steps []Step, notes []string) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = string(s)
	}
	msg := strings.Join(names, ", then ")
	if len(notes) > 0 {
		msg += " (" + strings.Join(notes, "; ") + ")"
	}
	return msg
}

// Execute runs the planned escalations of r, several parents at once, and
// records each outcome: Succeeded when the parent's zombies are gone, with
// the signal that did it. It returns how many failed.
func Execute(ctx context.Context, fs procfs.FS, r *Report, o KillOptions) (failed int) {
	if o.Poll <= 0 {
		o.Poll = 100 * time.Millisecond
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var children map[int][]Key
	var scanErr error
	for i := range r.Status.Parents {
		p := &r.Status.Parents[i]
		if p.Action == nil || p.Action.Result != execute.Planned {
			continue
		}
		if o.DryRun {
			p.Action.Outcome = execute.Outcome{Result: execute.DryRun, Message: "would send " + p.Action.Message + " to PID " + strconv.Itoa(p.PID) + " (" + p.Command + "); nothing sent"}
			continue
		}
		if children == nil && scanErr == nil {
			children, scanErr = zombiesByParent(fs)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var out execute.Outcome
			if scanErr != nil {
				out = execute.Outcome{Result: execute.Failed, Message: scanErr.Error()}
			} else {
				out = escalate(ctx, fs, p, o, children[p.PID])
			}
			mu.Lock()
			p.Action.Outcome = out
			if out.Result.Failure() {
				failed++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return failed
}

// zombiesByParent re-reads every zombie once, just before signalling (the
// report lists only the first PIDs of each parent), so the re-checks follow
// exactly these processes.
func zombiesByParent(fs procfs.FS) (map[int][]Key, error) {
	pids, err := fs.PIDs()
	if err != nil {
		return nil, err
	}
	stats, _ := fs.ReadStats(pids)
	out := map[int][]Key{}
	for i := range stats {
		if stats[i].Zombie() {
			out[stats[i].PPID] = append(out[stats[i].PPID], Key{PID: stats[i].PID, StartTicks: stats[i].StartTicks})
		}
	}
	return out, nil
}
