package nodecheck

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"
)

// KubeletSettings holds the fields of a kubelet's configuration
// (kubelet.config.k8s.io/v1beta1 KubeletConfiguration, as its /configz
// serves it) that the node checks judge. Pointers are nil when the kubelet
// did not say.
type KubeletSettings struct {
	// Source says where they were read ("configz": through the API server).
	Source string `json:"source,omitempty"`
	// PodPidsLimit caps each pod's PIDs; -1 or 0 is no limit.
	PodPidsLimit          *int64 `json:"podPidsLimit,omitempty"`
	SerializeImagePulls   *bool  `json:"serializeImagePulls,omitempty"`
	MaxParallelImagePulls *int32 `json:"maxParallelImagePulls,omitempty"`
	KubeAPIQPS            *int32 `json:"kubeAPIQPS,omitempty"`
	KubeAPIBurst          *int32 `json:"kubeAPIBurst,omitempty"`
	EventRecordQPS        *int32 `json:"eventRecordQPS,omitempty"`
	EventBurst            *int32 `json:"eventBurst,omitempty"`
	RegistryPullQPS       *int32 `json:"registryPullQPS,omitempty"`
	RegistryBurst         *int32 `json:"registryBurst,omitempty"`
	MaxPods               *int32 `json:"maxPods,omitempty"`
	PodsPerCore           *int32 `json:"podsPerCore,omitempty"`
	// EvictionHard: nil when unknown (null), empty when hard eviction is
	// off ({}): the settings travel to the debug pod as JSON, so the two
	// must not both be left out.
	EvictionHard map[string]string `json:"evictionHard"`
	EvictionSoft map[string]string `json:"evictionSoft,omitempty"`
	FailSwapOn   *bool             `json:"failSwapOn,omitempty"`
	MemorySwap   *struct {
		SwapBehavior string `json:"swapBehavior,omitempty"`
	} `json:"memorySwap,omitempty"`
	CgroupDriver string `json:"cgroupDriver,omitempty"`
}

// KubeletConfig reads node's live kubelet configuration through the API
// server's node proxy: one GET of /api/v1/nodes/NODE/proxy/configz. It
// needs RBAC get on nodes/proxy; a refusal is said in one sentence.
func KubeletConfig(ctx context.Context, client kubernetes.Interface, node string) (*KubeletSettings, error) {
	// JSON, so that a refusal of the API server decodes as its Status.
	res := client.CoreV1().RESTClient().Get().
		AbsPath("/api/v1/nodes", node, "proxy", "configz").SetHeader("Accept", "application/json").Do(ctx)
	raw, err := res.Raw()
	if err != nil {
		status := 0
		res.StatusCode(&status)
		switch {
		case apierrors.IsForbidden(err):
			return nil, fmt.Errorf("reading the kubelet's configuration of node %s needs RBAC get on nodes/proxy: %v", node, err)
		default:
			return nil, fmt.Errorf("reading the kubelet's configuration of node %s (GET /api/v1/nodes/%s/proxy/configz: HTTP %d): %v", node, node, status, statusMessage(raw, err))
		}
	}
	return ParseConfigz(raw)
}

// ParseConfigz parses a kubelet's /configz answer: {"kubeletconfig": {...}}.
func ParseConfigz(raw []byte) (*KubeletSettings, error) {
	var doc struct {
		KubeletConfig *KubeletSettings `json:"kubeletconfig"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("the kubelet's configz is not JSON: %v", err)
	}
	if doc.KubeletConfig == nil {
		return nil, fmt.Errorf("the kubelet's configz has no kubeletconfig object")
	}
	// A running kubelet's evictionHard is never unset: its defaulting fills a
	// missing one with the default thresholds, and configz leaves out only an
	// empty map (omitempty). Absent here therefore means set to {}: hard
	// eviction is off, which the kubelet check must be able to see.
	if doc.KubeletConfig.EvictionHard == nil {
		doc.KubeletConfig.EvictionHard = map[string]string{}
	}
	doc.KubeletConfig.Source = "configz"
	return doc.KubeletConfig, nil
}

// ParseKubeletConfigFile parses a kubelet configuration file (YAML or JSON
// KubeletConfiguration, e.g. /var/lib/kubelet/config.yaml): what --local
// judges when there is no API server to read the live one from. Unlike
// configz, a file leaves out the defaults, so an absent field is unknown.
func ParseKubeletConfigFile(b []byte, path string) (*KubeletSettings, error) {
	raw, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s is not a kubelet configuration: %v", path, err)
	}
	var k KubeletSettings
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, fmt.Errorf("%s is not a kubelet configuration: %v", path, err)
	}
	k.Source = "file " + path
	// A file leaves the kubelet's defaults out; those the checks judge are
	// filled in (evictionHard is left nil: its defaults apply).
	if k.PodPidsLimit == nil {
		k.PodPidsLimit = ptrTo(int64(-1))
	}
	if k.SerializeImagePulls == nil {
		k.SerializeImagePulls = ptrTo(true)
	}
	if k.MaxPods == nil {
		k.MaxPods = ptrTo(int32(110))
	}
	if k.FailSwapOn == nil {
		k.FailSwapOn = ptrTo(true)
	}
	return &k, nil
}

func ptrTo[T any](v T) *T { return &v }

// statusMessage is the message of the Status the API server answered with
// (e.g. "address not allowed" when it will not proxy to a node's address),
// which client-go leaves out of an error of a code it has no reason for.
func statusMessage(raw []byte, err error) string {
	var st metav1.Status
	if json.Unmarshal(raw, &st) == nil && st.Message != "" && !strings.Contains(err.Error(), st.Message) {
		return err.Error() + ": " + st.Message
	}
	return err.Error()
}
