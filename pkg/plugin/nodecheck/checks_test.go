package nodecheck

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
)

const (
	leaseUID = "3f1a6c2e-8b7d-4e0f-9a21-5c6d7e8f9012"
	otherUID = "7b2c9d40-1e3f-4a5b-8c6d-9e0f1a2b3c4d"
	goneUID  = "d5e6f7a8-b9c0-4d1e-8f2a-3b4c5d6e7f80"
)

func i32(v int32) *int32 { return &v }
func i64(v int64) *int64 { return &v }
func yes(v bool) *bool   { return &v }

func TestPidsOnQuietNode(t *testing.T) {
	h := newHost(t)
	h.pod(leaseUID, "12", "4096")
	r := h.run("pids", Options{Kubelet: &KubeletSettings{Source: "configz", PodPidsLimit: i64(4096), MaxPods: i32(110)}})
	if r.Status != StatusOK {
		t.Fatalf("quiet node: %s %s %s", r.Status, r.Reason, codes(r))
	}
	if v, _ := metricOf(r, "kubectl_akash_node_tasks", nil); v != 500 {
		t.Errorf("tasks = %v, want 500 from loadavg", v)
	}
	if v, _ := metricOf(r, "kubectl_akash_node_kubelet_pod_pids_limit", nil); v != 4096 {
		t.Errorf("podPidsLimit metric = %v", v)
	}
	if f := findingOf(t, r, CodeTopPIDPods); f.PodUID != leaseUID || f.Severity != SeverityInfo {
		t.Errorf("top pod: %+v", f)
	}
}

func TestPidsPressure(t *testing.T) {
	h := newHost(t)
	h.proc("sys/kernel/pid_max", "32768\n")
	h.proc("loadavg", "9.0 9.0 9.0 3/31000 99\n")
	h.pod(leaseUID, "4090", "4096")
	h.pod(otherUID, "20", "max")
	r := h.run("pids", Options{Kubelet: &KubeletSettings{Source: "configz", PodPidsLimit: i64(-1)}})
	if r.Status != StatusFindings {
		t.Fatalf("status %s", r.Status)
	}
	findingOf(t, r, CodePIDMax)
	if f := findingOf(t, r, CodePodPidsFull); f.PodUID != leaseUID || f.Severity != SeverityError {
		t.Errorf("pod near pids.max: %+v", f)
	}
	if f := findingOf(t, r, CodePodPidsUnset); f.Severity != SeverityWarning || !strings.Contains(f.Fix, "podPidsLimit") {
		t.Errorf("unset podPidsLimit: %+v", f)
	}
	if f := findingOf(t, r, CodeTopPIDPods); f.PodUID != otherUID || !strings.Contains(f.Message, "no limit") {
		t.Errorf("top pods skip the one already reported: %+v", f)
	}
	// Without the kubelet's configuration the check says so and goes on.
	r = h.run("pids", Options{KubeletError: "reading the kubelet's configuration of node node-1 needs RBAC get on nodes/proxy"})
	if f := findingOf(t, r, CodePodPidsUnknown); !strings.Contains(f.Message, "nodes/proxy") {
		t.Errorf("unknown podPidsLimit: %+v", f)
	}
	findingOf(t, r, CodePIDMax)
}

// cgroup v1 (cgroupfs driver, as on the project's real node): pods under
// /sys/fs/cgroup/pids/kubepods/<qos>/pod<uid>.
func TestPidsCgroupV1(t *testing.T) {
	h := newHost(t)
	if err := os.Remove(filepath.Join(h.env.HostRoot, "sys/fs/cgroup/cgroup.controllers")); err != nil {
		t.Fatal(err)
	}
	h.file("sys/fs/cgroup/pids/kubepods/besteffort/pod"+leaseUID+"/pids.current", "100\n")
	h.file("sys/fs/cgroup/pids/kubepods/besteffort/pod"+leaseUID+"/pids.max", "100\n")
	r := h.run("pids", Options{})
	if f := findingOf(t, r, CodePodPidsFull); f.PodUID != leaseUID {
		t.Errorf("v1 pod: %+v", f)
	}
}

func TestMemcgV2DyingDescendants(t *testing.T) {
	h := newHost(t)
	h.file("sys/fs/cgroup/cgroup.stat", "nr_descendants 180\nnr_dying_descendants 48213\n")
	r := h.run("memcg", Options{})
	f := findingOf(t, r, CodeDyingMemcg)
	if f.Severity != SeverityError || !strings.Contains(f.Message, "48213") || !strings.Contains(f.Message, "6.8.0-49-generic") || !strings.Contains(f.Fix, "drop_caches") {
		t.Errorf("dying memcgs: %+v", f)
	}
	h.file("sys/fs/cgroup/cgroup.stat", "nr_descendants 180\nnr_dying_descendants 5000\nnr_dying_subsys_memory 1500\n")
	r = h.run("memcg", Options{})
	if f := findingOf(t, r, CodeDyingMemcg); f.Severity != SeverityWarning || !strings.Contains(f.Message, "1500 dying") {
		t.Errorf("the memory controller's own count wins: %+v", f)
	}
	h.file("sys/fs/cgroup/cgroup.stat", "nr_descendants 180\nnr_dying_descendants 3\n")
	if r = h.run("memcg", Options{}); r.Status != StatusOK {
		t.Errorf("3 dying cgroups: %s %s", r.Status, codes(r))
	}
}

func TestMemcgV1(t *testing.T) {
	h := newHost(t)
	os.Remove(filepath.Join(h.env.HostRoot, "sys/fs/cgroup/cgroup.controllers"))
	h.proc("cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\nmemory\t4\t2503\t1\npids\t8\t1\t1\n")
	for _, d := range []string{"kubepods/burstable", "kubepods/besteffort", "system.slice"} {
		if err := os.MkdirAll(filepath.Join(h.env.HostRoot, "sys/fs/cgroup/memory", d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r := h.run("memcg", Options{})
	// 2503 counted, 5 directories (the root, kubepods, two QoS, system.slice).
	if f := findingOf(t, r, CodeDyingMemcg); f.Severity != SeverityWarning || !strings.Contains(f.Message, "2498 dying") {
		t.Errorf("v1: %+v", f)
	}
}

func TestMountsLeaked(t *testing.T) {
	h := newHost(t)
	h.pod(leaseUID, "3", "4096") // running: its cgroup exists
	h.proc("1/mountinfo", strings.Join([]string{
		"22 1 259:1 / / rw,relatime shared:1 - ext4 /dev/root rw",
		"812 22 0:310 / /var/lib/kubelet/pods/" + leaseUID + "/volumes/kubernetes.io~projected/kube-api-access-x rw,relatime shared:400 - tmpfs tmpfs rw,size=262144k",
		"813 22 259:1 /var/lib/kubelet/pods/" + goneUID + "/volumes/kubernetes.io~empty-dir/data /var/lib/kubelet/pods/" + goneUID + "/volume-subpaths/data/app/0 rw,relatime shared:1 - ext4 /dev/root rw",
		"814 22 0:311 / /var/lib/kubelet/pods/" + goneUID + "/volumes/kubernetes.io~secret/my\\040secret rw,relatime shared:401 - tmpfs tmpfs rw",
		"815 22 0:312 / /data/kubelet/pods/" + otherUID + "/volumes/kubernetes.io~csi/pvc-1/mount rw,relatime shared:402 - ext4 /dev/sdb rw",
	}, "\n")+"\n")
	for i := 0; i < 1200; i++ {
		h.file("run/systemd/transient/run-r"+strconv.Itoa(i)+".mount", "")
	}
	h.file("run/systemd/transient/run-r1.scope", "")

	// The API server has otherUID on the node: only goneUID leaks.
	r := h.run("mounts", Options{PodsKnown: true, PodUIDs: []string{otherUID}})
	var leaked []Finding
	for _, f := range r.Findings {
		if f.Code == CodeLeakedMounts {
			leaked = append(leaked, f)
		}
	}
	if len(leaked) != 1 || leaked[0].PodUID != goneUID || !strings.Contains(leaked[0].Message, "2 mount(s)") || !strings.Contains(leaked[0].Message, "my secret") {
		t.Fatalf("leaked: %+v", leaked)
	}
	if f := findingOf(t, r, CodeTransientUnits); !strings.Contains(f.Message, "1200 transient") {
		t.Errorf("transient units: %+v", f)
	}
	// Without the API's pods, otherUID (no cgroup) is reported too, and the
	// finding says on what basis.
	r = h.run("mounts", Options{})
	n := 0
	for _, f := range r.Findings {
		if f.Code == CodeLeakedMounts {
			n++
			if !strings.Contains(f.Message, "were not compared") {
				t.Errorf("basis not said: %s", f.Message)
			}
		}
	}
	if n != 2 {
		t.Errorf("without the API: %d leaked pods, want 2", n)
	}
}

func TestKubeletUnderLoad(t *testing.T) {
	h := newHost(t)
	h.proc("meminfo", "MemTotal: 65843044 kB\nSwapTotal: 8388604 kB\nSwapFree: 8000000 kB\n")
	k := &KubeletSettings{Source: "configz", SerializeImagePulls: yes(true), KubeAPIQPS: i32(5), KubeAPIBurst: i32(10),
		EventRecordQPS: i32(1), RegistryPullQPS: i32(2), MaxPods: i32(500), EvictionHard: map[string]string{"memory.available": "100Mi"},
		FailSwapOn: yes(false)}
	k.MemorySwap = &struct {
		SwapBehavior string `json:"swapBehavior,omitempty"`
	}{SwapBehavior: "LimitedSwap"}
	r := h.run("kubelet", Options{Kubelet: k})
	want := "NC501:warning NC502:warning NC503:info NC504:warning NC505:warning NC506:warning NC507:info"
	if codes(r) != want {
		t.Errorf("codes = %s, want %s", codes(r), want)
	}
	if f := findingOf(t, r, CodeEviction); !strings.Contains(f.Message, "imagefs.available, nodefs.available") {
		t.Errorf("eviction: %s", f.Message)
	}
	good := &KubeletSettings{Source: "configz", SerializeImagePulls: yes(false), KubeAPIQPS: i32(50), KubeAPIBurst: i32(100),
		EventRecordQPS: i32(50), RegistryPullQPS: i32(5), MaxPods: i32(110), FailSwapOn: yes(true),
		EvictionHard: map[string]string{"memory.available": "100Mi", "nodefs.available": "10%", "imagefs.available": "15%"}}
	if r = h.run("kubelet", Options{Kubelet: good}); r.Status != StatusOK || len(r.Findings) != 0 {
		t.Errorf("good kubelet: %s %s", r.Status, codes(r))
	}
	if r = h.run("kubelet", Options{}); r.Status != StatusNotApplicable {
		t.Errorf("no configuration: %s", r.Status)
	}
	if r = h.run("kubelet", Options{KubeletError: "forbidden"}); r.Status != StatusError || !strings.HasPrefix(r.Reason, "forbidden; nor could the kubelet's --config file be read") {
		t.Errorf("unreadable configuration: %s %s", r.Status, r.Reason)
	}
}

func TestParseConfigz(t *testing.T) {
	k, err := ParseConfigz([]byte(`{"kubeletconfig":{"podPidsLimit":4096,"serializeImagePulls":true,"kubeAPIQPS":50,"evictionHard":{"memory.available":"100Mi"},"memorySwap":{}}}`))
	if err != nil || *k.PodPidsLimit != 4096 || !*k.SerializeImagePulls || *k.KubeAPIQPS != 50 || k.EvictionHard["memory.available"] != "100Mi" || k.Source != "configz" {
		t.Fatalf("%+v %v", k, err)
	}
	if _, err := ParseConfigz([]byte(`{"other":{}}`)); err == nil {
		t.Error("no kubeletconfig accepted")
	}
}

// A kubelet started with evictionHard: {} serves a configz without the
// field (the real node's does: its config file says {}); the kubelet fills
// an unset one with its defaults, so absent means hard eviction is off.
func TestParseConfigzEvictionHardOff(t *testing.T) {
	k, err := ParseConfigz([]byte(`{"kubeletconfig":{"podPidsLimit":4096,"serializeImagePulls":true,"evictionPressureTransitionPeriod":"5m0s","mergeDefaultEvictionSettings":false}}`))
	if err != nil {
		t.Fatal(err)
	}
	// The settings reach the debug pod as JSON: {} must survive the trip.
	b, err := json.Marshal(Options{Kubelet: k})
	if err != nil {
		t.Fatal(err)
	}
	var sent Options
	if err := json.Unmarshal(b, &sent); err != nil {
		t.Fatal(err)
	}
	r := newHost(t).run("kubelet", sent)
	if f := findingOf(t, r, CodeEviction); !strings.Contains(f.Message, "imagefs.available, memory.available, nodefs.available") {
		t.Errorf("%+v", f)
	}
}

func TestPressure(t *testing.T) {
	h := newHost(t)
	h.proc("pressure/memory", "some avg10=35.12 avg60=22.40 avg300=9.80 total=912345678\nfull avg10=18.02 avg60=7.91 avg300=3.10 total=412345678\n")
	h.proc("pressure/io", "some avg10=0.10 avg60=0.20 avg300=0.30 total=5\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=1\n")
	h.proc("meminfo", "SwapTotal: 2097148 kB\nSwapFree: 1048572 kB\n")
	// A lease pod's process killed at its limit 2 hours ago and an old
	// kill 3 days ago (/dev/kmsg records: microseconds since boot), and a
	// node-wide kill.
	since := func(d time.Duration) string { return strconv.FormatInt(int64(d/time.Microsecond), 10) }
	kmsg := strings.Join([]string{
		"6,1001," + since(7*time.Hour) + ",-;stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=1000",
		"6,1002," + since(8*time.Hour) + ",-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(leaseUID, "-", "_") + ".slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(leaseUID, "-", "_") + ".slice/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope,task=stress,pid=183960,uid=0",
		"3,1003," + since(8*time.Hour) + ",-;Memory cgroup out of memory: Killed process 183960 (stress) total-vm:299192kB, anon-rss:93176kB, file-rss:1024kB, shmem-rss:0kB, UID:0 pgtables:400kB oom_score_adj:1000",
		"6,1004," + since(9*time.Hour) + ",-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/containerd.service,task=containerd,pid=812,uid=0",
		"3,1005," + since(9*time.Hour) + ",-;Out of memory: Killed process 812 (containerd) total-vm:2000000kB, anon-rss:900000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:2000kB oom_score_adj:-999",
	}, "\n") + "\n"
	h.file("var/log/kmsg.txt", kmsg)
	r := h.run("pressure", Options{KernelLog: "/var/log/kmsg.txt"})
	if f := findingOf(t, r, CodePSIMemory); f.Severity != SeverityError || !strings.Contains(f.Message, "full avg60=7.91") {
		t.Errorf("memory PSI: %+v", f)
	}
	if f := findingOf(t, r, CodeOOMKillPod); f.PodUID != leaseUID || !strings.Contains(f.Message, "1 OOM kill(s)") || !strings.Contains(f.Message, "stress (PID 183960)") {
		t.Errorf("pod OOM: %+v", f)
	}
	if f := findingOf(t, r, CodeOOMKillNode); f.Severity != SeverityError || !strings.Contains(f.Message, "containerd") {
		t.Errorf("node OOM: %+v", f)
	}
	if f := findingOf(t, r, CodeSwapState); !strings.Contains(f.Message, "2047 MiB, 1024 MiB used") {
		t.Errorf("swap: %+v", f)
	}
	if v, ok := metricOf(r, "kubectl_akash_node_pressure_ratio", map[string]string{"resource": "memory", "kind": "full", "window": "60s"}); !ok || v != 7.91 {
		t.Errorf("PSI metric = %v %v", v, ok)
	}
	if strings.Contains(codes(r), CodePSIIO) || strings.Contains(codes(r), CodePSICPU) {
		t.Errorf("calm cpu and io reported: %s", codes(r))
	}
}

// The OOM lines operators posted from real nodes (testdata/README.md).
func TestParseOOMKillsUpstream(t *testing.T) {
	lines, err := gpu.ReadKernelLog("testdata/oom-upstream.log")
	if err != nil {
		t.Fatal(err)
	}
	kills := ParseOOMKills(lines)
	type want struct {
		pid    int
		task   string
		podUID string
		node   bool
	}
	wants := []want{
		{63214, "uwsgi", "", false},
		{62769, "cp", "951f6bc5-c5a5-11ea-8707-80e455f266a2", false},
		{461754, "pt_main_thread", "eded8c65-6e8e-4c6e-a889-3e427565c740", false},
		{7134, "java", "", true},
	}
	if len(kills) != len(wants) {
		t.Fatalf("kills = %+v", kills)
	}
	for i, w := range wants {
		k := kills[i]
		if k.PID != w.pid || k.Task != w.task || k.PodUID != w.podUID || k.Node != w.node {
			t.Errorf("kill %d = %+v, want %+v", i, k, w)
		}
	}
}

// Without the live configuration, the checks read the file the running
// kubelet was started with, fill in the kubelet's defaults, and say so.
func TestKubeletConfigFileFallback(t *testing.T) {
	h := newHost(t)
	h.proc("4242/comm", "kubelet\n")
	h.proc("4242/cmdline", "/usr/bin/kubelet\x00--kubeconfig=/etc/kubernetes/kubelet.conf\x00--config\x00/var/lib/kubelet/config.yaml\x00")
	h.proc("4243/comm", "sh\n")
	h.file("var/lib/kubelet/config.yaml", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\npodPidsLimit: 4096\nkubeAPIQPS: 5\n")
	opts := Options{KubeletError: "reading the kubelet's configuration of node node-1 (HTTP 400): address not allowed"}
	r := h.run("pids", opts)
	if v, ok := metricOf(r, "kubectl_akash_node_kubelet_pod_pids_limit", nil); !ok || v != 4096 {
		t.Errorf("podPidsLimit from the file = %v %v", v, ok)
	}
	if f := findingOf(t, r, CodeKubeletFile); !strings.Contains(f.Message, "file /var/lib/kubelet/config.yaml") || !strings.Contains(f.Message, "address not allowed") {
		t.Errorf("note: %+v", f)
	}
	r = h.run("kubelet", opts)
	// serializeImagePulls defaults to true; evictionHard left out keeps its defaults.
	if got := codes(r); got != "NC002:info NC501:warning NC502:warning" {
		t.Errorf("kubelet from its file: %s", got)
	}
	// The same file with podPidsLimit left out: the default, no limit.
	h.file("var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\n")
	findingOf(t, h.run("pids", Options{}), CodePodPidsUnset)
}

func TestStatusMessage(t *testing.T) {
	got := statusMessage([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"address not allowed","reason":"BadRequest","code":400}`),
		errors.New("the server rejected our request for an unknown reason"))
	if got != "the server rejected our request for an unknown reason: address not allowed" {
		t.Errorf("got %q", got)
	}
	if got := statusMessage([]byte("\x00binary"), errors.New("e")); got != "e" {
		t.Errorf("got %q", got)
	}
}
