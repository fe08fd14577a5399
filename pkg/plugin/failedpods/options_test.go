package failedpods

import (
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestCleanFailedValidate: `pods clean-failed`'s flags.
func TestCleanFailedValidate(t *testing.T) {
	clitest.ValidateTable(t, NewCleanFailedOptions, []clitest.Case[*CleanFailedOptions]{
		{Name: "defaults", Set: func(o *CleanFailedOptions) {}},
		{Name: "no min age", Set: func(o *CleanFailedOptions) { o.MinAge = 0 }},
		{Name: "negative min age", Set: func(o *CleanFailedOptions) { o.MinAge = -time.Minute }, Want: "--min-age must not be negative, got -1m0s"},
		{Name: "bad selector", Set: func(o *CleanFailedOptions) { o.Selector = "=x" },
			Want: `-l "=x" is not a valid label selector: found '=', expected: !, identifier, or 'end of string'`},
		{Name: "negative chunk size", Set: func(o *CleanFailedOptions) { o.ChunkSize = -1 }, Want: "--chunk-size must be 0 or positive, got -1"},
		{Name: "jq with yaml", Set: func(o *CleanFailedOptions) { o.Output.JQExpr = ".items"; *o.Output.PrintFlags.OutputFormat = "yaml" },
			Want: "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"},
	})
}
