package renew

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// doStep runs step s on node n and says how it went.
func (r *Renewer) doStep(ctx context.Context, n node, s *certs.Step) (string, error) {
	if msg, ok, err := r.doK3sStep(ctx, n, s); ok {
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
			r.ren.Status.Backups[s.Node] = append(r.ren.Status.Backups[s.Node], rep.File)
		}
		if err != nil || (s.Verb != certs.StepSnapshot && s.Verb != certs.StepK3sSnapshot) || r.cfg.SnapshotDir == "" {
			return rep.Message, err
		}
		local, err := r.copySnapshot(ctx, n, s.Node, rep.File)
		return rep.Message + "; copied to " + local, err
	case certs.StepRestart:
		return r.restart(ctx, n, s)
	case certs.StepRecheck:
		return recheck(ctx, n)
	case certs.StepKubeconfig:
		return r.updateKubeconfig(ctx, n, s.Target.Name)
	}
	return "", fmt.Errorf("unknown step %q", s.Verb)
}

// copySnapshot copies the node's snapshot into --snapshot-dir and checks
// that something arrived.
func (r *Renewer) copySnapshot(ctx context.Context, n node, name, file string) (string, error) {
	if err := os.MkdirAll(r.cfg.SnapshotDir, 0o700); err != nil {
		return "", err
	}
	local := filepath.Join(r.cfg.SnapshotDir, name+"-"+path.Base(file))
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
func recheck(ctx context.Context, n node) (string, error) {
	list, err := n.scan(ctx)
	if err != nil {
		return "", err
	}
	return recheckList(time.Now(), list)
}

// recheckList judges a kubeadm node's certificates after its renewal, at now.
func recheckList(now time.Time, list []certs.Certificate) (string, error) {
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
