package renew

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
)

// mirrorState is what the API says about a static pod's mirror pod.
type mirrorState struct {
	uid        string
	containers string
	ready      bool
}

// mirror reads the mirror pod of a static pod, right before and while its
// restart (an executor-time read; an error when the API cannot say).
func (r *Renewer) mirror(ctx context.Context, name string) (*mirrorState, error) {
	if r.cfg.Clients == nil {
		return nil, fmt.Errorf("no API client")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := r.cfg.Clients.Kube.CoreV1().Pods(r.cfg.StaticNamespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return mirrorOf(p), nil
}

// mirrorOf is what a restart compares of a mirror pod: the static pod's
// UID, its containers and whether it is Ready.
func mirrorOf(p *corev1.Pod) *mirrorState {
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
	return st
}

// restart restarts one static pod on the node (see certs.RestartStaticPod;
// in a debug pod the node's guardian does, certs.NodeOps.Guard) and waits
// until its mirror pod is Ready with containers other than before. While
// kube-apiserver itself restarts, the exec stream to the debug pod may
// break; the guardian still puts the manifest back, so the broken stream is
// noted and readiness decides, counted from the end of the window.
func (r *Renewer) restart(ctx context.Context, n node, s *certs.Step) (string, error) {
	before, berr := r.mirror(ctx, s.Target.Name)
	rs := certs.Restart{Name: s.Component, Out: r.cfg.OutPeriod, Timeout: r.cfg.StopTimeout}
	if before != nil {
		rs.PodUID = before.uid
	}
	began := time.Now()
	rep, err := n.step(ctx, certs.StepRestart, rs)
	note := rep.Message
	deadline := time.Now().Add(r.cfg.ReadyTimeout)
	if err != nil {
		// No report: the manifest may stay out for the whole window yet.
		deadline = began.Add(rs.Out + rs.Timeout + certs.GuardSlack + r.cfg.ReadyTimeout)
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
		now, err := r.mirror(ctx, s.Target.Name)
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
			return "", fmt.Errorf("%s: not Ready with a new container within %s of its restart (%s)", s.Target.Name, r.cfg.ReadyTimeout, last)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
