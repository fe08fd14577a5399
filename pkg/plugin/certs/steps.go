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
	case "probe":
		p := o.Probe()
		rep.Probe = &p
	case StepSnapshot:
		rep.File, rep.Message, err = o.Snapshot(ctx)
	case StepBackup:
		rep.File, rep.Message, err = o.Backup()
	case StepKubeadm:
		rep.Message, err = o.KubeadmRenew(ctx)
	case StepRestart:
		rep.Message, err = o.RestartStaticPod(ctx, r)
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
