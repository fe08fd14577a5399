package gpu

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// reloadFix is the runbook's fix for a kernel module older than the libraries.
const reloadFix = "the driver packages were upgraded but the old kernel module is still loaded: reboot the node " +
	"(or, with no GPU process left, rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && modprobe nvidia && modprobe nvidia_uvm) " +
	"so the module and the libraries have the same version; hold the driver packages (apt-mark hold) to stop unattended upgrades doing it again"

// driverFindings compares the kernel module and the user-space driver.
// mismatch is nvidia-smi's NVML message when it refused to run.
func driverFindings(s *Status, mismatch string) {
	mod, lib := s.KernelModuleVersion, s.DriverVersion
	switch {
	case mismatch != "":
		s.add(FindingDriverLibraryMismatch, SeverityError,
			fmt.Sprintf("nvidia-smi: Failed to initialize NVML: %s (kernel module %s, user-space driver %s)", mismatch, orUnknown(mod), orUnknown(lib)), reloadFix)
	case mod != "" && lib != "" && mod != lib:
		s.add(FindingDriverLibraryMismatch, SeverityError,
			fmt.Sprintf("the kernel module is %s but the user-space driver is %s", mod, lib), reloadFix)
	}
}

// deviceNodeFindings checks the files CUDA opens: /dev/nvidiactl,
// /dev/nvidia-uvm and one /dev/nvidiaN per GPU. Without them containers
// get no GPU even though nvidia-smi works.
func deviceNodeFindings(s *Status) {
	have := map[string]bool{}
	numbered := 0
	for _, d := range s.DeviceNodes {
		have[d] = true
		if _, err := strconv.Atoi(strings.TrimPrefix(d, "/dev/nvidia")); err == nil {
			numbered++
		}
	}
	var missing []string
	for _, d := range []string{"/dev/nvidiactl", "/dev/nvidia-uvm"} {
		if !have[d] {
			missing = append(missing, d)
		}
	}
	if numbered < len(s.GPUs) {
		missing = append(missing, fmt.Sprintf("%d of %d /dev/nvidiaN", len(s.GPUs)-numbered, len(s.GPUs)))
	}
	if len(missing) > 0 {
		s.add(FindingDeviceNodesMissing, SeverityError, "CUDA cannot run: missing "+strings.Join(missing, ", "),
			"create them with nvidia-modprobe -u -c=0 (or modprobe nvidia-uvm), and make it persistent (nvidia-persistenced, or a udev/systemd unit); then restart the device plugin pod")
	}
}

// xidFindings turns the kernel log into findings, per GPU and code.
func xidFindings(s *Status, kern KernelReport) {
	s.Xids, s.SXids = kern.Xids, kern.SXids
	byBus := map[string]int{}
	for _, g := range s.GPUs {
		if g.BusID != "" {
			byBus[NormPCI(g.BusID)] = g.Index
		}
	}
	xid79 := map[string]bool{}
	for i := range s.Xids {
		x := &s.Xids[i]
		if idx, ok := byBus[x.Device]; ok {
			x.GPUIndex = &idx
		}
		what := fmt.Sprintf("%s: Xid %d seen %d time(s)%s, last: %s", gpuName(x.Device, x.GPUIndex), x.Code, x.Count, when(x.LastSeen, x.LastSecondsSinceBoot), x.LastMessage)
		switch x.Class {
		case ClassCritical:
			if x.Code == 79 {
				xid79[x.Device] = true
			}
			s.add(FindingXidCritical, SeverityError, what, criticalFix(x))
		case ClassApplication:
			if x.Process != "" {
				what += " (" + x.Process + ")"
			}
			s.add(FindingXidApplication, SeverityInfo, what, "raised by a tenant's program, not the GPU: no node action unless it repeats across different leases")
		default:
			s.add(FindingXidOther, SeverityWarning, what, "look the code up in NVIDIA's Xid catalogue; if it repeats after a GPU reset or reboot, treat the GPU as faulty")
		}
	}
	for _, f := range kern.FallenOff {
		if xid79[f.Device] {
			continue // the Xid 79 finding says it, with the reset command
		}
		name := "GPU " + f.Device
		switch i, listed := byBus[f.Device]; {
		case listed && f.PCIID != "":
			name = fmt.Sprintf("GPU %d (%s, PCI ID %s)", i, f.Device, f.PCIID)
		case listed:
			name = fmt.Sprintf("GPU %d (%s)", i, f.Device)
		case f.PCIID != "":
			name += " (PCI ID " + f.PCIID + ")"
		}
		s.add(FindingFallenOffBus, SeverityError,
			fmt.Sprintf("%s has fallen off the bus and is not responding to commands (logged %d time(s)%s)", name, f.Count, when(f.LastSeen, f.LastSecondsSinceBoot)),
			"drain the node and power-cycle it (a warm reboot is often not enough); if it falls off again, check the PCIe riser, power and cooling, or replace the GPU")
	}
	for _, x := range s.SXids {
		sev := SeverityWarning
		if x.Class == ClassCritical {
			sev = SeverityError
		}
		s.add(FindingSXid, sev, fmt.Sprintf("NVSwitch %s: SXid %d seen %d time(s)%s, last: %s", x.Device, x.Code, x.Count, when(x.LastSeen, x.LastSecondsSinceBoot), x.LastMessage),
			"fatal SXids need the node drained and rebooted (the fabric manager re-trains the NVLinks); repeated non-fatal link errors mean a bad NVLink/baseboard: open a case with the system vendor")
	}
}

func criticalFix(x *XidGroup) string {
	reset := "nvidia-smi -r"
	if x.GPUIndex != nil {
		reset += " -i " + strconv.Itoa(*x.GPUIndex)
	}
	return "drain the node (kubectl drain --ignore-daemonsets), then reset the GPU (" + reset + ") or reboot; if the Xid returns, the GPU (or its PCIe/NVLink path) is faulty: have it replaced before uncordoning"
}

func gpuName(dev string, index *int) string {
	if index != nil {
		return fmt.Sprintf("GPU %d (%s)", *index, dev)
	}
	return "GPU " + dev
}

// when says when a kernel log line was logged: a date when one is known,
// else the kernel's own timestamp, seconds since boot. A saved log's
// timestamps are from a boot of its own, not this one: read against this
// boot they would give wrong (often future) dates.
func when(at *metav1.Time, sinceBoot float64) string {
	switch {
	case at != nil:
		return ", last at " + at.UTC().Format("2006-01-02T15:04:05Z")
	case sinceBoot > 0:
		return fmt.Sprintf(", last at uptime %d s", int64(sinceBoot))
	}
	return ""
}

// fabricCheck covers NVSwitch (SXM) systems, where CUDA fails with "Error
// 802: system not yet initialized" until the fabric manager, at exactly the
// driver's version, has trained the fabric. A system is one when nvidia-smi
// shows a Fabric state other than N/A, has NVSwitch device nodes or logged
// SXids, or runs a fabric manager.
func fabricCheck(ctx context.Context, host Host, env agent.Env, s *Status) {
	running := processRunning(env.ProcRoot, "nv-fabricmanager")
	needed := running || len(s.SXids) > 0
	for _, d := range s.DeviceNodes {
		if strings.HasPrefix(d, "/dev/nvidia-nvswitch") {
			needed = true
		}
	}
	for _, g := range s.GPUs {
		if g.FabricState != "" && g.FabricState != "N/A" {
			needed = true
		}
	}
	if !needed {
		return
	}
	fm := &FabricManager{Running: running}
	s.FabricManager = fm
	if out, err := host.Run(ctx, "nv-fabricmanager", "--version"); err == nil {
		fm.Version = FirstVersion(out.Combined())
	}
	var logText strings.Builder
	if out, err := host.Run(ctx, "journalctl", "-u", "nvidia-fabricmanager", "--no-pager", "-n", "500"); err == nil {
		logText.WriteString(out.Stdout)
	}
	if b, err := readTail(filepath.Join(env.HostRoot, "var/log/fabricmanager.log"), 1<<20); err == nil {
		logText.WriteString("\n" + b)
	}
	log := ParseFabricLog(logText.String())

	pkg := "nvidia-fabricmanager-" + branch(s.DriverVersion)
	installFix := fmt.Sprintf("install the fabric manager at exactly the driver's version (apt install %s=%s-1, or the matching package of your distribution), apt-mark hold it with the driver, then systemctl enable --now nvidia-fabricmanager",
		pkg, orUnknown(s.DriverVersion))
	for _, g := range s.GPUs {
		switch {
		case g.FabricState == "" || g.FabricState == "N/A":
		case g.FabricState != "Completed":
			s.add(FindingFabricNotReady, SeverityError, fmt.Sprintf("GPU %d fabric state is %q: CUDA fails with Error 802: system not yet initialized", g.Index, g.FabricState), installFix)
		case g.FabricStatus != "Success":
			s.add(FindingFabricNotReady, SeverityError, fmt.Sprintf("GPU %d fabric training completed with status %q: CUDA fails with Error 802: system not yet initialized", g.Index, g.FabricStatus),
				"read journalctl -u nvidia-fabricmanager for the cause, fix it and restart nvidia-fabricmanager")
		}
	}
	mismatch := ""
	switch {
	case fm.Version != "" && s.DriverVersion != "" && fm.Version != s.DriverVersion:
		mismatch = fmt.Sprintf("the fabric manager is %s but the driver is %s", fm.Version, s.DriverVersion)
	case log.InterfaceVersion != "":
		mismatch = fmt.Sprintf("the fabric manager logged: driver interface version %s doesn't match with driver version %s", log.InterfaceVersion, log.DriverVersion)
	}
	if mismatch != "" {
		s.add(FindingFabricManagerMismatch, SeverityError, mismatch+": it cannot start, and CUDA fails with Error 802: system not yet initialized", installFix)
	}
	if !running {
		msg := "the fabric manager (nv-fabricmanager) is not running on this NVSwitch system: CUDA fails with Error 802: system not yet initialized"
		if !host.Has("nv-fabricmanager") {
			msg += " (it is not installed)"
		}
		if log.Failure != "" {
			msg += "; last failure: " + log.Failure
		}
		s.add(FindingFabricManagerNotRunning, SeverityError, msg, installFix)
	} else if log.Failure != "" {
		s.add(FindingFabricManagerFailed, SeverityWarning, "the fabric manager runs now but failed earlier: "+log.Failure,
			"check journalctl -u nvidia-fabricmanager; if GPUs show a fabric state other than Completed, restart it")
	}
}

// branch is a driver version's major number ("535" of "535.104.05").
func branch(v string) string {
	if b, _, ok := strings.Cut(v, "."); ok {
		return b
	}
	return "<branch>"
}

func orUnknown(v string) string {
	if v == "" {
		return "unknown"
	}
	return v
}

// processRunning looks for a process by its comm in the host's /proc. The
// kernel cuts comm to 15 bytes ("nv-fabricmanage"), so the name is cut too.
func processRunning(proc, comm string) bool {
	if len(comm) > 15 {
		comm = comm[:15]
	}
	fs := procfs.FS{Proc: proc}
	pids, _ := fs.PIDs()
	for _, pid := range pids {
		if fs.Comm(pid) == comm {
			return true
		}
	}
	return false
}

// readTail reads at most max bytes from the end of a file.
func readTail(path string, max int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	off := fi.Size() - max
	if off < 0 {
		off = 0
	}
	b := make([]byte, fi.Size()-off)
	n, _ := f.ReadAt(b, off)
	return string(b[:n]), nil
}
