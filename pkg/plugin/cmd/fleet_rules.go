package cmd

import (
	"github.com/spf13/cobra"
)

// Which commands may fan out over several contexts is decided here, in one
// place, from the command and its flags. Everything else reads and checks,
// and fans out: a command added later (or a plugins.yaml command) gets
// --contexts, --all-contexts and --fleet without an edit.

// noClusterCommands read no cluster, so several contexts mean nothing to
// them (the first word of the command).
var noClusterCommands = map[string]bool{"version": true, "options": true, "completion": true, "help": true, "plugins": true, "agent": true}

// alwaysOneCluster change a cluster, a node or the chain whatever their
// flags say, or hold a terminal: they work on one context at a time.
var alwaysOneCluster = map[string]string{
	"leases close":      "closes leases",
	"leases kill-image": "closes leases",
	"certs renew":       "renews certificates",
	"provider restart":  "restarts the provider",
	"pods clean-failed": "deletes pods",
	"manifests backup":  "writes a backup file per cluster",
	"node-debug shell":  "opens a shell on a node",
}

// actingSwitch names the flag that turns a check into a change.
var actingSwitch = map[string]string{
	"dangling":           "close",
	"node-debug zombies": "kill",
}

// acceptsYesOnly have --yes only because a scheduled command always gets
// it (see commandArgs): they change nothing, so --yes does not make them
// one-cluster commands.
var acceptsYesOnly = map[string]bool{"doctor": true}

// runsForever are flags that make a command keep running.
var runsForever = []string{"watch", "follow"}

// readsNoCluster says why cmd cannot run on several contexts because it
// reads no cluster at all ("" when it does read one).
func readsNoCluster(cmd *cobra.Command) string {
	path := commandPath(cmd)
	if len(path) > 0 && noClusterCommands[path[0]] {
		return "reads no cluster"
	}
	for _, name := range []string{"local", "from-file"} {
		if flagSet(cmd, name) {
			return "--" + name + " reads this machine, not a cluster"
		}
	}
	return ""
}

// oneClusterOnly says why cmd, as its flags stand, must run on one context
// at a time ("" when it only reads and checks): it changes something (the
// plan, the confirmation and the preconditions are one cluster's), prints
// one cluster's CronJob, keeps running, or holds the terminal.
func oneClusterOnly(cmd *cobra.Command) string {
	name := commandName(cmd)
	if why := alwaysOneCluster[name]; why != "" {
		return why
	}
	if flagSet(cmd, "schedule") {
		return "--schedule prints one cluster's CronJob"
	}
	for _, f := range runsForever {
		if flagSet(cmd, f) {
			return "--" + f + " keeps running"
		}
	}
	if sw, ok := actingSwitch[name]; ok {
		if !flagSet(cmd, sw) {
			return ""
		}
		if rehearsal(cmd) {
			return ""
		}
		return "--" + sw + " changes the cluster"
	}
	// Every command that can change something has --yes (the executor's
	// flags); it only reads when told to rehearse.
	if cmd.Flags().Lookup("yes") != nil && !acceptsYesOnly[name] && !rehearsal(cmd) {
		return "changes the cluster (unless --dry-run)"
	}
	return ""
}

// rehearsal reports whether --dry-run=client or server was given.
func rehearsal(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup("dry-run")
	return f != nil && f.Changed && (f.Value.String() == "client" || f.Value.String() == "server")
}

// flagSet reports whether cmd has the flag and the operator set it to
// something other than false.
func flagSet(cmd *cobra.Command, name string) bool {
	f := cmd.Flags().Lookup(name)
	return f != nil && f.Changed && f.Value.String() != "false"
}
