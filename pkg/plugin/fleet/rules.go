package fleet

import (
	"strings"

	"github.com/spf13/pflag"
)

// Which commands may fan out over several contexts is decided here, in one
// place, from the command and its flags. Everything else reads and checks,
// and fans out: a command added later (or a plugins.yaml command) gets
// --contexts, --all-contexts and --fleet without an edit.

// Invocation is the command line a fleet run repeats per context, as
// parsed: the command's path below the root, its flags (its own and the
// inherited ones) and its positional arguments.
type Invocation struct {
	Path  []string
	Flags *pflag.FlagSet
	Args  []string
	// OutputFlags are the names of the flags the output layer adds: a
	// context's run leaves them out when the answer is merged.
	OutputFlags map[string]bool
}

// Name is how messages name the command: "leases close".
func (inv Invocation) Name() string { return strings.Join(inv.Path, " ") }

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
// it: they change nothing, so --yes does not make them one-cluster
// commands.
var acceptsYesOnly = map[string]bool{"doctor": true}

// runsForever are flags that make a command keep running.
var runsForever = []string{"watch", "follow"}

// ReadsNoCluster says why the command cannot run on several contexts
// because it reads no cluster at all ("" when it does read one).
func (inv Invocation) ReadsNoCluster() string {
	if len(inv.Path) > 0 && noClusterCommands[inv.Path[0]] {
		return "reads no cluster"
	}
	for _, name := range []string{"local", "from-file"} {
		if inv.set(name) {
			return "--" + name + " reads this machine, not a cluster"
		}
	}
	return ""
}

// OneClusterOnly says why the command, as its flags stand, must run on one
// context at a time ("" when it only reads and checks): it changes
// something (the plan, the confirmation and the preconditions are one
// cluster's), prints one cluster's CronJob, keeps running, or holds the
// terminal.
func (inv Invocation) OneClusterOnly() string {
	name := inv.Name()
	if why := alwaysOneCluster[name]; why != "" {
		return why
	}
	if inv.set("schedule") {
		return "--schedule prints one cluster's CronJob"
	}
	for _, f := range runsForever {
		if inv.set(f) {
			return "--" + f + " keeps running"
		}
	}
	if sw, ok := actingSwitch[name]; ok {
		if !inv.set(sw) || inv.rehearsal() {
			return ""
		}
		return "--" + sw + " changes the cluster"
	}
	// Every command that can change something has --yes (the executor's
	// flags); it only reads when told to rehearse.
	if inv.Flags.Lookup("yes") != nil && !acceptsYesOnly[name] && !inv.rehearsal() {
		return "changes the cluster (unless --dry-run)"
	}
	return ""
}

// rehearsal reports whether --dry-run=client or server was given.
func (inv Invocation) rehearsal() bool {
	f := inv.Flags.Lookup("dry-run")
	return f != nil && f.Changed && (f.Value.String() == "client" || f.Value.String() == "server")
}

// set reports whether the command has the flag and the operator set it to
// something other than false.
func (inv Invocation) set(name string) bool {
	f := inv.Flags.Lookup(name)
	return f != nil && f.Changed && f.Value.String() != "false"
}
