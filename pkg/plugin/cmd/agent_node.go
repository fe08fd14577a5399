package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/nodeinfo"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// newAgentInfoCmd is `agent info`: the node's facts as one JSON object.
func newAgentInfoCmd(g *Globals, f *AgentFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Print this node's kernel, PID, cgroup and runtime facts as JSON",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return json.NewEncoder(g.Streams.Out).Encode(nodeinfo.Collect(f.Env()))
		},
	}
}

// newAgentPauseCmd is `agent pause`: the debug pod's main process. It idles
// until the pod is deleted (SIGTERM) or --for passes, so a pod whose plugin
// died never outlives its budget.
func newAgentPauseCmd() *cobra.Command {
	var d time.Duration
	cmd := &cobra.Command{
		Use:   "pause",
		Short: "Idle until SIGTERM or --for passes (the debug pod's main process)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sigs := make(chan os.Signal, 1)
			signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
			select {
			case <-sigs:
			case <-time.After(d):
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&d, "for", time.Hour, "Exit after this long.")
	return cmd
}

// newAgentShellCmd is `agent shell [-- COMMAND...]`: a root shell (or
// COMMAND) in the host's namespaces. It chroots into --host-root, where the
// host's own dynamically linked tools work, then execs the host's nsenter
// into PID 1's mount, UTS, IPC, network and PID namespaces. The image thus
// needs nothing but this static binary. Without nsenter on the host it
// stays in the chroot and says so.
func newAgentShellCmd(g *Globals, f *AgentFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "shell [-- COMMAND [ARG...]]",
		Short: "Replace this process with a root shell in the host's namespaces",
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.HostRoot != "" && f.HostRoot != "/" {
				if err := chroot(f.HostRoot); err != nil {
					return fmt.Errorf("chroot %s: %w", f.HostRoot, err)
				}
				if err := os.Chdir("/"); err != nil {
					return err
				}
			}
			if len(args) == 0 {
				args = []string{firstExisting("/bin/bash", "/usr/bin/bash", "/bin/sh"), "-l"}
			}
			env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"}
			term := os.Getenv("TERM")
			if term == "" {
				term = "xterm"
			}
			env = append(env, "TERM="+term)
			ns := firstExisting("/usr/bin/nsenter", "/bin/nsenter", "/usr/sbin/nsenter", "/sbin/nsenter")
			target, why := nsTarget("/proc")
			switch {
			case ns != "" && target != "":
				if target != "1" {
					fmt.Fprintf(g.Streams.ErrOut, "node-debug: %s; entering the kubelet's (pid %s) instead\n", why, target)
				}
				argv := append([]string{ns, "-t", target, "-m", "-u", "-i", "-n", "-p", "--"}, args...)
				return syscall.Exec(ns, argv, env)
			case ns == "":
				fmt.Fprintln(g.Streams.ErrOut, "node-debug: the host has no nsenter: this shell is chrooted into the host's / but keeps the pod's mount namespace")
			default:
				fmt.Fprintf(g.Streams.ErrOut, "node-debug: %s, nor a kubelet's: this shell is chrooted into the host's / but keeps the pod's mount namespace\n", why)
			}
			path := args[0]
			if filepath.Base(path) == path {
				path = firstExisting("/usr/local/sbin/"+path, "/usr/local/bin/"+path, "/usr/sbin/"+path, "/usr/bin/"+path, "/sbin/"+path, "/bin/"+path)
			}
			if path == "" {
				return fmt.Errorf("%s: not found on the host", args[0])
			}
			return syscall.Exec(path, args, env)
		},
	}
}

// firstExisting is the first path that exists, or "".
func firstExisting(paths ...string) string {
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// nsTarget picks the process whose namespaces the shell enters: PID 1, or,
// where PID 1's namespace files cannot be opened (some sandboxes deny it even
// to root), the kubelet — by definition it runs in the node's namespaces.
// It returns "" and why when neither can be entered.
func nsTarget(proc string) (pid, why string) {
	if err := nsOpenable(proc, "1"); err == nil {
		return "1", ""
	} else {
		why = "PID 1's namespaces cannot be entered (" + err.Error() + ")"
	}
	fs := procfs.FS{Proc: proc}
	pids, _ := fs.PIDs()
	for _, pid := range pids {
		if fs.Comm(pid) == "kubelet" && nsOpenable(proc, strconv.Itoa(pid)) == nil {
			return strconv.Itoa(pid), why
		}
	}
	return "", why
}

// nsOpenable checks that every namespace the shell enters can be opened.
func nsOpenable(proc, pid string) error {
	for _, ns := range []string{"mnt", "uts", "ipc", "net", "pid"} {
		f, err := os.Open(filepath.Join(proc, pid, "ns", ns))
		if err != nil {
			return err
		}
		f.Close()
	}
	return nil
}
