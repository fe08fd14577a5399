//go:build !unix

package gpu

import (
	"fmt"
	"os/exec"
	"runtime"
)

// isolate fails: the node's GPU tools run on a Linux node, not here.
func isolate(cmd *exec.Cmd, _ string) error {
	return fmt.Errorf("%s: the node's tools run on Linux nodes, not %s", cmd.Path, runtime.GOOS)
}
