package certs

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// Restart says how to restart one static pod.
type Restart struct {
	// Name is the manifest's base name (<StaticPodDir>/<Name>.yaml); the pod
	// in it must have the same name, as kubeadm's do.
	Name string
	// PodUID is the static pod's UID (the mirror pod's
	// kubernetes.io/config.mirror annotation), when the API could say: the
	// restart then waits until no process of that pod is left on the node.
	PodUID string
	// Out is how long the manifest stays out at least: longer than the
	// kubelet's file-check period (20s by default), so the kubelet sees it
	// gone even without inotify.
	Out time.Duration
	// Timeout bounds the wait for the pod's processes to end.
	Timeout time.Duration
}

// RestartStaticPod restarts a static pod the way that works: deleting its
// mirror pod through the API does not (the kubelet recreates the mirror and
// the container keeps running with its old certificates). It moves the
// manifest out of the static-pod dir, waits at least r.Out and until the
// pod's processes are gone, and always moves it back — also on timeout or
// interruption — so the component is never left without its manifest.
// The caller then waits for the mirror pod to be Ready with a new container.
//
// It runs in this process and holds the component's restart lock, so no
// other run restores or restarts the same manifest meanwhile; a debug pod's
// agent runs it in a guardian instead (see Guard), which outlives the pod.
func (o *NodeOps) RestartStaticPod(ctx context.Context, r Restart) (string, error) {
	unlock, err := o.lockRestart(r.Name)
	if err != nil {
		return "", err
	}
	defer unlock()
	return o.restartLocked(ctx, r, nil)
}

// parking is one manifest moved out of the static-pod dir; back moves it
// back, once, whoever calls it first (the restart, or a guardian's
// watchdog).
type parking struct {
	manifest, parked string // node paths
	from, to         string // the same, in this process's view
	began            time.Time
	once             sync.Once
	err              error
}

func (p *parking) back() error {
	p.once.Do(func() { p.err = move(p.to, p.from) })
	return p.err
}

// park checks the manifest (a pod of the same name) and moves it out.
func (o *NodeOps) park(r Restart) (*parking, error) {
	manifest := path.Join(o.StaticPodDir, r.Name+".yaml")
	b, err := o.Host.ReadFile(manifest)
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	var pod corev1.Pod
	if err := yaml.Unmarshal(b, &pod); err != nil {
		return nil, fmt.Errorf("%s is not a pod manifest: %w", manifest, err)
	}
	if pod.Name != r.Name {
		return nil, fmt.Errorf("%s holds pod %q, not %q: refusing to guess which mirror pod to wait for", manifest, pod.Name, r.Name)
	}
	p := &parking{manifest: manifest, parked: o.parkedPath(r.Name)}
	p.from, p.to = o.Host.path(p.manifest), o.Host.path(p.parked)
	if err := os.MkdirAll(path.Dir(p.to), 0o700); err != nil {
		return nil, err
	}
	if err := move(p.from, p.to); err != nil {
		return nil, fmt.Errorf("moving %s out: %w", manifest, err)
	}
	p.began = o.Now()
	return p, nil
}

// restartLocked is RestartStaticPod once the lock is held; onParked, when
// set, learns of the parked manifest before the wait begins.
func (o *NodeOps) restartLocked(ctx context.Context, r Restart, onParked func(*parking)) (msg string, err error) {
	p, err := o.park(r)
	if err != nil {
		return "", err
	}
	defer func() {
		if mErr := p.back(); mErr != nil {
			msg = ""
			err = fmt.Errorf("MOVING THE MANIFEST BACK FAILED, put %s back at %s by hand: %v (after: %v)", p.parked, p.manifest, mErr, err)
		}
	}()
	if onParked != nil {
		onParked(p)
	}
	deadline := p.began.Add(r.Out + r.Timeout)
	for {
		left := 0
		if r.PodUID != "" {
			left = o.podProcesses(r.PodUID)
		}
		if o.Now().Sub(p.began) >= r.Out && left == 0 {
			break
		}
		if o.Now().After(deadline) {
			return "", fmt.Errorf("%d process(es) of pod %s still run %s after its manifest was moved out; the manifest is put back", left, r.PodUID, r.Out+r.Timeout)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("interrupted while %s was out; the manifest is put back: %w", p.manifest, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	how := "its processes ended"
	if r.PodUID == "" {
		how = "its pod UID was unknown, so only the time was waited for"
	}
	return fmt.Sprintf("manifest out for %s (%s), then back", o.Now().Sub(p.began).Round(time.Second), how), nil
}

// podProcesses counts the node's processes in the cgroup of pod uid.
func (o *NodeOps) podProcesses(uid string) int {
	fsys := procfs.FS{Proc: o.Proc, Host: o.Host.Root}
	pids, err := fsys.PIDs()
	if err != nil {
		return 0
	}
	n := 0
	for _, pid := range pids {
		lines, err := fsys.Cgroup(pid)
		if err != nil {
			continue
		}
		for _, l := range lines {
			if pc, ok := procfs.ParsePodCgroup(l.Path); ok && strings.EqualFold(pc.PodUID, uid) {
				n++
				break
			}
		}
	}
	return n
}

// move renames, or copies and removes across filesystems; the copy is
// synced before the source goes.
func move(from, to string) error {
	if err := os.Rename(from, to); err == nil {
		return nil
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".tmp")
	dst, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, to); err != nil {
		return err
	}
	return os.Remove(from)
}
