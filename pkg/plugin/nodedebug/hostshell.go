package nodedebug

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// ShellOptions are `agent shell`'s: the command to run on the host instead
// of a login shell.
type ShellOptions struct {
	Command []string `json:"command,omitempty"`
}

// Shell is `kubectl-akash agent shell`: it replaces the agent with a root
// shell (or Command) in the host's namespaces. It chroots into the host
// root, where the host's own dynamically linked tools work, then execs the
// host's nsenter into PID 1's mount, UTS, IPC, network and PID namespaces,
// so the image needs nothing but this static binary. Without nsenter on the
// host it stays in the chroot and says so.
var Shell = &agent.Command[ShellOptions, struct{}]{
	Name:  "shell",
	Short: "Replace this process with a root shell in the host's namespaces",
	Raw:   true,
	Run: func(_ context.Context, env agent.Env, o ShellOptions) (struct{}, error) {
		return struct{}{}, hostShell(env, o.Command)
	},
}

// hostShell execs args (a login shell when empty) in the host's
// namespaces; it returns only when it cannot.
func hostShell(env agent.Env, args []string) error {
	if env.HostRoot != "" && env.HostRoot != "/" {
		if err := chroot(env.HostRoot); err != nil {
			return fmt.Errorf("chroot %s: %w", env.HostRoot, err)
		}
		if err := os.Chdir("/"); err != nil {
			return err
		}
	}
	if len(args) == 0 {
		args = []string{firstExisting("/bin/bash", "/usr/bin/bash", "/bin/sh"), "-l"}
	}
	term := os.Getenv("TERM")
	if term == "" {
		term = "xterm"
	}
	vars := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "TERM=" + term}
	notes := env.Notes()
	ns := firstExisting("/usr/bin/nsenter", "/bin/nsenter", "/usr/sbin/nsenter", "/sbin/nsenter")
	target, why := nsTarget(env.ProcRoot)
	switch {
	case ns != "" && target != "":
		if target != "1" {
			fmt.Fprintf(notes, "node-debug: %s; entering the kubelet's (pid %s) instead\n", why, target)
		}
		argv := append([]string{ns, "-t", target, "-m", "-u", "-i", "-n", "-p", "--"}, args...)
		return syscall.Exec(ns, argv, vars)
	case ns == "":
		fmt.Fprintln(notes, "node-debug: the host has no nsenter: this shell is chrooted into the host's / but keeps the pod's mount namespace")
	default:
		fmt.Fprintf(notes, "node-debug: %s, nor a kubelet's: this shell is chrooted into the host's / but keeps the pod's mount namespace\n", why)
	}
	path := args[0]
	if filepath.Base(path) == path {
		path = firstExisting("/usr/local/sbin/"+path, "/usr/local/bin/"+path, "/usr/sbin/"+path, "/usr/bin/"+path, "/sbin/"+path, "/bin/"+path)
	}
	if path == "" {
		return fmt.Errorf("%s: not found on the host", args[0])
	}
	return syscall.Exec(path, args, vars)
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
	err := nsOpenable(proc, "1")
	if err == nil {
		return "1", ""
	}
	why = "PID 1's namespaces cannot be entered (" + err.Error() + ")"
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
