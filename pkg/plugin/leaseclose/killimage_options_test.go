package leaseclose

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestKillImageValidate: an expression that would take every lease is
// refused, as is a command without one.
func TestKillImageValidate(t *testing.T) {
	clitest.ValidateTable(t, NewKillImageOptions, []clitest.Case[*KillImageOptions]{
		{"an image", func(o *KillImageOptions) { o.Images = []string{"xmrig|miner"} }, ""},
		{"no image", func(o *KillImageOptions) {},
			"--image is required: the regular expression(s) of the images whose leases to close, e.g. --image 'xmrig|miner'"},
		{"empty image", func(o *KillImageOptions) { o.Images = []string{""} }, "--image needs a regular expression, got an empty string"},
		{"matches everything", func(o *KillImageOptions) { o.Images = []string{"xmrig", ".*"} },
			`--image ".*" matches every image (it matches the empty string): refusing; write part of the image name, e.g. 'xmrig'`},
		{"not a regex", func(o *KillImageOptions) { o.Images = []string{"("} },
			"--image \"(\" is not a valid regular expression: error parsing regexp: missing closing ): `(?i)(`"},
		{"bad excluded owner", func(o *KillImageOptions) { o.Images, o.ExcludeOwners = []string{"xmrig"}, []string{"akash1"} },
			"--exclude-owner: \"akash1\" is not a bech32 address: wrong length"},
		{"negative chunk size", func(o *KillImageOptions) { o.Images, o.ChunkSize = []string{"xmrig"}, -5 },
			"--chunk-size must be 0 or positive, got -5"},
		{"reason out of range", func(o *KillImageOptions) { o.Images, o.Chain.Reason = []string{"xmrig"}, 20000 },
			"--reason 20000: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
	})
}
