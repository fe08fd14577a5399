package nodecheck

import (
	"context"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// LocalOptions are CheckLocal's.
type LocalOptions struct {
	// Only and Skip select checks by name (see Select).
	Only, Skip []string
	Check      Options
	// KubeletConfig is the kubelet's configuration file on this machine;
	// "" lets the kubelet check find the running kubelet's.
	KubeletConfig string
	// Clients, when it gives a client, names the pods and leases of the
	// findings; an operator on a node may have no kubeconfig.
	Clients func() (*cli.Clients, error)
	// Read, when set, names them from pods and lease namespaces already
	// read (doctor's snapshot) instead, with no read and no Clients.
	Read *Read
}

// Read is pods and lease namespaces a caller has already read.
type Read struct {
	Pods       []corev1.Pod
	Namespaces []corev1.Namespace
}

// CheckLocal is `node-debug health --local`: the checks on env, in this
// process. Pods are named through the API when it can be reached; when it
// cannot, the list is still whole and warning says why pods are shown by
// UID only.
func CheckLocal(ctx context.Context, env agent.Env, o LocalOptions) (list *HealthList, warning, err error) {
	rep, warning, err := LocalReport(ctx, env, o)
	if err != nil {
		return nil, nil, err
	}
	return NewHealthList([]Report{rep}, nil), warning, nil
}

// LocalReport is CheckLocal's report before it becomes a list: doctor
// --local folds it into its own.
func LocalReport(ctx context.Context, env agent.Env, o LocalOptions) (rep Report, warning, err error) {
	opts := o.Check
	if o.KubeletConfig != "" {
		b, err := os.ReadFile(o.KubeletConfig)
		if err != nil {
			return Report{}, nil, fmt.Errorf("--kubelet-config: %w", err)
		}
		if opts.Kubelet, err = ParseKubeletConfigFile(b, o.KubeletConfig); err != nil {
			return Report{}, nil, err
		}
	}
	if rep, err = RunLocal(ctx, env, o.Only, o.Skip, opts); err != nil {
		return Report{}, nil, err
	}
	reports := []Report{rep}
	if len(PodUIDs(reports)) == 0 {
		return rep, nil, nil
	}
	if o.Read != nil {
		Attribute(reports, o.Read.Pods, o.Read.Namespaces)
	} else if o.Clients != nil {
		clients, err := o.Clients()
		if err == nil {
			var pods []corev1.Pod
			var namespaces []corev1.Namespace
			if pods, namespaces, err = ListPodsAndLeases(ctx, clients); err == nil {
				Attribute(reports, pods, namespaces)
			}
		}
		if err != nil {
			warning = fmt.Errorf("pods and leases are shown by UID only: %v", err)
		}
	}
	return reports[0], warning, nil
}
