package chain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
)

// CLISource reads leases with `provider-services query market ...` or `akt
// query market lease ...` through a Runner — by default provider-services
// inside the akash-provider pod, whose environment already points at the
// provider's chain node. Both print the REST API's JSON.
type CLISource struct {
	Runner Runner
	// CLI is the dialect and flags (zero: provider-services, own environment).
	CLI CLI
	// Where names the runner in messages ("in pod akash-services/akash-provider-0").
	Where string
	// PageSize is --limit (default 1000).
	PageSize int
}

// Describe names the source.
func (c *CLISource) Describe() string { return c.CLI.Name() + " query market " + c.Where }

// OpenLeases lists the provider's open leases of every group and order
// (CLI.ListLeasesArgv).
func (c *CLISource) OpenLeases(ctx context.Context, provider string) ([]LeaseState, error) {
	var all []LeaseState
	for _, state := range OpenStates {
		got, err := collectPages(c.Describe(), func(key string) (resp restListResponse, err error) {
			err = c.query(ctx, c.CLI.ListLeasesArgv(provider, state, c.pageSize(), key), &resp)
			return resp, err
		})
		if state == StateReclaiming && (answered(err, "invalid") || answered(err, "unknown state")) {
			continue // chains before 2026 have no such state
		}
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return all, nil
}

// Lease reads one lease (CLI.QueryLeaseArgv). The answer is the lease
// itself ({"lease": ...}); a listing of exactly one lease ({"leases":
// [...]}, what a positional filter may print) is taken too, anything else
// is not an answer.
func (c *CLISource) Lease(ctx context.Context, id akash.LeaseID) (LeaseState, error) {
	var resp struct {
		Lease  *restLease `json:"lease"`
		Leases []struct {
			Lease restLease `json:"lease"`
		} `json:"leases"`
	}
	err := c.query(ctx, c.CLI.QueryLeaseArgv(id), &resp)
	if answered(err, "not found") {
		return LeaseState{ID: id, State: StateNotFound}, nil
	}
	if err != nil {
		return LeaseState{}, err
	}
	switch {
	case resp.Lease != nil:
		return resp.Lease.state()
	case len(resp.Leases) == 1:
		return resp.Leases[0].Lease.state()
	case resp.Leases != nil && len(resp.Leases) == 0:
		return LeaseState{ID: id, State: StateNotFound}, nil
	}
	return LeaseState{}, fmt.Errorf("%s answered lease %s with %d leases: the answer is not trusted", c.Describe(), id, len(resp.Leases))
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

// cliError is the CLI's own answer: it ran and exited non-zero.
// Only such an answer says something about the chain; a pod that is gone,
// a binary that is missing or output that is not JSON say nothing.
type cliError struct{ msg string }

func (e *cliError) Error() string { return e.msg }

// answered reports whether err is the CLI's own answer and says
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
