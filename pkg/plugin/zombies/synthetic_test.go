//go:build linux

package zombies

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs/proctree"
)

// fixture is a synthetic node: 3 pods of 4 processes, and zombies under a
// container's worker (pod 0), a container's init (pod 1), a host process,
// a containerd-shim, and the host's PID 1.
type fixture struct {
	env                      agent.Env
	worker, init, host, shim int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	// Node(3, 4): 1 systemd, 2 containerd, 3 kubelet; pod i has its shim at
	// 4+5i, pause at 5+5i, the container's init at 6+5i and two workers.
	tr := proctree.Node(3, 4)
	f := &fixture{shim: 4, worker: 7, init: 11, host: 3}
	tr.Find(f.worker).SigCgt = proctree.SIGCHLD
	tr.Find(f.init).SigCgt = proctree.SIGTERM // handles SIGTERM, not SIGCHLD
	now := time.Unix(tr.BootTime, 0).Add(10 * time.Hour)
	f.env = agent.Env{NodeName: "node-a", Now: func() time.Time { return now }}
	tr.AddZombies(f.worker, 4, 100*60*60*9) // started 9h after boot: 1h old
	tr.AddZombies(f.init, 2, 100*60*60*5)
	tr.AddZombies(f.host, 1, 500)
	tr.AddZombies(f.shim, 1, 500)
	tr.AddZombies(1, 1, 500)
	// pod 1 is near its pids limit.
	tr.Pids["pids/kubepods/besteffort/pod"+proctree.PodUID(1)] = [2]string{"95", "100"}
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.env.ProcRoot, f.env.HostRoot = proc, host
	return f
}

func parentByPID(t *testing.T, r *Report, pid int) *Parent {
	t.Helper()
	for i := range r.Status.Parents {
		if r.Status.Parents[i].PID == pid {
			return &r.Status.Parents[i]
		}
	}
	t.Fatalf("no parent %d in %+v", pid, r.Status.Parents)
	return nil
}

func TestScanSyntheticNode(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	st := r.Status
	if st.Zombies != 9 || len(st.Parents) != 5 || st.Node != "node-a" || r.Kind != Kind || st.PIDMax != 4194304 {
		t.Fatalf("status %+v", st)
	}
	if st.Parents[0].PID != f.worker {
		t.Fatalf("parents are sorted by zombies, most first: %+v", st.Parents[0])
	}
	w := parentByPID(t, r, f.worker)
	if w.Zombies != 4 || w.ContainerInit || !w.CatchesSIGCHLD || w.CatchesSIGTERM || w.ShimPID != f.shim || w.Command != "app" {
		t.Errorf("worker %+v", w)
	}
	if w.Pod == nil || w.Pod.UID != proctree.PodUID(0) || w.Pod.ContainerID != proctree.ContainerID(0, 1) {
		t.Errorf("worker pod %+v", w.Pod)
	}
	if w.OldestZombieSeconds != 3600 {
		t.Errorf("oldest zombie age %ds, want 3600", w.OldestZombieSeconds)
	}
	chain := []string{}
	for _, a := range w.Ancestors {
		chain = append(chain, fmt.Sprintf("%d %s", a.PID, a.Command))
	}
	if got := strings.Join(chain, " > "); got != "6 app > 4 containerd-shim > 1 systemd" {
		t.Errorf("ancestors %s", got)
	}
	in := parentByPID(t, r, f.init)
	if !in.ContainerInit || in.CatchesSIGCHLD || in.OldestZombieSeconds != 5*3600 || in.Pids == nil || in.Pids.Current != 95 || in.Pids.Max != 100 {
		t.Errorf("init %+v pids %+v", in, in.Pids)
	}
	h := parentByPID(t, r, f.host)
	if h.ShimPID != 0 || h.Pod != nil || h.Command != "kubelet" {
		t.Errorf("host parent %+v", h)
	}
	r.Assess(90)
	if !in.Pids.Pressure || w.Pids.Pressure || r.Status.PIDPressure || !r.Findings() {
		t.Errorf("pressure: init %+v worker %+v node %v", in.Pids, w.Pids, r.Status.PIDPressure)
	}
}

func TestPlanSafetyRules(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true})
	want := map[int][2]string{
		f.worker: {"Planned", "SIGCHLD, then SIGTERM, then SIGKILL"},
		f.init:   {"Planned", "SIGTERM (no SIGCHLD: it has no SIGCHLD handler (SigCgt), so the signal would be discarded; no SIGKILL: it is the container's PID 1, and killing it restarts the whole container: pass --allow-container-restart to allow that)"},
		f.host:   {"Skipped", "not signalled: it is not in a pod's cgroup: a host process, never signalled"},
		f.shim:   {"Skipped", "not signalled: it is not in a pod's cgroup: a host process, never signalled"},
		1:        {"Skipped", "not signalled: it is the host's PID 1"},
	}
	for pid, w := range want {
		p := parentByPID(t, r, pid)
		if string(p.Action.Result) != w[0] || p.Action.Message != w[1] {
			t.Errorf("PID %d (%s): %s %q\nwant %s %q", pid, p.Command, p.Action.Result, p.Action.Message, w[0], w[1])
		}
		if p.Action.Verb != Signal || p.Action.Target.Name != fmt.Sprint(pid) || p.Action.Target.Namespace != "node-a" {
			t.Errorf("target %+v", p.Action.Target)
		}
	}

	// A container init with no handler at all: nothing can work without
	// permission to restart the container.
	in := parentByPID(t, r, f.init)
	in.CatchesSIGTERM = false
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true})
	if in.Action.Result != execute.Skipped || !strings.HasPrefix(in.Action.Message, "no signal can make it reap") {
		t.Errorf("init without handlers: %+v", in.Action)
	}
	Plan(r, KillOptions{Grace: time.Second, AllowContainerRestart: true, AllNamespaces: true})
	if in.Action.Result != execute.Planned || !strings.HasPrefix(in.Action.Message, "SIGKILL (") {
		t.Errorf("init with --allow-container-restart: %+v", in.Action)
	}

	// The confirmed plan limits the agent.
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true, Only: map[Key]bool{parentByPID(t, r, f.init).Key(): true}})
	if w := parentByPID(t, r, f.worker); w.Action.Result != execute.Skipped || !strings.Contains(w.Action.Message, "not in the confirmed plan") {
		t.Errorf("worker outside the confirmed plan: %+v", w.Action)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	o := KillOptions{Grace: time.Second, DryRun: true, AllNamespaces: true}
	Plan(r, o)
	// Synthetic PIDs may exist on this machine: an FS pointing nowhere makes
	// any attempt to signal fail loudly instead of hitting them.
	if failed := Execute(context.Background(), procfs.FS{Proc: "/nonexistent"}, r, o); failed != 0 {
		t.Fatal(failed)
	}
	w := parentByPID(t, r, f.worker)
	if w.Action.Result != execute.DryRun || !strings.Contains(w.Action.Message, "would send SIGCHLD, then SIGTERM") || !strings.Contains(w.Action.Message, "nothing sent") {
		t.Errorf("%+v", w.Action)
	}
	if h := parentByPID(t, r, f.host); h.Action.Result != execute.Skipped {
		t.Errorf("host %+v", h.Action)
	}
}

func TestAttributeNamesPodContainerAndLease(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	owner, provider := "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h", "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0"
	ns := "5reb3l87s85t50v77sosktvdeeg6pfbnlboigoprqv3d4"
	pods := []corev1.Pod{{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web-7d9c", UID: types.UID(proctree.PodUID(0))},
		Status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{
			{Name: "web", ContainerID: "containerd://" + proctree.ContainerID(0, 1)},
		}},
	}}
	namespaces := []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{
		"akash.network": "true", "akash.network/lease.id.owner": owner, "akash.network/lease.id.dseq": "8438017",
		"akash.network/lease.id.gseq": "1", "akash.network/lease.id.oseq": "1", "akash.network/lease.id.provider": provider,
	}}}}
	Attribute([]*Report{r}, pods, namespaces)
	w := parentByPID(t, r, f.worker).Pod
	if w.Namespace != ns || w.Name != "web-7d9c" || w.Container != "web" || w.LeaseOwner != owner || w.LeaseDSeq != "8438017" || w.Lease != owner+"/8438017/1/1/"+provider {
		t.Errorf("%+v", w)
	}
	if other := parentByPID(t, r, f.init).Pod; other.Name != "" {
		t.Errorf("pod 1 is unknown to the API: %+v", other)
	}
	tb := Table(NewList([]*Report{r}), false).Table()
	row := fmt.Sprint(tb.Rows[0].Cells)
	if !strings.Contains(row, ns+"/web-7d9c/web") || !strings.Contains(row, owner+"/8438017") || !strings.Contains(row, "7 app") {
		t.Errorf("table row %s", row)
	}
}

func TestSystemdV2Attribution(t *testing.T) {
	tr := proctree.Node(1, 3)
	uid, cid := proctree.PodUID(7), proctree.ContainerID(7, 1)
	for _, pid := range []int{6, 7} {
		tr.Find(pid).Cgroup = proctree.SystemdV2("burstable", uid, cid)
	}
	tr.AddZombies(7, 2, 10)
	dir := "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + strings.ReplaceAll(uid, "-", "_") + ".slice"
	tr.Pids = map[string][2]string{dir: {"12", "max"}}
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(agent.Env{ProcRoot: proc, HostRoot: host, NodeName: "n", Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	p := parentByPID(t, r, 7)
	if p.Pod == nil || p.Pod.UID != uid || p.Pod.ContainerID != cid || p.Pids == nil || p.Pids.Current != 12 || p.Pids.Max != -1 || p.Pids.Error != "" {
		t.Fatalf("pod %+v pids %+v", p.Pod, p.Pids)
	}
}

func TestCommWithSpacesAndParensInATree(t *testing.T) {
	tr := proctree.Node(1, 3)
	tr.Find(7).Comm = "my (app) x"
	tr.AddZombies(7, 1, 10)
	tr.Find(tr.MaxPID()).Comm = ") Z 1 ("
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(agent.Env{ProcRoot: proc, HostRoot: host, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Status.Parents) != 1 || r.Status.Parents[0].Command != "my (app) x" || r.Status.Parents[0].PID != 7 {
		t.Fatalf("%+v", r.Status.Parents)
	}
}

// BenchmarkScan measures a full scan of synthetic nodes with 1,000, 10,000
// and 100,000 processes (1% of them zombies under 10 parents).
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		// Laid out once per size: b.Run calls its function several times.
		tr := proctree.Node(n/20, 19)
		tr.Lean = true
		for i := 0; i < 10; i++ {
			tr.AddZombies(6+20*i, n/1000, 50)
		}
		proc, host, err := tr.Write(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		env := agent.Env{ProcRoot: proc, HostRoot: host, NodeName: "bench", Now: time.Now}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r, err := Scan(env)
				if err != nil {
					b.Fatal(err)
				}
				if r.Status.Processes < n || len(r.Status.Parents) != 10 {
					b.Fatalf("processes %d parents %d", r.Status.Processes, len(r.Status.Parents))
				}
			}
		})
	}
}

// Any process can call itself containerd-shim (prctl PR_SET_NAME, or just
// its executable's name): a host process under such an impostor is still a
// host process. Only the cgroup, which the kubelet and the runtime set,
// says a process is in a pod's container.
func TestFakeShimOutsideAPodIsNotInAContainer(t *testing.T) {
	tr := proctree.Node(1, 3)
	fake := tr.MaxPID() + 1
	tr.Procs = append(tr.Procs,
		proctree.Proc{PID: fake, PPID: 1, Comm: "containerd-shim", StartTicks: 5000, Cgroup: "0::/system.slice/evil.service\n"},
		proctree.Proc{PID: fake + 1, PPID: fake, Comm: "app", StartTicks: 5001, Cgroup: "0::/system.slice/evil.service\n"},
	)
	tr.AddZombies(fake+1, 2, 6000)
	tr.AddZombies(fake, 1, 6000) // the impostor itself holds one too
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(agent.Env{ProcRoot: proc, HostRoot: host, NodeName: "n", Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Even with every scope flag: the rule is about where the process is.
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true, AllowContainerRestart: true})
	for _, pid := range []int{fake, fake + 1} {
		p := parentByPID(t, r, pid)
		if p.Pod != nil || p.Action.Result != execute.Skipped || !strings.Contains(p.Action.Message, "not in a pod's cgroup") {
			t.Errorf("PID %d (%s, shim ancestor %d): pod %+v, %s %q", pid, p.Command, p.ShimPID, p.Pod, p.Action.Result, p.Action.Message)
		}
	}
}

// A pod's process is in a container whatever its ancestors are called
// (CRI-O's conmon, a renamed shim): the cgroup decides.
func TestPodCgroupDecidesWithoutAShimAncestor(t *testing.T) {
	tr := proctree.Node(1, 4)
	tr.Find(4).Comm = "conmon"
	tr.AddZombies(7, 1, 10)
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(agent.Env{ProcRoot: proc, HostRoot: host, NodeName: "n", Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true})
	if p := parentByPID(t, r, 7); p.ShimPID != 0 || p.Action.Result != execute.Planned {
		t.Errorf("a pod's worker under conmon: shim %d, %+v", p.ShimPID, p.Action)
	}
}

// scopeFixture is the synthetic node with pod 0 in a lease namespace, pod
// 1 in kube-system, and pod 2 unknown to the API.
func scopeFixture(t *testing.T) (*Report, *fixture) {
	t.Helper()
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	lease := "5reb3l87s85t50v77sosktvdeeg6pfbnlboigoprqv3d4"
	pods := []corev1.Pod{
		{ObjectMeta: metav1.ObjectMeta{Namespace: lease, Name: "web-0", UID: types.UID(proctree.PodUID(0))}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "calico-node-x", UID: types.UID(proctree.PodUID(1))}},
	}
	namespaces := []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: lease, Labels: map[string]string{
		"akash.network": "true", "akash.network/lease.id.owner": "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h", "akash.network/lease.id.dseq": "8438017",
		"akash.network/lease.id.gseq": "1", "akash.network/lease.id.oseq": "1", "akash.network/lease.id.provider": "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0",
	}}}}
	Attribute([]*Report{r}, pods, namespaces)
	return r, f
}

func TestPlanSignalsOnlyLeasePodsByDefault(t *testing.T) {
	r, f := scopeFixture(t)
	w, in := parentByPID(t, r, f.worker), parentByPID(t, r, f.init)
	if !w.Pod.LeaseNamespace || in.Pod.LeaseNamespace {
		t.Fatalf("lease namespace: worker %+v init %+v", w.Pod, in.Pod)
	}
	Plan(r, KillOptions{Grace: time.Second})
	if w.Action.Result != execute.Planned {
		t.Errorf("lease pod: %+v", w.Action)
	}
	want := "not signalled: pod kube-system/calico-node-x is not in a lease namespace (akash.network=true): pass --namespace kube-system (or --all-namespaces) to allow it"
	if in.Action.Result != execute.Skipped || in.Action.Message != want {
		t.Errorf("kube-system pod: %s %q\nwant %q", in.Action.Result, in.Action.Message, want)
	}
	for _, o := range []KillOptions{{Namespaces: []string{"default", "kube-system"}}, {AllNamespaces: true}} {
		o.Grace = time.Second
		Plan(r, o)
		if in.Action.Result != execute.Planned || w.Action.Result != execute.Planned {
			t.Errorf("%+v: kube-system %+v, lease %+v", o, in.Action, w.Action)
		}
	}
	// --namespace widens, it does not narrow: lease pods stay in.
	Plan(r, KillOptions{Grace: time.Second, Namespaces: []string{"kube-system"}})
	if w.Action.Result != execute.Planned {
		t.Errorf("lease pod with --namespace kube-system: %+v", w.Action)
	}
}

func TestPlanNeverSignalsAnUnnamedPodUnlessAllNamespaces(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env) // no Attribute: the API was not reachable
	if err != nil {
		t.Fatal(err)
	}
	w := parentByPID(t, r, f.worker)
	for _, o := range []KillOptions{{}, {Namespaces: []string{"kube-system"}}} {
		o.Grace = time.Second
		Plan(r, o)
		if w.Action.Result != execute.Skipped || !strings.Contains(w.Action.Message, "uid "+proctree.PodUID(0)) || !strings.Contains(w.Action.Message, "--all-namespaces") {
			t.Errorf("%+v: %+v", o, w.Action)
		}
	}
	Plan(r, KillOptions{Grace: time.Second, AllNamespaces: true})
	if w.Action.Result != execute.Planned {
		t.Errorf("--all-namespaces: %+v", w.Action)
	}
}

// A static pod's cgroup is named after its config hash; the API's mirror
// pod has a UID of its own and the hash in an annotation.
func TestAttributeStaticPodThroughItsMirror(t *testing.T) {
	f := newFixture(t)
	r, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	pods := []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{
		Namespace: "kube-system", Name: "kube-apiserver-node-a", UID: "0b3c5c1e-1111-4222-8333-444455556666",
		Annotations: map[string]string{"kubernetes.io/config.mirror": proctree.PodUID(1)},
	}}}
	Attribute([]*Report{r}, pods, nil)
	if p := parentByPID(t, r, f.init).Pod; p.Namespace != "kube-system" || p.Name != "kube-apiserver-node-a" {
		t.Errorf("%+v", p)
	}
}

// The agent's report replaces the plan's; the parents the plan left out
// keep the plan's reason, which the agent (no API) cannot know.
func TestKeepSkippedCarriesThePlansReasons(t *testing.T) {
	plan, f := scopeFixture(t)
	Plan(plan, KillOptions{Grace: time.Second})
	done, err := Scan(f.env)
	if err != nil {
		t.Fatal(err)
	}
	Plan(done, KillOptions{Grace: time.Second, AllNamespaces: true, Only: map[Key]bool{parentByPID(t, plan, f.worker).Key(): true}})
	parentByPID(t, done, f.worker).Action.Outcome = execute.Outcome{Result: execute.Succeeded, Message: "4 zombie(s) reaped after SIGCHLD"}
	KeepSkipped(plan, done)
	if a := parentByPID(t, done, f.init).Action; a.Result != execute.Skipped || !strings.Contains(a.Message, "--namespace kube-system") {
		t.Errorf("kube-system parent: %+v", a)
	}
	if a := parentByPID(t, done, f.worker).Action; a.Result != execute.Succeeded {
		t.Errorf("the signalled parent keeps the agent's outcome: %+v", a)
	}
}
