package provider

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func chartScript(t *testing.T, version string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "helm-charts", "price_script_generic."+version+".sh"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The real scripts' denom cases: the current one prices uakt, uact and both
// USDC denoms; the last one before BME support has no uact; the catch-all
// "*" (which rejects) is seen but prices nothing.
func TestScriptDenomCasesOnTheChartsScripts(t *testing.T) {
	for _, c := range []struct{ version, want string }{
		{"19.0.2", "uakt," + DenomACT + "," + DenomUSDCSandbox + "," + DenomUSDCMainnet + ",*"},
		{"11.3.1-rc4", "uakt," + DenomUSDCSandbox + "," + DenomUSDCMainnet + ",*"},
		{"6.0.4", "uakt," + DenomUSDCSandbox + "," + DenomUSDCMainnet + ",*"},
	} {
		got, found := ScriptDenomCases(chartScript(t, c.version))
		if !found || strings.Join(got, ",") != c.want {
			t.Errorf("chart %s: found %v cases %v, want %s", c.version, found, got, c.want)
		}
	}
	if got, found := ScriptDenomCases("#!/bin/bash\necho 1\n"); found || len(got) != 0 {
		t.Errorf("a script without a denom case: %v %v", found, got)
	}
}

// A script without the uact case is flagged (required, unpriced, with the
// error the provider would log); the current one is not.
func TestCheckDenomsFlagsAScriptWithoutUACT(t *testing.T) {
	old := CheckDenoms(chartScript(t, "11.3.1-rc4"), DefaultDenoms())
	if u := Unpriced(old); strings.Join(u, ",") != DenomACT {
		t.Fatalf("unpriced %v, want uact: %+v", u, old)
	}
	for _, c := range old {
		if c.Denom == DenomACT && !strings.Contains(c.Note, "denom in not supported") {
			t.Errorf("note %q", c.Note)
		}
		if c.Denom == DenomAKT && (!c.Priced || c.Case != "uakt") {
			t.Errorf("uakt %+v", c)
		}
	}
	cur := CheckDenoms(chartScript(t, "19.0.2"), BidDenoms(map[string]string{"bidmindeposit": "500000uakt", "AKASH_BID_DEPOSIT": "5000000uact"}, []string{DenomUSDCSandbox}))
	if u := Unpriced(cur); len(u) != 0 || len(cur) != 4 {
		t.Fatalf("the current script: unpriced %v checks %+v", u, cur)
	}
	weird := CheckDenoms(chartScript(t, "19.0.2"), BidDenoms(map[string]string{"gasprices": "0.025ufoo"}, nil))
	if u := Unpriced(weird); strings.Join(u, ",") != "ufoo" {
		t.Fatalf("a denom the provider's config names must be priced: %v", u)
	}
	none := CheckDenoms("#!/bin/bash\necho 42\n", DefaultDenoms())
	if len(Unpriced(none)) != 0 || !strings.Contains(none[1].Note, "same number whatever the denom") {
		t.Fatalf("a script that ignores the denom: %+v", none)
	}
}

// The current chart's keys with their values: the pricing ConfigMap wins
// over the release values, which win over the script's defaults; the GPU
// mappings say what an unset value means.
func TestKeysOfTheCurrentChart(t *testing.T) {
	keys := Keys(chartScript(t, "19.0.2"), map[string]any{"price_target_memory": "0.90", "price_target_cpu": "1.70"},
		map[string]string{"PRICE_TARGET_CPU": "1.75", "PRICE_TARGET_GPU_MAPPINGS": "a100=120,h100.80Gi.sxm5=250,*=130"}, "akash-provider-pricing")
	if len(keys) != 9 {
		t.Fatalf("keys %+v", keys)
	}
	want := map[string]string{
		"price_target_cpu":          "1.75 configmap akash-provider-pricing",
		"price_target_memory":       "0.90 values",
		"price_target_ip":           "5 script default",
		"price_target_hd_pers_nvme": "0.04 script default",
		"price_target_gpu_mappings": "a100=120,h100.80Gi.sxm5=250,*=130 configmap akash-provider-pricing",
	}
	for _, k := range keys {
		if w, ok := want[k.Key]; ok && k.Value+" "+k.Source != w {
			t.Errorf("%s: %q %q, want %s", k.Key, k.Value, k.Source, w)
		}
		if k.Env != strings.ToUpper(k.Key) {
			t.Errorf("env %s", k.Env)
		}
	}
	if k := Keys(chartScript(t, "19.0.2"), nil, nil, "")[8]; k.Value != gpuDefault {
		t.Errorf("unset GPU mappings: %+v", k)
	}
}

// The migration per chart version: a chart 6.0.4 release with the old
// script moves its TARGET_* literals and replaces the script; an 11.x one
// replaces the script (no uact); a 19.x one with the current script needs
// nothing, and its ${PRICE_TARGET_*:-default} lines are not "computed".
func TestMigrationSteps(t *testing.T) {
	rel := func(chart, script string) *Release {
		return &Release{Name: "akash-provider", Namespace: "akash-services", Version: 3, Chart: "provider-" + chart,
			Config: map[string]any{ScriptValue: base64.StdEncoding.EncodeToString([]byte(script))}}
	}
	run := func(chart, version string) *Migration {
		m, err := Migrate(rel(chart, chartScript(t, version)))
		if err != nil {
			t.Fatal(err)
		}
		m.CheckBME(m.ScriptText, "release", rel(chart, "").Config, nil, "", nil)
		return m
	}
	old := run("6.0.4", "6.0.4")
	if len(old.Steps) != 3 || !strings.Contains(old.Steps[0], "TARGET_CPU → price_target_cpu") || !strings.Contains(old.Steps[0], "TARGET_GPU_UNIT → price_target_gpu_mappings") ||
		!strings.Contains(old.Steps[1], "no case for uact") || !strings.Contains(old.Steps[2], "predates uact pricing") {
		t.Fatalf("6.0.4 steps:\n%s", strings.Join(old.Steps, "\n"))
	}
	mid := run("11.6.4", "11.3.1-rc4")
	if len(mid.Steps) != 2 || !strings.Contains(mid.Steps[0], "no case for uact") || len(mid.Warnings) != 0 {
		t.Fatalf("11.x steps %q warnings %q", mid.Steps, mid.Warnings)
	}
	cur := run("19.0.2", "19.0.2")
	if len(cur.Steps) != 0 || len(cur.Warnings) != 0 || len(cur.Denoms) != 3 || len(Unpriced(cur.Denoms)) != 0 {
		t.Fatalf("19.0.2: steps %q warnings %q denoms %+v", cur.Steps, cur.Warnings, cur.Denoms)
	}
}
