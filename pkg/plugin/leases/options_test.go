package leases

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestLeasesListValidate: filters and the chain's address are checked
// before the three LISTs.
func TestLeasesListValidate(t *testing.T) {
	clitest.ValidateTable(t, NewListOptions, []clitest.Case[*ListOptions]{
		{Name: "defaults", Set: func(o *ListOptions) {}},
		{Name: "everything", Set: func(o *ListOptions) {
			o.Images, o.Owner, o.Chain.API, o.Provider = []string{".*"}, clitest.Tenant, "https://api.example:443", clitest.Provider
		}},
		{Name: "empty image", Set: func(o *ListOptions) { o.Images = []string{""} }, Want: "--image needs a regular expression, got an empty string"},
		{Name: "bad selector", Set: func(o *ListOptions) { o.List.Selector = "a=(" },
			Want: `-l/--selector "a=(" is not a label selector: unable to parse requirement: found '(', expected: identifier`},
		{Name: "provider without api", Set: func(o *ListOptions) { o.Provider = clitest.Provider },
			Want: "--provider names whose leases to read from the chain: add --api"},
		{Name: "plain HTTP api", Set: func(o *ListOptions) { o.Chain.API = "http://chain.example:1317" },
			Want: `--api "http://chain.example:1317" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{Name: "plain HTTP api, accepted", Set: func(o *ListOptions) { o.Chain.API, o.Chain.Insecure = "http://chain.example:1317", true }},
		{Name: "api timeout 0", Set: func(o *ListOptions) { o.Chain.API, o.Chain.Timeout = "https://api.example", 0 },
			Want: "--api-timeout must be positive, got 0s"},
		{Name: "bad provider", Set: func(o *ListOptions) { o.Chain.API, o.Provider = "https://api.example", "akash1x" },
			Want: "--provider: \"akash1x\" is not a bech32 address: wrong length"},
		{Name: "bad owner", Set: func(o *ListOptions) { o.Owner = "x" }, Want: "--owner: \"x\" is not a bech32 address: wrong length"},
	})
}
