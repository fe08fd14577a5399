//go:build !unix

package cluster

import (
	"fmt"
	"os"
	"runtime"
)

// tryLock fails: test clusters run on Linux machines.
func tryLock(*os.File) (bool, error) {
	return false, fmt.Errorf("test clusters run on Linux, not %s", runtime.GOOS)
}
