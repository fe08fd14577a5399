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
	// dmesg --time-format=iso: 2025-01-21T04:41:44,283302+00:00
	isoStamp   = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[,.](\d+))?(Z|[+-]\d\d:?\d\d)\s?(.*)$`)
	kmsgRecord = regexp.MustCompile(`^(\d+),(\d+),(\d+),[^;]*;(.*)$`)
	// dmesg --decode (-x) puts the facility and level first: "kern  :warn  : "
	decodePrefix = regexp.MustCompile(`^[a-z]+ *:[a-z]+ *: ?`)
	kmsgEscape   = regexp.MustCompile(`\\x([0-9a-fA-F]{2})`)
	// the dictionary lines after a /dev/kmsg record: " SUBSYSTEM=pci"
	kmsgDict = regexp.MustCompile(`^ [A-Z_]+=`)
)

// ParseKernelLine reads one line of a kernel log in any of the shapes an
// operator may hand over: a /dev/kmsg record ("4,1234,5678901,-;msg",
// microseconds since boot, with \xNN escapes: a multi-line message is one
// record), `dmesg` ("[ 5.678901] msg"), `dmesg -T` ("[Sat Aug 19 01:15:15
// 2023] msg"), `dmesg --time-format=iso` ("2025-01-21T04:41:44,283302+00:00
// msg"), each optionally after dmesg --decode's "kern  :warn  : ", or
// anything else (journal lines, bare messages), kept whole with no time.
// ok is false for the "KEY=value" continuation lines /dev/kmsg adds after a
// record.
func ParseKernelLine(line string) (KernelLine, bool) {
	line = strings.TrimRight(line, "\r\n")
	if kmsgDict.MatchString(line) {
		return KernelLine{}, false
	}
	if m := kmsgRecord.FindStringSubmatch(line); m != nil {
		us, _ := strconv.ParseInt(m[3], 10, 64)
		return KernelLine{Msg: unescapeKmsg(m[4]), SinceBoot: float64(us) / 1e6}, true
	}
	line = decodePrefix.ReplaceAllString(line, "")
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
	if m := isoStamp.FindStringSubmatch(line); m != nil {
		zone := strings.Replace(m[3], ":", "", 1)
		if at, err := time.Parse("2006-01-02T15:04:05Z0700", m[1]+zone); err == nil {
			if m[2] != "" {
				frac, _ := strconv.ParseFloat("0."+m[2], 64)
				at = at.Add(time.Duration(frac * float64(time.Second)))
			}
			return KernelLine{Msg: m[4], SinceBoot: -1, At: at}, true
		}
	}
	return KernelLine{Msg: line, SinceBoot: -1}, strings.TrimSpace(line) != ""
}

// unescapeKmsg undoes /dev/kmsg's \xNN escapes (a newline is \x0a).
func unescapeKmsg(s string) string {
	if !strings.Contains(s, `\x`) {
		return s
	}
	return kmsgEscape.ReplaceAllStringFunc(s, func(e string) string {
		b, _ := strconv.ParseUint(e[2:], 16, 8)
		return string(rune(b))
	})
}

// continues says whether a text log line carries on the message before it:
// dmesg and journalctl indent the further lines of a multi-line message
// and give them no time of their own.
func continues(line string) bool {
	return (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && strings.TrimSpace(line) != ""
}

// KernelReport is what the kernel log says about the GPUs.
type KernelReport struct {
	Xids  []XidGroup
	SXids []XidGroup
	// FallenOff are the GPUs the driver reported as fallen off the bus
	// without an Xid (Xid 79 is in Xids), by device.
	FallenOff []FallenOff
	// APIMismatch holds the client (user-space) and kernel module versions
	// of the last "NVRM: API mismatch" block.
	APIMismatch *[2]string
}

// FallenOff is a GPU the driver reported as fallen off the bus.
type FallenOff struct {
	// Device is the PCI address (normalised, see NormPCI).
	Device string
	// PCIID is the GPU's vendor:device ID ("10de:26b5"), when logged.
	PCIID string
	Count int
	// LastSeen and LastSecondsSinceBoot: as in XidGroup.
	LastSeen             *metav1.Time
	LastSecondsSinceBoot float64
}

var (
	xidLine      = regexp.MustCompile(`NVRM: Xid \(PCI:([0-9A-Fa-f:.]+)\): (\d+), (.*)$`)
	sxidLine     = regexp.MustCompile(`SXid \(PCI:([0-9A-Fa-f:.]+)\): (\d+), (.*)$`)
	xidProcess   = regexp.MustCompile(`^pid=([^,]*), name=([^,]*), (.*)$`)
	fallenOff    = regexp.MustCompile(`(?:GPU|PCI:?)\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\.\d)?)\b.*fallen off the bus`)
	gpuIntro     = regexp.MustCompile(`NVRM: The NVIDIA GPU ([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}(?:\.\d)?)`)
	pciID        = regexp.MustCompile(`\(PCI ID: ([0-9A-Fa-f]{4}:[0-9A-Fa-f]{4})\)`)
	nvrmNewline  = regexp.MustCompile(`\s*\n\s*(?:NVRM:\s*)?`)
	apiClient    = regexp.MustCompile(`NVRM: API mismatch: the client has the version (\S+?),? but`)
	apiKernel    = regexp.MustCompile(`this kernel module has the version (\S+?)\.?\s+Please|this kernel module has the version (\S+?)\.?\s*$`)
	sxidNonFatal = regexp.MustCompile(`^(?i)non-fatal`)
	pciPrefix    = strings.NewReplacer("PCI:", "", "pci:", "")
)

// introWindow is how many further messages may come between "NVRM: The
// NVIDIA GPU <address>" and the "fallen off the bus" line that completes
// it, when a log keeps the driver's three lines as separate messages.
const introWindow = 4

// AnalyzeKernel groups the NVRM Xid and NVSwitch SXid lines by device and
// code, and picks out "fallen off the bus" and API mismatch messages. boot
// is the host's boot time (zero when unknown: then kernel timestamps stay
// seconds since boot), to date kernel timestamps.
//
// The driver writes some reports as one message of several "NVRM:" lines:
// since driver 570 a GPU lost from the bus is only
//
//	NVRM: The NVIDIA GPU 0000:b3:00.0
//	NVRM: (PCI ID: 10de:26b5) installed in this system has
//	NVRM: fallen off the bus and is not responding to commands.
//
// with no Xid. Such a message is read as one line; a log that split it
// into separate messages is put back together.
func AnalyzeKernel(lines []KernelLine, boot time.Time) KernelReport {
	var r KernelReport
	xids, sxids := map[string]*XidGroup{}, map[string]*XidGroup{}
	fallen := map[string]*FallenOff{}
	fell := func(dev, id string, l KernelLine) {
		f := fallen[dev]
		if f == nil {
			f = &FallenOff{Device: dev}
			fallen[dev] = f
		}
		f.Count++
		if id != "" {
			f.PCIID = id
		}
		f.LastSeen, f.LastSecondsSinceBoot = stamp(l, boot)
	}
	pendingClient := ""
	// a "The NVIDIA GPU <address>" line still waiting for its end
	var intro struct {
		dev, id string
		left    int
	}
	for _, l := range lines {
		msg := nvrmNewline.ReplaceAllString(l.Msg, " ")
		if intro.left > 0 {
			intro.left--
		}
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
			id := ""
			if p := pciID.FindStringSubmatch(msg); p != nil {
				id = p[1]
			}
			fell(NormPCI(m[1]), id, l)
			intro.left = 0
			continue
		}
		if m := gpuIntro.FindStringSubmatch(msg); m != nil {
			intro.dev, intro.id, intro.left = NormPCI(m[1]), "", introWindow+1
			if p := pciID.FindStringSubmatch(msg); p != nil {
				intro.id = p[1]
			}
			continue
		}
		if intro.left > 0 {
			if p := pciID.FindStringSubmatch(msg); p != nil {
				intro.id = p[1]
			}
			if strings.Contains(msg, "fallen off the bus") {
				fell(intro.dev, intro.id, l)
				intro.left = 0
				continue
			}
		}
		if m := apiClient.FindStringSubmatch(msg); m != nil {
			pendingClient = m[1]
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
	for _, f := range fallen {
		r.FallenOff = append(r.FallenOff, *f)
	}
	sort.Slice(r.FallenOff, func(i, j int) bool { return r.FallenOff[i].Device < r.FallenOff[j].Device })
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
	g.LastSeen, g.LastSecondsSinceBoot = stamp(l, boot)
}

// stamp is when a line was logged: a date when its source gave one, or
// when the boot time is known; the kernel's seconds since boot otherwise
// (0: unknown).
func stamp(l KernelLine, boot time.Time) (*metav1.Time, float64) {
	var since float64
	if l.SinceBoot >= 0 {
		since = l.SinceBoot
	}
	switch {
	case !l.At.IsZero():
		t := metav1.NewTime(l.At.UTC())
		return &t, since
	case l.SinceBoot >= 0 && !boot.IsZero():
		t := metav1.NewTime(boot.Add(time.Duration(l.SinceBoot * float64(time.Second))).UTC().Truncate(time.Second))
		return &t, since
	}
	return nil, since
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
	a := strings.ToLower(pciPrefix.Replace(strings.TrimSpace(addr)))
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
