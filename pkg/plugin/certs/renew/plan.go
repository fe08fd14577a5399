package renew

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
)

// planNode probes the node (changing nothing) and plans its steps. A node
// that lacks what the renewal needs (kubeadm; etcdctl where etcd runs)
// stops the whole command before anything is changed anywhere.
func (r *Renewer) planNode(ctx context.Context, node Node, first bool) error {
	n, err := r.openNode(ctx, node.Name)
	if err != nil {
		return err
	}
	defer n.close()
	rep, err := n.step(ctx, certs.StepProbe, certs.Restart{})
	if err == nil && rep.Error != "" {
		err = fmt.Errorf("%s", rep.Error)
	}
	if err != nil {
		return fmt.Errorf("probing node %s: %w", node.Name, err)
	}
	p := rep.Probe
	var apiFlavour, why string
	if node.API != nil {
		apiFlavour, why = certs.APIFlavour(node.API)
	}
	if p.K3s != nil {
		if len(p.Problems) > 0 {
			return fmt.Errorf("k3s server %s cannot be renewed safely, nothing was changed: %s", node.Name, strings.Join(p.Problems, "; "))
		}
		if why == "" {
			why = "found " + p.K3s.TLSDir
		}
		kubeconfig := ""
		if first && r.cfg.UpdateKubeconfig {
			kubeconfig = path.Join(r.cfg.NodeRoot, "etc/rancher/k3s/k3s.yaml")
		}
		r.ren.PlanK3s(node.Name, p.K3s, r.cfg.Ops, why, kubeconfig)
		return nil
	}
	if apiFlavour == certs.FlavourK3s {
		return fmt.Errorf("node %s is k3s (%s) but %s/server/tls is not on it, nothing was changed: pass --k3s-dir (k3s's --data-dir; the provider playbooks set their own)", node.Name, why, r.cfg.Ops.Layout.K3sDir)
	}
	defer r.setFlavour(node.Name, p)
	return r.planKubeadm(node.Name, p, first)
}

// planKubeadm plans a kubeadm or kubespray node: snapshot, backup, kubeadm
// certs renew, the static pods' restarts, kubespray's etcd service, the
// re-check and the kubeconfig.
func (r *Renewer) planKubeadm(node string, p *certs.Probe, first bool) error {
	o, ren := r.cfg.Ops, r.ren
	// The probe put back any manifest a cut-short restart left parked,
	// before anything else: the plan says so, each as a step already done.
	for _, rs := range p.Restored {
		s := ren.Add(node, certs.StepRestoreParked, rs.Component, certs.FileTarget(rs.Manifest))
		s.Outcome = execute.Outcome{Result: execute.Succeeded, Message: "it was left parked in " + rs.Parked + " by a restart that was cut short: moved back, so the kubelet runs " + rs.Component + " again"}
		if rs.Error != "" {
			s.Outcome = execute.Outcome{Result: execute.Failed, Message: rs.Error}
		}
	}
	etcd := p.EtcdStaticPod || p.EtcdEnv
	if etcd && p.Etcdctl == "" {
		p.Problems = append(p.Problems, "etcd runs here but there is no etcdctl for the snapshot (pass --etcdctl)")
	}
	if len(p.Problems) > 0 {
		return fmt.Errorf("node %s cannot be renewed safely, nothing was changed: %s", node, strings.Join(p.Problems, "; "))
	}
	snap := ren.Add(node, certs.StepSnapshot, "", certs.FileTarget(o.BackupDir))
	if !etcd {
		snap.Outcome = execute.Outcome{Result: execute.Skipped, Message: fmt.Sprintf("no etcd on this node (no etcd.yaml in %s, no %s)", o.StaticPodDir, o.EtcdEnv)}
	}
	ren.Add(node, certs.StepBackup, "", certs.FileTarget(o.BackupDir))
	kubeadm := ren.Add(node, certs.StepKubeadm, "", certs.FileTarget(o.CertDir))
	if k := p.KubeadmTool; k != nil {
		msg := "will run " + k.String()
		if p.CrossCheck != "" {
			msg += "; before: " + p.CrossCheck
		}
		kubeadm.Outcome = execute.Outcome{Result: execute.Planned, Message: msg}
	}
	pods := r.cfg.StaticPods
	if p.EtcdStaticPod && !slices.Contains(pods, "etcd") {
		pods = append([]string{"etcd"}, pods...)
	}
	for _, name := range pods {
		s := ren.Add(node, certs.StepRestart, name, execute.Target{Version: "v1", Resource: "pods", Kind: "Pod",
			Namespace: r.cfg.StaticNamespace, Name: name + "-" + node})
		if !slices.Contains(p.StaticPods, name) {
			s.Outcome = execute.Outcome{Result: execute.Skipped, Message: fmt.Sprintf("no %s.yaml in %s", name, o.StaticPodDir)}
		}
	}
	if p.EtcdEnv && !p.EtcdStaticPod {
		s := ren.Add(node, certs.StepEtcdSvc, "", execute.Target{Resource: "systemd-unit", Name: o.EtcdService})
		if o.EtcdService == "" {
			s.Outcome = execute.Outcome{Result: execute.Skipped, Message: "--etcd-service is empty: restart etcd yourself so it serves the renewed certificates"}
		}
	}
	ren.Add(node, certs.StepRecheck, "", certs.NodeTarget(node))
	if first && r.cfg.UpdateKubeconfig {
		ren.Add(node, certs.StepKubeconfig, "", certs.FileTarget(path.Join(o.Layout.KubernetesDir, "admin.conf")))
	}
	return nil
}

// setFlavour names the flavour of a kubeadm node's steps.
func (r *Renewer) setFlavour(node string, p *certs.Probe) {
	f := certs.FlavourKubeadm
	if p.EtcdEnv && !p.EtcdStaticPod {
		f = certs.FlavourKubespray
	}
	for _, s := range r.ren.Status.Steps {
		if s.Node == node && s.Flavour == "" {
			s.Flavour = f
		}
	}
}
