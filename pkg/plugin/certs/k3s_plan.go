package certs

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// NodeTarget and FileTarget name what a step acts on in the plan.
func NodeTarget(node string) execute.Target {
	return execute.Target{Version: "v1", Resource: "nodes", Kind: "Node", Name: node}
}

// FileTarget is a node file or directory.
func FileTarget(p string) execute.Target {
	return execute.Target{Resource: "file", Name: p}
}

// unitTarget is a systemd unit on the node.
func unitTarget(unit string) execute.Target {
	return execute.Target{Resource: "systemd-unit", Name: unit}
}

// APIFlavour is what the API says a node is: k3s stamps its kubelet
// version (v1.33.4+k3s1) and annotates its nodes (k3s.io/node-args); ""
// when the node says nothing of k3s. why is the evidence, for the plan.
func APIFlavour(n *corev1.Node) (flavour, why string) {
	v := n.Status.NodeInfo.KubeletVersion
	switch {
	case strings.Contains(v, "+k3s"):
		return FlavourK3s, "kubelet " + v
	case n.Annotations["k3s.io/node-args"] != "":
		return FlavourK3s, "annotation k3s.io/node-args"
	case n.Labels["node.kubernetes.io/instance-type"] == "k3s":
		return FlavourK3s, "label node.kubernetes.io/instance-type=k3s"
	}
	return "", ""
}

// PlanK3s adds a k3s server's steps: snapshot (or why none), backup,
// stop, rotate, start, wait until Ready, re-check; kubeconfig, when not
// "", is the node's admin kubeconfig for --update-kubeconfig.
func (r *Renewal) PlanK3s(node string, p *K3sProbe, o *NodeOps, why, kubeconfig string) {
	add := func(verb, component string, t execute.Target) *Step {
		s := r.Add(node, verb, component, t)
		s.Flavour = FlavourK3s
		return s
	}
	if st := p.Started; st != nil {
		s := add(StepK3sStart, "", unitTarget(p.Service))
		s.Outcome = execute.Outcome{Result: execute.Succeeded, Message: "a rotation that was cut short had left " + p.Service + " stopped: started it again, before anything else (" + st.Message + ")"}
	}
	snap := add(StepK3sSnapshot, "", FileTarget(path.Join(o.Layout.K3sDir, "server/db/snapshots")))
	if p.EmbeddedEtcd {
		snap.Outcome.Message = "k3s etcd-snapshot save, while k3s still runs"
	} else {
		snap.Outcome = execute.Outcome{Result: execute.Skipped, Message: "this k3s server runs no embedded etcd: it stores its state in " + p.Datastore + "; back that up yourself"}
	}
	add(StepBackup, "", FileTarget(o.BackupDir)).Outcome.Message = "tar.gz of " + strings.Join(o.k3sBackupDirs(), ", ")
	add(StepK3sStop, "", unitTarget(p.Service)).Outcome.Message = "k3s (" + p.Version + ", " + why + "); the start below is attempted whatever happens after this stop"
	add(StepK3sRotate, "", FileTarget(p.TLSDir)).Outcome.Message = "will run " + p.Binary + " certificate rotate --data-dir=" + o.Layout.K3sDir + " (k3s writes new certificates when it starts)"
	add(StepK3sStart, "", unitTarget(p.Service))
	add(StepWaitReady, "", NodeTarget(node))
	add(StepRecheck, "", NodeTarget(node))
	if kubeconfig != "" {
		add(StepKubeconfig, "", FileTarget(kubeconfig))
	}
}

// K3sOutcomes are the outcomes of the stop, rotate and start steps from
// a finished rotation's report.
func K3sOutcomes(rot *K3sRotation) (stop, rotate, start execute.Outcome) {
	part := func(p K3sPart, notRun string) execute.Outcome {
		switch {
		case p.Error != "":
			return execute.Outcome{Result: execute.Failed, Message: p.Error}
		case !p.Done:
			return execute.Outcome{Result: execute.Skipped, Message: notRun}
		}
		return execute.Outcome{Result: execute.Succeeded, Message: p.Message}
	}
	return part(rot.Stop, "not run"), part(rot.Rotate, "not run: the stop did not succeed"), part(rot.Start, "not run")
}

// SetK3s records a node's rotation for its later steps (wait, re-check).
func (r *Renewal) SetK3s(node string, rot *K3sRotation) {
	if r.k3s == nil {
		r.k3s = map[string]*K3sRotation{}
	}
	r.k3s[node] = rot
}

// K3s is the node's rotation, nil before it ran.
func (r *Renewal) K3s(node string) *K3sRotation { return r.k3s[node] }

// StepOf is node's step of verb.
func (r *Renewal) StepOf(node, verb string) *Step {
	for _, s := range r.Status.Steps {
		if s.Node == node && string(s.Verb) == verb {
			return s
		}
	}
	return nil
}

// WaitNodeReady waits until the API answers and node's kubelet proves it
// runs again after a restart: its Lease renewed (a renewTime other than
// the first one read, so no clock is compared) and the Node Ready. A node
// the API does not know is an error unless mayBeUnknown (--local, where
// the node's name is only this machine's host name): then it says so.
func WaitNodeReady(ctx context.Context, kube kubernetes.Interface, node string, timeout time.Duration, mayBeUnknown bool) (string, error) {
	deadline := time.Now().Add(timeout)
	var first *metav1.MicroTime
	last := "no answer yet"
	for {
		msg, done, err := nodeReadyOnce(ctx, kube, node, &first)
		switch {
		case apierrors.IsNotFound(err) && mayBeUnknown:
			return "Ready not confirmed: the API has no node " + node + " (" + err.Error() + ")", nil
		case err != nil:
			last = err.Error()
		case done:
			return msg, nil
		default:
			last = msg
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("node %s not Ready within %s of the start (%s)", node, timeout, last)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func nodeReadyOnce(ctx context.Context, kube kubernetes.Interface, node string, first **metav1.MicroTime) (string, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	n, err := kube.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		return "", false, err
	}
	var lease *coordinationv1.Lease
	if lease, err = kube.CoordinationV1().Leases(corev1.NamespaceNodeLease).Get(ctx, node, metav1.GetOptions{}); err != nil {
		return "", false, err
	}
	renewed := lease.Spec.RenewTime
	if renewed == nil {
		return "its lease was never renewed", false, nil
	}
	if *first == nil {
		*first = renewed
		return "waiting for the kubelet to renew its lease", false, nil
	}
	if renewed.Equal(*first) {
		return "the kubelet has not renewed its lease since " + (*first).UTC().Format(time.RFC3339), false, nil
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			if c.Status != corev1.ConditionTrue {
				return "Ready is " + string(c.Status) + ": " + c.Message, false, nil
			}
			return fmt.Sprintf("the API answers; node Ready, its kubelet (%s) renewed its lease at %s", n.Status.NodeInfo.KubeletVersion, renewed.UTC().Format(time.RFC3339)), true, nil
		}
	}
	return "no Ready condition", false, nil
}

// K3sRollback is how to roll a k3s server back from its backup archive.
func K3sRollback(archive, service string) string {
	return fmt.Sprintf("restore the k3s certificates: systemctl stop %s; tar xzf %s -C /; systemctl start %s", service, archive, service)
}
