package akash

import "fmt"

// NormalizeAddressFlags validates the addresses of a repeatable flag and
// lower-cases them in place (NormalizeAddress).
func NormalizeAddressFlags(flag string, addrs []string) error {
	for i, a := range addrs {
		n, err := NormalizeAddress(a)
		if err != nil {
			return fmt.Errorf("%s: %w", flag, err)
		}
		addrs[i] = n
	}
	return nil
}

// NormalizeAddressFlag validates and lower-cases an optional address flag in
// place; empty stays empty.
func NormalizeAddressFlag(flag string, addr *string) error {
	if *addr == "" {
		return nil
	}
	n, err := NormalizeAddress(*addr)
	if err != nil {
		return fmt.Errorf("%s: %w", flag, err)
	}
	*addr = n
	return nil
}
