package akash

import (
	"encoding/json"
	"fmt"
	"math"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Manifest is the typed view of a Manifest CR (akash.network/v2beta2): the
// lease it belongs to and the SDL group the tenant deployed. Fields added by
// newer providers are ignored rather than rejected.
type Manifest struct {
	// Name is the CR's name: the lease namespace.
	Name            string
	Namespace       string
	UID             string
	ResourceVersion string
	Labels          map[string]string
	Created         metav1.Time
	Spec            ManifestSpec
}

// ManifestSpec is spec of a Manifest CR.
type ManifestSpec struct {
	LeaseID ManifestLeaseID `json:"lease_id"`
	Group   ManifestGroup   `json:"group"`
}

// ManifestLeaseID is spec.lease_id, with dseq stored as a decimal string;
// the chain's API and CLI print lease IDs the same way.
type ManifestLeaseID struct {
	Owner    string `json:"owner"`
	DSeq     Uint   `json:"dseq"`
	GSeq     Uint   `json:"gseq"`
	OSeq     Uint   `json:"oseq"`
	Provider string `json:"provider"`
}

// LeaseID converts to the model's LeaseID. gseq and oseq are 32-bit on
// chain: a larger number is an error, never cut down to another lease.
func (m ManifestLeaseID) LeaseID() (LeaseID, error) {
	if m.GSeq > math.MaxUint32 || m.OSeq > math.MaxUint32 {
		return LeaseID{}, fmt.Errorf("gseq/oseq out of range")
	}
	return LeaseID{Owner: m.Owner, DSeq: uint64(m.DSeq), GSeq: uint32(m.GSeq), OSeq: uint32(m.OSeq), Provider: m.Provider}, nil
}

// ManifestGroup is the deployment group: its name and services.
type ManifestGroup struct {
	Name     string            `json:"name"`
	Services []ManifestService `json:"services"`
}

// ManifestService is one SDL service: image, command, resources, replicas.
type ManifestService struct {
	Name      string           `json:"name"`
	Image     string           `json:"image"`
	Command   []string         `json:"command,omitempty"`
	Args      []string         `json:"args,omitempty"`
	Env       []string         `json:"env,omitempty"`
	Resources ServiceResources `json:"resources"`
	Count     Uint             `json:"count"`
	Expose    []ServiceExpose  `json:"expose,omitempty"`
}

// ServiceResources are the per-replica resources a service asked for.
type ServiceResources struct {
	ID  Uint `json:"id"`
	CPU struct {
		Units Uint `json:"units"` // millicpu
	} `json:"cpu"`
	GPU struct {
		Units Uint `json:"units"`
	} `json:"gpu"`
	Memory struct {
		Size Uint `json:"size"` // bytes, stored as a string
	} `json:"memory"`
	Storage []struct {
		Name string `json:"name"`
		Size Uint   `json:"size"`
	} `json:"storage,omitempty"`
}

// ServiceExpose is one exposed port.
type ServiceExpose struct {
	Port         Uint     `json:"port"`
	ExternalPort Uint     `json:"external_port"`
	Proto        string   `json:"proto"`
	Service      string   `json:"service"`
	Global       bool     `json:"global"`
	Hosts        []string `json:"hosts,omitempty"`
}

// DecodeManifest decodes one Manifest CR as the API server sends it (JSON).
// It goes straight to the typed view, without an unstructured map in
// between: on a provider with thousands of leases that map is most of the
// cost of reading the Manifests. It fails only when a field it uses has the
// wrong type.
func DecodeManifest(raw []byte) (*Manifest, error) {
	var obj struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     json.RawMessage   `json:"spec"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	md := &obj.Metadata
	m := &Manifest{
		Name:            md.Name,
		Namespace:       md.Namespace,
		UID:             string(md.UID),
		ResourceVersion: md.ResourceVersion,
		Labels:          md.Labels,
		Created:         md.CreationTimestamp,
	}
	if len(obj.Spec) > 0 {
		if err := json.Unmarshal(obj.Spec, &m.Spec); err != nil {
			return nil, fmt.Errorf("manifest %s/%s: spec does not match akash.network/%s: %w", md.Namespace, md.Name, Version, err)
		}
	}
	return m, nil
}

// LeaseID returns the lease of this Manifest: from spec.lease_id, or, when the
// spec lacks it, from the lease labels.
func (m *Manifest) LeaseID() (LeaseID, bool) {
	if id, err := m.Spec.LeaseID.LeaseID(); err == nil && id.Validate() == nil {
		return id, true
	}
	return LeaseIDFromLabels(m.Labels)
}

// ServiceIndex finds a service by name. Patches address services by index, and
// the index must come from the name, never be assumed.
func (m *Manifest) ServiceIndex(name string) (int, bool) {
	for i, s := range m.Spec.Group.Services {
		if s.Name == name {
			return i, true
		}
	}
	return -1, false
}
