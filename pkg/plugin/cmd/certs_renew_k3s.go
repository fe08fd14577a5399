package cmd

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// apiFlavour is what the API says of node's installer ("" when it says
// nothing, or there is no API to ask).
func (o *CertsRenewOptions) apiFlavour(ctx context.Context, node string) (string, string) {
	if o.clients == nil {
		return "", ""
	}
	n, err := o.clients.Kube.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		return "", ""
	}
	return certs.APIFlavour(n)
}

// setFlavour names the flavour of a kubeadm node's steps.
func (o *CertsRenewOptions) setFlavour(ren *certs.Renewal, node string, p *certs.Probe) {
	f := certs.FlavourKubeadm
	if p.EtcdEnv && !p.EtcdStaticPod {
		f = certs.FlavourKubespray
	}
	for _, s := range ren.Status.Steps {
		if s.Node == node && s.Flavour == "" {
			s.Flavour = f
		}
	}
}

// planK3s plans a k3s server (see certs.Renewal.PlanK3s).
func (o *CertsRenewOptions) planK3s(ren *certs.Renewal, node string, p *certs.K3sProbe, why string, first bool) {
	kubeconfig := ""
	if first && o.UpdateKubeconfig {
		kubeconfig = path.Join(o.Nodes.NodeRoot, "etc/rancher/k3s/k3s.yaml")
	}
	ren.PlanK3s(node, p, o.Ops, why, kubeconfig)
}

// rotateK3s runs the node's stop → rotate → start as one node-side step
// (the start must follow whatever happens) and gives the stop, rotate and
// start steps their outcomes; the engine then goes on from the first that
// failed. In a debug pod the exec stream breaks when k3s, which serves the
// API, stops: the node finishes on its own, and its report is read back
// once the API answers again.
func (o *CertsRenewOptions) rotateK3s(ctx context.Context, ren *certs.Renewal, n renewNode, s *certs.Step) (string, error) {
	rep, err := n.step(ctx, certs.StepK3sRotate, certs.Restart{})
	if err != nil && !o.Nodes.Local {
		rep, err = o.awaitK3s(ctx, n, err)
	}
	if err == nil && rep.Error != "" {
		err = errors.New(rep.Error)
	}
	if err != nil {
		return "", err
	}
	ren.SetK3s(s.Node, rep.K3s)
	stop, rotate, start := certs.K3sOutcomes(rep.K3s)
	if r := ren.StepOf(s.Node, certs.StepK3sRotate); r != nil {
		r.Outcome = rotate
	}
	if st := ren.StepOf(s.Node, certs.StepK3sStart); st != nil && st.Result == execute.Planned {
		st.Outcome = start
	}
	if stop.Result.Failure() {
		return "", errors.New(stop.Message)
	}
	return stop.Message, nil
}

// awaitK3s reads the rotation's report after the exec stream broke,
// until the node says it is finished.
func (o *CertsRenewOptions) awaitK3s(ctx context.Context, n renewNode, cause error) (certs.StepReport, error) {
	deadline := time.Now().Add(o.StopTimeout + o.ReadyTimeout)
	for {
		rep, err := n.step(ctx, certs.StepK3sStatus, certs.Restart{})
		if err == nil && rep.K3s != nil && rep.K3s.Finished {
			return rep, nil
		}
		if time.Now().After(deadline) {
			return rep, fmt.Errorf("the exec stream broke while k3s restarted (%v), and the node's report did not say the rotation finished within %s: check `systemctl status k3s` on the node (%v)", cause, o.StopTimeout+o.ReadyTimeout, err)
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
}

// doK3sStep runs the k3s steps that need more than one node-side step;
// ok is false for any other step.
func (o *CertsRenewOptions) doK3sStep(ctx context.Context, ren *certs.Renewal, n renewNode, s *certs.Step) (string, bool, error) {
	switch {
	case s.Verb == certs.StepK3sStop:
		msg, err := o.rotateK3s(ctx, ren, n, s)
		return msg, true, err
	case s.Verb == certs.StepK3sRotate || s.Verb == certs.StepK3sStart:
		return "", true, fmt.Errorf("%s runs as part of %s: this is a bug", s.Verb, certs.StepK3sStop)
	case s.Verb == certs.StepWaitReady:
		if o.clients == nil {
			return "Ready not confirmed: no API client (systemd says k3s is active)", true, nil
		}
		msg, err := certs.WaitNodeReady(ctx, o.clients.Kube, s.Node, o.ReadyTimeout, o.Nodes.Local)
		return msg, true, err
	case s.Verb == certs.StepRecheck && s.Flavour == certs.FlavourK3s:
		list, err := n.scan(ctx)
		if err != nil {
			return "", true, err
		}
		var before map[string]string
		if rot := ren.K3s(s.Node); rot != nil {
			before = rot.Before
		}
		msg, err := certs.K3sRecheck(time.Now(), list, before)
		return msg, true, err
	}
	return "", false, nil
}
