package renew

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// doK3sStep runs the k3s steps that need more than one node-side step;
// ok is false for any other step.
func (r *Renewer) doK3sStep(ctx context.Context, n node, s *certs.Step) (string, bool, error) {
	switch {
	case s.Verb == certs.StepK3sStop:
		msg, err := r.rotateK3s(ctx, n, s)
		return msg, true, err
	case s.Verb == certs.StepK3sRotate || s.Verb == certs.StepK3sStart:
		return "", true, fmt.Errorf("%s runs as part of %s: this is a bug", s.Verb, certs.StepK3sStop)
	case s.Verb == certs.StepWaitReady:
		if r.cfg.Clients == nil {
			return "Ready not confirmed: no API client (systemd says k3s is active)", true, nil
		}
		msg, err := certs.WaitNodeReady(ctx, r.cfg.Clients.Kube, s.Node, r.cfg.ReadyTimeout, r.cfg.Local)
		return msg, true, err
	case s.Verb == certs.StepRecheck && s.Flavour == certs.FlavourK3s:
		list, err := n.scan(ctx)
		if err != nil {
			return "", true, err
		}
		var before map[string]string
		if rot := r.ren.K3s(s.Node); rot != nil {
			before = rot.Before
		}
		msg, err := certs.K3sRecheck(time.Now(), list, before)
		return msg, true, err
	}
	return "", false, nil
}

// rotateK3s runs the node's stop → rotate → start as one node-side step
// (the start must follow whatever happens) and gives the stop, rotate and
// start steps their outcomes; the engine then goes on from the first that
// failed. In a debug pod the exec stream breaks when k3s, which serves the
// API, stops: the node finishes on its own, and its report is read back
// once the API answers again.
func (r *Renewer) rotateK3s(ctx context.Context, n node, s *certs.Step) (string, error) {
	rep, err := n.step(ctx, certs.StepK3sRotate, certs.Restart{})
	if err != nil && !r.cfg.Local {
		rep, err = r.awaitK3s(ctx, n, err)
	}
	if err == nil && rep.Error != "" {
		err = errors.New(rep.Error)
	}
	if err != nil {
		return "", err
	}
	r.ren.SetK3s(s.Node, rep.K3s)
	stop, rotate, start := certs.K3sOutcomes(rep.K3s)
	if st := r.ren.StepOf(s.Node, certs.StepK3sRotate); st != nil {
		st.Outcome = rotate
	}
	if st := r.ren.StepOf(s.Node, certs.StepK3sStart); st != nil && st.Result == execute.Planned {
		st.Outcome = start
	}
	if stop.Result.Failure() {
		return "", errors.New(stop.Message)
	}
	return stop.Message, nil
}

// awaitK3s reads the rotation's report after the exec stream broke,
// until the node says it is finished.
func (r *Renewer) awaitK3s(ctx context.Context, n node, cause error) (certs.StepReport, error) {
	limit := r.cfg.StopTimeout + r.cfg.ReadyTimeout
	deadline := time.Now().Add(limit)
	for {
		rep, err := n.step(ctx, certs.StepK3sStatus, certs.Restart{})
		if err == nil && rep.K3s != nil && rep.K3s.Finished {
			return rep, nil
		}
		if time.Now().After(deadline) {
			return rep, fmt.Errorf("the exec stream broke while k3s restarted (%v), and the node's report did not say the rotation finished within %s: check `systemctl status k3s` on the node (%v)", cause, limit, err)
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}
