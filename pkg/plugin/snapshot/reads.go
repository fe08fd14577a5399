package snapshot

import (
	"context"
	"maps"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
)

// ClusterPolicyGVR is the NVIDIA GPU operator's one cluster-wide
// configuration object.
var ClusterPolicyGVR = schema.GroupVersionResource{Group: "nvidia.com", Version: "v1", Resource: "clusterpolicies"}

// Read is one LIST a Spec asks for: the resource, where, with which
// options, and what it is called in an error sentence. Load runs the reads;
// Rules turns the same reads into the RBAC that allows them, so the two
// cannot drift apart.
type Read struct {
	GVR schema.GroupVersionResource
	// Namespace is where the LIST is made: "" for every namespace or a
	// cluster-scoped resource.
	Namespace string
	Options   metav1.ListOptions
	// What names the read in an error: "lease pods in all namespaces".
	What string
	// Covers are the Whats of reads this one stands in for, since what it
	// lists holds theirs (every pod holds the lease pods): when it fails,
	// they fail with it.
	Covers []string

	// load performs the read and returns how to store what it read; Load
	// calls the setters one at a time.
	load func(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error)
}

// gvr spells a built-in resource.
func gvr(group, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: "v1", Resource: resource}
}

var (
	podsGVR        = gvr("", "pods")
	nodesGVR       = gvr("", "nodes")
	namespacesGVR  = gvr("", "namespaces")
	eventsGVR      = gvr("", "events")
	secretsGVR     = gvr("", "secrets")
	configMapsGVR  = gvr("", "configmaps")
	deploymentsGVR = gvr("apps", "deployments")
	replicaSetsGVR = gvr("apps", "replicasets")
	statefulGVR    = gvr("apps", "statefulsets")
	daemonSetsGVR  = gvr("apps", "daemonsets")
)

// Reads is the table of every LIST spec asks for, in a stable order: one
// entry per resource and namespace (NamespacePods: one per namespace).
func (spec Spec) Reads() []Read {
	ns := spec.Namespace
	where := "all namespaces"
	if ns != "" {
		where = "namespace " + ns
	}
	managedPods := metav1.ListOptions{LabelSelector: and(akash.LabelManaged+"=true", spec.Selector)}
	if spec.PodPhase != "" {
		managedPods.FieldSelector = "status.phase=" + string(spec.PodPhase)
	}
	workloads := metav1.ListOptions{LabelSelector: and(akash.LabelManifestService, spec.Selector)}
	var out []Read
	add := func(on bool, r Read) {
		if on {
			out = append(out, r)
		}
	}

	add(spec.Manifests, Read{GVR: akash.ManifestGVR, Namespace: spec.LeaseNamespace, What: "Manifests in namespace " + spec.LeaseNamespace, load: loadManifests})
	add(spec.ProviderHosts, Read{GVR: akash.ProviderHostGVR, Namespace: spec.LeaseNamespace, What: "ProviderHosts in namespace " + spec.LeaseNamespace,
		load: dynamicInto(func(s *Snapshot) *[]unstructuredItem { return &s.ProviderHosts })})
	add(spec.ProviderLeasedIPs, Read{GVR: akash.ProviderLeasedIPGVR, Namespace: spec.LeaseNamespace, What: "ProviderLeasedIPs in namespace " + spec.LeaseNamespace,
		load: dynamicInto(func(s *Snapshot) *[]unstructuredItem { return &s.ProviderLeasedIPs })})
	add(spec.Nodes, Read{GVR: nodesGVR, Options: spec.nodeOptions(), What: "nodes",
		load: typedInto(core, func(s *Snapshot, items []corev1.Node) { s.Nodes = keepNamed(items, spec.NodeNames) })})
	add(spec.LeaseNamespaces, Read{GVR: namespacesGVR, Options: metav1.ListOptions{LabelSelector: akash.LabelManaged + "=true"}, What: "lease namespaces",
		load: typedInto(core, func(s *Snapshot, items []corev1.Namespace) { s.Namespaces = items })})
	podsLoad := typedInto(core, func(s *Snapshot, items []corev1.Pod) { s.Pods = items })
	if spec.PodPhasesOnly {
		podsLoad = typedInto(core, func(s *Snapshot, items []phasePod) { s.Pods = unwrapPods(items) })
	}
	// The filtered reads (nearpods.go): the workloads near the pods read,
	// the ReplicaSets near the Deployments read that ReplicaSetsOf wants.
	var nearPods *nsGate
	if spec.WorkloadsNearPods && spec.Pods && !spec.leasePodsInAllPods() {
		nearPods = newGate()
		podsLoad = nearPods.recording(podsLoad, podsNamespaces)
	}
	deploymentsLoad := typedNear(apps, nearPods, func(s *Snapshot, items []appsv1.Deployment) { s.Deployments = items })
	rsGate := nearPods
	if spec.ReplicaSetsOf != nil && spec.Deployments {
		rsGate = newGate()
		deploymentsLoad = rsGate.recording(deploymentsLoad, deploymentNamespaces(spec.ReplicaSetsOf))
	}
	leasePods := Read{GVR: podsGVR, Namespace: ns, Options: managedPods, What: "lease pods in " + where, load: podsLoad}
	add(spec.Pods && !spec.leasePodsInAllPods(), leasePods)
	add(spec.Deployments, Read{GVR: deploymentsGVR, Namespace: ns, Options: workloads, What: "lease Deployments in " + where, load: deploymentsLoad})
	add(spec.ReplicaSets, Read{GVR: replicaSetsGVR, Namespace: ns, Options: workloads, What: "lease ReplicaSets in " + where,
		load: typedNear(apps, rsGate, func(s *Snapshot, items []appsv1.ReplicaSet) { s.ReplicaSets = items })})
	add(spec.StatefulSets, Read{GVR: statefulGVR, Namespace: ns, Options: workloads, What: "lease StatefulSets in " + where,
		load: typedInto(apps, func(s *Snapshot, items []appsv1.StatefulSet) { s.StatefulSets = items })})
	add(spec.Events, Read{GVR: eventsGVR, Namespace: ns, Options: metav1.ListOptions{FieldSelector: "involvedObject.kind=Pod,reason=FailedScheduling"}, What: "scheduling events in " + where,
		load: typedInto(core, func(s *Snapshot, items []corev1.Event) { s.Events = items })})
	add(spec.ProviderPods, Read{GVR: podsGVR, Namespace: spec.ProviderNamespace, Options: metav1.ListOptions{LabelSelector: akash.LabelProviderApp + "=" + akash.ProviderApp},
		What: "akash-provider pods in namespace " + spec.ProviderNamespace,
		load: typedInto(core, func(s *Snapshot, items []corev1.Pod) { s.ProviderPods = items })})

	add(spec.ProviderSecrets, Read{GVR: secretsGVR, Namespace: spec.ProviderNamespace, Options: metav1.ListOptions{LabelSelector: spec.ProviderSecretSelector},
		What: "Secrets in namespace " + spec.ProviderNamespace + selectorWords(spec.ProviderSecretSelector),
		load: typedInto(core, func(s *Snapshot, items []corev1.Secret) { s.Secrets = items })})
	add(spec.ProviderConfigMaps, Read{GVR: configMapsGVR, Namespace: spec.ProviderNamespace, What: "ConfigMaps in namespace " + spec.ProviderNamespace,
		load: typedInto(core, func(s *Snapshot, items []corev1.ConfigMap) { s.ConfigMaps = items })})
	add(spec.DaemonSets, Read{GVR: daemonSetsGVR, Namespace: spec.DaemonSetNamespace, What: "DaemonSets in " + whereNS(spec.DaemonSetNamespace),
		load: typedInto(apps, func(s *Snapshot, items []appsv1.DaemonSet) { s.DaemonSets = items })})
	allPods := Read{GVR: podsGVR, Options: spec.allPodsOptions(), What: "pods" + onNodes(spec.PodNodes),
		load: typedInto(core, func(s *Snapshot, items []corev1.Pod) { s.AllPods = keepOnNodes(items, spec.PodNodes) })}
	if spec.leasePodsInAllPods() {
		allPods.Covers = []string{leasePods.What}
		allPods.load = typedInto(core, func(s *Snapshot, items []corev1.Pod) { s.AllPods, s.Pods = items, leasePodsOf(items) })
	}
	add(spec.AllPods, allPods)
	add(spec.ClusterPolicies, Read{GVR: ClusterPolicyGVR, What: "the GPU operator's ClusterPolicies", load: loadClusterPolicies})
	for _, pns := range slices.Sorted(maps.Keys(spec.NamespacePods)) {
		sel := spec.NamespacePods[pns]
		out = append(out, Read{GVR: podsGVR, Namespace: pns, Options: metav1.ListOptions{LabelSelector: sel}, What: "pods in namespace " + pns + selectorWords(sel),
			load: typedInto(core, func(s *Snapshot, items []corev1.Pod) {
				if s.NamespacePods == nil {
					s.NamespacePods = map[string][]corev1.Pod{}
				}
				s.NamespacePods[pns] = items
			})})
	}
	return out
}

// leasePodsInAllPods says whether the lease pods are taken from every pod
// instead of listed again: when every pod of every node is read anyway
// and the lease pods are wanted whole, from every namespace, unfiltered
// (doctor with node checks), a second LIST of the same pods would cost the
// API server and the client their biggest list twice.
func (spec Spec) leasePodsInAllPods() bool {
	return spec.Pods && spec.AllPods && len(spec.PodNodes) == 0 && spec.Namespace == "" &&
		spec.Selector == "" && spec.PodPhase == "" && !spec.PodPhasesOnly
}

// leasePodsOf are the pods labelled as the lease pods' LIST selects them.
func leasePodsOf(pods []corev1.Pod) []corev1.Pod {
	out := []corev1.Pod{}
	for i := range pods {
		if pods[i].Labels[akash.LabelManaged] == "true" {
			out = append(out, pods[i])
		}
	}
	return out
}

// nodeOptions are the node LIST's: the label selector, and a field
// selector when exactly one node is named (a provider has hundreds).
func (spec Spec) nodeOptions() metav1.ListOptions {
	o := metav1.ListOptions{LabelSelector: spec.NodeSelector}
	if len(spec.NodeNames) == 1 {
		o.FieldSelector = "metadata.name=" + spec.NodeNames[0]
	}
	return o
}

// allPodsOptions read one node's pods when one is named: the API server
// indexes pods by spec.nodeName, so that costs what the node holds.
func (spec Spec) allPodsOptions() metav1.ListOptions {
	if len(spec.PodNodes) == 1 {
		return metav1.ListOptions{FieldSelector: "spec.nodeName=" + spec.PodNodes[0]}
	}
	return metav1.ListOptions{}
}

// keepNamed keeps the nodes named, or all when fewer than two are (none:
// all; one: the LIST already asked for it alone).
func keepNamed(nodes []corev1.Node, names []string) []corev1.Node {
	return keepBy(nodes, names, func(n *corev1.Node) string { return n.Name })
}

// keepOnNodes keeps the pods bound to the nodes named, likewise.
func keepOnNodes(pods []corev1.Pod, nodes []string) []corev1.Pod {
	return keepBy(pods, nodes, func(p *corev1.Pod) string { return p.Spec.NodeName })
}

// keepBy keeps the items whose key is one of names, when there are two
// names or more.
func keepBy[T any](items []T, names []string, key func(*T) string) []T {
	if len(names) < 2 {
		return items
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	out := items[:0]
	for i := range items {
		if want[key(&items[i])] {
			out = append(out, items[i])
		}
	}
	return out
}

func whereNS(ns string) string {
	if ns == "" {
		return "all namespaces"
	}
	return "namespace " + ns
}

func selectorWords(sel string) string {
	if sel == "" {
		return ""
	}
	return " matching " + sel
}

func onNodes(nodes []string) string {
	switch len(nodes) {
	case 0:
		return " in all namespaces"
	case 1:
		return " on node " + nodes[0]
	}
	return " on nodes " + strings.Join(nodes, ", ")
}

// core and apps pick the REST client of a built-in group.
func core(c *cli.Clients) rest.Interface { return c.Kube.CoreV1().RESTClient() }
func apps(c *cli.Clients) rest.Interface { return c.Kube.AppsV1().RESTClient() }

// typedInto reads a built-in resource, every page, each item decoded and
// trimmed as it streams in (listTyped), and stores it with set.
func typedInto[T any, P protoItem[T]](client func(*cli.Clients) rest.Interface, set func(*Snapshot, []T)) func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error) {
	return typedNear[T, P](client, nil, set)
}

// typedNear is typedInto keeping, with near, only the items in the
// namespaces near hands over (nearpods.go).
func typedNear[T any, P protoItem[T]](client func(*cli.Clients) rest.Interface, near *nsGate, set func(*Snapshot, []T)) func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error) {
	return func(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
		items, err := listTyped[T, P](ctx, client(c), r.Namespace, r.GVR.Resource, spec, r.Options, near)
		if err != nil {
			return nil, err
		}
		return func(s *Snapshot) { set(s, items) }, nil
	}
}

// dynamicInto reads a custom resource of the lease namespace.
func dynamicInto(field func(*Snapshot) *[]unstructuredItem) func(context.Context, *cli.Clients, Spec, Read) (func(*Snapshot), error) {
	return func(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
		items, err := listDynamic(ctx, c, r.GVR, r.Namespace, spec.ChunkSize)
		if err != nil {
			return nil, err
		}
		return func(s *Snapshot) { *field(s) = items }, nil
	}
}

// loadManifests reads the Manifests, decoded as they stream in, and keeps
// their JSON only when a backup may be written.
func loadManifests(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
	page, err := listManifests(ctx, c, r.Namespace, spec.ChunkSize, spec.Backup)
	if err != nil {
		return nil, err
	}
	return func(s *Snapshot) {
		s.Manifests = page.manifests
		if s.Manifests == nil {
			s.Manifests = []*akash.Manifest{}
		}
		s.ManifestErrors = page.errs
		if spec.Backup {
			s.ManifestJSON = page.raw
		}
	}, nil
}

// loadClusterPolicies reads the GPU operator's ClusterPolicies. A cluster
// without their CRD is not an operator cluster: nothing is read and nothing
// failed. A forbidden LIST is recorded (ClusterPoliciesForbidden), not
// fatal: the rest of a GPU check still holds. With typed clients only there
// is nothing to ask.
func loadClusterPolicies(ctx context.Context, c *cli.Clients, spec Spec, r Read) (func(*Snapshot), error) {
	if c.Dynamic == nil {
		return func(*Snapshot) {}, nil
	}
	items, err := listAll(ctx, spec.ChunkSize, r.Options, func(ctx context.Context, o metav1.ListOptions) ([]unstructuredItem, string, error) {
		l, err := c.Dynamic.Resource(r.GVR).List(ctx, o)
		if err != nil {
			return nil, "", err
		}
		return l.Items, l.GetContinue(), nil
	})
	switch {
	case apierrors.IsNotFound(err):
		return func(*Snapshot) {}, nil
	case apierrors.IsForbidden(err):
		return func(s *Snapshot) { s.ClusterPoliciesForbidden = true }, nil
	case err != nil:
		return nil, err
	}
	return func(s *Snapshot) { s.ClusterPolicies = items }, nil
}

// unstructuredItem is an object of a custom resource.
type unstructuredItem = unstructured.Unstructured
