package renew

import (
	"fmt"
	"path"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// Rollback runs after the steps: at the first failed step it marks every
// later planned step as not run and writes how to roll back
// (Renewal.Status.Rollback).
func (r *Renewer) Rollback() {
	for _, s := range r.ren.Status.Steps {
		if s.Result.Failure() {
			r.stop(s)
			return
		}
	}
}

// stop skips every step after failed and writes the rollback.
func (r *Renewer) stop(failed *certs.Step) {
	o, ren := r.cfg.Ops, r.ren
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
				fmt.Fprintf(&b, "\n  %s", certs.K3sRollback(f, o.K3sService))
			case failed.Flavour == certs.FlavourK3s:
				fmt.Fprintf(&b, "\n  the etcd data as it was before: %s (k3s server --cluster-reset --cluster-reset-restore-path=%s), only if etcd itself was damaged", f, f)
			case strings.HasSuffix(f, ".tar.gz"):
				fmt.Fprintf(&b, "\n  restore the certificates and kubeconfigs: tar xzf %s -C / (it holds %s and %s), then restart the static pods by moving each manifest out of %s for more than 20s and back", f, o.Layout.KubernetesDir, path.Dir(o.Layout.EtcdSSLDir), o.StaticPodDir)
			case strings.HasSuffix(f, ".db"):
				fmt.Fprintf(&b, "\n  the etcd data as it was before: %s (etcdutl snapshot restore), only if etcd itself was damaged", f)
			}
		}
	}
	if failed.Flavour == certs.FlavourK3s {
		fmt.Fprintf(&b, "\n  check that %s runs: systemctl status %s (the %s step says whether it was started again)", o.K3sService, o.K3sService, certs.StepK3sStart)
	}
	if failed.Verb == certs.StepRestart {
		fmt.Fprintf(&b, "\n  check that %s.yaml is back in %s (it is also parked in %s/parked-manifests/)", failed.Component, o.StaticPodDir, o.BackupDir)
	}
	ren.Status.Rollback = b.String()
}
