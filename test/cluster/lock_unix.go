//go:build unix

package cluster

import (
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting: locked is false
// when another open file holds it.
func tryLock(f *os.File) (locked bool, err error) {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil, nil
}
