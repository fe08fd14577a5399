package chain

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

// APIFlags are --api, --insecure-api and --api-timeout: the chain's
// REST API as a read-only lease source.
type APIFlags struct {
	API      string
	Insecure bool
	Timeout  time.Duration
}

// AddFlags binds the flags; what ends --api's help (what it is read for).
func (f *APIFlags) AddFlags(cmd *cobra.Command, what string) {
	if f.Timeout == 0 {
		f.Timeout = 30 * time.Second
	}
	cmd.Flags().StringVar(&f.API, "api", "", "The chain's REST API (e.g. https://api.example:443)"+what)
	cmd.Flags().DurationVar(&f.Timeout, "api-timeout", f.Timeout, "Timeout of each request to --api.")
	cmd.Flags().BoolVar(&f.Insecure, "insecure-api", false, "Allow --api over plain HTTP to a host other than loopback (answers can then be forged on the way).")
}

// Validate checks the flags without I/O.
func (f *APIFlags) Validate() error {
	if err := ValidateAPI(f.API, f.Insecure); err != nil {
		return err
	}
	if f.Timeout <= 0 {
		return fmt.Errorf("--api-timeout must be positive, got %s", f.Timeout)
	}
	return nil
}

// Source is the verified REST source; nil without --api.
func (f *APIFlags) Source() LeaseSource {
	if f.API == "" {
		return nil
	}
	return VerifiedREST(f.API, f.Timeout)
}
