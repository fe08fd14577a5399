package zombies

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

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

// Steps says which signals the escalation will send to p, and why others
// are left out. An empty steps list means nothing can work.
func Steps(p *Parent, o KillOptions) (steps []unix.Signal, notes []string) {
	if p.CatchesSIGCHLD {
		steps = append(steps, unix.SIGCHLD)
	} else {
		notes = append(notes, "no SIGCHLD: it has no SIGCHLD handler (SigCgt), so the signal would be discarded")
	}
	switch {
	case p.ContainerInit && !p.CatchesSIGTERM:
		notes = append(notes, "no SIGTERM: it is the container's PID 1 without a SIGTERM handler, so the kernel drops SIGTERM")
	case p.IgnoresSIGTERM:
		notes = append(notes, "no SIGTERM: it ignores SIGTERM (SigIgn)")
	default:
		steps = append(steps, unix.SIGTERM)
	}
	if p.ContainerInit && !o.AllowContainerRestart {
		notes = append(notes, "no SIGKILL: it is the container's PID 1, and killing it restarts the whole container: pass --allow-container-restart to allow that")
	} else {
		steps = append(steps, unix.SIGKILL)
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

func describeSteps(steps []unix.Signal, notes []string) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = unix.SignalName(s)
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
				out = (&escalation{fs: fs, p: p, o: o, zombies: children[p.PID]}).run(ctx)
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

// escalation is one parent's SIGCHLD → SIGTERM → SIGKILL sequence.
type escalation struct {
	fs      procfs.FS
	p       *Parent
	o       KillOptions
	zombies []Key
	fd      int
	cursor  int
	log     []string
	// followed: this escalation is already the container's init's, taken
	// over from a parent whose death handed it the zombies.
	followed bool
}

func (e *escalation) run(ctx context.Context) execute.Outcome {
	if len(e.zombies) == 0 {
		return execute.Outcome{Result: execute.Succeeded, Message: "its zombies were already reaped; nothing sent"}
	}
	fd, err := unix.PidfdOpen(e.p.PID, 0)
	if errors.Is(err, unix.ESRCH) {
		return e.settled(ctx, "the parent exited before any signal; nothing sent")
	}
	if err != nil {
		return execute.Outcome{Result: execute.Failed, Message: "pidfd_open: " + err.Error()}
	}
	defer unix.Close(fd)
	e.fd = fd
	// The pidfd pins whatever process holds the PID now; only after its
	// start time matches the plan is it known to be the planned parent,
	// and from here on no signal can reach a recycled PID.
	if st, err := e.fs.Stat(e.p.PID); err != nil || st.StartTicks != e.p.StartTicks {
		return execute.Outcome{Result: execute.Conflict, Message: fmt.Sprintf("PID %d is no longer the planned process (start time changed: the PID was recycled); nothing sent", e.p.PID)}
	}
	steps, notes := Steps(e.p, e.o)
	for _, n := range notes {
		if e.followed {
			n = "the init: " + n
		}
		e.log = append(e.log, n)
	}
	for _, sig := range steps {
		if err := ctx.Err(); err != nil {
			return e.outcome(execute.Skipped, "interrupted: "+err.Error())
		}
		if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
			if errors.Is(err, unix.ESRCH) {
				return e.settled(ctx, "the parent exited before "+unix.SignalName(sig))
			}
			return e.outcome(execute.Failed, unix.SignalName(sig)+": "+err.Error())
		}
		e.log = append(e.log, "sent "+unix.SignalName(sig)+e.to())
		if e.wait(ctx, sig == unix.SIGKILL) {
			return e.outcome(execute.Succeeded, fmt.Sprintf("%d zombie(s) reaped after %s", len(e.zombies), unix.SignalName(sig)+e.to()))
		}
		if e.exited() {
			// The parent is gone and its zombies with someone else:
			// further signals to it would be sent to nothing.
			break
		}
	}
	return e.remaining(ctx)
}

// to names the target in the log of a followed escalation, where two
// processes have been signalled.
func (e *escalation) to() string {
	if !e.followed {
		return ""
	}
	return fmt.Sprintf(" to PID %d (%s, the container's init)", e.p.PID, e.p.Command)
}

// exited reports whether the parent has exited (its pidfd is readable).
func (e *escalation) exited() bool {
	fds := []unix.PollFd{{Fd: int32(e.fd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0 && fds[0].Revents&unix.POLLIN != 0
}

// wait polls until the zombies are gone or Grace passes. After SIGKILL it
// also waits for the parent to exit (the pidfd turns readable), since the
// zombies can only go after that.
func (e *escalation) wait(ctx context.Context, killed bool) bool {
	deadline := time.Now().Add(e.o.Grace)
	for {
		if e.allGone() {
			return true
		}
		rest := time.Until(deadline)
		if rest <= 0 || ctx.Err() != nil {
			return false
		}
		step := min(rest, e.o.Poll)
		if killed {
			// Sleeps in poll(2) on the pidfd: returns as soon as the
			// parent is dead rather than a whole step later.
			fds := []unix.PollFd{{Fd: int32(e.fd), Events: unix.POLLIN}}
			_, _ = unix.Poll(fds, int(step/time.Millisecond)+1)
			if fds[0].Revents&unix.POLLIN != 0 {
				killed = false // dead; now just poll the zombies
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		time.Sleep(step)
	}
}

// allGone reports whether every planned zombie has been reaped. A reaped
// zombie never comes back (a new process on its PID has another start
// time), so the check resumes where the last one stopped: a poll costs one
// read while zombies remain, not one per zombie.
func (e *escalation) allGone() bool {
	for ; e.cursor < len(e.zombies); e.cursor++ {
		z := e.zombies[e.cursor]
		st, err := e.fs.Stat(z.PID)
		if err == nil && st.Zombie() && st.StartTicks == z.StartTicks {
			return false
		}
	}
	return true
}

// left returns the planned zombies that still exist as zombies (same PID,
// same start time).
func (e *escalation) left() []procfs.Stat {
	var out []procfs.Stat
	for _, z := range e.zombies {
		st, err := e.fs.Stat(z.PID)
		if err == nil && st.Zombie() && st.StartTicks == z.StartTicks {
			out = append(out, st)
		}
	}
	return out
}

// settled reports the zombies' state when the parent went without us.
func (e *escalation) settled(ctx context.Context, what string) execute.Outcome {
	e.log = append(e.log, what)
	return e.remaining(ctx)
}

// remaining explains a failure: who holds the zombies now. Killing a
// non-init parent hands them to the nearest subreaper or the container's
// init, which may not reap either. When that is the init of the parent's
// own container and --allow-container-restart was given, the zombies are
// followed there: the same run escalates on the init (in the end SIGKILL,
// which restarts the container), so no second run is needed.
func (e *escalation) remaining(ctx context.Context) execute.Outcome {
	left := e.left()
	if len(left) == 0 {
		return e.outcome(execute.Succeeded, "its zombies are gone")
	}
	holders := map[int][]Key{}
	var order []int
	for _, s := range left {
		if _, ok := holders[s.PPID]; !ok {
			order = append(order, s.PPID)
		}
		holders[s.PPID] = append(holders[s.PPID], Key{PID: s.PID, StartTicks: s.StartTicks})
	}
	slices.Sort(order)
	var parts []string
	for _, ppid := range order {
		n := len(holders[ppid])
		if ppid == e.p.PID {
			parts = append(parts, fmt.Sprintf("%d still under PID %d", n, ppid))
			continue
		}
		init, ok := e.initHolder(ppid)
		switch {
		case ok && e.o.AllowContainerRestart && len(holders) == 1 && !e.followed:
			e.log = append(e.log, fmt.Sprintf("%d zombie(s) re-parented to PID %d (%s, the container's init), which does not reap them: following them there", n, ppid, init.Command))
			sub := &escalation{fs: e.fs, p: init, o: e.o, zombies: holders[ppid], followed: true}
			out := sub.run(ctx)
			return e.outcome(out.Result, out.Message)
		case ok:
			parts = append(parts, fmt.Sprintf("%d re-parented to PID %d (%s, the container's init), which does not reap them: --allow-container-restart would SIGKILL that init (restarting the container) and finish the job", n, ppid, init.Command))
		default:
			comm := "?"
			if st, err := e.fs.Stat(ppid); err == nil {
				comm = st.Comm
			}
			parts = append(parts, fmt.Sprintf("%d re-parented to PID %d (%s), which does not reap them", n, ppid, comm))
		}
	}
	return e.outcome(execute.Failed, fmt.Sprintf("%d of %d zombie(s) remain: %s", len(left), len(e.zombies), strings.Join(parts, ", ")))
}

// initHolder describes pid, the new holder of the parent's zombies, when
// it is the init of the parent's own container: PID 1 of the parent's PID
// namespace, in the same pod's cgroup, and admitted by the same rules as
// any parent. Anything else is never followed.
func (e *escalation) initHolder(pid int) (*Parent, bool) {
	h, err := describeProcess(e.fs, pid)
	if err != nil || !h.ContainerInit || len(h.NSpid) != len(e.p.NSpid) || !samePod(h.Pod, e.p.Pod) {
		return nil, false
	}
	eligible := e.o.Eligible
	if eligible == nil {
		eligible = RequirePodCgroup
	}
	if eligible(h) != "" {
		return nil, false
	}
	return h, true
}

// samePod: both in the same pod, or (where no process is in a pod, as in
// tests on a plain machine) both in none.
func samePod(a, b *Pod) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.UID == b.UID
}

func (e *escalation) outcome(r execute.Result, msg string) execute.Outcome {
	return execute.Outcome{Result: r, Message: strings.Join(append(e.log, msg), "; ")}
}
