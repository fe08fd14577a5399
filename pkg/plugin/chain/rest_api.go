package chain

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// VerifiedREST is the chain's REST API at base (--api) as a read-only lease
// source whose answers are checked (Verified), each request bounded by
// timeout. Every command that takes --api reads the chain through it.
func VerifiedREST(base string, timeout time.Duration) LeaseSource {
	return Verified{LeaseSource: &REST{Base: base, Client: &http.Client{Timeout: timeout}}}
}

// ValidateAPI refuses an --api that is not a REST address, and plain HTTP
// to another host (anyone on the way could forge the chain's answers)
// unless insecure. "" (no --api) is fine.
func ValidateAPI(api string, insecure bool) error {
	if api == "" {
		return nil
	}
	u, err := url.Parse(api)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--api %q: want the chain's REST address, like https://api.example:443", api)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) && !insecure {
		return fmt.Errorf("--api %q is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that", api)
	}
	return nil
}

// IsLoopback reports whether host is this machine (a name or an address).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
