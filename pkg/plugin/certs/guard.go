package certs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// A restart's manifest must never stay parked because whatever moved it out
// died: the debug pod is deleted at once (grace 0) when the client is
// interrupted, and that kills every process in the pod's container. So in
// a debug pod the agent does not restart a static pod itself: it starts a
// guardian, a process of its own session that leaves the debug pod's
// cgroups, parks the manifest, waits the restart's window, moves the
// manifest back and writes its report into a file on the node, which the
// agent relays. Whatever happens to the client, the exec stream or the pod,
// the guardian puts the manifest back, at the latest GuardSlack after the
// window, and then exits.
//
// Beside each parked <name>.yaml, <BackupDir>/parked-manifests/ holds
// .<name>.lock, locked (flock) by whichever process restarts or restores
// <name> — a parked manifest whose lock is free has nobody left to put it
// back — and .<name>.guard.json, the guardian's status.

// GuardSlack is how much longer than a restart's window (out-period plus
// stop-timeout) its guardian may take: then it moves the manifest back
// whatever its wait is doing, and exits.
const GuardSlack = 30 * time.Second

// Guardian phases, in order.
const (
	GuardDetached = "detached" // left the debug pod's cgroups, the manifest still in place
	GuardParked   = "parked"   // the manifest is out
	GuardDone     = "done"     // the manifest is back (or never left); Message or Error says how
)

// GuardStatus is a guardian's status file, and what `restart-status`
// reports about a component.
type GuardStatus struct {
	Token     string `json:"token,omitempty"`
	PID       int    `json:"pid,omitempty"`
	Component string `json:"component"`
	Phase     string `json:"phase,omitempty"`
	// Until is when the guardian puts the manifest back at the latest.
	Until *time.Time `json:"until,omitempty"`
	// Detached says how the guardian left the debug pod's cgroups.
	Detached string `json:"detached,omitempty"`
	Message  string `json:"message,omitempty"`
	Error    string `json:"error,omitempty"`
	// Active: a process still holds the component's restart lock (the
	// reader fills it in).
	Active bool `json:"active"`
	// InPlace: the manifest is in the static-pod dir (the reader fills it in).
	InPlace bool `json:"inPlace"`
}

// Restored is a manifest found parked with nobody left to put it back, and
// the outcome of putting it back.
type Restored struct {
	Component string `json:"component"`
	// Manifest is where it belongs, Parked where it was found (node paths).
	Manifest string `json:"manifest"`
	Parked   string `json:"parked"`
	Error    string `json:"error,omitempty"`
}

func (o *NodeOps) parkedDir() string             { return path.Join(o.BackupDir, "parked-manifests") }
func (o *NodeOps) parkedPath(name string) string { return path.Join(o.parkedDir(), name+".yaml") }
func (o *NodeOps) lockPath(name string) string   { return path.Join(o.parkedDir(), "."+name+".lock") }
func (o *NodeOps) guardPath(name string) string {
	return path.Join(o.parkedDir(), "."+name+".guard.json")
}
func (o *NodeOps) manifestPath(name string) string { return path.Join(o.StaticPodDir, name+".yaml") }

// lockRestart takes name's restart lock, or says who holds it.
func (o *NodeOps) lockRestart(name string) (unlock func(), err error) {
	if err := os.MkdirAll(o.Host.path(o.parkedDir()), 0o700); err != nil {
		return nil, err
	}
	unlock, held, err := tryLock(o.Host.path(o.lockPath(name)))
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", o.lockPath(name), err)
	}
	if held {
		return nil, fmt.Errorf("another restart of %s is in progress on this node%s: wait for it to put %s back", name, o.holder(name), o.manifestPath(name))
	}
	return unlock, nil
}

// holder describes the guardian that holds name's lock, when its status
// file says.
func (o *NodeOps) holder(name string) string {
	st, ok := o.readGuard(name)
	if !ok || st.PID == 0 {
		return ""
	}
	s := fmt.Sprintf(" (guardian pid %d", st.PID)
	if st.Until != nil {
		s += ", manifest back by " + st.Until.UTC().Format(time.RFC3339)
	}
	return s + ")"
}

// readGuard reads name's guardian status file.
func (o *NodeOps) readGuard(name string) (GuardStatus, bool) {
	b, err := os.ReadFile(o.Host.path(o.guardPath(name)))
	if err != nil {
		return GuardStatus{}, false
	}
	var st GuardStatus
	if json.Unmarshal(b, &st) != nil {
		return GuardStatus{}, false
	}
	return st, true
}

// writeGuard replaces name's guardian status file in one rename.
func (o *NodeOps) writeGuard(st GuardStatus) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	file := o.Host.path(o.guardPath(st.Component))
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// GuardState is what the node says about name's restart now: the last
// guardian's status, whether a process still works on it, whether the
// manifest is in place. A manifest left parked with nobody working on it
// is put back first (restored is then that).
func (o *NodeOps) GuardState(name string) (st GuardStatus, restored []Restored) {
	restored, _ = o.RestoreParked(name)
	st, _ = o.readGuard(name)
	st.Component = name
	if unlock, held, err := tryLock(o.Host.path(o.lockPath(name))); err == nil {
		st.Active = held
		if !held {
			unlock()
		}
	}
	st.InPlace = o.Host.Exists(o.manifestPath(name))
	return st, restored
}

// RestoreParked puts back each manifest of <BackupDir>/parked-manifests/
// (only the one named only, when set) that is missing from the static-pod
// dir and that no process holds: a restart that was cut short before it
// could move it back. Without it the component stays down, so this runs
// before anything else, even a dry run. busy are the ones a restart still
// holds, said as sentences.
func (o *NodeOps) RestoreParked(only string) (restored []Restored, busy []string) {
	entries, err := os.ReadDir(o.Host.path(o.parkedDir()))
	if err != nil {
		return nil, nil
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok || e.IsDir() || strings.HasPrefix(name, ".") || (only != "" && name != only) {
			continue
		}
		manifest := o.manifestPath(name)
		if o.Host.Exists(manifest) {
			continue // an older copy: the manifest itself is in place
		}
		unlock, err := o.lockRestart(name)
		if err != nil {
			busy = append(busy, err.Error())
			continue
		}
		rs := Restored{Component: name, Manifest: manifest, Parked: o.parkedPath(name)}
		if !o.Host.Exists(manifest) { // again, under the lock
			if err := move(o.Host.path(rs.Parked), o.Host.path(manifest)); err != nil {
				rs.Error = fmt.Sprintf("moving %s back to %s failed, do it by hand: %v", rs.Parked, manifest, err)
			}
			restored = append(restored, rs)
		}
		unlock()
	}
	return restored, busy
}

// Guard is the guardian's work (`agent certs-renew guard`): take name's
// lock, leave the debug pod's cgroups (nothing is parked when that fails),
// then restart the static pod as RestartStaticPod does, a watchdog moving
// the manifest back GuardSlack after the window should the wait hang, and
// write the final status. ctx ends on SIGINT/SIGTERM: the manifest then
// goes back at once. It returns the final status (not written when the
// lock was held by another restart, whose status file it is).
func (o *NodeOps) Guard(ctx context.Context, r Restart, token string) GuardStatus {
	st := GuardStatus{Token: token, PID: os.Getpid(), Component: r.Name}
	unlock, err := o.lockRestart(r.Name)
	if err != nil {
		st.Phase, st.Error = GuardDone, err.Error()
		return st
	}
	defer unlock()
	var mu sync.Mutex
	finish := func(msg string, err error) GuardStatus {
		mu.Lock()
		defer mu.Unlock()
		if st.Phase == GuardDone {
			return st
		}
		st.Phase, st.Message = GuardDone, msg
		if err != nil {
			st.Error = err.Error()
		}
		_ = o.writeGuard(st) // the agent learns of a guardian that cannot write from its exit
		return st
	}
	leave := o.leave
	if leave == nil {
		leave = func() (string, error) { return leaveCgroups(o.Host.Root, o.Proc) }
	}
	how, err := leave()
	st.Detached = how
	if err != nil {
		return finish("", fmt.Errorf("cannot leave the debug pod's cgroups, so deleting the pod could kill the restart with %s out; nothing was changed: %w", o.manifestPath(r.Name), err))
	}
	st.Phase = GuardDetached
	_ = o.writeGuard(st)

	var msg string
	func() {
		defer func() {
			if p := recover(); p != nil { // restartLocked's deferred move-back has run
				err = fmt.Errorf("the guardian failed: %v", p)
			}
		}()
		msg, err = o.restartLocked(ctx, r, func(p *parking) {
			limit := r.Out + r.Timeout + o.slack()
			until := p.began.Add(limit)
			mu.Lock()
			st.Phase, st.Until = GuardParked, &until
			_ = o.writeGuard(st)
			mu.Unlock()
			time.AfterFunc(limit, func() {
				berr := p.back()
				if berr != nil {
					finish("", fmt.Errorf("the restart did not end within %s, and MOVING THE MANIFEST BACK FAILED, put %s back at %s by hand: %v", limit, p.parked, p.manifest, berr))
				} else {
					finish("", fmt.Errorf("the restart did not end within %s: the manifest was put back", limit))
				}
				o.exit(1)
			})
		})
	}()
	return finish(msg, err)
}

func (o *NodeOps) slack() time.Duration {
	if o.guardSlack > 0 {
		return o.guardSlack
	}
	return GuardSlack
}

func (o *NodeOps) exit(code int) {
	if o.exitFunc != nil {
		o.exitFunc(code)
		return
	}
	os.Exit(code)
}

// restartGuarded is the restart step in a debug pod: it starts the
// guardian (GuardArgv with a token of this run), waits for its final status
// and relays it. When this process is interrupted it returns at once; the
// guardian goes on. A guardian that ends without a status has its
// manifest put back here, if it was left parked.
func (o *NodeOps) restartGuarded(ctx context.Context, r Restart) (string, *GuardStatus, error) {
	unlock, err := o.lockRestart(r.Name) // free now; the guardian takes it
	if err != nil {
		return "", nil, err
	}
	unlock()
	tok := make([]byte, 8)
	_, _ = rand.Read(tok)
	token := hex.EncodeToString(tok)
	argv := o.GuardArgv(token)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = newSession()
	// No stdio: the guardian must not hold the exec stream open, nor die
	// writing to it once it is gone.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting the restart's guardian: %w", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	limit := time.Now().Add(r.Out + r.Timeout + 2*o.slack())
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	done := func() (GuardStatus, bool) {
		st, ok := o.readGuard(r.Name)
		return st, ok && st.Token == token && st.Phase == GuardDone
	}
	for {
		if st, ok := done(); ok {
			return relay(st)
		}
		select {
		case werr := <-exited:
			if st, ok := done(); ok {
				return relay(st)
			}
			st, restored := o.GuardState(r.Name)
			return "", &st, fmt.Errorf("the restart's guardian (pid %d) ended without a report (%v); %s", pid, werr, restoredText(o, r.Name, st, restored))
		case <-ctx.Done():
			st, _ := o.readGuard(r.Name)
			st.Active = true
			return "", &st, fmt.Errorf("interrupted; the node's guardian (pid %d) puts %s back whatever happens to this command: %w", pid, o.manifestPath(r.Name), ctx.Err())
		case <-tick.C:
			if time.Now().After(limit) {
				st, _ := o.readGuard(r.Name)
				st.Active = true
				return "", &st, fmt.Errorf("the restart's guardian (pid %d) has not reported within %s; check that %s is back", pid, r.Out+r.Timeout+2*o.slack(), o.manifestPath(r.Name))
			}
		}
	}
}

func relay(st GuardStatus) (string, *GuardStatus, error) {
	if st.Error != "" {
		return st.Message, &st, errors.New(st.Error)
	}
	return st.Message, &st, nil
}

// restoredText says where name's manifest is after its guardian is gone.
func restoredText(o *NodeOps, name string, st GuardStatus, restored []Restored) string {
	for _, rs := range restored {
		if rs.Error != "" {
			return rs.Error
		}
		return "it had left " + rs.Parked + " parked: moved back to " + rs.Manifest
	}
	if st.InPlace {
		return o.manifestPath(name) + " is in place"
	}
	if st.Active {
		return "another process holds " + name + "'s restart"
	}
	return o.manifestPath(name) + " IS MISSING: put it back by hand (a copy may be in " + filepath.Join(o.BackupDir, "parked-manifests") + ")"
}
