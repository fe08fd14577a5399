package gpu

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseList(t *testing.T) {
	got := ParseList(testdata(t, "smi-L-t4.txt"))
	want := []GPU{{Index: 0, Name: "Tesla T4", UUID: "GPU-faa48437-7587-4bc1-c772-8bd099dba462"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("T4: got %+v", got)
	}
	got = ParseList(testdata(t, "smi-L-h100-mig.txt"))
	if len(got) != 1 || got[0].Name != "NVIDIA H100 80GB HBM3" || len(got[0].MIG) != 1 {
		t.Fatalf("H100 MIG: got %+v", got)
	}
	if m := got[0].MIG[0]; m.Profile != "1c.3g.40gb" || m.Index != 0 || m.UUID != "MIG-c788539f-c1ea-5a36-8b4d-9b07d024b1bb" {
		t.Errorf("MIG: %+v", m)
	}
	if got := ParseList(testdata(t, "smi-nvml-mismatch.txt")); len(got) != 0 {
		t.Errorf("NVML error parsed as GPUs: %+v", got)
	}
}

func TestParseQueryCSV(t *testing.T) {
	gpus, driver, err := ParseQuery(testdata(t, "smi-csv-h100x2.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if driver != "550.127.05" || len(gpus) != 2 || gpus[1].BusID != "00000000:5D:00.0" || gpus[1].MemoryMiB != 81559 ||
		gpus[1].Index != 1 || gpus[0].UUID != "GPU-c08d91cb-e324-655c-71ba-7570956445bc" || gpus[0].Name != "NVIDIA H100 80GB HBM3" {
		t.Errorf("driver %q gpus %+v", driver, gpus)
	}
	// With a header and units, columns come from the header.
	gpus, driver, err = ParseQuery(testdata(t, "smi-csv-header-v100.txt"))
	if err != nil || driver != "450.51.06" || len(gpus) != 1 || gpus[0].Name != "Tesla V100-SXM2-16GB" || gpus[0].MemoryMiB != 16160 {
		t.Errorf("header form: %v %q %+v", err, driver, gpus)
	}
	if _, _, err := ParseQuery("0, only, three\n"); err == nil {
		t.Error("a short line was accepted")
	}
	if _, _, err := ParseQuery("x, GPU-1, T4, 1.2, 3, 00:00.0\n"); err == nil {
		t.Error("a non-numeric index was accepted")
	}
	gpus, _, err = ParseQuery("0, GPU-1, Tesla T4, 535.104.05, [N/A], 00000000:00:04.0\n")
	if err != nil || gpus[0].MemoryMiB != 0 {
		t.Errorf("[N/A]: %v %+v", err, gpus)
	}
}

func TestParseQFabric(t *testing.T) {
	q := ParseQ(testdata(t, "smi-q-h100-sxm.txt"))
	if q.DriverVersion != "550.127.05" || q.CUDAVersion != "12.4" || len(q.GPUs) != 2 {
		t.Fatalf("got %+v", q)
	}
	if g := q.GPUs[0]; g.BusID != "00000000:18:00.0" || g.FabricState != "Completed" || g.FabricStatus != "Success" || g.ProductName != "NVIDIA H100 80GB HBM3" {
		t.Errorf("GPU 0: %+v", g)
	}
	if g := q.GPUs[1]; g.FabricState != "In Progress" || g.FabricStatus != "N/A" {
		t.Errorf("GPU 1: %+v", g)
	}
	q = ParseQ(testdata(t, "smi-q-t4-pcie.txt"))
	if q.CUDAVersion != "12.2" || len(q.GPUs) != 1 || q.GPUs[0].FabricState != "N/A" {
		t.Errorf("PCIe: %+v", q)
	}
}

func TestDriverVersions(t *testing.T) {
	if v := ParseModuleVersion(testdata(t, "proc-version.txt")); v != "535.104.05" {
		t.Errorf("proprietary module: %q", v)
	}
	if v := ParseModuleVersion(testdata(t, "proc-version-open.txt")); v != "550.127.05" {
		t.Errorf("open module: %q", v)
	}
	reason := NVMLFailure(testdata(t, "smi-nvml-mismatch.txt"))
	if reason != "Driver/library version mismatch" || !IsVersionMismatch(reason) {
		t.Errorf("NVML: %q", reason)
	}
	if NVMLFailure(testdata(t, "smi-L-t4.txt")) != "" {
		t.Error("a working nvidia-smi reported as failing")
	}
}

func TestKernelLogKmsg(t *testing.T) {
	var lines []KernelLine
	for _, l := range splitLines(testdata(t, "kmsg.txt")) {
		if kl, ok := ParseKernelLine(l); ok {
			lines = append(lines, kl)
		}
	}
	boot := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	r := AnalyzeKernel(lines, boot)
	if r.APIMismatch == nil || r.APIMismatch[0] != "535.171.04" || r.APIMismatch[1] != "535.161.07" {
		t.Errorf("API mismatch: %v", r.APIMismatch)
	}
	byKey := map[string]XidGroup{}
	for _, x := range r.Xids {
		byKey[x.Device+"/"+itoa(x.Code)] = x
	}
	x79 := byKey["0000:5d:00/79"]
	if x79.Count != 2 || x79.Class != ClassCritical || x79.LastSecondsSinceBoot != 13 || x79.LastMessage != "GPU has fallen off the bus." ||
		x79.LastSeen == nil || !x79.LastSeen.Time.Equal(boot.Add(13*time.Second)) {
		t.Errorf("Xid 79 on 5d: %+v", x79)
	}
	if x := byKey["0000:0f:00/13"]; x.Class != ClassApplication || x.Count != 1 {
		t.Errorf("Xid 13: %+v", x)
	}
	if x := byKey["0000:dc:00/45"]; x.Count != 2 || x.Process != "python3 (pid 1818991)" || x.LastMessage != "Ch 00000002" {
		t.Errorf("Xid 45: %+v", x)
	}
	if x := byKey["0000:01:00/79"]; x.Count != 1 || x.LastMessage != "GPU has fallen off the bus." {
		t.Errorf("old-driver Xid 79: %+v", x)
	}
	if x := byKey["0000:18:00/94"]; x.Class != ClassOther {
		t.Errorf("Xid 94: %+v", x)
	}
	if len(r.Xids) != 5 {
		t.Errorf("%d Xid groups: %+v", len(r.Xids), r.Xids)
	}
	// 01 and 5d fell off with an Xid 79 (in Xids); b3 with the driver's own message
	if len(r.FallenOff) != 1 || r.FallenOff[0].Device != "0000:b3:00" || r.FallenOff[0].PCIID != "10de:26b5" || r.FallenOff[0].Count != 1 ||
		r.FallenOff[0].LastSecondsSinceBoot != 11 || r.FallenOff[0].LastSeen == nil || !r.FallenOff[0].LastSeen.Time.Equal(boot.Add(11*time.Second)) {
		t.Errorf("fallen off: %+v", r.FallenOff)
	}
	if len(r.SXids) != 1 || r.SXids[0].Code != 20009 || r.SXids[0].Class != ClassOther || r.SXids[0].Device != "0000:c3:00" {
		t.Errorf("SXids: %+v", r.SXids)
	}
}

func TestKernelLogDmesgFormats(t *testing.T) {
	dir := t.TempDir()
	for name, check := range map[string]func(XidGroup){
		"dmesg.txt": func(x XidGroup) {
			if x.Code != 48 || x.Class != ClassCritical || x.LastSecondsSinceBoot != 7000 {
				t.Errorf("dmesg: %+v", x)
			}
		},
		"dmesg-T.txt": func(x XidGroup) {
			if x.Code != 79 || x.LastSeen == nil || x.LastSeen.Time.In(time.Local).Format("2006-01-02 15:04:05") != "2023-08-19 01:15:15" {
				t.Errorf("dmesg -T: %+v", x)
			}
		},
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(testdata(t, name)), 0o644); err != nil {
			t.Fatal(err)
		}
		lines, err := ReadKernelLog(path)
		if err != nil {
			t.Fatal(err)
		}
		r := AnalyzeKernel(lines, time.Time{})
		if len(r.Xids) != 1 {
			t.Fatalf("%s: %+v", name, r.Xids)
		}
		check(r.Xids[0])
	}
}

func TestParseFabricLog(t *testing.T) {
	f := ParseFabricLog(testdata(t, "fabricmanager-journal.txt"))
	if f.InterfaceVersion != "550.127.05" || f.DriverVersion != "550.120" {
		t.Errorf("versions: %+v", f)
	}
	if f.Failure == "" {
		t.Error("the service failure was not seen")
	}
	if FirstVersion("Fabric Manager version is : 535.104.05") != "535.104.05" {
		t.Error("fabric manager version")
	}
}

func TestNormPCIAndClasses(t *testing.T) {
	for in, want := range map[string]string{
		"PCI:0000:5d:00": "0000:5d:00", "0000:b3:00.0": "0000:b3:00", "00000000:5D:00.0": "0000:5d:00", "5d:00.0": "0000:5d:00",
	} {
		if got := NormPCI(in); got != want {
			t.Errorf("NormPCI(%q) = %q, want %q", in, got, want)
		}
	}
	for code, want := range map[int]Class{79: ClassCritical, 48: ClassCritical, 13: ClassApplication, 109: ClassApplication, 94: ClassOther} {
		if got := ClassOf(code); got != want {
			t.Errorf("Xid %d: %s, want %s", code, got, want)
		}
	}
}

func TestModelMatches(t *testing.T) {
	for _, c := range []struct {
		model, name string
		want        bool
	}{
		{"t4", "Tesla T4", true}, {"h100", "NVIDIA H100 80GB HBM3", true}, {"a6000", "NVIDIA RTX A6000", true},
		{"rtx4090", "NVIDIA GeForce RTX 4090", true}, {"v100", "Tesla V100-SXM2-16GB", true},
		{"a100", "Tesla T4", false}, {"h100", "NVIDIA A100-SXM4-80GB", false}, {"", "Tesla T4", false},
	} {
		if got := ModelMatches(c.model, c.name); got != c.want {
			t.Errorf("%s vs %s: %v", c.model, c.name, got)
		}
	}
}
