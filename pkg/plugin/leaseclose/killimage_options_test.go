package leaseclose

import (
	"testing"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli/clitest"
)

// TestKillImageValidate: an expression that would take every lease is
// refused, as is a command without one.
func TestKillImageValidate(t *testing.T) {
	clitest.ValidateTable(t, NewKillImageOptions, []clitest.Case[*KillImageOptions]{
		{Name: "an image", Set: func(o *KillImageOptions) { o.Images = []string{"xmrig|miner"} }},
		{Name: "no image", Set: func(o *KillImageOptions) {},
			Want: "--image is required: the regular expression(s) of the images whose leases to close, e.g. --image 'xmrig|miner'"},
		{Name: "empty image", Set: func(o *KillImageOptions) { o.Images = []string{""} }, Want: "--image needs a regular expression, got an empty string"},
		{Name: "matches everything", Set: func(o *KillImageOptions) { o.Images = []string{"xmrig", ".*"} },
			Want: `--image ".*" matches every image (it matches the empty string): refusing; write part of the image name, e.g. 'xmrig'`},
		{Name: "not a regex", Set: func(o *KillImageOptions) { o.Images = []string{"("} },
			Want: "--image \"(\" is not a valid regular expression: error parsing regexp: missing closing ): `(?i)(`"},
		{Name: "bad excluded owner", Set: func(o *KillImageOptions) { o.Images, o.ExcludeOwners = []string{"xmrig"}, []string{"akash1"} },
			Want: "--exclude-owner: \"akash1\" is not a bech32 address: wrong length"},
		{Name: "negative chunk size", Set: func(o *KillImageOptions) { o.Images, o.ChunkSize = []string{"xmrig"}, -5 },
			Want: "--chunk-size must be 0 or positive, got -5"},
		{Name: "reason out of range", Set: func(o *KillImageOptions) { o.Images, o.Chain.Reason = []string{"xmrig"}, 20000 },
			Want: "--reason 20000: providers close with a reason in 10000-19999 (default 10002), or 0 to leave it out"},
	})
}
