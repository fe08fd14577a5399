package zombies

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// signals numbers the escalation's steps as this node's kernel does.
var signals = map[Step]unix.Signal{sigCHLD: unix.SIGCHLD, sigTERM: unix.SIGTERM, sigKILL: unix.SIGKILL}

// escalate runs p's escalation: its signals, one after another, until the
// zombies (its children, as re-read before signalling) are gone.
func escalate(ctx context.Context, fs procfs.FS, p *Parent, o KillOptions, zombies []Key) execute.Outcome {
	return (&escalation{fs: fs, p: p, o: o, zombies: zombies}).run(ctx)
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
	for _, step := range steps {
		sig := signals[step]
		if err := ctx.Err(); err != nil {
			return e.outcome(execute.Skipped, "interrupted: "+err.Error())
		}
		if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
			if errors.Is(err, unix.ESRCH) {
				return e.settled(ctx, "the parent exited before "+string(step))
			}
			return e.outcome(execute.Failed, string(step)+": "+err.Error())
		}
		e.log = append(e.log, "sent "+string(step)+e.to())
		if e.wait(ctx, step == sigKILL) {
			return e.outcome(execute.Succeeded, fmt.Sprintf("%d zombie(s) reaped after %s", len(e.zombies), string(step)+e.to()))
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
