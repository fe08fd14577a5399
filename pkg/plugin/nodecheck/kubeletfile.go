package nodecheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/agent"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/procfs"
)

// kubeletSettings is the kubelet configuration the checks judge: the live
// one the client read (configz), or else the file the running kubelet was
// started with (its --config, read under the host root), with a note
// saying why the live one is missing. nil and why when there is neither.
func kubeletSettings(env agent.Env, opts Options) (k *KubeletSettings, note string, why string) {
	if opts.Kubelet != nil {
		return opts.Kubelet, "", ""
	}
	k, err := kubeletConfigFile(env)
	if err != nil {
		if opts.KubeletError != "" {
			return nil, "", opts.KubeletError + "; nor could the kubelet's --config file be read: " + err.Error()
		}
		return nil, "", "the kubelet's configuration was not read through the API server, nor its --config file: " + err.Error()
	}
	note = "judged from the " + k.Source + ", which the running kubelet was started with (flags and later changes are not in it)"
	if opts.KubeletError != "" {
		note += ": the live configuration could not be read (" + opts.KubeletError + ")"
	}
	return k, note, ""
}

// kubeletConfigFile finds the running kubelet (comm "kubelet") and reads
// the file its --config names, under the host root.
func kubeletConfigFile(env agent.Env) (*KubeletSettings, error) {
	fs := procfs.FS{Proc: env.ProcRoot, Host: env.HostRoot}
	pids, err := fs.PIDs()
	if err != nil {
		return nil, err
	}
	for _, pid := range pids {
		if fs.Comm(pid) != "kubelet" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(env.ProcRoot, fmt.Sprint(pid), "cmdline"))
		if err != nil {
			continue
		}
		path := configFlag(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"))
		if path == "" {
			return nil, fmt.Errorf("the kubelet (PID %d) runs without --config", pid)
		}
		raw, err := os.ReadFile(filepath.Join(env.HostRoot, path))
		if err != nil {
			return nil, err
		}
		return ParseKubeletConfigFile(raw, path)
	}
	return nil, fmt.Errorf("no kubelet process in %s", env.ProcRoot)
}

// configFlag is the value of --config in a kubelet's argv.
func configFlag(argv []string) string {
	for i, a := range argv {
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			return v
		}
		if a == "--config" && i+1 < len(argv) {
			return argv[i+1]
		}
	}
	return ""
}
