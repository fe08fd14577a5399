package provider

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubectl/pkg/util/podutils"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// StatusKind is the kind of `provider status` results.
const StatusKind = "ProviderStatus"

// RequirePods sorts the provider pods by name, and refuses a namespace
// that has none: every provider command needs them.
func RequirePods(pods []corev1.Pod, ns string) ([]corev1.Pod, error) {
	if len(pods) == 0 {
		return nil, fmt.Errorf("no akash-provider pod (label %s) in namespace %s: is the provider installed there? (--provider-namespace)", Selector, ns)
	}
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	return pods, nil
}

// NewStatus describes the provider pods (readiness, restarts, image and
// version); the caller adds what /status said.
func NewStatus(service, ns string, pods []corev1.Pod) *Status {
	st := &Status{TypeMeta: output.TypeMeta(StatusKind), ObjectMeta: metav1.ObjectMeta{Name: service, Namespace: ns}}
	for i := range pods {
		p := &pods[i]
		image, restarts := providerContainer(p)
		st.Spec.Pods = append(st.Spec.Pods, Pod{Name: p.Name, Node: p.Spec.NodeName, Phase: string(p.Status.Phase), Ready: podutils.IsPodReady(p),
			Restarts: restarts, Image: image, Version: ImageVersion(image), Chart: p.Labels["helm.sh/chart"], StartTime: p.Status.StartTime})
	}
	return st
}

// NotReady reports whether a provider pod is not Ready.
func (st *Status) NotReady() bool {
	for _, p := range st.Spec.Pods {
		if !p.Ready {
			return true
		}
	}
	return false
}

// providerContainer is the provider container's spec and status (the first
// container when none is named provider).
func providerContainer(p *corev1.Pod) (image string, restarts int32) {
	if len(p.Spec.Containers) == 0 {
		return "", 0
	}
	name := p.Spec.Containers[0].Name
	image = p.Spec.Containers[0].Image
	for _, c := range p.Spec.Containers {
		if c.Name == akash.ProviderContainer {
			name, image = c.Name, c.Image
		}
	}
	for _, s := range p.Status.ContainerStatuses {
		if s.Name == name {
			restarts = s.RestartCount
		}
	}
	return image, restarts
}

// Status is the result of `provider status`.
type Status struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              StatusSpec `json:"spec"`
}

// StatusSpec holds the pods and what /status said.
type StatusSpec struct {
	Pods     []Pod     `json:"pods"`
	Endpoint *Endpoint `json:"endpoint,omitempty"`
	// Cluster is how the cluster was installed, when the nodes could be read.
	Cluster *Cluster `json:"cluster,omitempty"`
	// Chain is the chain this provider is checked against, with --api.
	Chain         *Chain `json:"chain,omitempty"`
	EndpointError string `json:"endpointError,omitempty"`
}

// Chain is what the chain's REST API says of itself: the market API
// version it serves decides the lease shapes (v1beta5: lease id with bseq,
// the reclaiming state; v1beta4: lease_id) and which CLI release talks to it.
type Chain struct {
	API           string `json:"api"`
	MarketVersion string `json:"marketVersion,omitempty"`
	Error         string `json:"error,omitempty"`
}

// Pod is one akash-provider pod.
type Pod struct {
	Name     string `json:"name"`
	Node     string `json:"node,omitempty"`
	Phase    string `json:"phase"`
	Ready    bool   `json:"ready"`
	Restarts int32  `json:"restarts"`
	Image    string `json:"image"`
	Version  string `json:"version,omitempty"`
	// Chart is the helm chart the pod was installed with (helm.sh/chart).
	Chart     string       `json:"chart,omitempty"`
	StartTime *metav1.Time `json:"startTime,omitempty"`
}

// PrintStatus prints the pods table, then the endpoint's summary
// and inventory tables; machine formats get the one object.
func PrintStatus(w io.Writer, out *output.Flags, st *Status) error {
	now := metav1.Now
	podTable := func() *output.Table {
		t := output.NewTable(output.Column{Name: "POD"}, output.Column{Name: "READY"}, output.Column{Name: "STATUS"},
			output.Column{Name: "RESTARTS"}, output.Column{Name: "VERSION"}, output.Column{Name: "AGE"},
			output.Column{Name: "NODE", Wide: true}, output.Column{Name: "CHART", Wide: true}, output.Column{Name: "IMAGE", Wide: true})
		for _, p := range st.Spec.Pods {
			age := "<unknown>"
			if p.StartTime != nil {
				age = output.Age(*p.StartTime, now)
			}
			t.AddRow(p.Name, strconv.FormatBool(p.Ready), p.Phase, p.Restarts, output.Or(p.Version, output.None), age, p.Node, output.Or(p.Chart, output.None), p.Image)
		}
		return t
	}
	if !out.Human() {
		return out.Print(w, st, podTable)
	}
	if err := out.PrintTable(w, podTable); err != nil {
		return err
	}
	if cl := st.Spec.Cluster; cl != nil {
		fmt.Fprintf(w, "\nCluster: %s, %d node(s), kubelet %s\n", cl.Kind, cl.Nodes, output.Or(strings.Join(cl.KubeletVersions, ", "), output.None))
	}
	if ch := st.Spec.Chain; ch != nil {
		if st.Spec.Cluster == nil {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Chain: %s, market API %s\n", ch.API, output.Or(ch.MarketVersion, "unknown ("+ch.Error+")"))
	}
	ep := st.Spec.Endpoint
	if ep == nil {
		return nil
	}
	fmt.Fprintln(w)
	if err := out.PrintTable(w, func() *output.Table {
		t := output.NewTable(output.Column{Name: "ADDRESS"}, output.Column{Name: "HOSTNAME"}, output.Column{Name: "LEASES"},
			output.Column{Name: "ORDERS"}, output.Column{Name: "DEPLOYMENTS"})
		t.AddRow(ep.Address, ep.PublicHostname, ep.ActiveLeases, ep.Orders, ep.Deployments)
		return t
	}); err != nil {
		return err
	}
	if len(ep.Nodes) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	return out.PrintTable(w, func() *output.Table {
		t := output.NewTable(output.Column{Name: "NODE"}, output.Column{Name: "CPU (AVAIL/ALLOC)"},
			output.Column{Name: "MEMORY (AVAIL/ALLOC)"}, output.Column{Name: "GPU (AVAIL/ALLOC)"},
			output.Column{Name: "EPHEMERAL (AVAIL/ALLOC)", Wide: true})
		for _, n := range ep.Nodes {
			t.AddRow(n.Name,
				fmt.Sprintf("%s/%s", milli(n.Available.CPU), milli(n.Allocatable.CPU)),
				fmt.Sprintf("%s/%s", bytesQ(n.Available.Memory), bytesQ(n.Allocatable.Memory)),
				fmt.Sprintf("%d/%d", n.Available.GPU, n.Allocatable.GPU),
				fmt.Sprintf("%s/%s", bytesQ(n.Available.StorageEphemeral), bytesQ(n.Allocatable.StorageEphemeral)))
		}
		return t
	})
}

func milli(m int64) string { return resource.NewMilliQuantity(m, resource.DecimalSI).String() }

func bytesQ(b int64) string {
	const gi = 1 << 30
	return strconv.FormatFloat(float64(b)/gi, 'f', 1, 64) + "Gi"
}
