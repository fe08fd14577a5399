package procfs_test

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs/proctree"
)

// TestReadStatsOnATree reads a synthetic /proc through FS on any OS: the
// readers work on a tree of /proc's files, not only on a kernel's /proc.
func TestReadStatsOnATree(t *testing.T) {
	tr := proctree.Node(3, 4)
	zs := tr.AddZombies(5, 2, 9000)
	proc, host, err := tr.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fs := procfs.FS{Proc: proc, Host: host}
	pids, err := fs.PIDs()
	if err != nil {
		t.Fatal(err)
	}
	stats, errs := fs.ReadStats(append(pids, 999999)) // a PID that is gone is left out
	if len(errs) > 0 || len(stats) != len(tr.Procs) {
		t.Fatalf("%d stats of %d processes, errors %v", len(stats), len(tr.Procs), errs)
	}
	zombies := 0
	for _, s := range stats {
		if s.Zombie() {
			zombies++
			if s.PPID != 5 || s.StartTicks != 9000 {
				t.Fatalf("zombie %+v", s)
			}
		}
	}
	if zombies != len(zs) {
		t.Fatalf("%d zombies, want %d", zombies, len(zs))
	}
	if _, errs := (procfs.FS{Proc: proc + "/missing"}).ReadStats([]int{1}); len(errs) != 1 {
		t.Fatalf("a missing /proc must be one error, got %v", errs)
	}
}
