// Package leases joins what the cluster holds about each lease — its Manifest
// CR, its namespace and the pods inside — into one Lease result per lease.
// It is pure: it works on a snapshot and never calls the API.
package leases
