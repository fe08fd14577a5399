package gpu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readLog(t *testing.T, text string) []KernelLine {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kern.log")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	lines, err := ReadKernelLog(path)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// The real capture, `dmesg --decode --time-format=iso` of one GPU: 16 Xid
// 13 and one Xid 43, all application-caused, dated by the log itself.
func TestKernelLogRealDecodeISOCapture(t *testing.T) {
	lines := readLog(t, testdata(t, "dmesg-xid.decode-iso.log"))
	if len(lines) != 17 {
		t.Fatalf("%d lines", len(lines))
	}
	if !strings.HasPrefix(lines[0].Msg, "NVRM: Xid (PCI:0000:38:00): 13,") || lines[0].SinceBoot != -1 {
		t.Errorf("first line %+v", lines[0])
	}
	r := AnalyzeKernel(lines, time.Time{})
	if len(r.Xids) != 2 || len(r.FallenOff) != 0 || len(r.SXids) != 0 || r.APIMismatch != nil {
		t.Fatalf("%+v", r)
	}
	x13, x43 := r.Xids[0], r.Xids[1]
	if x13.Device != "0000:38:00" || x13.Code != 13 || x13.Class != ClassApplication || x13.Count != 16 || x13.Process != "" ||
		x13.LastMessage != "Graphics Exception: ESR 0x556730=0x117000e 0x556734=0x24 0x556728=0xf81eb60 0x55672c=0x1174" ||
		x13.LastSeen == nil || !x13.LastSeen.Time.Equal(time.Date(2025, 1, 21, 4, 41, 44, 285147000, time.UTC)) || x13.LastSecondsSinceBoot != 0 {
		t.Errorf("Xid 13: %+v", x13)
	}
	if x43.Code != 43 || x43.Count != 1 || x43.Process != "pt_main_thread (pid 2924364)" || x43.LastMessage != "Ch 00000008" ||
		x43.LastSeen == nil || x43.LastSeen.UTC().Format(time.RFC3339Nano) != "2025-01-21T04:41:44.287197Z" {
		t.Errorf("Xid 43: %+v", x43)
	}
}

// Driver 570+ reports a GPU lost from the bus as one message of three
// "NVRM:" lines and no Xid. Each way a log may hold it gives the same
// finding: the device, its PCI ID, when.
func TestKernelLogFallenOffBusMultiLine(t *testing.T) {
	const (
		l1 = "NVRM: The NVIDIA GPU 0000:b3:00.0"
		l2 = "NVRM: (PCI ID: 10de:26b5) installed in this system has"
		l3 = "NVRM: fallen off the bus and is not responding to commands."
	)
	for name, text := range map[string]string{
		// dmesg: one record, further lines indented with no time
		"dmesg": "[ 1843.308145] " + l1 + "\n               " + l2 + "\n               " + l3 + "\n" +
			"[ 1843.308200] nvidia: probe of 0000:b3:00.0 failed with error -1\n",
		// /dev/kmsg: one record, newlines escaped
		"kmsg": "3,2001,1843308145,-;" + l1 + `\x0a` + l2 + `\x0a` + l3 + "\n SUBSYSTEM=pci\n DEVICE=+pci:0000:b3:00.0\n",
		// a log that kept each line as a record of its own
		"kmsg split": "3,2001,1843308100,-;" + l1 + "\n3,2002,1843308120,-;" + l2 + "\n3,2003,1843308145,-;" + l3 + "\n",
		// dmesg -T, one line per record, another message in between
		"dmesg -T split": "[Tue Jan 21 04:41:44 2025] " + l1 + "\n[Tue Jan 21 04:41:44 2025] nvidia 0000:b3:00.0: enabling device (0000 -> 0003)\n" +
			"[Tue Jan 21 04:41:44 2025] " + l2 + "\n[Tue Jan 21 04:41:44 2025] " + l3 + "\n",
		// dmesg --decode --time-format=iso
		"decode iso": "kern  :err   : 2025-01-21T04:41:44,308145+00:00 " + l1 + "\n                                                 " + l2 +
			"\n                                                 " + l3 + "\n",
		// the old one-line form
		"one line": "[ 1843.308145] NVRM: The NVIDIA GPU 0000:b3:00.0 (PCI ID: 10de:26b5) installed in this system has fallen off the bus and is not responding to commands.\n",
	} {
		r := AnalyzeKernel(readLog(t, text), time.Time{})
		if len(r.FallenOff) != 1 || len(r.Xids) != 0 {
			t.Errorf("%s: %+v", name, r)
			continue
		}
		f := r.FallenOff[0]
		if f.Device != "0000:b3:00" || f.PCIID != "10de:26b5" || f.Count != 1 {
			t.Errorf("%s: %+v", name, f)
		}
		switch {
		case strings.HasPrefix(name, "dmesg -T"):
			if f.LastSeen == nil || f.LastSeen.Time.In(time.Local).Format("2006-01-02 15:04:05") != "2025-01-21 04:41:44" {
				t.Errorf("%s: date %+v", name, f)
			}
		case name == "decode iso":
			if f.LastSeen == nil || !f.LastSeen.Time.Equal(time.Date(2025, 1, 21, 4, 41, 44, 308145000, time.UTC)) {
				t.Errorf("%s: date %+v", name, f)
			}
		default:
			if f.LastSeen != nil || int(f.LastSecondsSinceBoot) != 1843 {
				t.Errorf("%s: uptime %+v", name, f)
			}
		}
	}

	// Not a fallen GPU: the driver's "not supported" message starts the
	// same way, and a lone end line far from its start names no GPU.
	r := AnalyzeKernel(readLog(t, "[ 5.1] NVRM: The NVIDIA GPU 0000:01:00.0 (PCI ID: 10de:1eb8)\n"+
		"               NVRM: installed in this system is not supported by the\n"+
		"               NVRM: NVIDIA 535.104.05 driver release.\n"+
		"[ 5.2] a\n[ 5.3] b\n[ 5.4] c\n[ 5.5] d\n[ 5.6] e\n[ 9.0] NVRM: fallen off the bus and is not responding to commands.\n"), time.Time{})
	if len(r.FallenOff) != 0 {
		t.Errorf("false fallen off: %+v", r.FallenOff)
	}
}

// An API mismatch logged as one multi-line message (dmesg's indented
// lines, or a /dev/kmsg record) reads like the split form.
func TestKernelLogAPIMismatchOneMessage(t *testing.T) {
	for name, text := range map[string]string{
		"dmesg": "[ 6.0] NVRM: API mismatch: the client has the version 535.171.04, but\n       NVRM: this kernel module has the version 535.161.07.  Please\n" +
			"       NVRM: make sure that this kernel module and all NVIDIA driver\n       NVRM: components have the same version.\n",
		"kmsg": `3,1,6000000,-;NVRM: API mismatch: the client has the version 535.171.04, but\x0aNVRM: this kernel module has the version 535.161.07.  Please\x0aNVRM: make sure that this kernel module and all NVIDIA driver\x0aNVRM: components have the same version.` + "\n",
	} {
		r := AnalyzeKernel(readLog(t, text), time.Time{})
		if r.APIMismatch == nil || r.APIMismatch[0] != "535.171.04" || r.APIMismatch[1] != "535.161.07" {
			t.Errorf("%s: %v", name, r.APIMismatch)
		}
	}
}

func TestParseKernelLineStamps(t *testing.T) {
	for _, c := range []struct {
		in, msg string
		since   float64
		at      string
	}{
		{"kern  :warn  : [ 7000.000000] NVRM: x", "NVRM: x", 7000, ""},
		{"2025-01-21T04:41:44,283302+00:00 NVRM: x", "NVRM: x", -1, "2025-01-21T04:41:44.283302Z"},
		{"2025-01-21T05:41:44.5+01:00 NVRM: x", "NVRM: x", -1, "2025-01-21T04:41:44.5Z"},
		{`4,1,2000000,-;a\x5cb`, `a\b`, 2, ""},
		{"Jan 21 04:41:44 host kernel: NVRM: x", "Jan 21 04:41:44 host kernel: NVRM: x", -1, ""},
	} {
		l, ok := ParseKernelLine(c.in)
		at := ""
		if !l.At.IsZero() {
			at = l.At.UTC().Format(time.RFC3339Nano)
		}
		if !ok || l.Msg != c.msg || l.SinceBoot != c.since || at != c.at {
			t.Errorf("%q: %v %+v", c.in, ok, l)
		}
	}
	if _, ok := ParseKernelLine(" SUBSYSTEM=pci"); ok {
		t.Error("a /dev/kmsg dictionary line read as a message")
	}
}
