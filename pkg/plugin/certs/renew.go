package certs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"strings"
	"time"
)

// NodeOps are the node-side steps of a renewal. Every path is the node's
// own and every one is a flag, so a test (or an unusual install) can aim
// the whole renewal at files it owns.
type NodeOps struct {
	Host   Host
	Layout Layout
	// StaticPodDir is the kubelet's staticPodPath (default
	// <KubernetesDir>/manifests).
	StaticPodDir string
	// BackupDir receives the etcd snapshot, the tar.gz and the parked
	// manifests (default /var/backups/kubectl-akash).
	BackupDir string
	// EtcdEnv is kubespray's /etc/etcd.env with the ETCDCTL_* settings.
	EtcdEnv string
	// Etcdctl and Kubeadm are the binaries on the node ("" = the usual places).
	Etcdctl, Kubeadm string
	// CertDir is what kubeadm renews (default <KubernetesDir>/pki).
	CertDir string
	// EtcdService is kubespray's etcd systemd unit ("" = not restarted).
	EtcdService string
	// Proc is the host's /proc, where a stopped static pod's processes are
	// looked for.
	Proc string
	Now  func() time.Time
	// GuardArgv, when set, runs each static-pod restart in a guardian
	// process started with it (plus --guard-token): the agent's own
	// `certs-renew guard` (see Guard). Unset, the restart runs in this
	// process (--local).
	GuardArgv []string

	leave      func() (string, error) // leaveCgroups, unless a test says
	exitFunc   func(int)              // os.Exit, unless a test says
	guardSlack time.Duration          // GuardSlack, unless a test says
}

// Defaults fills what was left empty.
func (o *NodeOps) Defaults() {
	if o.StaticPodDir == "" {
		o.StaticPodDir = path.Join(o.Layout.KubernetesDir, "manifests")
	}
	if o.BackupDir == "" {
		o.BackupDir = "/var/backups/kubectl-akash"
	}
	if o.EtcdEnv == "" {
		// kubespray's env file sits beside etc/kubernetes: /etc/etcd.env.
		o.EtcdEnv = path.Join(path.Dir(path.Dir(o.Layout.KubernetesDir)), "etc/etcd.env")
	}
	if o.CertDir == "" {
		o.CertDir = path.Join(o.Layout.KubernetesDir, "pki")
	}
	if o.Proc == "" {
		o.Proc = "/proc"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Probe is what a node has, for planning: which etcd, which binaries,
// which static pods.
type Probe struct {
	// EtcdStaticPod: etcd.yaml is in the static-pod dir (kubeadm's stacked etcd).
	EtcdStaticPod bool `json:"etcdStaticPod"`
	// EtcdEnv: the kubespray env file exists (etcd is a host service).
	EtcdEnv bool   `json:"etcdEnv"`
	Etcdctl string `json:"etcdctl,omitempty"`
	Etcdutl string `json:"etcdutl,omitempty"`
	Kubeadm string `json:"kubeadm,omitempty"`
	// StaticPods are the manifests' base names (kube-apiserver, ...).
	StaticPods []string `json:"staticPods"`
	// Restored are manifests found left parked and put back (before the
	// rest was looked at).
	Restored []Restored `json:"restored,omitempty"`
	Problems []string   `json:"problems,omitempty"`
}

// binDirs are where kubeadm, etcdctl and etcdutl usually are on a node.
var binDirs = []string{"/usr/local/bin", "/usr/bin", "/opt/bin", "/usr/local/sbin", "/usr/sbin"}

// find returns the node path of the binary: the explicit one, or the first
// of binDirs that has it.
func (o *NodeOps) find(explicit, name string) string {
	if explicit != "" {
		if o.Host.Exists(explicit) {
			return explicit
		}
		return ""
	}
	for _, d := range binDirs {
		if p := path.Join(d, name); o.Host.Exists(p) {
			return p
		}
	}
	return ""
}

// Probe looks at the node without changing anything.
func (o *NodeOps) Probe() Probe {
	p := Probe{EtcdEnv: o.Host.Exists(o.EtcdEnv), Etcdctl: o.find(o.Etcdctl, "etcdctl"),
		Etcdutl: o.find("", "etcdutl"), Kubeadm: o.find(o.Kubeadm, "kubeadm"), StaticPods: []string{}}
	entries, err := os.ReadDir(o.Host.path(o.StaticPodDir))
	if err != nil {
		p.Problems = append(p.Problems, fmt.Sprintf("cannot list the static-pod dir %s: %v", o.StaticPodDir, err))
	}
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			p.StaticPods = append(p.StaticPods, n)
			p.EtcdStaticPod = p.EtcdStaticPod || n == "etcd"
		}
	}
	if p.Kubeadm == "" {
		p.Problems = append(p.Problems, "no kubeadm on the node (pass --kubeadm)")
	}
	return p
}

// run runs argv on the node with env: in a chroot into the host's root
// when that is not / (a debug pod), so the node's own binaries find their
// libraries and their default paths mean the node's files. The pod already
// shares the host's network and PID namespaces.
func (o *NodeOps) run(ctx context.Context, env []string, argv ...string) (string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin", "HOME=/root"}, env...)
	if o.Host.Root != "" && o.Host.Root != "/" {
		attr, err := chrootAttr(o.Host.Root)
		if err != nil {
			return "", err
		}
		cmd.SysProcAttr = attr
		cmd.Dir = "/"
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := strings.TrimSpace(out.String())
	if err != nil {
		return text, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, lastLines(text, 3))
	}
	return text, nil
}

// lastLines keeps the end of a tool's output for a one-line message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// etcdEnv is how etcdctl reaches this node's etcd: kubespray's env file
// when there is one, else kubeadm's healthcheck client certificate.
func (o *NodeOps) etcdEnv() ([]string, error) {
	b, err := o.Host.ReadFile(o.EtcdEnv)
	if err == nil {
		var env []string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			line = strings.TrimPrefix(line, "export ")
			if k, v, ok := strings.Cut(line, "="); ok && strings.HasPrefix(k, "ETCDCTL_") {
				env = append(env, k+"="+strings.Trim(v, `"'`))
			}
		}
		return append(env, "ETCDCTL_API=3"), nil
	}
	if !os.IsNotExist(err) {
		return nil, fmt.Errorf("reading %s: %w", o.EtcdEnv, err)
	}
	pki := path.Join(o.Layout.KubernetesDir, "pki/etcd")
	return []string{"ETCDCTL_API=3", "ETCDCTL_ENDPOINTS=https://127.0.0.1:2379",
		"ETCDCTL_CACERT=" + path.Join(pki, "ca.crt"),
		"ETCDCTL_CERT=" + path.Join(pki, "healthcheck-client.crt"),
		"ETCDCTL_KEY=" + path.Join(pki, "healthcheck-client.key")}, nil
}

// stamp names this run's files.
func (o *NodeOps) stamp() string { return o.Now().UTC().Format("20060102T150405Z") }

// Snapshot saves an etcd snapshot into BackupDir with etcdctl and checks
// it: non-empty, and `snapshot status` (etcdutl's where etcdctl no longer
// has it) can read it. It returns the snapshot's node path.
func (o *NodeOps) Snapshot(ctx context.Context) (string, string, error) {
	etcdctl := o.find(o.Etcdctl, "etcdctl")
	if etcdctl == "" {
		return "", "", fmt.Errorf("no etcdctl on the node (pass --etcdctl PATH)")
	}
	env, err := o.etcdEnv()
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(o.Host.path(o.BackupDir), 0o700); err != nil {
		return "", "", err
	}
	file := path.Join(o.BackupDir, "etcd-snapshot-"+o.stamp()+".db")
	if _, err := o.run(ctx, env, etcdctl, "snapshot", "save", file); err != nil {
		return file, "", err
	}
	fi, err := os.Stat(o.Host.path(file))
	if err != nil {
		return file, "", fmt.Errorf("the snapshot %s was not written: %v", file, err)
	}
	if fi.Size() == 0 {
		return file, "", fmt.Errorf("the snapshot %s is empty", file)
	}
	status := []string{etcdctl, "snapshot", "status", file, "-w", "table"}
	if u := o.find("", "etcdutl"); u != "" {
		status = []string{u, "snapshot", "status", file, "-w", "table"}
	}
	out, err := o.run(ctx, env, status...)
	if err != nil {
		return file, "", fmt.Errorf("the snapshot %s cannot be read back: %w", file, err)
	}
	return file, fmt.Sprintf("%s (%d bytes); status: %s", file, fi.Size(), lastLines(out, 1)), nil
}

// KubeadmRenew runs `kubeadm certs renew all` on the node, with the
// layout's directories spelled out (they are kubeadm's defaults on a
// standard node).
func (o *NodeOps) KubeadmRenew(ctx context.Context) (string, error) {
	kubeadm := o.find(o.Kubeadm, "kubeadm")
	if kubeadm == "" {
		return "", fmt.Errorf("no kubeadm on the node (pass --kubeadm PATH)")
	}
	out, err := o.run(ctx, nil, kubeadm, "certs", "renew", "all",
		"--cert-dir="+o.CertDir, "--kubeconfig-dir="+o.Layout.KubernetesDir,
		"--kubeconfig="+path.Join(o.Layout.KubernetesDir, "admin.conf"))
	if err != nil {
		return "", err
	}
	return lastLines(out, 1), nil
}

// RestartEtcdService restarts kubespray's host etcd with systemctl.
func (o *NodeOps) RestartEtcdService(ctx context.Context) (string, error) {
	out, err := o.run(ctx, nil, "systemctl", "restart", o.EtcdService)
	if err != nil {
		return "", err
	}
	_, err = o.run(ctx, nil, "systemctl", "is-active", o.EtcdService)
	return lastLines(out, 1), err
}
