package dangling

import (
	"testing"
	"time"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestDanglingValidateTable: dangling's flags, checked before the cluster
// and the chain are read.
func TestDanglingValidateTable(t *testing.T) {
	clitest.ValidateTable(t, NewCommandOptions, []clitest.Case[*CommandOptions]{
		{"report", func(o *CommandOptions) {}, ""},
		{"close rehearsed", func(o *CommandOptions) { o.Close, o.Exec.DryRun = true, cmdutil.DryRunClient }, ""},
		{"rehearsal without --close", func(o *CommandOptions) { o.Exec.DryRun = cmdutil.DryRunServer },
			"--dry-run rehearses --close: add --close, or drop --dry-run to only report"},
		{"negative min age", func(o *CommandOptions) { o.MinAge = -time.Minute }, "--min-age must not be negative, got -1m0s"},
		{"api timeout 0", func(o *CommandOptions) { o.API.Timeout = 0 }, "--api-timeout must be positive, got 0s"},
		{"ftp api", func(o *CommandOptions) { o.API.API = "ftp://chain.example" },
			`--api "ftp://chain.example": want the chain's REST address, like https://api.example:443`},
		{"loopback api", func(o *CommandOptions) { o.API.API = "http://127.0.0.1:1317" }, ""},
		{"bad provider", func(o *CommandOptions) { o.Provider = "akash1" }, "--provider: \"akash1\" is not a bech32 address: wrong length"},
		{"max leases 0", func(o *CommandOptions) { o.Close, o.Chain.MaxLeases = true, 0 },
			"--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{"negative chunk size", func(o *CommandOptions) { o.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
	})
}
