package akash

import (
	"errors"
	"fmt"
	"strings"
)

// AddressPrefix is the human-readable part of Akash account addresses.
const AddressPrefix = "akash"

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// ValidateAddress checks that s is a bech32 account address with the akash
// prefix and a correct checksum, so a typo in --owner or --provider is caught
// before anything is sent to the chain or compared with the cluster.
func ValidateAddress(s string) error {
	hrp, data, err := decodeBech32(s)
	if err != nil {
		return fmt.Errorf("%q is not a bech32 address: %w", s, err)
	}
	if hrp != AddressPrefix {
		return fmt.Errorf("%q is not an Akash address: prefix %q, want %q", s, hrp, AddressPrefix)
	}
	// A checksum over an empty or cut-short payload is still a valid
	// checksum: the payload must be a whole account (20 bytes) or a
	// module or interchain account (32 bytes), without stray padding bits.
	n, ok := payloadBytes(data)
	if !ok || (n != 20 && n != 32) {
		return fmt.Errorf("%q is not an Akash address: its payload is %s, an account address has 20 bytes (32 for module accounts)", s, describePayload(n, ok))
	}
	return nil
}

// payloadBytes is how many bytes the 5-bit groups of a bech32 payload
// hold; ok is false when the groups leave non-zero padding bits or a
// whole spare group, which no encoder produces.
func payloadBytes(five []byte) (int, bool) {
	bits := 5 * len(five)
	n, pad := bits/8, bits%8
	if pad >= 5 {
		return n, false
	}
	if len(five) > 0 && five[len(five)-1]&(1<<pad-1) != 0 {
		return n, false
	}
	return n, true
}

func describePayload(n int, ok bool) string {
	switch {
	case !ok:
		return "not a whole number of bytes"
	case n == 0:
		return "empty"
	}
	return fmt.Sprintf("%d bytes", n)
}

// NormalizeAddress validates s as ValidateAddress does and returns it in
// lower case, the form the chain prints and the provider writes into lease
// labels and namespace hashes. Bech32 allows an all-upper-case spelling
// (AKASH1...), which names the same account: every address that comes
// from the operator (flags, -f input) goes through here before it is
// compared with anything.
func NormalizeAddress(s string) (string, error) {
	if err := ValidateAddress(s); err != nil {
		return "", err
	}
	return strings.ToLower(s), nil
}

// SameAddress reports whether a and b spell the same account, whatever the
// case of either; it is how addresses read from the cluster are compared
// with normalised ones.
func SameAddress(a, b string) bool { return strings.EqualFold(a, b) }

// EncodeAddress renders data (a 20-byte account hash) as an akash1...
// address. Tests and fixtures use it to make addresses with valid checksums.
func EncodeAddress(data []byte) string {
	five := convertBits(data, 8, 5)
	sum := bech32Checksum(AddressPrefix, five)
	var b strings.Builder
	b.WriteString(AddressPrefix + "1")
	for _, v := range append(five, sum...) {
		b.WriteByte(bech32Charset[v])
	}
	return b.String()
}

func decodeBech32(s string) (string, []byte, error) {
	if len(s) < 8 || len(s) > 90 {
		return "", nil, errors.New("wrong length")
	}
	if strings.ToLower(s) != s && strings.ToUpper(s) != s {
		return "", nil, errors.New("mixed case")
	}
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || sep+7 > len(s) {
		return "", nil, errors.New("no separator or checksum")
	}
	hrp := s[:sep]
	data := make([]byte, 0, len(s)-sep-1)
	for _, c := range s[sep+1:] {
		v := strings.IndexRune(bech32Charset, c)
		if v < 0 {
			return "", nil, fmt.Errorf("invalid character %q", c)
		}
		data = append(data, byte(v))
	}
	if bech32Polymod(append(hrpExpand(hrp), data...)) != 1 {
		return "", nil, errors.New("bad checksum")
	}
	return hrp, data[:len(data)-6], nil
}

func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := 0; i < 5; i++ {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

func hrpExpand(hrp string) []byte {
	out := make([]byte, 0, len(hrp)*2+1)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := 0; i < len(hrp); i++ {
		out = append(out, hrp[i]&31)
	}
	return out
}

func bech32Checksum(hrp string, data []byte) []byte {
	values := append(hrpExpand(hrp), data...)
	values = append(values, 0, 0, 0, 0, 0, 0)
	mod := bech32Polymod(values) ^ 1
	out := make([]byte, 6)
	for i := range out {
		out[i] = byte(mod >> uint(5*(5-i)) & 31)
	}
	return out
}

func convertBits(data []byte, from, to uint) []byte {
	var acc, bits uint
	var out []byte
	maxv := uint(1)<<to - 1
	for _, b := range data {
		acc = acc<<from | uint(b)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if bits > 0 {
		out = append(out, byte(acc<<(to-bits)&maxv))
	}
	return out
}
