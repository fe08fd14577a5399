package zombies

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
)

// KillFlags are the --kill flags shared by `node-debug zombies` and the
// agent that carries the kill out on the node.
// They travel to the agent as part of its JSON options (AgentOptions).
type KillFlags struct {
	Kill                  bool          `json:"kill,omitempty"`
	Grace                 time.Duration `json:"grace,omitempty"`
	AllowContainerRestart bool          `json:"allowContainerRestart,omitempty"`
	Namespaces            []string      `json:"namespaces,omitempty"`
	AllNamespaces         bool          `json:"allNamespaces,omitempty"`
	PIDPressure           int           `json:"pidPressure,omitempty"`
}

// NewKillFlags holds the defaults.
func NewKillFlags() KillFlags { return KillFlags{Grace: 15 * time.Second, PIDPressure: 90} }

// AddFlags binds the kill and pressure flags, defaulting to k's values.
func (k *KillFlags) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&k.Kill, "kill", k.Kill, "Make the parents reap their zombies: SIGCHLD, then SIGTERM, then SIGKILL, as far as each can work, re-checking after each.")
	fs.DurationVar(&k.Grace, "grace", k.Grace, "With --kill: how long each signal gets before the next one.")
	fs.BoolVar(&k.AllowContainerRestart, "allow-container-restart", k.AllowContainerRestart, "With --kill: allow SIGKILL of a container's PID 1, which restarts the whole container.")
	// -n is kubectl's namespace flag; here it names what --kill may reach.
	fs.StringSliceVarP(&k.Namespaces, "namespace", "n", k.Namespaces, "With --kill: also signal the pods of this namespace (repeatable, or a comma list). By default only pods in lease namespaces (akash.network=true) are signalled.")
	fs.BoolVarP(&k.AllNamespaces, "all-namespaces", "A", k.AllNamespaces, "With --kill: signal pods in any namespace, and pods the API could not name.")
	fs.IntVar(&k.PIDPressure, "pid-pressure", k.PIDPressure, "Report PID pressure when a pod's pids cgroup or the node's pid_max is this full (percent).")
}

// ErrProcRootKill: signals go to this machine's PIDs, so they must be
// checked against this machine's /proc, never a copy of another one.
var ErrProcRootKill = errors.New("--kill signals this machine's processes: it cannot be combined with a --proc-root other than /proc")

// Validate checks the flags without I/O; procRoot is the /proc the scan
// reads, which --kill requires to be this machine's.
func (k *KillFlags) Validate(procRoot string) error {
	if k.Kill && filepath.Clean(procRoot) != "/proc" {
		return ErrProcRootKill
	}
	if k.Grace <= 0 {
		return fmt.Errorf("--grace must be positive, got %s", k.Grace)
	}
	if k.PIDPressure < 1 || k.PIDPressure > 100 {
		return fmt.Errorf("--pid-pressure is a percentage from 1 to 100, got %d", k.PIDPressure)
	}
	if !k.Kill && (len(k.Namespaces) > 0 || k.AllNamespaces) {
		return errors.New("--namespace and --all-namespaces say which pods --kill may signal; the report always shows every zombie: add --kill or drop them")
	}
	for _, ns := range k.Namespaces {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			return fmt.Errorf("--namespace %q is not a namespace name: %s", ns, errs[0])
		}
	}
	return nil
}

// Options turns the flags into the kill's options.
func (k *KillFlags) Options(dryRun bool) KillOptions {
	return KillOptions{Grace: k.Grace, AllowContainerRestart: k.AllowContainerRestart, DryRun: dryRun,
		Namespaces: k.Namespaces, AllNamespaces: k.AllNamespaces}
}
