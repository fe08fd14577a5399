package akash

import (
	"strings"
	"testing"
)

func TestRealAddressesValidate(t *testing.T) {
	for _, a := range []string{
		"akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h",
		"akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0",
	} {
		if err := ValidateAddress(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
}

func TestBadAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9j":  "checksum",
		"cosmos1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h": "checksum",
		"akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3cbh":  "character", // 'b' is not in the charset
		"akash": "length",
		"Akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h": "mixed case",
	} {
		err := ValidateAddress(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
}

func TestEncodeAddressRoundTrip(t *testing.T) {
	data := make([]byte, 20)
	for i := range data {
		data[i] = byte(i * 13)
	}
	a := EncodeAddress(data)
	if !strings.HasPrefix(a, "akash1") || len(a) != 44 {
		t.Fatalf("address %q", a)
	}
	if err := ValidateAddress(a); err != nil {
		t.Fatal(err)
	}
	_, five, _ := decodeBech32(a)
	if got := convertBits(five, 5, 8); string(got[:20]) != string(data) {
		t.Fatalf("payload changed: %x", got)
	}
}

func TestNormalizeAddress(t *testing.T) {
	const lower = "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"
	for _, in := range []string{lower, strings.ToUpper(lower)} {
		got, err := NormalizeAddress(in)
		if err != nil || got != lower {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	if _, err := NormalizeAddress("Akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h"); err == nil || !strings.Contains(err.Error(), "mixed case") {
		t.Errorf("mixed case must be refused: %v", err)
	}
	if !SameAddress(lower, strings.ToUpper(lower)) || SameAddress(lower, "akash1nxq8gmsw2vlz3m68qvyvcf3kh6q269ajvqw6y0") {
		t.Error("SameAddress")
	}
}
