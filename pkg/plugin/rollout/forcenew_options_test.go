package rollout

import (
	"testing"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestForceNewValidate: `replicasets force-new`'s flags, and --watch, which
// acts unattended and so must be told --yes or a rehearsal.
func TestForceNewValidate(t *testing.T) {
	clitest.ValidateTable(t, NewForceNewOptions, []clitest.Case[*ForceNewOptions]{
		{Name: "defaults", Set: func(o *ForceNewOptions) {}},
		{Name: "watch with --yes", Set: func(o *ForceNewOptions) { o.Watch, o.Exec.Yes = true, true }},
		{Name: "watch rehearsed", Set: func(o *ForceNewOptions) { o.Watch, o.Exec.DryRun = true, cmdutil.DryRunClient }},
		{Name: "watch unattended", Set: func(o *ForceNewOptions) { o.Watch = true },
			Want: "--watch acts unattended: pass --yes, or --dry-run=client|server to only report"},
		{Name: "interval too short", Set: func(o *ForceNewOptions) { o.Watch, o.Exec.Yes, o.Interval = true, true, time.Millisecond },
			Want: "--interval must be at least 1s, got 1ms"},
		{Name: "short interval without watch", Set: func(o *ForceNewOptions) { o.Interval = time.Millisecond }},
		{Name: "negative min age", Set: func(o *ForceNewOptions) { o.MinAge = -time.Second }, Want: "--min-age must not be negative, got -1s"},
		{Name: "bad selector", Set: func(o *ForceNewOptions) { o.Selector = "a=(" },
			Want: `-l "a=(" is not a valid label selector: unable to parse requirement: found '(', expected: identifier`},
		{Name: "empty field manager", Set: func(o *ForceNewOptions) { o.Exec.FieldManager = " " }, Want: "--field-manager must not be empty"},
	})
}
