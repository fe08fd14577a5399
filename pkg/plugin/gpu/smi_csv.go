package gpu

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// QueryFields is the --query-gpu list the agent asks for, in this order.
var QueryFields = []string{"index", "uuid", "name", "driver_version", "memory.total", "pci.bus_id"}

// ParseQuery reads `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]`.
// With a header line the columns are taken from it ("memory.total [MiB]"
// counts as memory.total); without one they must be QueryFields. Values
// like "[N/A]" are left empty; "16160 MiB" is read as 16160.
func ParseQuery(out string) ([]GPU, string, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimSpace(out)))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, "", fmt.Errorf("nvidia-smi --query-gpu output is not CSV: %w", err)
	}
	cols := QueryFields
	if len(rows) > 0 && len(rows[0]) > 0 && strings.TrimSpace(rows[0][0]) == "index" {
		cols = nil
		for _, h := range rows[0] {
			name, _, _ := strings.Cut(strings.TrimSpace(h), " ")
			cols = append(cols, name)
		}
		rows = rows[1:]
	}
	var gpus []GPU
	driver := ""
	for _, row := range rows {
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) != len(cols) {
			return nil, "", fmt.Errorf("nvidia-smi --query-gpu line %q has %d fields, want %d (%s)", strings.Join(row, ","), len(row), len(cols), strings.Join(cols, ","))
		}
		var g GPU
		for i, c := range cols {
			v := strings.TrimSpace(row[i])
			if strings.HasPrefix(v, "[") { // [N/A], [Not Supported]
				v = ""
			}
			switch c {
			case "index":
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, "", fmt.Errorf("nvidia-smi --query-gpu index %q is not a number", v)
				}
				g.Index = n
			case "uuid":
				g.UUID = v
			case "name":
				g.Name = v
			case "driver_version":
				driver = v
			case "memory.total":
				g.MemoryMiB, _ = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "MiB")), 10, 64)
			case "pci.bus_id":
				g.BusID = v
			}
		}
		gpus = append(gpus, g)
	}
	return gpus, driver, nil
}
