package e2e

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	prov "github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
	"github.com/kubectl-akash/kubectl-akash/test/cluster"
)

func chartPriceScript(t *testing.T, chart string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "pkg", "plugin", "provider", "testdata", "helm-charts", "price_script_generic."+chart+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestProviderPricingBME: a provider whose mounted bid script is the
// chart's last one without the uact case (as the chart renders it: the
// -script ConfigMap's price_script.sh, the -pricing ConfigMap's
// PRICE_TARGET_* variables) is flagged with exit 3 and the migration; once
// the ConfigMap holds the current script it passes, and the current
// chart's keys show the values in force, the ConfigMap's first.
func TestProviderPricingBME(t *testing.T) {
	t.Parallel()
	c := cluster.Get(t)
	ns := c.Namespace(t, "provider-pricing-bme")
	old := chartPriceScript(t, "11.3.1-rc4")
	secret := releaseSecret(t, ns, "akash-provider", 4, "deployed", map[string]any{
		"bidpricescript": base64.StdEncoding.EncodeToString([]byte(old)), "price_target_memory": "0.90", "bidmindeposit": "500000uakt",
	})
	if _, err := c.Kube().CoreV1().Secrets(ns).Create(t.Context(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pricing := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-pricing", Namespace: ns},
		Data: map[string]string{"AKASH_BID_PRICE_SCRIPT_PATH": "/scripts/price_script.sh", "PRICE_TARGET_CPU": "1.75",
			"PRICE_TARGET_GPU_MAPPINGS": "a100=120,h100.80Gi.sxm5=250,*=130", "AKASH_BID_DEPOSIT": "5000000uact"}}
	scripts := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "akash-provider-script", Namespace: ns},
		Data: map[string]string{"run.sh": "#!/bin/bash\n", prov.ScriptConfigMapKey: old}}
	for _, cm := range []*corev1.ConfigMap{pricing, scripts} {
		if _, err := c.Kube().CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) (result, prov.Migration) {
		r := kubectlAkash(t, c, runOpts{}, append([]string{"--provider-namespace", ns, "provider", "pricing"}, args...)...)
		var p struct{ Spec prov.Migration }
		if strings.Contains(strings.Join(args, " "), "json") {
			if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
				t.Fatalf("%v\n%s\n%s", err, r.stdout, r.stderr)
			}
		}
		return r, p.Spec
	}

	r, m := run("-o", "json")
	if r.code != cli.ExitFindings || !strings.Contains(r.stderr, "cannot price uact") || !strings.Contains(r.stderr, "ConfigMap akash-provider-script price_script.sh") {
		t.Fatalf("a script without uact: exit %d\n%s", r.code, r.stderr)
	}
	if u := prov.Unpriced(m.Denoms); strings.Join(u, ",") != prov.DenomACT {
		t.Fatalf("unpriced %v: %+v", u, m.Denoms)
	}
	steps := strings.Join(m.Steps, "\n")
	if !strings.Contains(steps, "no case for uact") || !strings.Contains(steps, "chart provider-11.6.0 predates uact pricing") {
		t.Fatalf("steps:\n%s", steps)
	}
	table, _ := run()
	if table.code != cli.ExitFindings || !strings.Contains(table.stdout, "NOT PRICED") || !strings.Contains(table.stdout, "migration step 1:") {
		t.Fatalf("table: exit %d\n%s", table.code, table.stdout)
	}

	// The current chart's script is mounted: every denom is priced.
	scripts.Data[prov.ScriptConfigMapKey] = chartPriceScript(t, "19.0.2")
	if _, err := c.Kube().CoreV1().ConfigMaps(ns).Update(t.Context(), scripts, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	r, m = run("-o", "json")
	if r.code != 0 || len(prov.Unpriced(m.Denoms)) != 0 {
		t.Fatalf("the current script: exit %d %+v\n%s", r.code, m.Denoms, r.stderr)
	}
	keys := map[string]prov.PriceKey{}
	for _, k := range m.Keys {
		keys[k.Key] = k
	}
	if k := keys["price_target_cpu"]; k.Value != "1.75" || k.Source != "configmap akash-provider-pricing" {
		t.Errorf("cpu %+v", k)
	}
	if k := keys["price_target_gpu_mappings"]; k.Value != "a100=120,h100.80Gi.sxm5=250,*=130" {
		t.Errorf("gpu mappings %+v", k)
	}
	if k := keys["price_target_memory"]; k.Value != "0.90" || k.Source != "values" {
		t.Errorf("memory %+v", k)
	}
	if k := keys["price_target_ip"]; k.Value != "5" || k.Source != "script default" {
		t.Errorf("ip %+v", k)
	}
}
