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
	Plan(r, KillOptions{Grace: time.Second})
	want := map[int][2]string{
		f.worker: {"Planned", "SIGCHLD, then SIGTERM, then SIGKILL"},
		f.init:   {"Planned", "SIGTERM (no SIGCHLD: it has no SIGCHLD handler (SigCgt), so the signal would be discarded; no SIGKILL: it is the container's PID 1, and killing it restarts the whole container: pass --allow-container-restart to allow that)"},
		f.host:   {"Skipped", "not signalled: no containerd-shim among its ancestors: a host process, never signalled"},
		f.shim:   {"Skipped", "not signalled: it is a containerd-shim: its zombies are reaped when its container goes"},
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
	Plan(r, KillOptions{Grace: time.Second})
	if in.Action.Result != execute.Skipped || !strings.HasPrefix(in.Action.Message, "no signal can make it reap") {
		t.Errorf("init without handlers: %+v", in.Action)
	}
	Plan(r, KillOptions{Grace: time.Second, AllowContainerRestart: true})
	if in.Action.Result != execute.Planned || !strings.HasPrefix(in.Action.Message, "SIGKILL (") {
		t.Errorf("init with --allow-container-restart: %+v", in.Action)
	}

	// The confirmed plan limits the agent.
	Plan(r, KillOptions{Grace: time.Second, Only: map[Key]bool{parentByPID(t, r, f.init).Key(): true}})
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
	o := KillOptions{Grace: time.Second, DryRun: true}
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
	labels := map[string]map[string]string{ns: {
		"akash.network": "true", "akash.network/lease.id.owner": owner, "akash.network/lease.id.dseq": "8438017",
		"akash.network/lease.id.gseq": "1", "akash.network/lease.id.oseq": "1", "akash.network/lease.id.provider": provider,
	}}
	Attribute([]*Report{r}, pods, labels)
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
