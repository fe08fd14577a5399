package provider

import (
	"testing"
	"time"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// jqWithYAML makes the output flags ask for --jq with -o yaml, which they
// refuse.
func jqWithYAML(f *output.Flags) {
	yaml := "yaml"
	f.PrintFlags.OutputFormat = &yaml
	f.JQExpr = "."
}

const jqYAMLError = "--jq filters JSON output and cannot be combined with -o yaml: drop -o or use -o json"

// validateCase is one row of a Validate table: how the options
// differ from their defaults, and the error sentence ("" for none).
type validateCase[O any] struct {
	name string
	set  func(O)
	want string
}

// checkValidate runs a Validate table on fresh default options.
func checkValidate[O interface{ Validate() error }](t *testing.T, newOptions func(*cli.Globals) O, cases []validateCase[O]) {
	t.Helper()
	for _, c := range cases {
		o := newOptions(&cli.Globals{})
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
	checkValidate(t, NewStatusOptions, []validateCase[*StatusOptions]{
		{"defaults", func(*StatusOptions) {}, ""},
		{"http", func(o *StatusOptions) { o.Scheme = "http" }, ""},
		{"bad output", func(o *StatusOptions) { jqWithYAML(o.Output) }, jqYAMLError},
		{"bad scheme", func(o *StatusOptions) { o.Scheme = "ftp" }, `--status-scheme "ftp": want https or http`},
		{"zero interval", func(o *StatusOptions) { o.Interval = 0 }, "--interval must be positive, got 0s"},
		{"negative interval", func(o *StatusOptions) { o.Interval = -time.Second }, "--interval must be positive, got -1s"},
		{"api not REST", func(o *StatusOptions) { o.API.API = "api.example:443" }, `--api "api.example:443": want the chain's REST address, like https://api.example:443`},
		{"api plain http elsewhere", func(o *StatusOptions) { o.API.API = "http://api.example" },
			`--api "http://api.example" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
		{"api plain http, insecure", func(o *StatusOptions) { o.API.API, o.API.Insecure = "http://api.example", true }, ""},
		{"api loopback", func(o *StatusOptions) { o.API.API = "http://127.0.0.1:1317" }, ""},
		{"api timeout", func(o *StatusOptions) { o.API.API, o.API.Timeout = "https://api.example", 0 }, "--api-timeout must be positive, got 0s"},
	})
}

func TestProviderLogsValidate(t *testing.T) {
	checkValidate(t, NewLogsOptions, []validateCase[*LogsOptions]{
		{"defaults", func(*LogsOptions) {}, ""},
		{"bids since tail", func(o *LogsOptions) { o.Bids, o.Since, o.Tail = true, time.Hour, 100 }, ""},
		{"bad output", func(o *LogsOptions) { jqWithYAML(o.Output) }, jqYAMLError},
		{"negative since", func(o *LogsOptions) { o.Since = -time.Minute }, "--since must be positive, got -1m0s"},
		{"tail below -1", func(o *LogsOptions) { o.Tail = -2 }, "--tail -2: want a number of lines, or -1 for the whole log"},
		{"file", func(o *LogsOptions) { o.fromFile, o.FromFile, o.Bids = true, "provider.log", true }, ""},
		{"stdin", func(o *LogsOptions) { o.fromFile, o.FromFile, o.Bids = true, "-", true }, ""},
		{"file without --bids", func(o *LogsOptions) { o.fromFile, o.FromFile = true, "provider.log" },
			"--from-file parses a saved log into bid-engine events: add --bids"},
		{"file with --follow", func(o *LogsOptions) {
			o.fromFile, o.FromFile, o.Bids, o.podFlags = true, "provider.log", true, []string{"follow", "pod"}
		}, "--follow reads the provider pod's log; it does not apply to --from-file"},
		{"file without a name", func(o *LogsOptions) { o.fromFile, o.Bids = true, true },
			"--from-file needs a file name, or - for standard input"},
	})
}

func TestProviderRestartValidate(t *testing.T) {
	checkValidate(t, NewRestartOptions, []validateCase[*RestartOptions]{
		{"defaults", func(*RestartOptions) {}, ""},
		{"bad output", func(o *RestartOptions) { jqWithYAML(o.Output) }, jqYAMLError},
		{"empty field manager", func(o *RestartOptions) { o.Exec.FieldManager = " " }, "--field-manager must not be empty"},
		{"zero timeout", func(o *RestartOptions) { o.Timeout = 0 }, "--timeout must be positive, got 0s"},
	})
}

func TestProviderPricingValidate(t *testing.T) {
	checkValidate(t, NewPricingOptions, []validateCase[*PricingOptions]{
		{"defaults", func(*PricingOptions) {}, ""},
		{"another release", func(o *PricingOptions) { o.Release, o.ChunkSize = "provider-2", 500 }, ""},
		{"bad output", func(o *PricingOptions) { jqWithYAML(o.Output) }, jqYAMLError},
		{"negative chunk", func(o *PricingOptions) { o.ChunkSize = -1 }, "--chunk-size must be 0 or positive, got -1"},
		{"empty release", func(o *PricingOptions) { o.Release = "" }, `--release "" is not a helm release name (default "akash-provider")`},
		{"upper case release", func(o *PricingOptions) { o.Release = "Akash" }, `--release "Akash" is not a helm release name (default "akash-provider")`},
		{"release too long", func(o *PricingOptions) { o.Release = "a23456789012345678901234567890123456789012345678901234" },
			`--release "a23456789012345678901234567890123456789012345678901234" is not a helm release name (default "akash-provider")`},
	})
}
