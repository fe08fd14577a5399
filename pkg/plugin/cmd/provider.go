package cmd

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubectl/pkg/util/podutils"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// NewProviderCmd builds `kubectl akash provider`, the helpers around the
// akash-provider service itself.
func NewProviderCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "provider",
		Short:   "Inspect and restart the akash-provider service, read its bids and prices",
		GroupID: groupOther,
		Long: templates.LongDesc(`
			Helpers around the akash-provider service (StatefulSet akash-provider in
			--provider-namespace, pods labelled app=akash-provider, container provider):
			its pods and /status endpoint, its bid-engine log lines, a safe restart, and
			the bid price settings stored in its helm release.`),
	}
	cmd.AddCommand(newProviderStatusCmd(g), newProviderLogsCmd(g), newProviderRestartCmd(g), newProviderPricingCmd(g))
	return cmd
}

// listProviderPods is the one LIST of the provider pods, sorted by name.
func listProviderPods(ctx context.Context, c *cli.Clients, ns string) ([]corev1.Pod, error) {
	l, err := c.Kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: provider.Selector})
	if err != nil {
		return nil, cli.ExplainList(err, corev1.SchemeGroupVersion.WithResource("pods"), "akash-provider pods in namespace "+ns)
	}
	pods := l.Items
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	if len(pods) == 0 {
		return nil, fmt.Errorf("no akash-provider pod (label %s) in namespace %s: is the provider installed there? (--provider-namespace)", provider.Selector, ns)
	}
	return pods, nil
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

// ProviderStatus is the result of `provider status`.
type ProviderStatus struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ProviderStatusSpec `json:"spec"`
}

// ProviderStatusSpec holds the pods and what /status said.
type ProviderStatusSpec struct {
	Pods          []ProviderPod      `json:"pods"`
	Endpoint      *provider.Endpoint `json:"endpoint,omitempty"`
	EndpointError string             `json:"endpointError,omitempty"`
}

// ProviderPod is one akash-provider pod.
type ProviderPod struct {
	Name      string       `json:"name"`
	Node      string       `json:"node,omitempty"`
	Phase     string       `json:"phase"`
	Ready     bool         `json:"ready"`
	Restarts  int32        `json:"restarts"`
	Image     string       `json:"image"`
	Version   string       `json:"version,omitempty"`
	StartTime *metav1.Time `json:"startTime,omitempty"`
}

func newProviderStatusCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	service, port, scheme := akash.ProviderApp, "8443", "https"
	timeout := 10 * time.Second
	cmd := &cobra.Command{
		Use:   "status",
		Short: "The akash-provider pods and the provider's own /status (leases, orders, inventory)",
		Long: templates.LongDesc(`
			Shows the akash-provider pods — readiness, restarts, image and version — and
			what the provider's /status endpoint reports: active leases, open orders,
			deployments and each node's allocatable and available resources. /status is
			reached through the API server's service proxy (the Service's port 8443), so
			it works from any machine with a kubeconfig, without port-forwarding.

			Exit code 3 when a provider pod is not Ready or /status does not answer.
			Two API calls: one LIST of the provider pods, one GET through the proxy.`),
		Example: templates.Examples(`
			kubectl akash provider status
			kubectl akash provider status --jq '.spec.endpoint.activeLeases'`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pods, err := listProviderPods(ctx, c, g.ProviderNamespace)
			if err != nil {
				return err
			}
			st := ProviderStatus{TypeMeta: output.TypeMeta("ProviderStatus"), ObjectMeta: metav1.ObjectMeta{Name: service, Namespace: g.ProviderNamespace}}
			findings := false
			for i := range pods {
				p := &pods[i]
				image, restarts := providerContainer(p)
				pp := ProviderPod{Name: p.Name, Node: p.Spec.NodeName, Phase: string(p.Status.Phase), Ready: podutils.IsPodReady(p),
					Restarts: restarts, Image: image, Version: provider.ImageVersion(image), StartTime: p.Status.StartTime}
				findings = findings || !pp.Ready
				st.Spec.Pods = append(st.Spec.Pods, pp)
			}
			pctx, cancel := context.WithTimeout(ctx, timeout)
			body, err := c.Kube.CoreV1().Services(g.ProviderNamespace).ProxyGet(scheme, service, port, "status", nil).DoRaw(pctx)
			cancel()
			if err == nil {
				st.Spec.Endpoint, err = provider.ParseStatus(body)
			} else {
				err = cli.Explain(err, fmt.Sprintf("reading /status of service %s/%s port %s through the API server's service proxy", g.ProviderNamespace, service, port))
			}
			if err != nil {
				st.Spec.EndpointError = err.Error()
				findings = true
				fmt.Fprintf(g.Streams.ErrOut, "warning: %v\n", err)
			}
			if err := printProviderStatus(g, out, &st); err != nil {
				return err
			}
			if findings {
				return cli.Silent(cli.ExitFindings)
			}
			return nil
		},
	}
	out.AddFlags(cmd)
	cmd.Flags().StringVar(&service, "service", service, "The provider's Service.")
	cmd.Flags().StringVar(&port, "status-port", port, "The Service port (name or number) serving /status.")
	cmd.Flags().StringVar(&scheme, "status-scheme", scheme, "The scheme /status is served with (https or http).")
	cmd.Flags().DurationVar(&timeout, "status-timeout", timeout, "How long to wait for /status.")
	return cmd
}

// printProviderStatus prints the pods table, then the endpoint's summary
// and inventory tables; machine formats get the one object.
func printProviderStatus(g *Globals, out *output.Flags, st *ProviderStatus) error {
	now := metav1.Now
	podTable := func() *output.Table {
		t := output.NewTable(output.Column{Name: "POD"}, output.Column{Name: "READY"}, output.Column{Name: "STATUS"},
			output.Column{Name: "RESTARTS"}, output.Column{Name: "VERSION"}, output.Column{Name: "AGE"},
			output.Column{Name: "NODE", Wide: true}, output.Column{Name: "IMAGE", Wide: true})
		for _, p := range st.Spec.Pods {
			age := "<unknown>"
			if p.StartTime != nil {
				age = output.Age(*p.StartTime, now)
			}
			t.AddRow(p.Name, strconv.FormatBool(p.Ready), p.Phase, p.Restarts, p.Version, age, p.Node, p.Image)
		}
		return t
	}
	if !out.Human() {
		return out.Print(g.Streams.Out, st, podTable)
	}
	w := g.Streams.Out
	if err := out.PrintTable(w, podTable); err != nil {
		return err
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
