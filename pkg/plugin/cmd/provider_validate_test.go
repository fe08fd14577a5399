package cmd

import (
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// providerJQWithYAML makes the output flags ask for --jq with -o yaml, which they
// refuse.
func providerJQWithYAML(f *output.Flags) {
	yaml := "yaml"
	f.PrintFlags.OutputFormat = &yaml
	f.JQExpr = "."
}

const providerJQYAMLError = "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"

// providerValidateCase is one row of a Validate table: how the options
// differ from their defaults, and the error sentence ("" for none).
type providerValidateCase[O any] struct {
	name string
	set  func(O)
	want string
}

// checkProviderValidate runs a Validate table on fresh default options.
func checkProviderValidate[O interface{ Validate() error }](t *testing.T, newOptions func(*Globals) O, cases []providerValidateCase[O]) {
	t.Helper()
	for _, c := range cases {
		o := newOptions(&Globals{})
		c.set(o)
		got := ""
		if err := o.Validate(); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: Validate() = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestProviderStatusValidate(t *testing.T) {
	checkProviderValidate(t, NewProviderStatusOptions, []providerValidateCase[*ProviderStatusOptions]{
		{"defaults", func(*ProviderStatusOptions) {}, ""},
		{"http", func(o *ProviderStatusOptions) { o.Scheme = "http" }, ""},
		{"bad output", func(o *ProviderStatusOptions) { providerJQWithYAML(o.Output) }, providerJQYAMLError},
		{"bad scheme", func(o *ProviderStatusOptions) { o.Scheme = "ftp" }, `--status-scheme "ftp": want https or http`},
		{"zero interval", func(o *ProviderStatusOptions) { o.Interval = 0 }, "--interval must be positive, got 0s"},
		{"negative interval", func(o *ProviderStatusOptions) { o.Interval = -time.Second }, "--interval must be positive, got -1s"},
		{"api not REST", func(o *ProviderStatusOptions) { o.API.API = "api.example:443" }, `--api "api.example:443": want the chain's REST address, like https://api.example:443`},
		{"api plain http elsewhere", func(o *ProviderStatusOptions) { o.API.API = "http://api.example" },
			`--api "http://api.example" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{"api plain http, insecure", func(o *ProviderStatusOptions) { o.API.API, o.API.Insecure = "http://api.example", true }, ""},
		{"api loopback", func(o *ProviderStatusOptions) { o.API.API = "http://127.0.0.1:1317" }, ""},
		{"api timeout", func(o *ProviderStatusOptions) { o.API.API, o.API.Timeout = "https://api.example", 0 }, "--api-timeout must be positive, got 0s"},
	})
}

func TestProviderLogsValidate(t *testing.T) {
	checkProviderValidate(t, NewProviderLogsOptions, []providerValidateCase[*ProviderLogsOptions]{
		{"defaults", func(*ProviderLogsOptions) {}, ""},
		{"bids since tail", func(o *ProviderLogsOptions) { o.Bids, o.Since, o.Tail = true, time.Hour, 100 }, ""},
		{"bad output", func(o *ProviderLogsOptions) { providerJQWithYAML(o.Output) }, providerJQYAMLError},
		{"negative since", func(o *ProviderLogsOptions) { o.Since = -time.Minute }, "--since must be positive, got -1m0s"},
		{"tail below -1", func(o *ProviderLogsOptions) { o.Tail = -2 }, "--tail -2: want a number of lines, or -1 for the whole log"},
		{"file", func(o *ProviderLogsOptions) { o.fromFile, o.FromFile, o.Bids = true, "provider.log", true }, ""},
		{"stdin", func(o *ProviderLogsOptions) { o.fromFile, o.FromFile, o.Bids = true, "-", true }, ""},
		{"file without --bids", func(o *ProviderLogsOptions) { o.fromFile, o.FromFile = true, "provider.log" },
			"--from-file parses a saved log into bid-engine events: add --bids"},
		{"file with --follow", func(o *ProviderLogsOptions) {
			o.fromFile, o.FromFile, o.Bids, o.podFlags = true, "provider.log", true, []string{"follow", "pod"}
		}, "--follow reads the provider pod's log; it does not apply to --from-file"},
		{"file without a name", func(o *ProviderLogsOptions) { o.fromFile, o.Bids = true, true },
			"--from-file needs a file name, or - for standard input"},
	})
}

func TestProviderRestartValidate(t *testing.T) {
	checkProviderValidate(t, NewProviderRestartOptions, []providerValidateCase[*ProviderRestartOptions]{
		{"defaults", func(*ProviderRestartOptions) {}, ""},
		{"bad output", func(o *ProviderRestartOptions) { providerJQWithYAML(o.Output) }, providerJQYAMLError},
		{"empty field manager", func(o *ProviderRestartOptions) { o.Exec.FieldManager = " " }, "--field-manager must not be empty"},
		{"zero timeout", func(o *ProviderRestartOptions) { o.Timeout = 0 }, "--timeout must be positive, got 0s"},
	})
}

func TestProviderPricingValidate(t *testing.T) {
	checkProviderValidate(t, NewProviderPricingOptions, []providerValidateCase[*ProviderPricingOptions]{
		{"defaults", func(*ProviderPricingOptions) {}, ""},
		{"another release", func(o *ProviderPricingOptions) { o.Release, o.ChunkSize = "provider-2", 500 }, ""},
		{"bad output", func(o *ProviderPricingOptions) { providerJQWithYAML(o.Output) }, providerJQYAMLError},
		{"negative chunk", func(o *ProviderPricingOptions) { o.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"empty release", func(o *ProviderPricingOptions) { o.Release = "" }, `--release "" is not a helm release name (default "akash-provider")`},
		{"upper case release", func(o *ProviderPricingOptions) { o.Release = "Akash" }, `--release "Akash" is not a helm release name (default "akash-provider")`},
		{"release too long", func(o *ProviderPricingOptions) { o.Release = "a23456789012345678901234567890123456789012345678901234" },
			`--release "a23456789012345678901234567890123456789012345678901234" is not a helm release name (default "akash-provider")`},
	})
}
