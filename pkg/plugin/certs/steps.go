package certs

import (
	"context"
	"fmt"
)

// RunStep runs one node-side step and reports it; the agent prints the
// report as JSON, --local uses it directly, so both run the same code.
func (o *NodeOps) RunStep(ctx context.Context, step string, r Restart) StepReport {
	var rep StepReport
	var err error
	switch step {
	case StepProbe:
		if o.IsK3sServer() {
			p := Probe{StaticPods: []string{}}
			p.K3s, p.Problems = o.ProbeK3s(ctx)
			rep.Probe = &p
			break
		}
		// A manifest left parked is put back before the node is looked at,
		// so the component counts as there.
		restored, busy := o.RestoreParked("")
		p := o.Probe()
		p.Restored = restored
		p.Problems = append(p.Problems, busy...)
		if p.Kubeadm != "" {
			o.probeKubeadm(ctx, &p)
		}
		for _, rs := range restored {
			if rs.Error != "" {
				p.Problems = append(p.Problems, rs.Error)
			}
		}
		rep.Probe = &p
	case StepSnapshot:
		rep.File, rep.Message, err = o.Snapshot(ctx)
	case StepBackup:
		rep.File, rep.Message, err = o.Backup()
	case StepKubeadm:
		rep.Message, err = o.KubeadmRenew(ctx)
	case StepRestart:
		if o.GuardArgv != nil {
			rep.Message, rep.Guard, err = o.restartGuarded(ctx, r)
		} else {
			rep.Message, err = o.RestartStaticPod(ctx, r)
		}
	case StepRestartStatus:
		st, restored := o.GuardState(r.Name)
		rep.Guard = &st
		if len(restored) > 0 {
			rep.Message = restoredText(o, r.Name, st, restored)
		}
	case StepK3sSnapshot:
		rep.File, rep.Message, err = o.K3sSnapshot(ctx)
	case StepK3sRotate:
		rep.K3s, err = o.K3sRotate(ctx)
	case StepK3sStatus:
		rep.K3s, err = o.K3sStatus()
	case StepEtcdSvc:
		rep.Message, err = o.RestartEtcdService(ctx)
	default:
		err = fmt.Errorf("unknown step %q", step)
	}
	if err != nil {
		rep.Error = err.Error()
	}
	return rep
}

// probeKubeadm asks the node's kubeadm what it is and accepts, and whether
// it reads the certificates this command reads: a kubeadm that would renew
// other files than the ones checked is a problem, found before any change.
func (o *NodeOps) probeKubeadm(ctx context.Context, p *Probe) {
	k, err := o.KubeadmTool(ctx)
	if err != nil {
		p.Problems = append(p.Problems, err.Error())
		return
	}
	p.KubeadmTool = k
	cross, err := o.crossCheck(ctx, k)
	if err != nil {
		p.Problems = append(p.Problems, err.Error()+": it would not renew what this command checks")
		return
	}
	p.CrossCheck = cross
}
