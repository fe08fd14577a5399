package certs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A k3s server renews its certificates its own way: `k3s certificate
// rotate`, run while the k3s service is stopped, backs up server/tls and
// removes the leaf certificates, and k3s writes new ones when it starts
// again. With embedded etcd, `k3s etcd-snapshot save` asks the running
// server for a snapshot, so it comes first. The node-side order is
// therefore: snapshot (k3s running), backup, stop, rotate, start, and the
// start is attempted whatever happened after the stop: the k3s service
// holds the API server, so a renewal must never leave it stopped.

// Flavours of control-plane node, as the plan names them.
const (
	FlavourKubeadm   = "kubeadm"
	FlavourKubespray = "kubespray"
	FlavourK3s       = "k3s"
)

// k3s steps, in the order they run on a k3s server.
const (
	StepK3sSnapshot = "k3s-etcd-snapshot"
	StepK3sStop     = "stop-k3s"
	StepK3sRotate   = "k3s-certificate-rotate"
	StepK3sStart    = "start-k3s"
	StepWaitReady   = "wait-ready"
	// StepK3sStatus (node-side, not in the plan) reads the last rotation's
	// report, for a client whose exec stream broke while k3s was stopped.
	StepK3sStatus = "k3s-rotate-status"
)

// DefaultK3sService is the systemd unit the k3s installer creates for a server.
const DefaultK3sService = "k3s"

// K3sProbe is what a k3s server has, for planning.
type K3sProbe struct {
	// Binary is the node path of k3s; Version its `--version` first line.
	Binary  string `json:"binary,omitempty"`
	Version string `json:"version,omitempty"`
	// TLSDir is the server's certificate directory.
	TLSDir string `json:"tlsDir"`
	// EmbeddedEtcd: <data-dir>/server/db/etcd exists; Datastore says what
	// the server stores its state in.
	EmbeddedEtcd bool   `json:"embeddedEtcd"`
	Datastore    string `json:"datastore"`
	Service      string `json:"service"`
	// Started is set when a rotation that was cut short had left the
	// service stopped, and the probe started it again (before anything else).
	Started *K3sPart `json:"started,omitempty"`
}

// K3sPart is one part of a rotation: done or not, and what it said.
type K3sPart struct {
	Done    bool   `json:"done"`
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// K3sRotation is the report of stop → rotate → start on one server.
type K3sRotation struct {
	Service string  `json:"service"`
	Stop    K3sPart `json:"stop"`
	Rotate  K3sPart `json:"rotate"`
	Start   K3sPart `json:"start"`
	// Before is each leaf certificate's serial before the rotation, by
	// name, so a re-check can tell a rotated certificate from an old one.
	Before map[string]string `json:"before,omitempty"`
	// Finished is false while the rotation runs (in the status file).
	Finished bool `json:"finished"`
}

// IsK3sServer reports whether the node has a k3s server's certificate
// directory.
func (o *NodeOps) IsK3sServer() bool { return o.Host.Exists(o.k3sTLS()) }

func (o *NodeOps) k3sTLS() string { return path.Join(o.Layout.K3sDir, "server/tls") }

// k3sStatusPath is the rotation's status file; while it says unfinished
// and nobody holds the k3s lock, the service may have been left stopped.
func (o *NodeOps) k3sStatusPath() string { return path.Join(o.BackupDir, "k3s-rotate.json") }
func (o *NodeOps) k3sLockPath() string   { return path.Join(o.BackupDir, ".k3s-rotate.lock") }

func (o *NodeOps) k3sService() string {
	if o.K3sService == "" {
		return DefaultK3sService
	}
	return o.K3sService
}

// systemctl runs the node's systemctl on the k3s unit.
func (o *NodeOps) systemctl(ctx context.Context, verb string) (string, error) {
	bin := o.Systemctl
	if bin == "" {
		bin = "systemctl"
	}
	return o.run(ctx, nil, bin, verb, o.k3sService())
}

// k3s runs the node's k3s with args and --data-dir, so it works on the
// same data directory as this command (the provider playbooks install
// k3s with a --data-dir of their own).
func (o *NodeOps) k3s(ctx context.Context, args ...string) (string, error) {
	bin := o.find(o.K3s, "k3s")
	if bin == "" {
		return "", fmt.Errorf("no k3s on the node (pass --k3s PATH)")
	}
	return o.run(ctx, nil, append(append([]string{bin}, args...), "--data-dir="+o.Layout.K3sDir)...)
}

// ProbeK3s looks at a k3s server without changing anything, except that
// a service a cut-short rotation left stopped is started first.
func (o *NodeOps) ProbeK3s(ctx context.Context) (*K3sProbe, []string) {
	p := &K3sProbe{TLSDir: o.k3sTLS(), Service: o.k3sService(), Binary: o.find(o.K3s, "k3s")}
	var problems []string
	p.Started = o.restartLeftStopped(ctx)
	if p.Started != nil && p.Started.Error != "" {
		problems = append(problems, p.Started.Error)
	}
	if p.Binary == "" {
		problems = append(problems, "no k3s on the node (pass --k3s)")
	} else if out, err := o.run(ctx, nil, p.Binary, "--version"); err != nil {
		problems = append(problems, "k3s --version: "+err.Error())
	} else {
		p.Version = lastLines(strings.SplitN(out, "\n", 2)[0], 1)
	}
	db := path.Join(o.Layout.K3sDir, "server/db")
	switch {
	case o.Host.Exists(path.Join(db, "etcd")):
		p.EmbeddedEtcd, p.Datastore = true, "embedded etcd ("+path.Join(db, "etcd")+")"
	case o.Host.Exists(path.Join(db, "state.db")):
		p.Datastore = "SQLite (" + path.Join(db, "state.db") + ")"
	default:
		p.Datastore = "an external datastore (no " + path.Join(db, "etcd") + " nor state.db)"
	}
	return p, problems
}

// restartLeftStopped starts the k3s service when the last rotation's
// status file says it never finished and no process works on it any more:
// the rotation was killed between stop and start. nil when there was
// nothing to do.
func (o *NodeOps) restartLeftStopped(ctx context.Context) *K3sPart {
	var rot K3sRotation
	b, err := o.Host.ReadFile(o.k3sStatusPath())
	if err != nil || json.Unmarshal(b, &rot) != nil || rot.Finished {
		return nil
	}
	unlock, held, err := tryLock(o.Host.path(o.k3sLockPath()))
	if err != nil || held {
		return nil // a rotation is running: it starts k3s itself
	}
	defer unlock()
	part := o.startK3s(ctx)
	if part.Error != "" {
		part.Error = "a rotation that was cut short left " + o.k3sService() + " stopped, and starting it failed: " + part.Error
	}
	rot.Start, rot.Finished = part, true
	_ = o.writeK3sStatus(rot)
	return &part
}

// startK3s starts the service and checks that systemd says it is active.
// It is not cancelled with ctx: a started k3s is the one thing a rotation
// must always leave behind.
func (o *NodeOps) startK3s(ctx context.Context) K3sPart {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	if _, err := o.systemctl(sctx, "start"); err != nil {
		return K3sPart{Error: err.Error()}
	}
	state, err := o.systemctl(sctx, "is-active")
	if err != nil {
		return K3sPart{Error: "systemctl start returned, but " + o.k3sService() + " is not active: " + state}
	}
	return K3sPart{Done: true, Message: "systemctl start " + o.k3sService() + ": " + lastLines(state, 1)}
}

func (o *NodeOps) writeK3sStatus(rot K3sRotation) error {
	b, err := json.Marshal(rot)
	if err != nil {
		return err
	}
	file := o.Host.path(o.k3sStatusPath())
	if err := os.WriteFile(file+".tmp", b, 0o600); err != nil {
		return err
	}
	return os.Rename(file+".tmp", file)
}

// K3sStatus reads the last rotation's report.
func (o *NodeOps) K3sStatus() (*K3sRotation, error) {
	b, err := o.Host.ReadFile(o.k3sStatusPath())
	if err != nil {
		return nil, err
	}
	var rot K3sRotation
	if err := json.Unmarshal(b, &rot); err != nil {
		return nil, fmt.Errorf("%s: %w", o.k3sStatusPath(), err)
	}
	return &rot, nil
}

// snapshotSaved is k3s's "Snapshot <name> saved." log line.
var snapshotSaved = regexp.MustCompile(`Snapshot (\S+) saved`)

// K3sSnapshot takes an on-demand snapshot with `k3s etcd-snapshot save`
// (the running server writes it into its snapshot directory) and finds
// the file: non-empty, under <data-dir>/server/db/snapshots unless the
// server has an --etcd-snapshot-dir of its own.
func (o *NodeOps) K3sSnapshot(ctx context.Context) (string, string, error) {
	name := "kubectl-akash-" + strings.ToLower(o.stamp())
	out, err := o.k3s(ctx, "etcd-snapshot", "save", "--name="+name)
	if err != nil {
		return "", "", err
	}
	saved := name
	if m := snapshotSaved.FindStringSubmatch(out); m != nil {
		saved = m[1]
	}
	dir := path.Join(o.Layout.K3sDir, "server/db/snapshots")
	entries, _ := os.ReadDir(o.Host.path(dir))
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), saved) {
			file := path.Join(dir, e.Name())
			fi, err := e.Info()
			if err != nil || fi.Size() == 0 {
				return file, "", fmt.Errorf("the snapshot %s is empty", file)
			}
			return file, fmt.Sprintf("%s (%d bytes), saved by k3s etcd-snapshot save", file, fi.Size()), nil
		}
	}
	return "", "", fmt.Errorf("k3s etcd-snapshot save finished (%s) but no %s* is in %s: check the server's --etcd-snapshot-dir, and take the snapshot by hand", lastLines(out, 1), saved, dir)
}

// k3sLeaves are the non-CA k3s certificates of the node now, by name.
func (o *NodeOps) k3sLeaves() map[string]Certificate {
	out := map[string]Certificate{}
	for _, c := range Scan(o.Host, o.Layout) {
		if c.Source == SourceK3s && !c.IsCA && c.Serial != "" {
			out[c.Name] = c
		}
	}
	return out
}

// K3sRotate stops the k3s service, runs `k3s certificate rotate` and
// starts the service again. The start is attempted whenever the stop was,
// whatever the stop or the rotation did, and even once ctx is cancelled;
// a status file says how far it got, so that a run killed in between is
// found by the next probe, which starts k3s. It holds the node's k3s lock,
// so two rotations never interleave.
func (o *NodeOps) K3sRotate(ctx context.Context) (*K3sRotation, error) {
	if err := os.MkdirAll(o.Host.path(o.BackupDir), 0o700); err != nil {
		return nil, err
	}
	unlock, held, err := tryLock(o.Host.path(o.k3sLockPath()))
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", o.k3sLockPath(), err)
	}
	if held {
		return nil, fmt.Errorf("another rotation of k3s is in progress on this node (%s is locked)", o.k3sLockPath())
	}
	defer unlock()
	rot := K3sRotation{Service: o.k3sService(), Before: map[string]string{}}
	for name, c := range o.k3sLeaves() {
		rot.Before[name] = c.Serial
	}
	// Written unfinished before the stop: from here on, a run that dies
	// leaves a status file that says the service may be stopped.
	if err := o.writeK3sStatus(rot); err != nil {
		return nil, fmt.Errorf("writing %s (nothing was changed): %w", o.k3sStatusPath(), err)
	}
	defer func() {
		rot.Start = o.startK3s(ctx)
		rot.Finished = true
		_ = o.writeK3sStatus(rot)
	}()
	out, err := o.systemctl(ctx, "stop")
	if err != nil {
		rot.Stop.Error = err.Error() // the rotation is not run
		return &rot, nil
	}
	rot.Stop = K3sPart{Done: true, Message: strings.TrimSpace("systemctl stop " + o.k3sService() + " " + lastLines(out, 1))}
	out, err = o.k3s(ctx, "certificate", "rotate")
	if err != nil {
		rot.Rotate.Error = err.Error()
		return &rot, nil
	}
	rot.Rotate = K3sPart{Done: true, Message: lastLines(out, 1)}
	return &rot, nil
}

// K3sRecheck compares the k3s certificates after a rotation with before:
// every one present and unexpired, every leaf that was there before
// issued anew (another serial).
func K3sRecheck(now time.Time, after []Certificate, before map[string]string) (string, error) {
	var bad, stale []string
	seen := map[string]bool{}
	var first *Certificate
	n := 0
	for i := range after {
		c := &after[i]
		if c.Source != SourceK3s {
			continue
		}
		n++
		c.Assess(now, 0)
		seen[c.Name] = true
		switch c.Status {
		case Expired, Missing, Error:
			bad = append(bad, c.Name+" "+string(c.Status))
			continue
		}
		if b, ok := before[c.Name]; ok && c.Serial == b {
			stale = append(stale, c.Name)
		}
		if !c.IsCA && c.NotAfter != nil && (first == nil || c.NotAfter.Before(first.NotAfter)) {
			first = c
		}
	}
	for name := range before {
		if !seen[name] {
			bad = append(bad, name+" Missing")
		}
	}
	switch {
	case len(bad) > 0:
		return "", fmt.Errorf("after the rotation: %s", strings.Join(slices.Sorted(slices.Values(bad)), ", "))
	case len(stale) > 0:
		return "", fmt.Errorf("k3s did not issue these anew (the same serial as before): %s", strings.Join(slices.Sorted(slices.Values(stale)), ", "))
	case first == nil:
		return "", fmt.Errorf("no k3s certificate found after the rotation")
	}
	return fmt.Sprintf("%d k3s certificates, %d issued anew; the first to expire is %s, in %s", n, len(before), first.Name, first.Residual), nil
}
