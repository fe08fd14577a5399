package agent

import "os"

// ThisNode is the name --local gives this machine in reports: its host
// name, which is the node name kubeadm and k3s register by default, or
// "localhost" when the system has none. Every --local path names the node
// here, so the same machine reads the same in every command's output.
func ThisNode() string {
	if name, err := os.Hostname(); err == nil && name != "" {
		return name
	}
	return "localhost"
}
