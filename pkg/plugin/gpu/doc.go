// Package gpu is the `node-debug gpu` check: the NVIDIA GPU provider
// troubleshooting runbook as code. The node side (Collect) runs the host's
// own nvidia-smi and nv-fabricmanager inside the host's root and reads the
// kernel log, /proc/driver/nvidia/version and /dev/nvidia*; the cluster side
// (Join) compares that report with the node object (nvidia.com/gpu capacity,
// Akash GPU labels) and the NVIDIA device plugin's DaemonSet and pods. Every
// problem becomes a Finding with the fix to apply, and the findings make the
// node's verdict.
//
// Each source of text has its own parser file (smi_list.go, smi_csv.go,
// smi_query.go, kernlog.go, driver.go, fabric.go), tested on the real output
// formats under testdata/.
package gpu
