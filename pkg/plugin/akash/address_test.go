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

// TestAddressPayloadLength: a valid checksum over an empty, short or
// padded payload is not an account; 20 and 32 bytes are.
func TestAddressPayloadLength(t *testing.T) {
	for n, ok := range map[int]bool{0: false, 1: false, 19: false, 20: true, 21: false, 32: true, 33: false} {
		a := EncodeAddress(make([]byte, n))
		if err := ValidateAddress(a); (err == nil) != ok {
			t.Errorf("%d bytes (%s): %v", n, a, err)
		}
	}
	for in, want := range map[string]string{
		"akash124zpj3": "payload is empty",
	} {
		if err := ValidateAddress(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", in, err, want)
		}
	}
	// A whole spare 5-bit group (20 bytes are 32 groups, not 33).
	five := append(convertBits(make([]byte, 20), 8, 5), 0)
	var b strings.Builder
	b.WriteString(AddressPrefix + "1")
	for _, v := range append(five, bech32Checksum(AddressPrefix, five)...) {
		b.WriteByte(bech32Charset[v])
	}
	if err := ValidateAddress(b.String()); err == nil || !strings.Contains(err.Error(), "whole number of bytes") {
		t.Errorf("%s: %v", b.String(), err)
	}
}
