package dangling

import (
	"context"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/execute"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// TestPlanOrdersBackupTeardownClose: the backup gates everything, each
// lease's teardown is one group and its close another, and a close-only
// plan needs no backup.
func TestPlanOrdersBackupTeardownClose(t *testing.T) {
	closed, orphan := lease("closed", 1), lease("orphan", 2)
	s := cluster(closed)
	view := ChainView{
		Open:    []chain.LeaseState{{ID: orphan, State: "active", CreatedAt: 5}},
		Lookups: map[akash.LeaseID]chain.LeaseState{closed: {ID: closed, State: "closed"}},
		Ages:    map[akash.LeaseID]time.Duration{orphan: 2 * time.Hour},
	}
	items := Reconcile(s, view, Options{Provider: provider, CloseBid: func(id akash.LeaseID) *execute.Action { return chain.NewCloseBidAction(id, 0) }, MinAge: time.Hour})
	backup := execute.NewBackup("b", func(context.Context) (string, error) { return "", nil })
	plan, deletes, closes := Plan(items, backup)
	if deletes != 3 || closes != 1 || len(plan.Groups) != 3 {
		t.Fatalf("deletes %d closes %d groups %d", deletes, closes, len(plan.Groups))
	}
	if g := plan.Groups[0]; !g.Gate || g.Actions[0] != backup {
		t.Fatalf("the backup must come first, as a gate: %+v", g)
	}
	if g := plan.Groups[1]; g.Actions[len(g.Actions)-1].Target.Kind != "Namespace" {
		t.Fatalf("the namespace goes last in its lease's teardown: %+v", g.Actions)
	}
	if g := plan.Groups[2]; g.Actions[0].Verb != chain.VerbCloseBid {
		t.Fatalf("the close is a group of its own: %+v", g.Actions)
	}
	if p, _, _ := Plan(Reconcile(&snapshot.Snapshot{}, view, Options{Provider: provider, CloseBid: func(id akash.LeaseID) *execute.Action { return chain.NewCloseBidAction(id, 0) }, MinAge: time.Hour}), backup); len(p.Groups) != 1 {
		t.Fatalf("closes alone need no backup: %d groups", len(p.Groups))
	}
}
