package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// CLISource reads leases with `provider-services query market ...` through a
// Runner — by default inside the akash-provider pod, whose environment
// already points at the provider's chain node. Its JSON is the REST API's.
type CLISource struct {
	Runner Runner
	// Where names the runner in messages ("in pod akash-services/akash-provider-0").
	Where string
	// PageSize is --limit (default 1000).
	PageSize int
}

// Describe names the source.
func (c *CLISource) Describe() string { return Program + " query market " + c.Where }

// OpenLeases lists the provider's open leases of every group and order:
// `--gseq 0 --oseq 0`, because without them the CLI silently keeps only
// gseq=1/oseq=1.
func (c *CLISource) OpenLeases(ctx context.Context, provider string) ([]LeaseState, error) {
	var all []LeaseState
	for _, state := range OpenStates {
		got, err := collectPages(c.Describe(), func(key string) (resp restListResponse, err error) {
			argv := []string{Program, "query", "market", "lease", "list", "--provider", provider, "--state", state,
				"--gseq", "0", "--oseq", "0", "--limit", strconv.Itoa(c.pageSize()), "--output", "json"}
			if key != "" {
				argv = append(argv, "--page-key", key)
			}
			err = c.query(ctx, argv, &resp)
			return resp, err
		})
		if state == StateReclaiming && answered(err, "invalid") {
			continue // chains before 2026 have no such state
		}
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return all, nil
}

// Lease reads one lease with `query market lease get`.
func (c *CLISource) Lease(ctx context.Context, id akash.LeaseID) (LeaseState, error) {
	argv := []string{Program, "query", "market", "lease", "get",
		"--owner", id.Owner, "--dseq", strconv.FormatUint(id.DSeq, 10),
		"--gseq", strconv.FormatUint(uint64(id.GSeq), 10), "--oseq", strconv.FormatUint(uint64(id.OSeq), 10),
		"--provider", id.Provider, "--output", "json"}
	var resp restInfoResponse
	err := c.query(ctx, argv, &resp)
	if answered(err, "not found") {
		return LeaseState{ID: id, State: StateNotFound}, nil
	}
	if err != nil {
		return LeaseState{}, err
	}
	return resp.Lease.state()
}

// query runs argv and decodes its JSON stdout.
func (c *CLISource) query(ctx context.Context, argv []string, out any) error {
	res, err := c.Runner.Run(ctx, argv)
	if err != nil {
		return fmt.Errorf("%s: %w", c.Describe(), err)
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(res.Stderr)
		if msg == "" {
			msg = strings.TrimSpace(res.Stdout)
		}
		return &cliError{fmt.Sprintf("%s failed (exit %d): %s", c.Describe(), res.ExitCode, lastLine(msg))}
	}
	if err := json.Unmarshal([]byte(res.Stdout), out); err != nil {
		return fmt.Errorf("%s printed something that is not its JSON answer: %w", c.Describe(), err)
	}
	return nil
}

// cliError is provider-services' own answer: it ran and exited non-zero.
// Only such an answer says something about the chain; a pod that is gone,
// a binary that is missing or output that is not JSON say nothing.
type cliError struct{ msg string }

func (e *cliError) Error() string { return e.msg }

// answered reports whether err is provider-services' own answer and says
// what (case-insensitive), e.g. "not found".
func answered(err error, what string) bool {
	var ce *cliError
	return errors.As(err, &ce) && strings.Contains(strings.ToLower(ce.msg), what)
}

func (c *CLISource) pageSize() int {
	if c.PageSize > 0 {
		return c.PageSize
	}
	return 1000
}
