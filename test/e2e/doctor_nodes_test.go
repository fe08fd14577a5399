package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/doctor"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodecheck"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

// nodeFinding is the finding of check with code for the pod named pod, or
// nil.
func nodeFinding(rep *doctor.Report, check, code, pod string) *doctor.Finding {
	for _, r := range rep.Status.Results {
		if r.Name != check {
			continue
		}
		for i := range r.Findings {
			if r.Findings[i].Code == code && r.Findings[i].Pod == pod {
				return &r.Findings[i]
			}
		}
	}
	return nil
}

// TestDoctorRealNode: on the real kubelet node, doctor's node section finds
// the zombies a lease pod leaves, names the pod, its lease and tenant and
// the fix, exits 3, and leaves no debug pod behind.
func TestDoctorRealNode(t *testing.T) {
	c := cluster.Get(t)
	node := c.NeedRealNode(t)
	ns := c.Namespace(t, "doctor-node")
	labelLease(t, c, ns, 8438117)
	leakyPod(t, c, node, ns, "leaky")

	var rep *doctor.Report
	var r result
	eventually(t, 90*time.Second, func(context.Context) (bool, string, error) {
		r = kubectlAkash(t, c, runOpts{}, "doctor", node, "--image", c.AgentImage, "--debug-namespace", ns,
			"--checks", "zombies,pids,failed-pods", "-o", "json")
		if r.code == 1 {
			return false, "", nil
		}
		rep = decodeDoctor(t, r)
		return nodeFinding(rep, "zombies", nodecheck.CodeZombies, "leaky") != nil, r.stdout + r.stderr, nil
	})
	if r.code != 3 {
		t.Errorf("zombies are a finding: exit %d\n%s", r.code, r.stderr)
	}
	f := nodeFinding(rep, "zombies", nodecheck.CodeZombies, "leaky")
	if f.Namespace != ns || f.Node != node || f.Owner != healthOwner || f.DSeq != "8438117" || f.Fix == "" || f.Message == "" {
		t.Errorf("the zombie finding: %+v", f)
	}
	if res := checkOf(t, rep, "zombies"); res.Section != "processes" || res.Scanned != 1 {
		t.Errorf("zombies result: %+v", res)
	}
	if res := checkOf(t, rep, "pids"); res.Status == doctor.StatusError || res.Status == doctor.StatusSkipped {
		t.Errorf("pids ran in the same pod: %+v", res)
	}
	if len(rep.Spec.Nodes) != 1 || rep.Spec.Nodes[0] != node {
		t.Errorf("nodes: %v", rep.Spec.Nodes)
	}
	pods, err := c.Kube().CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Name != "leaky" {
			t.Errorf("debug pod %s left behind", p.Name)
		}
	}
}

// TestDoctorLocalBuiltRoot: --local runs the node checks on a host root
// built here (dying memory cgroups, a leaked subPath mount, memory PSI and
// the OOM kill of a lease pod's process) beside the cluster checks, and
// ties the OOM kill to the pod's lease through the snapshot.
func TestDoctorLocalBuiltRoot(t *testing.T) {
	c := cluster.Get(t)
	ctx := context.Background()
	leaseNS := c.Namespace(t, "doctor-local")
	labelLease(t, c, leaseNS, 778)
	pod, err := c.Kube().CoreV1().Pods(leaseNS).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "web-0", Labels: map[string]string{akash.LabelManaged: "true", akash.LabelManifestService: "web"}},
		Spec: corev1.PodSpec{NodeSelector: map[string]string{"kubectl-akash.test/no-such-node": "true"},
			Containers: []corev1.Container{{Name: "web", Image: "nginx"}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	uid := string(pod.UID)
	const gone = "d5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f81"
	host, proc := builtHostRoot(t, uid, gone, "35a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca", "183961")

	r := kubectlAkash(t, c, runOpts{}, "doctor", "--local", "--host-root", host, "--proc-root", proc, "--kernel-log", "/var/log/kern.log",
		"--checks", "memcg,mounts,pressure,failed-pods", "-o", "json")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rep := decodeDoctor(t, r)
	oom := nodeFinding(rep, "pressure", nodecheck.CodeOOMKillPod, "web-0")
	if oom == nil || oom.Namespace != leaseNS || oom.Owner != healthOwner || oom.DSeq != "778" || oom.Fix == "" {
		t.Errorf("the OOM kill's pod and lease: %+v\n%s", oom, r.stdout)
	}
	if res := checkOf(t, rep, "memcg"); res.Status != doctor.StatusFindings || res.Section != "memory" {
		t.Errorf("memcg: %+v", res)
	}
	if res := checkOf(t, rep, "mounts"); res.Status != doctor.StatusFindings {
		t.Errorf("mounts: %+v", res)
	}
	if res := checkOf(t, rep, "failed-pods"); res.Status == doctor.StatusError || res.Status == doctor.StatusSkipped {
		t.Errorf("the cluster check runs beside --local: %+v", res)
	}
	if res := checkOf(t, rep, "zombies"); res.Status != doctor.StatusSkipped {
		t.Errorf("--checks leaves zombies out: %+v", res)
	}
}

// builtHostRoot builds a node's host root and /proc with a problem for
// each of the memcg, mounts and pressure checks: 31,877 dying memory
// cgroups, a leaked subPath mount of pod gone, memory PSI, and a kernel
// log whose OOM kill hit process pid of container cid of pod podUID.
func builtHostRoot(t *testing.T, podUID, gone, cid, pid string) (host, proc string) {
	t.Helper()
	root := t.TempDir()
	host, proc = filepath.Join(root, "host"), filepath.Join(root, "proc")
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(host, "sys/fs/cgroup/cgroup.controllers"), "cpuset cpu io memory pids\n")
	write(filepath.Join(host, "sys/fs/cgroup/cgroup.stat"), "nr_descendants 212\nnr_dying_descendants 31877\n")
	write(filepath.Join(proc, "sys/kernel/osrelease"), "5.15.0-126-generic\n")
	write(filepath.Join(proc, "1/mountinfo"), "22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw\n"+
		"813 22 259:1 /var/lib/kubelet/pods/"+gone+"/volumes/kubernetes.io~empty-dir/data /var/lib/kubelet/pods/"+gone+"/volume-subpaths/data/app/0 rw,relatime shared:1 - ext4 /dev/root rw\n")
	write(filepath.Join(proc, "pressure/memory"), "some avg10=41.07 avg60=30.55 avg300=12.02 total=7712345678\nfull avg10=22.31 avg60=12.80 avg300=4.44 total=3312345678\n")
	write(filepath.Join(proc, "meminfo"), "MemTotal: 16384000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n")
	memcg := "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(podUID, "-", "_") + ".slice"
	write(filepath.Join(host, "var/log/kern.log"),
		"[ 8523.347322] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-"+cid+".scope,mems_allowed=0,oom_memcg="+memcg+
			",task_memcg="+memcg+"/cri-containerd-"+cid+".scope,task=node,pid="+pid+",uid=0\n"+
			"[ 8523.347333] Memory cgroup out of memory: Killed process "+pid+" (node) total-vm:1299192kB, anon-rss:493176kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:1400kB oom_score_adj:984\n")
	return host, proc
}
