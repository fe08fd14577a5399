package clitest

import "github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"

// Tenant and Provider are valid addresses for the tables' address flags.
// Upper-cased, they are what an operator may type (Bech32 allows it), and
// Validate lower-cases them.
var (
	Tenant   = akash.EncodeAddress([]byte("testTenant-account-20byte"[:20]))
	Provider = akash.EncodeAddress([]byte("provider-account-20b"[:20]))
)
