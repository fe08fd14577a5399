// Package rollout finds the two rollout problems Akash providers repair by
// hand, and plans the repair:
//
//   - stuck updates: a Deployment whose new pod cannot schedule for lack of
//     resources because the old pod still holds them (Kubernetes keeps the old
//     pod until the new one is ready, which never happens on a full provider);
//     the repair deletes the older ReplicaSets that Deployment owns, and only
//     those;
//   - lost commands: providers before 0.2.1 dropped the SDL command from
//     Manifests, so a Deployment rolled out a revision without it; the repair
//     puts the command from the last good revision back into the Manifest
//     service of the same name.
//
// The analyses are pure: they read a snapshot and return result objects
// holding execute.Actions. forcenew.go is force-new around them: the
// snapshot.Spec it reads, the events it reads only when needed, and the
// executor's flow. Heal, which patches lost commands back into the
// Manifests, is in package manifests.
package rollout
