package gpu

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KernelLine is one kernel log message and when it was logged, as far as
// its source says: SinceBoot (seconds; -1 unknown) from /dev/kmsg or plain
// dmesg, At from dmesg -T or a journal.
type KernelLine struct {
	Msg       string
	SinceBoot float64
	At        time.Time
}

var (
	dmesgStamp = regexp.MustCompile(`^\[\s*(\d+\.\d+)\]\s?(.*)$`)
	dmesgTime  = regexp.MustCompile(`^\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\]\s?(.*)$`)
	kmsgRecord = regexp.MustCompile(`^(\d+),(\d+),(\d+),[^;]*;(.*)$`)
)

// ParseKernelLine reads one line of a kernel log in any of the shapes an
// operator may hand over: a /dev/kmsg record ("4,1234,5678901,-;msg",
// microseconds since boot), `dmesg` ("[ 5.678901] msg"), `dmesg -T`
// ("[Sat Aug 19 01:15:15 2023] msg"), or anything else (journal lines,
// bare messages), kept whole with no time. ok is false for the "KEY=value"
// continuation lines /dev/kmsg adds after a record.
func ParseKernelLine(line string) (KernelLine, bool) {
	line = strings.TrimRight(line, "\r\n")
	if strings.HasPrefix(line, " ") && strings.Contains(line, "=") && !strings.Contains(line, ":") {
		return KernelLine{}, false
	}
	if m := kmsgRecord.FindStringSubmatch(line); m != nil {
		us, _ := strconv.ParseInt(m[3], 10, 64)
		return KernelLine{Msg: m[4], SinceBoot: float64(us) / 1e6}, true
	}
	if m := dmesgStamp.FindStringSubmatch(line); m != nil {
		s, _ := strconv.ParseFloat(m[1], 64)
		return KernelLine{Msg: m[2], SinceBoot: s}, true
	}
	if m := dmesgTime.FindStringSubmatch(line); m != nil {
		at, err := time.ParseInLocation("Mon Jan _2 15:04:05 2006", m[1], time.Local)
		if err == nil {
			return KernelLine{Msg: m[2], SinceBoot: -1, At: at}, true
		}
	}
	return KernelLine{Msg: line, SinceBoot: -1}, strings.TrimSpace(line) != ""
}

// KernelReport is what the kernel log says about the GPUs.
type KernelReport struct {
	Xids  []XidGroup
	SXids []XidGroup
	// FallenOff are the PCI devices (normalised, see NormPCI) the driver
	// reported as fallen off the bus.
	FallenOff []string
	// APIMismatch holds the client (user-space) and kernel module versions
	// of the last "NVRM: API mismatch" block.
	APIMismatch *[2]string
}

var (
	xidLine       = regexp.MustCompile(`NVRM: Xid \(PCI:([0-9A-Fa-f:.]+)\): (\d+), (.*)$`)
	sxidLine      = regexp.MustCompile(`SXid \(PCI:([0-9A-Fa-f:.]+)\): (\d+), (.*)$`)
	xidProcess    = regexp.MustCompile(`^pid=([^,]*), name=([^,]*), (.*)$`)
	fallenOff     = regexp.MustCompile(`(?:GPU|PCI:?)\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\.\d)?)\b.*fallen off the bus`)
	apiClient     = regexp.MustCompile(`NVRM: API mismatch: the client has the version (\S+?),? but`)
	apiKernel     = regexp.MustCompile(`this kernel module has the version (\S+?)\.?\s+Please|this kernel module has the version (\S+?)\.?\s*$`)
	sxidNonFatal  = regexp.MustCompile(`^(?i)non-fatal`)
	pciSeparators = strings.NewReplacer("PCI:", "", "pci:", "")
)

// AnalyzeKernel groups the NVRM Xid and NVSwitch SXid lines by device and
// code, and picks out "fallen off the bus" and API mismatch messages. boot
// is the host's boot time (zero when unknown), to date kernel timestamps.
func AnalyzeKernel(lines []KernelLine, boot time.Time) KernelReport {
	var r KernelReport
	xids, sxids := map[string]*XidGroup{}, map[string]*XidGroup{}
	fallen := map[string]bool{}
	pendingClient := ""
	for _, l := range lines {
		msg := l.Msg
		if m := xidLine.FindStringSubmatch(msg); m != nil {
			code, _ := strconv.Atoi(m[2])
			g := group(xids, NormPCI(m[1]), code, ClassOf(code))
			rest, proc := m[3], ""
			if p := xidProcess.FindStringSubmatch(rest); p != nil {
				rest = p[3]
				if pid := strings.Trim(p[1], "'"); pid != "<unknown>" {
					proc = strings.TrimSpace(p[2]) + " (pid " + pid + ")"
				}
			}
			seen(g, l, boot, rest)
			g.Process = proc
			if code == 79 {
				fallen[g.Device] = true
			}
			continue
		}
		if m := sxidLine.FindStringSubmatch(msg); m != nil {
			code, _ := strconv.Atoi(m[2])
			class := ClassCritical
			if sxidNonFatal.MatchString(m[3]) {
				class = ClassOther
			}
			seen(group(sxids, NormPCI(m[1]), code, class), l, boot, m[3])
			continue
		}
		if m := fallenOff.FindStringSubmatch(msg); m != nil {
			fallen[NormPCI(m[1])] = true
			continue
		}
		if m := apiClient.FindStringSubmatch(msg); m != nil {
			pendingClient = m[1]
			continue
		}
		if m := apiKernel.FindStringSubmatch(msg); m != nil && pendingClient != "" {
			k := m[1]
			if k == "" {
				k = m[2]
			}
			r.APIMismatch = &[2]string{pendingClient, k}
			pendingClient = ""
		}
	}
	r.Xids, r.SXids = sorted(xids), sorted(sxids)
	for d := range fallen {
		r.FallenOff = append(r.FallenOff, d)
	}
	sort.Strings(r.FallenOff)
	return r
}

func group(m map[string]*XidGroup, dev string, code int, class Class) *XidGroup {
	k := dev + "/" + strconv.Itoa(code)
	if m[k] == nil {
		m[k] = &XidGroup{Device: dev, Code: code, Class: class}
	}
	return m[k]
}

// seen counts one occurrence; lines come in log order, so the last wins.
func seen(g *XidGroup, l KernelLine, boot time.Time, msg string) {
	g.Count++
	g.LastMessage = strings.TrimSpace(msg)
	g.LastSecondsSinceBoot = 0
	g.LastSeen = nil
	if l.SinceBoot >= 0 {
		g.LastSecondsSinceBoot = l.SinceBoot
	}
	switch {
	case !l.At.IsZero():
		t := metav1.NewTime(l.At.UTC())
		g.LastSeen = &t
	case l.SinceBoot >= 0 && !boot.IsZero():
		t := metav1.NewTime(boot.Add(time.Duration(l.SinceBoot * float64(time.Second))).UTC().Truncate(time.Second))
		g.LastSeen = &t
	}
}

func sorted(m map[string]*XidGroup) []XidGroup {
	out := make([]XidGroup, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Device != out[j].Device {
			return out[i].Device < out[j].Device
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// NormPCI turns the PCI addresses the kernel log and nvidia-smi write
// ("PCI:0000:5d:00", "0000:b3:00.0", "00000000:5D:00.0") into one key,
// "0000:5d:00": a four-digit domain, bus and device, lower case, no function.
func NormPCI(addr string) string {
	a := strings.ToLower(pciSeparators.Replace(strings.TrimSpace(addr)))
	parts := strings.Split(a, ":")
	if len(parts) == 2 {
		parts = append([]string{"0000"}, parts...)
	}
	if len(parts) != 3 {
		return a
	}
	dom := parts[0]
	if len(dom) > 4 {
		dom = dom[len(dom)-4:]
	}
	for len(dom) < 4 {
		dom = "0" + dom
	}
	dev, _, _ := strings.Cut(parts[2], ".")
	return dom + ":" + parts[1] + ":" + dev
}
