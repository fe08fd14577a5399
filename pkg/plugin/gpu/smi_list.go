package gpu

import (
	"regexp"
	"strconv"
	"strings"
)

var (
	listGPU = regexp.MustCompile(`^GPU (\d+): (.*) \(UUID: ([^)]+)\)\s*$`)
	listMIG = regexp.MustCompile(`^\s+MIG (\S+)\s+Device\s+(\d+): \(UUID: ([^)]+)\)\s*$`)
)

// ParseList reads `nvidia-smi -L`: one "GPU N: NAME (UUID: ...)" line per
// GPU, each followed by an indented "MIG PROFILE Device N: (UUID: ...)" line
// per MIG device. Lines of any other shape are skipped.
func ParseList(out string) []GPU {
	var gpus []GPU
	for _, line := range strings.Split(out, "\n") {
		if m := listGPU.FindStringSubmatch(line); m != nil {
			i, _ := strconv.Atoi(m[1])
			gpus = append(gpus, GPU{Index: i, Name: strings.TrimSpace(m[2]), UUID: m[3]})
			continue
		}
		if m := listMIG.FindStringSubmatch(line); m != nil && len(gpus) > 0 {
			i, _ := strconv.Atoi(m[2])
			g := &gpus[len(gpus)-1]
			g.MIG = append(g.MIG, MIG{Profile: m[1], Index: i, UUID: m[3]})
		}
	}
	return gpus
}
