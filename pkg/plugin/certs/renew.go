package certs

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"
	"time"
)

// NodeOps are the node-side steps of a renewal. Every path is the node's
// own and every one is a flag, so a test (or an unusual install) can aim
// the whole renewal at files it owns.
type NodeOps struct {
	// Host is the node's root here; it comes from where the steps run,
	// not from the settings the plugin sends.
	Host   Host   `json:"-"`
	Layout Layout `json:"layout"`
	// StaticPodDir is the kubelet's staticPodPath (default
	// <KubernetesDir>/manifests).
	StaticPodDir string `json:"staticPodDir,omitempty"`
	// BackupDir receives the etcd snapshot, the tar.gz and the parked
	// manifests (default /var/backups/kubectl-akash).
	BackupDir string `json:"backupDir,omitempty"`
	// EtcdEnv is kubespray's /etc/etcd.env with the ETCDCTL_* settings.
	EtcdEnv string `json:"etcdEnv,omitempty"`
	// Etcdctl and Kubeadm are the binaries on the node ("" = the usual places).
	Etcdctl string `json:"etcdctl,omitempty"`
	Kubeadm string `json:"kubeadm,omitempty"`
	// CertDir is what kubeadm renews (default <KubernetesDir>/pki).
	CertDir string `json:"certDir,omitempty"`
	// EtcdService is kubespray's etcd systemd unit ("" = not restarted).
	EtcdService string `json:"etcdService"`
	// K3s is the k3s binary ("" = the usual places), K3sService its
	// systemd unit (default k3s), Systemctl the systemctl to run ("" =
	// the node's, from PATH).
	K3s        string `json:"k3s,omitempty"`
	K3sService string `json:"k3sService,omitempty"`
	Systemctl  string `json:"systemctl,omitempty"`
	// Proc is the host's /proc, where a stopped static pod's processes are
	// looked for.
	Proc string           `json:"-"`
	Now  func() time.Time `json:"-"`
	// GuardArgv, when set, is the command line of a static-pod restart's
	// guardian for the run token given: the agent's own
	// `certs-renew` guard step (see Guard). Unset, the restart runs in this
	// process (--local).
	GuardArgv func(token string) []string `json:"-"`

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
	// KubeadmTool is what that kubeadm is and the renewal command built
	// from its help; CrossCheck says how its check-expiration compared.
	KubeadmTool *KubeadmTool `json:"kubeadmTool,omitempty"`
	CrossCheck  string       `json:"crossCheck,omitempty"`
	// StaticPods are the manifests' base names (kube-apiserver, ...).
	StaticPods []string `json:"staticPods"`
	// Restored are manifests found left parked and put back (before the
	// rest was looked at).
	Restored []Restored `json:"restored,omitempty"`
	// K3s is set on a k3s server (the kubeadm fields are then empty).
	K3s      *K3sProbe `json:"k3s,omitempty"`
	Problems []string  `json:"problems,omitempty"`
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

// etcdutl is the node path of etcdutl: beside the etcdctl in use first
// (etcd's release archives ship both in one directory, often not one of
// binDirs), else the first of binDirs that has it.
func (o *NodeOps) etcdutl() string {
	if ctl := o.find(o.Etcdctl, "etcdctl"); ctl != "" {
		if p := path.Join(path.Dir(ctl), "etcdutl"); o.Host.Exists(p) {
			return p
		}
	}
	return o.find("", "etcdutl")
}

// Probe looks at the node without changing anything.
func (o *NodeOps) Probe() Probe {
	p := Probe{EtcdEnv: o.Host.Exists(o.EtcdEnv), Etcdctl: o.find(o.Etcdctl, "etcdctl"),
		Etcdutl: o.etcdutl(), Kubeadm: o.find(o.Kubeadm, "kubeadm"), StaticPods: []string{}}
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
// shares the host's network and PID namespaces. It returns stdout and
// stderr together.
func (o *NodeOps) run(ctx context.Context, env []string, argv ...string) (string, error) {
	out, errOut, err := o.runIn(ctx, "/", env, argv...)
	return strings.TrimSpace(strings.Join([]string{out, errOut}, "\n")), err
}

// runIn is run chrooted into the node directory root ("/": the node's
// root), with stdout and stderr apart: a tool's JSON is its stdout alone.
func (o *NodeOps) runIn(ctx context.Context, root string, env []string, argv ...string) (string, string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin", "HOME=/root"}, env...)
	if chroot := o.Host.path(root); chroot != "/" {
		attr, err := chrootAttr(chroot)
		if err != nil {
			return "", "", err
		}
		cmd.SysProcAttr = attr
		cmd.Dir = "/"
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	stdout, stderr := strings.TrimSpace(out.String()), strings.TrimSpace(errOut.String())
	if err != nil {
		return stdout, stderr, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, lastLines(strings.TrimSpace(stdout+"\n"+stderr), 3))
	}
	return stdout, stderr, nil
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
	trailer, err := VerifySnapshot(o.Host.path(file))
	if err != nil {
		return file, "", fmt.Errorf("the snapshot %s is damaged: %w", file, err)
	}
	// `snapshot status` reads the database itself: etcdutl's since 3.5,
	// etcdctl's before 3.6 (etcdctl 3.6 prints its help for it and exits 0,
	// so it is asked only when its help lists status).
	var status []string
	if u := o.etcdutl(); u != "" {
		status = []string{u, "snapshot", "status", file, "-w", "table"}
	} else if help, _ := o.run(ctx, env, etcdctl, "snapshot", "--help"); regexp.MustCompile(`(?m)^\s+status\b`).MatchString(help) {
		status = []string{etcdctl, "snapshot", "status", file, "-w", "table"}
	}
	if status == nil {
		if !trailer {
			return file, "", fmt.Errorf("the snapshot %s cannot be verified: it has no sha256 trailer, and there is no etcdutl (nor an etcdctl with snapshot status) to read it", file)
		}
		return file, fmt.Sprintf("%s (%d bytes); its sha256 trailer matches (no etcdutl on the node, and %s has no snapshot status)", file, fi.Size(), etcdctl), nil
	}
	out, err := o.run(ctx, env, status...)
	if err != nil || !strings.Contains(strings.ToUpper(out), "HASH") {
		return file, "", fmt.Errorf("the snapshot %s cannot be read back: %v: %s", file, err, lastLines(out, 2))
	}
	return file, fmt.Sprintf("%s (%d bytes); %s: %s", file, fi.Size(), path.Base(status[0])+" snapshot status", lastLines(out, 2)), nil
}

// VerifySnapshot checks the sha256 etcd appends to a snapshot it streams
// (etcdctl saves it with the database): ok when it is there and matches,
// an error when it is there and does not, false when there is none.
func VerifySnapshot(file string) (bool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return false, err
	}
	const magic = 0xED0CDAED // bbolt's, in the first meta page
	if len(b) < 64 || binary.LittleEndian.Uint32(b[16:20]) != magic {
		return false, fmt.Errorf("not a bbolt database")
	}
	n := len(b) - sha256.Size
	if n%512 != 0 {
		return false, nil // a database without a trailer is whole pages
	}
	if sum := sha256.Sum256(b[:n]); !bytes.Equal(sum[:], b[n:]) {
		return false, fmt.Errorf("its sha256 trailer does not match its content (truncated or corrupted)")
	}
	return true, nil
}

// KubeadmRenew runs `kubeadm certs renew all` on the node, as the node's
// kubeadm accepts it (see KubeadmTool), then checks that it did: every
// certificate and kubeconfig kubeadm renews expires later than before, and
// kubeadm's own check-expiration, where it has one, agrees with this
// command's reading.
func (o *NodeOps) KubeadmRenew(ctx context.Context) (string, error) {
	k, err := o.KubeadmTool(ctx)
	if err != nil {
		return "", err
	}
	before := Scan(o.Host, o.Layout)
	if _, _, err := o.runIn(ctx, k.Root, nil, k.Renew...); err != nil {
		return "", err
	}
	after := map[string]Certificate{}
	for _, c := range Scan(o.Host, o.Layout) {
		after[c.Name] = c
	}
	var stale []string
	renewed := 0
	for _, b := range before {
		if (b.Source != SourceKubeadm && b.Source != SourceKubeconfig) || b.Name == "kubelet.conf" || b.IsCA || b.NotAfter == nil {
			continue
		}
		if a := after[b.Name]; a.NotAfter == nil || !a.NotAfter.After(b.NotAfter.Time) {
			stale = append(stale, b.Name)
			continue
		}
		renewed++
	}
	if len(stale) > 0 {
		return "", fmt.Errorf("kubeadm %s finished, but these do not expire any later than before: %s", k.Version, strings.Join(stale, ", "))
	}
	cross, err := o.crossCheck(ctx, k)
	if err != nil {
		return "", fmt.Errorf("after the renewal: %w", err)
	}
	return fmt.Sprintf("kubeadm %s renewed %d certificates and kubeconfigs; %s", k.Version, renewed, cross), nil
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
