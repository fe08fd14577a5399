package manifests

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestManifestsValidate: `manifests backup` and `manifests heal`.
func TestManifestsValidate(t *testing.T) {
	clitest.ValidateTable(t, NewBackupOptions, []clitest.Case[*BackupOptions]{
		{Name: "backup defaults", Set: func(o *BackupOptions) {}},
		{Name: "negative chunk size", Set: func(o *BackupOptions) { o.ChunkSize = -2 }, Want: "--chunk-size must be 0 or positive, got -2"},
		{Name: "jq with yaml", Set: func(o *BackupOptions) { o.Output.JQExpr = ".path"; *o.Output.PrintFlags.OutputFormat = "yaml" },
			Want: "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	})
	clitest.ValidateTable(t, NewHealOptions, []clitest.Case[*HealOptions]{
		{Name: "heal defaults", Set: func(o *HealOptions) {}},
		{Name: "restart", Set: func(o *HealOptions) { o.RestartProvider, o.Exec.Yes = true, true }},
		{Name: "bad selector", Set: func(o *HealOptions) { o.Selector = "a in (" },
			Want: `-l "a in (" is not a valid label selector: unable to parse requirement: found '', expected: ',', ')' or identifier`},
		{Name: "empty field manager", Set: func(o *HealOptions) { o.Exec.FieldManager = "" }, Want: "--field-manager must not be empty"},
	})
}
