package cmd

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/schedule"
)

// steps is the life of a command's Options: Complete reads what cobra
// parsed, Validate checks it without I/O, Run does the work. Commands whose
// Options have these three get their RunE from runSteps, so the order (and
// that nothing runs after a bad flag) is written once.
type steps interface {
	Complete(*cobra.Command) error
	Validate() error
	Run(context.Context) error
}

// runSteps is the RunE of a command whose Options are steps.
func runSteps(o steps) func(*cobra.Command, []string) error {
	return runScheduled(o, nil, nil)
}

// runScheduled is runSteps for a command that --schedule turns into a
// CronJob: once the flags are valid, print replaces Run when s is enabled.
func runScheduled(o steps, s *schedule.Flags, print func(*cobra.Command) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if err := o.Complete(cmd); err != nil {
			return err
		}
		if err := o.Validate(); err != nil {
			return err
		}
		if s != nil && s.Enabled(cmd) {
			return print(cmd)
		}
		return o.Run(cmd.Context())
	}
}
