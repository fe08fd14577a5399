package interrupt

import (
	"context"
	"os/exec"
)

// Run runs cmd like cmd.Run, under the policy: cmd gets a process group of
// its own, so a Ctrl-C typed on the terminal (which the terminal sends to
// its whole foreground process group) reaches only the plugin. The first
// signal then lets cmd finish, as any step in flight; the second kills cmd
// and everything it started before the plugin exits, and so does the end
// of cmd's context (build cmd with exec.CommandContext on a Detached one).
func Run(ctx context.Context, cmd *exec.Cmd) error {
	ownGroup(cmd)
	if cmd.Cancel != nil { // made by exec.CommandContext
		cmd.Cancel = func() error { return killGroup(cmd.Process) }
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if h := from(ctx); h != nil {
		defer h.beforeExit(func() { _ = killGroup(cmd.Process) })()
	}
	return cmd.Wait()
}
