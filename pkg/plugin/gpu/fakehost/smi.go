package fakehost

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/gpu"
)

var qField = regexp.MustCompile(`(?m)^\s+(Product Name|GPU UUID|Minor Number)\s+: (.+)$|^GPU ([0-9A-Fa-f:.]+)$`)

// SmiAnswers derives the `nvidia-smi -L` and `--query-gpu` answers from a
// real `nvidia-smi -q` capture, so the three answers of a stand-in
// nvidia-smi agree.
func SmiAnswers(q string) (list, csv string) {
	rep := gpu.ParseQ(q)
	type g struct{ bus, name, uuid, minor string }
	var gpus []g
	for _, m := range qField.FindAllStringSubmatch(q, -1) {
		switch {
		case m[3] != "":
			gpus = append(gpus, g{bus: m[3]})
		case len(gpus) == 0:
		case m[1] == "Product Name" && gpus[len(gpus)-1].name == "":
			gpus[len(gpus)-1].name = m[2]
		case m[1] == "GPU UUID":
			gpus[len(gpus)-1].uuid = m[2]
		case m[1] == "Minor Number":
			gpus[len(gpus)-1].minor = m[2]
		}
	}
	var l, c strings.Builder
	for _, x := range gpus {
		fmt.Fprintf(&l, "GPU %s: %s (UUID: %s)\n", x.minor, x.name, x.uuid)
		fmt.Fprintf(&c, "%s, %s, %s, %s, 81559, %s\n", x.minor, x.uuid, x.name, rep.DriverVersion, x.bus)
	}
	return l.String(), c.String()
}
