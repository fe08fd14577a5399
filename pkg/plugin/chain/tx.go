package chain

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// DefaultReason is the close reason the provider sends when it closes a bid
// itself; the chain accepts 10000-19999 from providers.
const DefaultReason = 10002

// Program is the CLI that signs and broadcasts in the provider pod.
const Program = "provider-services"

// CloseBid is one `tx market bid close`: the lease to close, from the
// provider's side, and why.
type CloseBid struct {
	ID akash.LeaseID
	// Reason is the on-chain close reason; 0 leaves --reason out, for
	// provider-services releases that predate the flag.
	Reason uint32
}

// Argv is the command line of provider-services with its own environment
// (the akash-provider pod): CLI.CloseBidArgv with the zero CLI.
func (c CloseBid) Argv() []string { return CLI{}.CloseBidArgv(c) }

// SimulateArgv is provider-services' --dry-run of the close.
func (c CloseBid) SimulateArgv() []string { return CLI{}.SimulateArgv(c) }

// TxResponse is the part of the Cosmos SDK's TxResponse the plugin reads.
// The CLI prints it as JSON with --output json, and as YAML without; both
// decode here. Height is 0 until the transaction is in a block (sync
// broadcast mode).
type TxResponse struct {
	Height    akash.Uint `json:"height"`
	TxHash    string     `json:"txhash"`
	Code      akash.Uint `json:"code"`
	Codespace string     `json:"codespace"`
	RawLog    string     `json:"raw_log"`
}

// ParseTxResponse finds the tx response in a CLI's stdout. The CLI may print
// a line of its own before it (e.g. "gas estimate: 123456" with --gas auto),
// so the response is read from its first `{` when there is one.
func ParseTxResponse(stdout string) (TxResponse, bool) {
	s := strings.TrimSpace(stdout)
	if i := strings.Index(s, "{"); i > 0 {
		s = s[i:]
	}
	var r TxResponse
	if s == "" || yaml.Unmarshal([]byte(s), &r) != nil || r.TxHash == "" {
		return TxResponse{}, false
	}
	return r, true
}

// The chain's and the CLI's words for the failures that need handling of
// their own. They are matched case-insensitively anywhere in the output.
const (
	msgSequenceMismatch = "account sequence mismatch"
	msgReclamation      = "reclamation window"
	msgTxNotFound       = "not found"
)

// failureKind is what went wrong with a transaction, as far as the plugin
// acts differently on it.
type failureKind int

const (
	failOther failureKind = iota
	failSequence
	failReclamation
	failUnknownReason
)

func classify(text string) failureKind {
	t := strings.ToLower(text)
	switch {
	case strings.Contains(t, msgSequenceMismatch), strings.Contains(t, "incorrect account sequence"):
		return failSequence
	case strings.Contains(t, msgReclamation):
		return failReclamation
	case strings.Contains(t, "unknown flag: --reason"):
		return failUnknownReason
	}
	return failOther
}

var gasEstimate = regexp.MustCompile(`gas estimate:\s*(\d+)`)

// lastLine is the last non-empty line of s, where CLIs put their error.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return l
		}
	}
	return ""
}

// describeFailure is the one sentence that says why a run did not work.
func describeFailure(name string, out Output, resp TxResponse, parsed bool) string {
	if parsed && resp.Code != 0 {
		return fmt.Sprintf("the chain refused the transaction %s (code %d%s): %s", resp.TxHash, resp.Code, codespace(resp.Codespace), strings.TrimSpace(resp.RawLog))
	}
	msg := lastLine(out.Stderr)
	if msg == "" {
		msg = lastLine(out.Stdout)
	}
	if msg == "" {
		msg = "no output"
	}
	return fmt.Sprintf("%s exited %d: %s", name, out.ExitCode, msg)
}

func codespace(cs string) string {
	if cs == "" {
		return ""
	}
	return ", codespace " + cs
}
