package doctor

import (
	"strings"
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// TestOptionsValidate: doctor's flags, alone and together, checked without
// a cluster: each bad one is the exact sentence the operator reads.
func TestOptionsValidate(t *testing.T) {
	nodes := "choose the nodes one way: NODE..., -l SELECTOR, --local or --no-nodes (default: every node)"
	for _, c := range []struct {
		name string
		args []string
		set  func(o *Options)
		want string
	}{
		{"defaults", nil, func(*Options) {}, ""},
		{"nodes by name", []string{"n1", "n2"}, func(*Options) {}, ""},
		{"prometheus", nil, func(o *Options) { *o.Output.PrintFlags.OutputFormat = "prometheus" }, ""},
		{"prometheus and jq", nil, func(o *Options) { *o.Output.PrintFlags.OutputFormat, o.Output.JQExpr = "prometheus", "." },
			"--jq filters JSON output and cannot be combined with -o prometheus"},
		{"unknown output", nil, func(o *Options) { *o.Output.PrintFlags.OutputFormat = "xml" }, `unknown output format "xml": use one of `},
		{"names and selector", []string{"n1"}, func(o *Options) { o.Nodes.Selector = "a=b" }, nodes},
		{"selector and no-nodes", nil, func(o *Options) { o.Nodes.Selector, o.Doctor.NoNodes = "a=b", true }, nodes},
		{"names and no-nodes", []string{"n1"}, func(o *Options) { o.Doctor.NoNodes = true }, nodes},
		{"parallel 0", nil, func(o *Options) { o.Nodes.Parallel = 0 }, "--parallel must be at least 1, got 0"},
		{"chunk size", nil, func(o *Options) { o.Nodes.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"min-score 101", nil, func(o *Options) { o.Doctor.MinScore = 101 }, "--min-score is a score from 1 to 100 (0: any warning fails), got 101"},
		{"min-score -1", nil, func(o *Options) { o.Doctor.MinScore = -1 }, "--min-score is a score from 1 to 100 (0: any warning fails), got -1"},
		{"min-score 100", nil, func(o *Options) { o.Doctor.MinScore = 100 }, ""},
		{"skip every check", nil, func(o *Options) { o.Doctor.Checks, o.Doctor.Skip = []string{"dangling"}, []string{"dangling"} },
			"no check left to run after --checks and --skip: the checks are "},
		{"unknown check", nil, func(o *Options) { o.Doctor.Checks = []string{"nope"} }, "unknown check(s) nope: the checks are "},
		{"api timeout", nil, func(o *Options) { o.Doctor.Chain.APITimeout = 0 }, "--api-timeout must be positive, got 0s"},
		{"status timeout", nil, func(o *Options) { o.Doctor.StatusTimeout = -time.Second }, "--status-timeout must be positive, got -1s"},
		{"stuck-after", nil, func(o *Options) { o.Doctor.StuckAfter = -time.Minute }, "--stuck-after must not be negative, got -1m0s"},
		{"stuck-after 0", nil, func(o *Options) { o.Doctor.StuckAfter = 0 }, ""},
		{"api scheme", nil, func(o *Options) { o.Doctor.Chain.API = "ftp://x" }, `--api "ftp://x": want the chain's REST address, like https://api.example:443`},
		{"api plain http", nil, func(o *Options) { o.Doctor.Chain.API = "http://example.com" },
			`--api "http://example.com" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{"api plain http, insecure", nil, func(o *Options) { o.Doctor.Chain.API, o.Doctor.Chain.Insecure = "http://example.com", true }, ""},
		{"api loopback", nil, func(o *Options) { o.Doctor.Chain.API = "http://127.0.0.1:1317" }, ""},
		{"provider", nil, func(o *Options) { o.Doctor.Chain.Provider = "nope" }, "--provider: "},
		{"cert-warn words", nil, func(o *Options) { o.CertWarn = "soon" }, `--cert-warn takes days (30d) or a duration (720h), got "soon"`},
		{"cert-warn negative", nil, func(o *Options) { o.CertWarn = "-1d" }, `--cert-warn must not be negative, got "-1d"`},
		{"cert-warn 0", nil, func(o *Options) { o.CertWarn = "0" }, ""},
	} {
		o := NewOptions(&cli.Globals{LeaseNamespace: "lease", ProviderNamespace: "akash-services"})
		c.set(o)
		o.args = c.args
		got := ""
		if err := o.Validate(); err != nil {
			got = err.Error()
		}
		// A want ending in a space is the start of a sentence that lists
		// every check or quotes a parser.
		if got != c.want && !(strings.HasSuffix(c.want, " ") && strings.HasPrefix(got, c.want)) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}
