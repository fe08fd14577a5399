package leases

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestLeasesListValidate: filters and the chain's address are checked
// before the three LISTs.
func TestLeasesListValidate(t *testing.T) {
	clitest.ValidateTable(t, NewListOptions, []clitest.Case[*ListOptions]{
		{"defaults", func(o *ListOptions) {}, ""},
		{"everything", func(o *ListOptions) {
			o.Images, o.Owner, o.Chain.API, o.Provider = []string{".*"}, clitest.Tenant, "https://api.example:443", clitest.Provider
		}, ""},
		{"empty image", func(o *ListOptions) { o.Images = []string{""} }, "--image needs a regular expression, got an empty string"},
		{"bad selector", func(o *ListOptions) { o.List.Selector = "a=(" },
			`-l/--selector "a=(" is not a label selector: unable to parse requirement: found '(', expected: identifier`},
		{"provider without api", func(o *ListOptions) { o.Provider = clitest.Provider },
			"--provider names whose leases to read from the chain: add --api"},
		{"plain HTTP api", func(o *ListOptions) { o.Chain.API = "http://chain.example:1317" },
			`--api "http://chain.example:1317" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{"plain HTTP api, accepted", func(o *ListOptions) { o.Chain.API, o.Chain.Insecure = "http://chain.example:1317", true }, ""},
		{"api timeout 0", func(o *ListOptions) { o.Chain.API, o.Chain.Timeout = "https://api.example", 0 },
			"--api-timeout must be positive, got 0s"},
		{"bad provider", func(o *ListOptions) { o.Chain.API, o.Provider = "https://api.example", "akash1x" },
			"--provider: \"akash1x\" is not a bech32 address: wrong length"},
		{"bad owner", func(o *ListOptions) { o.Owner = "x" }, "--owner: \"x\" is not a bech32 address: wrong length"},
	})
}
