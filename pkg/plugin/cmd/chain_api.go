package cmd

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/chain"
)

// chainAPIFlags are --api, --insecure-api and --api-timeout: the chain's
// REST API as a read-only lease source.
type chainAPIFlags struct {
	API      string
	Insecure bool
	Timeout  time.Duration
}

func (f *chainAPIFlags) addFlags(cmd *cobra.Command, what string) {
	if f.Timeout == 0 {
		f.Timeout = 30 * time.Second
	}
	cmd.Flags().StringVar(&f.API, "api", "", "The chain's REST API (e.g. https://api.example:443)"+what)
	cmd.Flags().DurationVar(&f.Timeout, "api-timeout", f.Timeout, "Timeout of each request to --api.")
	cmd.Flags().BoolVar(&f.Insecure, "insecure-api", false, "Allow --api over plain HTTP to a host other than loopback (answers can then be forged on the way).")
}

func (f *chainAPIFlags) validate() error {
	if err := validateChainAPI(f.API, f.Insecure); err != nil {
		return err
	}
	if f.Timeout <= 0 {
		return fmt.Errorf("--api-timeout must be positive, got %s", f.Timeout)
	}
	return nil
}

// source is the verified REST source; nil without --api.
func (f *chainAPIFlags) source() chain.LeaseSource {
	if f.API == "" {
		return nil
	}
	return chain.Verified{LeaseSource: &chain.REST{Base: f.API, Client: &http.Client{Timeout: f.Timeout}}}
}

// validateChainAPI refuses an --api that is not a REST address, and plain
// HTTP to another host (anyone on the way could forge the chain's answers)
// unless insecure.
func validateChainAPI(api string, insecure bool) error {
	if api == "" {
		return nil
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--api %q: want the chain's REST address, like https://api.example:443", api)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) && !insecure {
		return fmt.Errorf("--api %q is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that", api)
	}
	return nil
}

// isLoopback reports whether host is this machine (a name or an address).
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
