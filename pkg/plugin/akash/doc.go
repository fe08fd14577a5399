// Package akash is the plugin's model of an Akash provider cluster: lease IDs and
// the namespace each lease runs in, the labels the provider puts on what it
// creates, the GroupVersionResources of its CRDs, and typed read access to
// Manifest specs stored as unstructured objects.
//
// Everything here is pure: no client, no clock, no I/O.
package akash
