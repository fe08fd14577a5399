package gpu

import (
	"strconv"
	"strings"
)

func splitLines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

func itoa(n int) string { return strconv.Itoa(n) }
