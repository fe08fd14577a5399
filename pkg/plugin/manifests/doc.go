// Package manifests acts on the provider's lease objects as a whole: the
// backup of the Manifests, ProviderHosts and ProviderLeasedIPs of the lease
// namespace that every change to them writes first, and heal, which patches
// the SDL command that old providers dropped back into the Manifests
// (rollout.FindLostCommands finds what to patch) and restarts the provider.
package manifests
