package chain

import "testing"

// TestValidateAPI: only REST addresses, and plain HTTP only to loopback
// unless insecure.
func TestValidateAPI(t *testing.T) {
	type tc struct {
		api      string
		insecure bool
		want     string
	}
	for _, c := range []tc{
		{"", false, ""},
		{"https://api.example:443", false, ""},
		{"http://127.0.0.1:1317", false, ""},
		{"http://localhost:1317", false, ""},
		{"http://[::1]:1317", false, ""},
		{"http://api.example:1317", true, ""},
		{"api.example:1317", false, `--api "api.example:1317": want the chain's REST address, like https://api.example:443`},
		{"ftp://api.example", false, `--api "ftp://api.example": want the chain's REST address, like https://api.example:443`},
		{"http://api.example:1317", false, `--api "http://api.example:1317" is plain HTTP to another host, where anyone on the way can forge the chain's answers: use https, or pass --insecure-api if you accept that`},
	} {
		err := ValidateAPI(c.api, c.insecure)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("ValidateAPI(%q, %v) = %q; want %q", c.api, c.insecure, got, c.want)
		}
	}
}
