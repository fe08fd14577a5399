package provider

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// oldScript is the shape of the bid price script providers deployed before
// the chart took price_target_* values.
const oldScript = `#!/bin/bash
# WARNING: the runtime of this script should NOT exceed 5 seconds!
set -o pipefail
data_in=$(jq .)
cpu_requested=$(echo "$data_in" | jq -r '(map(.cpu * .count) | add) / 1000')

#Price in USD/month
TARGET_CPU="1.60"          # USD/thread-month
TARGET_MEMORY="0.80"       # USD/GB-month
TARGET_HD_EPHEMERAL="0.02" # USD/GB-month
TARGET_HD_PERS_HDD="0.01"  # USD/GB-month (beta1)
TARGET_HD_PERS_SSD="0.03"  # USD/GB-month (beta2)
TARGET_HD_PERS_NVME="0.04" # USD/GB-month (beta3)
TARGET_ENDPOINT="0.05"     # USD for port/month
TARGET_IP=5                # USD for IP/month
TARGET_GPU_UNIT="100"      # USD/GPU unit a month

total_cost_usd_target=$(bc -l <<< "($cpu_requested * $TARGET_CPU)")
TARGET_CPU="9.99"          # a later reassignment: the runbook's grep shows the first
`

// helmSecret builds a release Secret exactly as helm stores it: the release
// JSON, gzipped, base64-encoded by helm, in data.release (which the API
// client has already base64-decoded once).
func helmSecret(t *testing.T, name string, version int, status string, config map[string]any) corev1.Secret {
	t.Helper()
	rel := map[string]any{
		"name": name, "namespace": "akash-services", "version": version,
		"info":   map[string]any{"status": status},
		"chart":  map[string]any{"metadata": map[string]any{"name": "provider", "version": "11.6.0"}, "values": map[string]any{"price_target_cpu": "1.6"}},
		"config": config,
	}
	raw, err := json.Marshal(rel)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	return corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1." + name + ".v" + itoa(version), Namespace: "akash-services",
			Labels: map[string]string{"name": name, "owner": "helm", "status": status, "version": itoa(version)}},
		Type: HelmReleaseType,
		Data: map[string][]byte{"release": []byte(base64.StdEncoding.EncodeToString(gz.Bytes()))},
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestLatestDeployedRevision(t *testing.T) {
	secrets := []corev1.Secret{
		helmSecret(t, "akash-provider", 1, "superseded", nil),
		helmSecret(t, "akash-provider", 3, "deployed", nil),
		helmSecret(t, "akash-provider", 4, "failed", nil),
		helmSecret(t, "akash-node", 9, "deployed", nil),
	}
	s, err := LatestRelease(secrets, "akash-provider")
	if err != nil || s.Name != "sh.helm.release.v1.akash-provider.v3" {
		t.Fatalf("%v %v", s, err)
	}
	if _, err := LatestRelease(secrets[:1], "akash-provider"); err == nil || !strings.Contains(err.Error(), "no deployed revision (found v1 superseded)") {
		t.Fatalf("err %v", err)
	}
	if _, err := LatestRelease(nil, "akash-provider"); err == nil || !strings.Contains(err.Error(), `no helm release "akash-provider"`) {
		t.Fatalf("err %v", err)
	}
}

func TestMigrateFromScript(t *testing.T) {
	s := helmSecret(t, "akash-provider", 2, "deployed", map[string]any{
		"from": "provider", "bidpricescript": base64.StdEncoding.EncodeToString([]byte(oldScript)),
	})
	rel, err := DecodeRelease(s.Data["release"])
	if err != nil {
		t.Fatal(err)
	}
	if rel.Name != "akash-provider" || rel.Version != 2 || rel.Status != "deployed" || rel.Chart != "provider-11.6.0" {
		t.Fatalf("release %+v", rel)
	}
	m, err := Migrate(rel)
	if err != nil {
		t.Fatal(err)
	}
	want := "price_target_cpu: \"1.60\"\nprice_target_memory: \"0.80\"\nprice_target_hd_ephemeral: \"0.02\"\n" +
		"price_target_hd_pers_hdd: \"0.01\"\nprice_target_hd_pers_ssd: \"0.03\"\nprice_target_hd_pers_nvme: \"0.04\"\n" +
		"price_target_endpoint: \"0.05\"\nprice_target_ip: \"5\"\nprice_target_gpu_mappings: \"*=100\"\n"
	if got := m.ProviderYAML(); got != want {
		t.Fatalf("provider.yaml:\n%s\nwant:\n%s", got, want)
	}
	if m.Targets[0].Source != "bidpricescript TARGET_CPU" || !m.Script || len(m.Warnings) != 0 {
		t.Fatalf("%+v", m)
	}
}

func TestMigrateValuesWinAndComputedTargetsWarn(t *testing.T) {
	script := "TARGET_CPU=\"1.60\"\nTARGET_GPU_UNIT=$(echo \"$BASE_PRICE * 2\" | bc)\n"
	rel := &Release{Name: "akash-provider", Version: 5, Config: map[string]any{
		"bidpricescript":            base64.StdEncoding.EncodeToString([]byte(script)),
		"price_target_cpu":          "2.00",
		"price_target_gpu_mappings": "a100=120,t4=80,*=130",
		"price_target_ip":           json.Number("4"),
	}}
	m, err := Migrate(rel)
	if err != nil {
		t.Fatal(err)
	}
	if m.Values["price_target_cpu"] != "2.00" || m.Targets[0].Note != "the script's TARGET_CPU says 1.60" || m.Targets[0].Source != "values" {
		t.Fatalf("values must win over the script: %+v", m.Targets)
	}
	if m.Values["price_target_gpu_mappings"] != "a100=120,t4=80,*=130" || m.Values["price_target_ip"] != "4" {
		t.Fatalf("values %v", m.Values)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "TARGET_GPU_UNIT is computed in the script") {
		t.Fatalf("warnings %v", m.Warnings)
	}
}

func TestMigrateErrors(t *testing.T) {
	if _, err := Migrate(&Release{Name: "r", Version: 1, Config: map[string]any{"bidpricescript": "not base64!"}}); err == nil || !strings.Contains(err.Error(), "not base64") {
		t.Fatalf("err %v", err)
	}
	if _, err := Migrate(&Release{Name: "r", Version: 1, Config: map[string]any{}}); err == nil || !strings.Contains(err.Error(), "chart's default prices apply") {
		t.Fatalf("err %v", err)
	}
	if _, err := DecodeRelease([]byte("%%%")); err == nil || !strings.Contains(err.Error(), "not base64") {
		t.Fatalf("err %v", err)
	}
	// helm 2-era plain JSON (no gzip) still decodes
	plain := base64.StdEncoding.EncodeToString([]byte(`{"name":"p","version":1,"info":{"status":"deployed"},"config":{}}`))
	if rel, err := DecodeRelease([]byte(plain)); err != nil || rel.Name != "p" {
		t.Fatalf("%v %v", rel, err)
	}
}

// Log lines in the provider's formats: tendermint-style (providers before
// 0.10), the console format of cosmossdk.io/log, and JSON.
const providerLog = `I[2024-03-05|10:00:00.101] order detected                               module=bidengine-service order=akash1tenant/1234/1/1
I[2024-03-05|10:00:00.350] group fetched                                module=bidengine-order order=akash1tenant/1234/1/1
I[2024-03-05|10:00:00.351] requesting reservation                       module=bidengine-order order=akash1tenant/1234/1/1
D[2024-03-05|10:00:00.352] reservation requested                        module=provider-cluster order=akash1tenant/1234/1/1 resources="group_spec:<name:\"dcloud\" > "
I[2024-03-05|10:00:00.400] Reservation fulfilled                        module=bidengine-order order=akash1tenant/1234/1/1
D[2024-03-05|10:00:01.900] submitting fulfillment                       module=bidengine-order order=akash1tenant/1234/1/1 price=21.355000000000000000uakt
I[2024-03-05|10:00:07.000] bid complete                                 module=bidengine-order order=akash1tenant/1234/1/1
I[2024-03-05|10:00:30.000] lease won                                    module=bidengine-order order=akash1tenant/1234/1/1 lease=akash1tenant/1234/1/1/akash1prov
I[2024-03-05|10:00:31.000] shutting down                                module=bidengine-order order=akash1tenant/1234/1/1
D[2024-03-05|10:01:00.000] unable to fulfill: incompatible provider attributes module=bidengine-order order=akash1other/555/1/1
E[2024-03-05|10:01:02.000] reserving resources                          module=bidengine-order order=akash1big/777/1/1 err="insufficient capacity"
I[2024-03-05|10:01:05.000] Price too high, not bidding                  module=bidengine-order order=akash1cheap/888/1/1 price=5000.000000000000000000uakt max-price=1000.000000000000000000uakt
I[2024-03-05|10:01:09.000] syncing sequence                              cmp=client/broadcaster local=31 remote=31
10:02AM INF order detected module=bidengine-service order=akash1new/999/1/1
10:02AM DBG submitting fulfillment module=bidengine-order order=akash1new/999/1/1 price=1.5uakt
10:02AM ERR bid failed err="account sequence mismatch, expected 32, got 31: incorrect account sequence" module=bidengine-order order=akash1new/999/1/1
{"level":"info","module":"bidengine-order","order":"akash1json/42/1/1","time":"2025-01-01T00:00:00Z","message":"lease lost","lease":"akash1json/42/1/1/akash1rival"}
garbage line without structure
`

func TestBidParser(t *testing.T) {
	p := NewBidParser()
	var got []BidEvent
	for _, line := range strings.Split(providerLog, "\n") {
		if ev, ok := p.Parse(line); ok {
			got = append(got, ev)
		}
	}
	want := []struct{ order, outcome, price, extra string }{
		{"akash1tenant/1234/1/1", OutcomeDetected, "", ""},
		{"akash1tenant/1234/1/1", OutcomeBidding, "21.355000000000000000uakt", ""},
		{"akash1tenant/1234/1/1", OutcomeBid, "21.355000000000000000uakt", ""},
		{"akash1tenant/1234/1/1", OutcomeWon, "21.355000000000000000uakt", "akash1tenant/1234/1/1/akash1prov"},
		{"akash1other/555/1/1", OutcomeDeclined, "", "unable to fulfill: incompatible provider attributes"},
		{"akash1big/777/1/1", OutcomeNoCapacity, "", "insufficient capacity"},
		{"akash1cheap/888/1/1", OutcomePriceTooHigh, "5000.000000000000000000uakt", "1000.000000000000000000uakt"},
		{"akash1new/999/1/1", OutcomeDetected, "", ""},
		{"akash1new/999/1/1", OutcomeBidding, "1.5uakt", ""},
		{"akash1new/999/1/1", OutcomeBidFailed, "1.5uakt", "account sequence mismatch, expected 32, got 31: incorrect account sequence"},
		{"akash1json/42/1/1", OutcomeLost, "", "akash1json/42/1/1/akash1rival"},
	}
	if len(got) != len(want) {
		for _, g := range got {
			t.Logf("%+v", g)
		}
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Order != w.order || g.Outcome != w.outcome || g.Price != w.price {
			t.Errorf("event %d: %+v, want %+v", i, g, w)
		}
		if w.extra != "" && g.Lease != w.extra && g.Message != w.extra && g.Error != w.extra && g.MaxPrice != w.extra {
			t.Errorf("event %d: %+v lacks %q", i, g, w.extra)
		}
	}
	if got[0].Time != "2024-03-05|10:00:00.101" || got[0].Level != "info" || got[7].Time != "10:02AM" || got[9].Level != "error" {
		t.Errorf("time/level: %+v %+v", got[0], got[7])
	}
}

func TestKeyValues(t *testing.T) {
	kv := keyValues(` a=1 b="x \"y\" z" c=`)
	if kv["a"] != "1" || kv["b"] != `x "y" z` || kv["c"] != "" {
		t.Fatalf("%q", kv)
	}
}

func TestParseStatus(t *testing.T) {
	body := `{"cluster":{"leases":3,"inventory":{"active":[{"cpu":1000}],"pending":[],
	  "available":{"nodes":[{"name":"node1","allocatable":{"cpu":32000,"gpu":1,"memory":134226280448,"storage_ephemeral":933128024561},
	  "available":{"cpu":30500,"gpu":0,"memory":120000000000,"storage_ephemeral":900000000000}}],"storage":[{"class":"beta3","size":1000}]}}},
	  "bidengine":{"orders":2},"manifest":{"deployments":3},"cluster_public_hostname":"provider.example.com","address":"akash1prov"}`
	ep, err := ParseStatus([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if ep.ActiveLeases != 3 || ep.Orders != 2 || ep.Deployments != 3 || ep.Address != "akash1prov" || ep.PublicHostname != "provider.example.com" {
		t.Fatalf("%+v", ep)
	}
	if len(ep.Nodes) != 1 || ep.Nodes[0].Allocatable.CPU != 32000 || ep.Nodes[0].Available.GPU != 0 || ep.Nodes[0].Allocatable.StorageEphemeral != 933128024561 {
		t.Fatalf("%+v", ep.Nodes)
	}
	ep, err = ParseStatus([]byte(`{"cluster":{"leases":{"active":7}},"bidengine":{"orders":0}}`))
	if err != nil || ep.ActiveLeases != 7 {
		t.Fatalf("%+v %v", ep, err)
	}
	if _, err := ParseStatus([]byte("<html>502 Bad Gateway</html>")); err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
		t.Fatalf("err %v", err)
	}
}

func TestImageVersion(t *testing.T) {
	for in, want := range map[string]string{
		"ghcr.io/akash-network/provider:0.6.4": "0.6.4", "localhost:5000/provider": "", "provider:0.10.1@sha256:abc": "0.10.1",
	} {
		if got := ImageVersion(in); got != want {
			t.Errorf("%s -> %q, want %q", in, got, want)
		}
	}
}
