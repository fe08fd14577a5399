package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// renewVerbs are the step verbs of a renewal, all applied by renewApplier.
var renewVerbs = []execute.Verb{certs.StepSnapshot, certs.StepBackup, certs.StepKubeadm, certs.StepRestart,
	certs.StepEtcdSvc, certs.StepRecheck, certs.StepKubeconfig,
	certs.StepK3sSnapshot, certs.StepK3sStop, certs.StepK3sRotate, certs.StepK3sStart, certs.StepWaitReady}

// renewApplier runs renewal steps on their node: it opens the node (a
// debug pod, or this machine) at the node's first step and keeps it for
// the node's whole group.
type renewApplier struct {
	o    *CertsRenewOptions
	ren  *certs.Renewal
	open map[string]renewNode
}

// step finds the renewal step behind an action.
func (r *renewApplier) step(a *execute.Action) *certs.Step {
	for _, s := range r.ren.Status.Steps {
		if s.Action == a {
			return s
		}
	}
	return nil
}

// Apply runs one step. A server dry run changes nothing on a node: there
// is no API server to rehearse a node step on.
func (r *renewApplier) Apply(ctx context.Context, a *execute.Action, dryRun cmdutil.DryRunStrategy) execute.Outcome {
	s := r.step(a)
	if s == nil {
		return execute.Outcome{Result: execute.Failed, Message: "a renewal step outside the renewal: this is a bug"}
	}
	if dryRun != cmdutil.DryRunNone {
		return execute.Outcome{Result: execute.DryRun, Message: "would " + string(s.Verb) + " " + s.TargetText() + " (dry run: nothing done)"}
	}
	n := r.open[s.Node]
	if n == nil {
		var err error
		if n, err = r.o.open(ctx, s.Node); err != nil {
			return execute.Outcome{Result: execute.Failed, Message: err.Error()}
		}
		r.open[s.Node] = n
	}
	msg, err := r.o.doStep(ctx, r.ren, n, s)
	if err != nil {
		return execute.Outcome{Result: execute.Failed, Message: err.Error()}
	}
	return execute.Outcome{Result: execute.Succeeded, Message: msg}
}

// Rehearse is the client dry run of a step; what the plan found out (the
// node's kubeadm and its command) stays in the message.
func (r *renewApplier) Rehearse(a *execute.Action) execute.Outcome {
	if s := r.step(a); s != nil {
		msg := "would " + string(s.Verb) + " " + s.TargetText() + " (dry run: nothing done)"
		if a.Message != "" {
			msg += ": " + a.Message
		}
		return execute.Outcome{Result: execute.DryRun, Message: msg}
	}
	return execute.Outcome{Result: execute.DryRun, Message: "would " + a.Describe()}
}

// EndGroup releases the node once its steps are over.
func (r *renewApplier) EndGroup(g *execute.Group) {
	for node, n := range r.open {
		if "node "+node == g.Subject {
			n.close()
			delete(r.open, node)
		}
	}
}

// rollbackAdvice writes how to roll back after the first failed step.
func (o *CertsRenewOptions) rollbackAdvice(ren *certs.Renewal) {
	for _, s := range ren.Status.Steps {
		if s.Result.Failure() {
			o.stop(ren, s)
			return
		}
	}
}

// stop skips every step after failed and writes the rollback.
func (o *CertsRenewOptions) stop(ren *certs.Renewal, failed *certs.Step) {
	after := false
	for _, s := range ren.Status.Steps {
		if s == failed {
			after = true
			continue
		}
		if after && s.Result == execute.Planned {
			s.Outcome = execute.Outcome{Result: execute.Skipped, Message: "not run: an earlier step failed"}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Step %s on node %s failed; nothing after it was run.", failed.Verb, failed.Node)
	files := ren.Status.Backups[failed.Node]
	if len(files) == 0 {
		b.WriteString(" No backup had been written on that node yet, so its files are as they were before the renewal.")
	} else {
		b.WriteString(" To roll back on " + failed.Node + ":")
		for _, f := range files {
			switch {
			case failed.Flavour == certs.FlavourK3s && strings.HasSuffix(f, ".tar.gz"):
				fmt.Fprintf(&b, "\n  %s", certs.K3sRollback(f, o.Ops.K3sService))
			case failed.Flavour == certs.FlavourK3s:
				fmt.Fprintf(&b, "\n  the etcd data as it was before: %s (k3s server --cluster-reset --cluster-reset-restore-path=%s), only if etcd itself was damaged", f, f)
			case strings.HasSuffix(f, ".tar.gz"):
				fmt.Fprintf(&b, "\n  restore the certificates and kubeconfigs: tar xzf %s -C / (it holds %s and %s), then restart the static pods by moving each manifest out of %s for more than 20s and back", f, o.Ops.Layout.KubernetesDir, path.Dir(o.Ops.Layout.EtcdSSLDir), o.Ops.StaticPodDir)
			case strings.HasSuffix(f, ".db"):
				fmt.Fprintf(&b, "\n  the etcd data as it was before: %s (etcdutl snapshot restore), only if etcd itself was damaged", f)
			}
		}
	}
	if failed.Flavour == certs.FlavourK3s {
		fmt.Fprintf(&b, "\n  check that %s runs: systemctl status %s (the %s step says whether it was started again)", o.Ops.K3sService, o.Ops.K3sService, certs.StepK3sStart)
	}
	if failed.Verb == certs.StepRestart {
		fmt.Fprintf(&b, "\n  check that %s.yaml is back in %s (it is also parked in %s/parked-manifests/)", failed.Component, o.Ops.StaticPodDir, o.Ops.BackupDir)
	}
	ren.Status.Rollback = b.String()
}

// runStep runs one step and records its outcome.
func (o *CertsRenewOptions) runStep(ctx context.Context, ren *certs.Renewal, n renewNode, s *certs.Step) {
	msg, err := o.doStep(ctx, ren, n, s)
	if err != nil {
		s.Outcome = execute.Outcome{Result: execute.Failed, Message: err.Error()}
		return
	}
	s.Outcome = execute.Outcome{Result: execute.Succeeded, Message: msg}
}

func (o *CertsRenewOptions) doStep(ctx context.Context, ren *certs.Renewal, n renewNode, s *certs.Step) (string, error) {
	if msg, ok, err := o.doK3sStep(ctx, ren, n, s); ok {
		return msg, err
	}
	switch s.Verb {
	case certs.StepSnapshot, certs.StepK3sSnapshot, certs.StepBackup, certs.StepKubeadm, certs.StepEtcdSvc:
		rep, err := n.step(ctx, string(s.Verb), certs.Restart{})
		if err == nil && rep.Error != "" {
			err = errors.New(rep.Error)
		}
		if rep.File != "" && err == nil {
			// Only a verified file: the rollback advice restores from it.
			ren.Status.Backups[s.Node] = append(ren.Status.Backups[s.Node], rep.File)
		}
		if err != nil || (s.Verb != certs.StepSnapshot && s.Verb != certs.StepK3sSnapshot) || o.SnapshotDir == "" {
			return rep.Message, err
		}
		local, err := o.copySnapshot(ctx, n, s.Node, rep.File)
		return rep.Message + "; copied to " + local, err
	case certs.StepRestart:
		return o.restart(ctx, n, s)
	case certs.StepRecheck:
		return o.recheck(ctx, n)
	case certs.StepKubeconfig:
		return o.updateKubeconfig(ctx, n, s.Target.Name)
	}
	return "", fmt.Errorf("unknown step %q", s.Verb)
}

// copySnapshot copies the node's snapshot into --snapshot-dir and checks
// that something arrived.
func (o *CertsRenewOptions) copySnapshot(ctx context.Context, n renewNode, node, file string) (string, error) {
	if err := os.MkdirAll(o.SnapshotDir, 0o700); err != nil {
		return "", err
	}
	local := filepath.Join(o.SnapshotDir, node+"-"+path.Base(file))
	f, err := os.OpenFile(local, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	err = n.read(ctx, file, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return local, fmt.Errorf("copying the snapshot to %s: %w", local, err)
	}
	if fi, err := os.Stat(local); err != nil || fi.Size() == 0 {
		return local, fmt.Errorf("the copy %s of the snapshot is empty", local)
	}
	return local, nil
}

// recheck reads the node's certificates again: every kubeadm certificate
// and kubeconfig must now be present and unexpired.
func (o *CertsRenewOptions) recheck(ctx context.Context, n renewNode) (string, error) {
	list, err := n.scan(ctx)
	if err != nil {
		return "", err
	}
	now := time.Now()
	var bad []string
	var first *certs.Certificate
	for i := range list {
		c := &list[i]
		c.Assess(now, 0)
		if c.Source != certs.SourceKubeadm && !(c.Source == certs.SourceKubeconfig && c.Name != "kubelet.conf") {
			continue
		}
		switch c.Status {
		case certs.Expired, certs.Missing, certs.Error:
			bad = append(bad, c.Name+" "+string(c.Status))
		}
		if c.NotAfter != nil && !c.IsCA && (first == nil || c.NotAfter.Before(first.NotAfter)) {
			first = c
		}
	}
	if len(bad) > 0 {
		return "", fmt.Errorf("after the renewal: %s", strings.Join(bad, ", "))
	}
	if first == nil {
		return "", fmt.Errorf("no kubeadm certificate found after the renewal")
	}
	return fmt.Sprintf("%d certificates; the first to expire is %s, in %s", len(list), first.Name, first.Residual), nil
}

// mirrorState is what the API says about a static pod's mirror pod.
type mirrorState struct {
	uid        string
	containers string
	ready      bool
}

// mirror reads the mirror pod of a static pod (nil when the API cannot say).
func (o *CertsRenewOptions) mirror(ctx context.Context, name string) (*mirrorState, error) {
	if o.clients == nil {
		return nil, fmt.Errorf("no API client")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := o.clients.Kube.CoreV1().Pods(o.StaticNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	st := &mirrorState{uid: p.Annotations["kubernetes.io/config.mirror"]}
	var ids []string
	for _, c := range p.Status.ContainerStatuses {
		ids = append(ids, c.ContainerID)
	}
	st.containers = strings.Join(ids, ",")
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			st.ready = true
		}
	}
	return st, nil
}

// restart restarts one static pod on the node (see certs.RestartStaticPod;
// in a debug pod the node's guardian does, certs.NodeOps.Guard) and waits
// until its mirror pod is Ready with containers other than before. While
// kube-apiserver itself restarts, the exec stream to the debug pod may
// break; the guardian still puts the manifest back, so the broken stream is
// noted and readiness decides, counted from the end of the window.
func (o *CertsRenewOptions) restart(ctx context.Context, n renewNode, s *certs.Step) (string, error) {
	before, berr := o.mirror(ctx, s.Target.Name)
	r := certs.Restart{Name: s.Component, Out: o.OutPeriod, Timeout: o.StopTimeout}
	if before != nil {
		r.PodUID = before.uid
	}
	began := time.Now()
	rep, err := n.step(ctx, certs.StepRestart, r)
	note := rep.Message
	deadline := time.Now().Add(o.ReadyTimeout)
	if err != nil {
		// No report: the manifest may stay out for the whole window yet.
		deadline = began.Add(r.Out + r.Timeout + certs.GuardSlack + o.ReadyTimeout)
	}
	switch {
	case err == nil && rep.Error != "":
		return "", errors.New(rep.Error)
	case err != nil && s.Component != "kube-apiserver":
		return "", err
	case err != nil:
		note = "the exec stream broke while the API server restarted (" + err.Error() + ")"
	}
	if before == nil {
		return note + "; Ready not confirmed: the mirror pod could not be read before (" + berr.Error() + ")", nil
	}
	var last string
	for {
		now, err := o.mirror(ctx, s.Target.Name)
		switch {
		case err != nil:
			last = err.Error()
		case !now.ready:
			last = "not Ready"
		case now.containers == before.containers:
			last = "still the same container " + now.containers
		default:
			return note + "; Ready with new container " + now.containers, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s: not Ready with a new container within %s of its restart (%s)", s.Target.Name, o.ReadyTimeout, last)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
