package nodecheck

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
)

// swapKB reads SwapTotal and SwapFree ("SwapTotal:  2097148 kB") from
// /proc/meminfo.
func swapKB(env agent.Env) (total, free int64, err error) {
	b, err := os.ReadFile(filepath.Join(env.ProcRoot, "meminfo"))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "SwapTotal:":
			total = v
		case "SwapFree:":
			free = v
		}
	}
	return total, free, nil
}
