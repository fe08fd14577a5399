package cmd

import (
	"testing"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// TestForceNewValidate: `replicasets force-new`'s flags, and --watch, which
// acts unattended and so must be told --yes or a rehearsal.
func TestForceNewValidate(t *testing.T) {
	validateTable(t, NewForceNewOptions, []validateCase[*ForceNewOptions]{
		{"defaults", func(o *ForceNewOptions) {}, ""},
		{"watch with --yes", func(o *ForceNewOptions) { o.Watch, o.Exec.Yes = true, true }, ""},
		{"watch rehearsed", func(o *ForceNewOptions) { o.Watch, o.Exec.DryRun = true, cmdutil.DryRunClient }, ""},
		{"watch unattended", func(o *ForceNewOptions) { o.Watch = true },
			"--watch acts unattended: pass --yes, or --dry-run=client|server to only report"},
		{"interval too short", func(o *ForceNewOptions) { o.Watch, o.Exec.Yes, o.Interval = true, true, time.Millisecond },
			"--interval must be at least 1s, got 1ms"},
		{"short interval without watch", func(o *ForceNewOptions) { o.Interval = time.Millisecond }, ""},
		{"negative min age", func(o *ForceNewOptions) { o.MinAge = -time.Second }, "--min-age must not be negative, got -1s"},
		{"bad selector", func(o *ForceNewOptions) { o.Selector = "a=(" },
			`-l "a=(" is not a valid label selector: unable to parse requirement: found '(', expected: identifier`},
		{"empty field manager", func(o *ForceNewOptions) { o.Exec.FieldManager = " " }, "--field-manager must not be empty"},
	})
}

// TestCleanFailedValidate: `pods clean-failed`'s flags.
func TestCleanFailedValidate(t *testing.T) {
	validateTable(t, NewCleanFailedOptions, []validateCase[*CleanFailedOptions]{
		{"defaults", func(o *CleanFailedOptions) {}, ""},
		{"no min age", func(o *CleanFailedOptions) { o.MinAge = 0 }, ""},
		{"negative min age", func(o *CleanFailedOptions) { o.MinAge = -time.Minute }, "--min-age must not be negative, got -1m0s"},
		{"bad selector", func(o *CleanFailedOptions) { o.Selector = "=x" },
			`-l "=x" is not a valid label selector: found '=', expected: !, identifier, or 'end of string'`},
		{"negative chunk size", func(o *CleanFailedOptions) { o.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"jq with yaml", func(o *CleanFailedOptions) { o.Output.JQExpr = ".items"; *o.Output.PrintFlags.OutputFormat = "yaml" },
			"--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	})
}

// TestManifestsValidate: `manifests backup` and `manifests heal`.
func TestManifestsValidate(t *testing.T) {
	validateTable(t, NewManifestsBackupOptions, []validateCase[*ManifestsBackupOptions]{
		{"backup defaults", func(o *ManifestsBackupOptions) {}, ""},
		{"negative chunk size", func(o *ManifestsBackupOptions) { o.ChunkSize = -2 }, "--chunk-size must be 0 or positive, got -2"},
		{"jq with yaml", func(o *ManifestsBackupOptions) { o.Output.JQExpr = ".path"; *o.Output.PrintFlags.OutputFormat = "yaml" },
			"--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	})
	validateTable(t, NewHealOptions, []validateCase[*HealOptions]{
		{"heal defaults", func(o *HealOptions) {}, ""},
		{"restart", func(o *HealOptions) { o.RestartProvider, o.Exec.Yes = true, true }, ""},
		{"bad selector", func(o *HealOptions) { o.Selector = "a in (" },
			`-l "a in (" is not a valid label selector: unable to parse requirement: found '', expected: ',', ')' or identifier`},
		{"empty field manager", func(o *HealOptions) { o.Exec.FieldManager = "" }, "--field-manager must not be empty"},
	})
}
