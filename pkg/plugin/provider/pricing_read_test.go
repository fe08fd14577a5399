package provider

import (
	"encoding/base64"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot/snapshottest"
)

// ReadPricing is two LISTs, made in parallel through the snapshot: the
// release's Secrets (by helm's labels, so another release's are not read)
// and the ConfigMaps of the namespace; the script the provider mounts wins
// over the release's bidpricescript.
func TestReadPricingReadsTheReleaseAndConfigMapsOnce(t *testing.T) {
	rel := helmSecret(t, "akash-provider", 2, "deployed", map[string]any{"bidpricescript": base64.StdEncoding.EncodeToString([]byte(oldScript))})
	other := helmSecret(t, "akash-node", 5, "deployed", nil)
	script := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "akash-services", Name: "akash-provider-script"},
		Data: map[string]string{ScriptConfigMapKey: oldScript}}
	elsewhere := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "akash-provider-script"}}
	cluster := snapshottest.New(&rel, &other, script, elsewhere)
	p, err := ReadPricing(t.Context(), cluster.Clients(t), "akash-services", "akash-provider", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := cluster.Requests()
	if len(reqs) != 2 || !strings.Contains(strings.Join(reqs, "\n"), "/api/v1/namespaces/akash-services/secrets?labelSelector=owner%3Dhelm%2Cname%3Dakash-provider") {
		t.Errorf("requests %v: want the release's Secrets by label and the namespace's ConfigMaps", reqs)
	}
	if p.Kind != PricingKind || p.Name != "akash-provider" || p.Namespace != "akash-services" || p.Spec.Release.Version != 2 {
		t.Errorf("result %+v", p.ObjectMeta)
	}
	if p.Spec.ScriptFrom != "ConfigMap akash-provider-script "+ScriptConfigMapKey {
		t.Errorf("script from %q, want the mounted ConfigMap", p.Spec.ScriptFrom)
	}
	if p.Spec.Values["price_target_cpu"] == "" {
		t.Errorf("values %v", p.Spec.Values)
	}

	// Another namespace holds no release: one sentence naming the flags.
	_, err = ReadPricing(t.Context(), cluster.Clients(t), "default", "akash-provider", 0, nil)
	if err == nil || !strings.Contains(err.Error(), "in namespace default (--release, --provider-namespace)") {
		t.Errorf("err %v", err)
	}
}
