package akash

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Uint is an unsigned integer that decodes from a JSON number or a decimal
// string. The provider's CRDs are not consistent (dseq is a string in Manifest
// and ProviderLeasedIP but an integer in ProviderHost; resource units are
// "number"), and a reader must accept what is actually stored.
type Uint uint64

// UnmarshalJSON accepts 12, 12.0, "12" and null.
func (u *Uint) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*u = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	if v, err := strconv.ParseUint(string(b), 10, 64); err == nil {
		*u = Uint(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 0 || f != float64(uint64(f)) {
		return fmt.Errorf("%s is not an unsigned integer", b)
	}
	*u = Uint(uint64(f))
	return nil
}

// MarshalJSON writes a plain JSON number.
func (u Uint) MarshalJSON() ([]byte, error) { return []byte(strconv.FormatUint(uint64(u), 10)), nil }
