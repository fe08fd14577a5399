package chain

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// Dialect is which chain CLI a command line is written for. The two CLIs
// name the same transactions alike but read the chain differently:
// provider-services (and the Cosmos SDK CLIs before it) takes identity
// filters as flags (--provider, --state, --owner, --dseq ...), while akt
// takes them positionally (`akt query market lease --by provider ADDR
// active`, `akt query market lease OWNER/DSEQ/GSEQ/OSEQ/PROVIDER`) and has
// removed those flags from its queries. Giving one CLI the other's argv
// fails at best and asks another question at worst, so the dialect of a
// local binary is detected from its `version` output, never assumed.
type Dialect string

// The dialects.
const (
	// DialectProviderServices is provider-services: the provider's own
	// binary, in its pod or installed locally.
	DialectProviderServices Dialect = Program
	// DialectAkt is akt, the unified Akash CLI the current provider docs
	// use for lease operations, with named contexts and keyrings.
	DialectAkt Dialect = "akt"
)

// CLI is a chain CLI and the connection and signing flags passed to it.
// The zero value is provider-services with its own environment: the
// akash-provider pod, whose AKASH_* variables name the key and the node.
type CLI struct {
	Dialect Dialect
	// Version is what the binary reported, when it was asked.
	Version string
	// From is the key (name or address) to sign with (--from).
	From string
	// KeyringBackend is --keyring-backend (os, file, test, ...).
	KeyringBackend string
	// Node is the chain's RPC address (--node).
	Node string
	// ChainID is --chain-id.
	ChainID string
	// Context is akt's named context (--context); akt only.
	Context string
}

func (c CLI) dialect() Dialect {
	if c.Dialect == "" {
		return DialectProviderServices
	}
	return c.Dialect
}

// Name is the CLI's name in messages.
func (c CLI) Name() string { return string(c.dialect()) }

// IsAkt reports whether c speaks akt's dialect.
func (c CLI) IsAkt() bool { return c.dialect() == DialectAkt }

// output is the flag pair that makes the CLI print JSON.
func (c CLI) output() []string {
	if c.IsAkt() {
		return []string{"-o", "json"}
	}
	return []string{"--output", "json"}
}

// conn are the connection flags every command gets (queries and
// transactions), only those that were set: an unset flag leaves the CLI's
// own default (its environment, its context) in charge.
func (c CLI) conn() []string {
	var argv []string
	if c.IsAkt() && c.Context != "" {
		argv = append(argv, "--context", c.Context)
	}
	if c.Node != "" {
		argv = append(argv, "--node", c.Node)
	}
	if c.ChainID != "" {
		argv = append(argv, "--chain-id", c.ChainID)
	}
	return argv
}

// signing are the signing flags of a transaction.
func (c CLI) signing() []string {
	var argv []string
	if c.From != "" {
		argv = append(argv, "--from", c.From)
	}
	if c.KeyringBackend != "" {
		argv = append(argv, "--keyring-backend", c.KeyringBackend)
	}
	return argv
}

func idFlags(id akash.LeaseID) []string {
	return []string{"--owner", id.Owner,
		"--dseq", strconv.FormatUint(id.DSeq, 10),
		"--gseq", strconv.FormatUint(uint64(id.GSeq), 10),
		"--oseq", strconv.FormatUint(uint64(id.OSeq), 10)}
}

// bidArgv is `tx market bid VERB` of one lease, with the reason when set.
func (c CLI) bidArgv(verb string, id akash.LeaseID, reason uint32) []string {
	argv := append([]string{c.Name(), "tx", "market", "bid", verb}, idFlags(id)...)
	if reason != 0 {
		argv = append(argv, "--reason", strconv.FormatUint(uint64(reason), 10))
	}
	return argv
}

// leasePath is akt's positional identity of one lease.
func leasePath(id akash.LeaseID) string {
	return fmt.Sprintf("%s/%d/%d/%d/%s", id.Owner, id.DSeq, id.GSeq, id.OSeq, id.Provider)
}

// CloseBidArgv is `tx market bid close` in this CLI's dialect. Both CLIs
// take the lease as --owner/--dseq/--gseq/--oseq here (the provider is the
// signer), --reason in 10000-19999, and --yes to skip their own prompt,
// because kubectl-akash already asked.
func (c CLI) CloseBidArgv(b CloseBid) []string {
	argv := append(c.bidArgv("close", b.ID, b.Reason), c.signing()...)
	argv = append(argv, c.conn()...)
	return append(append(argv, "--yes"), c.output()...)
}

// SimulateArgv is --dry-run=server: the CLI's own --dry-run, which
// simulates the close against the chain and broadcasts nothing. The Cosmos
// SDK requires --from to be an address in simulation mode (the keyring is
// not opened), so the lease's provider address replaces the key name.
func (c CLI) SimulateArgv(b CloseBid) []string {
	argv := c.bidArgv("close", b.ID, b.Reason)
	if c.KeyringBackend != "" {
		argv = append(argv, "--keyring-backend", c.KeyringBackend)
	}
	argv = append(argv, c.conn()...)
	return append(argv, "--dry-run", "--from", b.ID.Provider)
}

// StartReclaimArgv starts the reclamation window of a lease that has one:
// the only way to end such a lease early from the provider side. The
// chain closes nothing then; the lease is "reclaiming" until its deadline.
func (c CLI) StartReclaimArgv(id akash.LeaseID, reason uint32) []string {
	argv := append(c.bidArgv("start-reclaim", id, reason), c.signing()...)
	return append(argv, c.conn()...)
}

// QueryTxArgv looks a transaction up by hash.
func (c CLI) QueryTxArgv(hash string) []string {
	argv := append([]string{c.Name(), "query", "tx", hash}, c.conn()...)
	return append(argv, c.output()...)
}

// QueryLeaseArgv reads one lease.
func (c CLI) QueryLeaseArgv(id akash.LeaseID) []string {
	var argv []string
	if c.IsAkt() {
		argv = []string{c.Name(), "query", "market", "lease", leasePath(id)}
	} else {
		argv = append([]string{c.Name(), "query", "market", "lease", "get"}, idFlags(id)...)
		argv = append(argv, "--provider", id.Provider)
	}
	argv = append(argv, c.conn()...)
	return append(argv, c.output()...)
}

// ListLeasesArgv lists provider's leases in state, one page (key "" for
// the first). provider-services needs --gseq 0 --oseq 0, or it silently
// keeps only gseq=1/oseq=1; akt's positional filter has no such default.
func (c CLI) ListLeasesArgv(provider, state string, limit int, key string) []string {
	var argv []string
	if c.IsAkt() {
		argv = []string{c.Name(), "query", "market", "lease", "--by", "provider", provider, state}
	} else {
		argv = []string{c.Name(), "query", "market", "lease", "list", "--provider", provider, "--state", state, "--gseq", "0", "--oseq", "0"}
	}
	argv = append(argv, "--limit", strconv.Itoa(limit))
	if key != "" {
		argv = append(argv, "--page-key", key)
	}
	argv = append(argv, c.conn()...)
	return append(argv, c.output()...)
}

// StartReclaimHint names the command that starts reclaiming id, with akt
// and with provider-services, the CLI in use first.
func StartReclaimHint(inUse CLI, id akash.LeaseID) string {
	akt := CLI{Dialect: DialectAkt, From: "<provider-key>"}
	ps := CLI{Dialect: DialectProviderServices}
	if inUse.IsAkt() {
		akt = inUse
	} else if inUse.Dialect != "" {
		ps = inUse
	}
	first, second := akt, ps
	where := "in the akash-provider pod"
	if !inUse.IsAkt() {
		first, second = ps, akt
		where = "with akt"
	}
	return fmt.Sprintf("`%s` (%s: `%s`)", strings.Join(first.StartReclaimArgv(id, 0), " "), where, strings.Join(second.StartReclaimArgv(id, 0), " "))
}

// aktVersion is the first line of `akt version`: "akt v0.4.1 (commit: abc,
// built: 2026-05-01)".
var aktVersion = regexp.MustCompile(`^akt\s+(\S+)\s+\(commit:`)

// DetectCLI reads a CLI's dialect from what it printed: short is the
// output of `BIN version`, long that of `BIN version --long` (empty when
// not asked). akt says its name on the first line of `version`;
// provider-services prints only a version there, and its name in `version
// --long` (name: provider-services, the Cosmos SDK's version info). needLong
// reports that short alone did not decide and long should be asked.
func DetectCLI(short, long string) (cli CLI, needLong bool, err error) {
	first := strings.TrimSpace(short)
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = strings.TrimSpace(first[:i])
	}
	if m := aktVersion.FindStringSubmatch(first); m != nil {
		return CLI{Dialect: DialectAkt, Version: m[1]}, false, nil
	}
	if strings.TrimSpace(long) == "" {
		return CLI{}, true, nil
	}
	info := map[string]any{}
	if json.Unmarshal([]byte(strings.TrimSpace(long)), &info) != nil {
		for _, line := range strings.Split(long, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok {
				info[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
	}
	name, _ := info["name"].(string)
	server, _ := info["server_name"].(string)
	if name == Program || server == Program {
		v, _ := info["version"].(string)
		return CLI{Dialect: DialectProviderServices, Version: v}, false, nil
	}
	return CLI{}, false, fmt.Errorf("it is neither akt nor provider-services (`version` printed %q)", clip(first))
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// Detect asks the binary behind r which CLI it is: `version`, and
// `version --long` when the short answer did not name it. It sends nothing
// to the chain. The error is one sentence naming the binary.
func Detect(ctx context.Context, r Runner, what string) (CLI, error) {
	// argv[0] is the CLI's name; a LocalRunner puts its binary there.
	out, err := r.Run(ctx, []string{"cli", "version"})
	if err != nil {
		return CLI{}, fmt.Errorf("%s: cannot tell which chain CLI it is, so nothing was sent: %w", what, err)
	}
	cli, needLong, derr := DetectCLI(out.Stdout+"\n"+out.Stderr, "")
	if needLong {
		long, lerr := r.Run(ctx, []string{"cli", "version", "--long"})
		if lerr != nil {
			return CLI{}, fmt.Errorf("%s: cannot tell which chain CLI it is, so nothing was sent: %w", what, lerr)
		}
		cli, needLong, derr = DetectCLI(out.Stdout, long.Stdout)
		if needLong {
			derr = fmt.Errorf("it is neither akt nor provider-services (`version` printed %q, `version --long` nothing)", clip(strings.TrimSpace(out.Stdout+" "+out.Stderr)))
		}
	}
	if derr != nil {
		return CLI{}, fmt.Errorf("%s is refused: %w; pass an akt or provider-services binary — nothing was sent", what, derr)
	}
	return cli, nil
}
