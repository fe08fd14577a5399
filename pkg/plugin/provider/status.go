package provider

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Endpoint is what the provider's /status endpoint (port 8443, no auth)
// reports, reduced to what operators look at.
type Endpoint struct {
	Address        string          `json:"address,omitempty"`
	PublicHostname string          `json:"publicHostname,omitempty"`
	ActiveLeases   int64           `json:"activeLeases"`
	Orders         int64           `json:"orders"`
	Deployments    int64           `json:"deployments"`
	Nodes          []NodeInventory `json:"nodes,omitempty"`
}

// NodeInventory is one node of the provider's inventory.
type NodeInventory struct {
	Name        string    `json:"name"`
	Allocatable Resources `json:"allocatable"`
	Available   Resources `json:"available"`
}

// Resources as the provider counts them: CPU in millicores, memory and
// ephemeral storage in bytes, GPUs as units.
type Resources struct {
	CPU              int64 `json:"cpu"`
	GPU              int64 `json:"gpu"`
	Memory           int64 `json:"memory"`
	StorageEphemeral int64 `json:"storageEphemeral"`
}

// ParseStatus reads the /status JSON:
//
//	{"cluster": {"leases": 3, "inventory": {"active": [...], "pending": [...],
//	   "available": {"nodes": [{"name": "node1", "allocatable": {"cpu": 32000,
//	   "gpu": 1, "memory": 134226280448, "storage_ephemeral": 933128024561},
//	   "available": {...}}], "storage": [...]}}},
//	 "bidengine": {"orders": 0}, "manifest": {"deployments": 3},
//	 "cluster_public_hostname": "provider.example.com", "address": "akash1..."}
//
// Newer providers report leases as {"active": N}; both are accepted, and
// missing sections are left at zero.
func ParseStatus(body []byte) (*Endpoint, error) {
	var raw struct {
		Cluster struct {
			Leases    json.RawMessage `json:"leases"`
			Inventory struct {
				Available struct {
					Nodes []struct {
						Name        string       `json:"name"`
						Allocatable rawResources `json:"allocatable"`
						Available   rawResources `json:"available"`
					} `json:"nodes"`
				} `json:"available"`
			} `json:"inventory"`
		} `json:"cluster"`
		Bidengine struct {
			Orders int64 `json:"orders"`
		} `json:"bidengine"`
		Manifest struct {
			Deployments int64 `json:"deployments"`
		} `json:"manifest"`
		PublicHostname string `json:"cluster_public_hostname"`
		Address        string `json:"address"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		snippet := strings.TrimSpace(string(body))
		if len(snippet) > 120 {
			snippet = snippet[:120] + "..."
		}
		return nil, fmt.Errorf("the provider's /status is not the JSON it should be (%v): %q", err, snippet)
	}
	ep := &Endpoint{Address: raw.Address, PublicHostname: raw.PublicHostname,
		Orders: raw.Bidengine.Orders, Deployments: raw.Manifest.Deployments}
	if len(raw.Cluster.Leases) > 0 {
		var n int64
		var obj struct {
			Active int64 `json:"active"`
		}
		if err := json.Unmarshal(raw.Cluster.Leases, &n); err == nil {
			ep.ActiveLeases = n
		} else if err := json.Unmarshal(raw.Cluster.Leases, &obj); err == nil {
			ep.ActiveLeases = obj.Active
		}
	}
	for _, n := range raw.Cluster.Inventory.Available.Nodes {
		ep.Nodes = append(ep.Nodes, NodeInventory{Name: n.Name, Allocatable: n.Allocatable.resources(), Available: n.Available.resources()})
	}
	return ep, nil
}

type rawResources struct {
	CPU              int64 `json:"cpu"`
	GPU              int64 `json:"gpu"`
	Memory           int64 `json:"memory"`
	StorageEphemeral int64 `json:"storage_ephemeral"`
}

func (r rawResources) resources() Resources {
	return Resources{CPU: r.CPU, GPU: r.GPU, Memory: r.Memory, StorageEphemeral: r.StorageEphemeral}
}

// ImageVersion is the tag of an image reference (ghcr.io/akash-network/provider:0.6.4 -> 0.6.4).
func ImageVersion(image string) string {
	if i := strings.LastIndex(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		return image[i+1:]
	}
	return ""
}
