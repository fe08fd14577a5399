package cli

import (
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"
)

// Clients are the API clients a command needs, built once from the kubeconfig
// flags.
type Clients struct {
	Config  *rest.Config
	Kube    kubernetes.Interface
	Dynamic dynamic.Interface
}

// NewClients builds the clients from kubectl's kubeconfig flags. A missing
// or broken kubeconfig becomes one sentence that says what to pass.
func NewClients(flags *genericclioptions.ConfigFlags) (*Clients, error) {
	if err := haveConfig(flags); err != nil {
		return nil, err
	}
	cfg, err := flags.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("no usable kubeconfig (pass --kubeconfig, set KUBECONFIG, or choose a --context): %w", err)
	}
	return ClientsFor(cfg)
}

// haveConfig refuses to go on when no kubeconfig, no --server and no
// in-cluster service account exist: client-go would otherwise quietly try
// http://localhost:8080 and fail with a confusing "connection refused".
func haveConfig(flags *genericclioptions.ConfigFlags) error {
	if flags.APIServer != nil && *flags.APIServer != "" {
		return nil
	}
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		return nil
	}
	raw, err := flags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return fmt.Errorf("cannot read the kubeconfig (pass --kubeconfig or set KUBECONFIG): %w", err)
	}
	if len(raw.Clusters) == 0 {
		return fmt.Errorf("no kubeconfig found (KUBECONFIG or ~/.kube/config): pass --kubeconfig, set KUBECONFIG, or run inside a cluster")
	}
	return nil
}

// ClientsFor builds the clients for an existing rest.Config (tests use it
// with the local cluster's config).
func ClientsFor(cfg *rest.Config) (*Clients, error) {
	cfg = rest.CopyConfig(cfg)
	if cfg.UserAgent == "" {
		cfg.UserAgent = version.UserAgent()
	}
	// One command may issue several LISTs in parallel; do not let client-side
	// throttling serialise them.
	if cfg.QPS == 0 {
		cfg.QPS = 50
		cfg.Burst = 100
	}
	// Built-in kinds travel as protobuf, as the controllers' own clients ask
	// for them: decoding a provider's thousands of Pods and ReplicaSets from
	// JSON would be most of a command's time. The dynamic client keeps JSON,
	// which is all custom resources speak.
	typed := rest.CopyConfig(cfg)
	typed.ContentType = runtime.ContentTypeProtobuf
	typed.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	kube, err := kubernetes.NewForConfig(typed)
	if err != nil {
		return nil, fmt.Errorf("building the Kubernetes client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the dynamic client: %w", err)
	}
	return &Clients{Config: cfg, Kube: kube, Dynamic: dyn}, nil
}
