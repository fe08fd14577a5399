package renew

import (
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/certs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodedebug"
)

// stepArgv runs one node-side step in the debug pod with every setting of
// ops and r; a step that changes the node gets the --yes of the plan the
// operator confirmed.
func stepArgv(o *certs.NodeOps, step string, r certs.Restart) []string {
	argv := append([]string{"kubectl-akash", "agent", "certs-renew", step, "--host-root=" + nodedebug.HostRoot, "--proc-root=/proc"},
		layoutArgs(o.Layout)...)
	argv = append(argv, "--static-pod-dir="+o.StaticPodDir, "--backup-dir="+o.BackupDir, "--etcd-env="+o.EtcdEnv,
		"--etcdctl="+o.Etcdctl, "--kubeadm="+o.Kubeadm, "--cert-dir="+o.CertDir, "--etcd-service="+o.EtcdService,
		"--k3s="+o.K3s, "--k3s-service="+o.K3sService, "--systemctl="+o.Systemctl,
		"--component="+r.Name, "--pod-uid="+r.PodUID, "--out="+r.Out.String(), "--stop-timeout="+r.Timeout.String())
	if ChangesTheNode(step) {
		argv = append(argv, "--yes") // the operator confirmed the plan
	}
	return argv
}

// readArgv copies a node file to the agent's stdout.
func readArgv(file string) []string {
	return []string{"kubectl-akash", "agent", "certs-renew", "read", file, "--host-root=" + nodedebug.HostRoot}
}

// scanArgv reads the node's certificates, as certs check does.
func scanArgv(l certs.Layout) []string {
	return append([]string{"kubectl-akash", "agent", "certs", "--host-root=" + nodedebug.HostRoot}, layoutArgs(l)...)
}

// layoutArgs passes the layout to the agent.
func layoutArgs(l certs.Layout) []string {
	return []string{"--kubernetes-dir=" + l.KubernetesDir, "--etcd-ssl-dir=" + l.EtcdSSLDir,
		"--kubelet-pki-dir=" + l.KubeletPKIDir, "--k3s-dir=" + l.K3sDir}
}
