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
		{Name: "report", Set: func(o *CommandOptions) {}},
		{Name: "close rehearsed", Set: func(o *CommandOptions) { o.Close, o.Exec.DryRun = true, cmdutil.DryRunClient }},
		{Name: "rehearsal without --close", Set: func(o *CommandOptions) { o.Exec.DryRun = cmdutil.DryRunServer },
			Want: "--dry-run rehearses --close: add --close, or drop --dry-run to only report"},
		{Name: "negative min age", Set: func(o *CommandOptions) { o.MinAge = -time.Minute }, Want: "--min-age must not be negative, got -1m0s"},
		{Name: "api timeout 0", Set: func(o *CommandOptions) { o.API.Timeout = 0 }, Want: "--api-timeout must be positive, got 0s"},
		{Name: "ftp api", Set: func(o *CommandOptions) { o.API.API = "ftp://chain.example" },
			Want: `--api "ftp://chain.example": want the chain's REST address, like https://api.example:443`},
		{Name: "loopback api", Set: func(o *CommandOptions) { o.API.API = "http://127.0.0.1:1317" }},
		{Name: "bad provider", Set: func(o *CommandOptions) { o.Provider = "akash1" }, Want: "--provider: \"akash1\" is not a bech32 address: wrong length"},
		{Name: "max leases 0", Set: func(o *CommandOptions) { o.Close, o.Chain.MaxLeases = true, 0 },
			Want: "--max-leases 0: want at least 1 (the most leases one run may act on)"},
		{Name: "negative chunk size", Set: func(o *CommandOptions) { o.ChunkSize = -1 }, Want: "--chunk-size must be 0 or positive, got -1"},
	})
}
