package watch

import (
	"time"

	"github.com/spf13/cobra"
)

// Settle is how long a watch lets a burst of events settle before it
// reads again: one refresh per burst, not one per event.
const Settle = 500 * time.Millisecond

// AddFlags binds kubectl's -w/--watch and --watch-only; how tells how
// changes are noticed.
func AddFlags(cmd *cobra.Command, w, only *bool, how string) {
	cmd.Flags().BoolVarP(w, "watch", "w", false, "After printing, keep printing what changes ("+how+") until Ctrl-C.")
	cmd.Flags().BoolVar(only, "watch-only", false, "Like --watch, without printing what is there first.")
}
