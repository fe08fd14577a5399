package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// PriceKey is one price_target_* key of the current chart (19.x) and the
// value the running provider uses.
type PriceKey struct {
	Key string `json:"key"`
	// Env is the variable the chart's pricing ConfigMap sets from it.
	Env   string `json:"env"`
	Value string `json:"value,omitempty"`
	// Source: "configmap <name>" (what runs), "values" (the release), or
	// "script default" (the script's ${PRICE_TARGET_*:-default}).
	Source string `json:"source,omitempty"`
}

// chartKeys are the current chart's price_target_* keys, in the order of
// its configmap-pricing.yaml.
var chartKeys = []string{"price_target_cpu", "price_target_memory", "price_target_hd_ephemeral", "price_target_hd_pers_hdd",
	"price_target_hd_pers_ssd", "price_target_hd_pers_nvme", "price_target_endpoint", "price_target_ip", "price_target_gpu_mappings"}

// scriptDefault matches `TARGET_CPU="${PRICE_TARGET_CPU:-1.60}"`: the
// chart's script reads the value and falls back to its own default.
var scriptDefault = regexp.MustCompile(`^\$\{(PRICE_TARGET_[A-Z_]+):-([0-9.]+)\}$`)

// readsChartValue reports whether a TARGET_* right-hand side reads its
// price_target_* value from the environment.
func readsChartValue(rhs string) bool {
	return scriptDefault.MatchString(shellWord(rhs)) || strings.Contains(rhs, "${PRICE_TARGET_")
}

// gpuDefault is what the chart's script prices a GPU at when
// price_target_gpu_mappings is unset.
const gpuDefault = "unset: every GPU at 100 USD/month (the script's default)"

// Keys lists every price_target_* key of the current chart with the value
// in force: the pricing ConfigMap's variable (what the running provider
// reads) wins over the release's value, which wins over the script's
// default.
func Keys(script string, release map[string]any, configMap map[string]string, configMapName string) []PriceKey {
	defaults := map[string]string{}
	for _, l := range strings.Split(script, "\n") {
		m := assignment.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if d := scriptDefault.FindStringSubmatch(shellWord(strings.TrimSpace(m[2]))); d != nil {
			defaults[d[1]] = d[2]
		}
	}
	out := make([]PriceKey, 0, len(chartKeys))
	for _, k := range chartKeys {
		pk := PriceKey{Key: k, Env: strings.ToUpper(k)}
		if v, ok := configMap[pk.Env]; ok && v != "" {
			pk.Value, pk.Source = v, "configmap "+configMapName
		} else if v, ok := release[k]; ok && v != nil && scalar(v) != "" {
			pk.Value, pk.Source = scalar(v), "values"
		} else if d, ok := defaults[pk.Env]; ok {
			pk.Value, pk.Source = d, "script default"
		} else if k == "price_target_gpu_mappings" {
			pk.Value, pk.Source = gpuDefault, "script default"
		}
		out = append(out, pk)
	}
	return out
}

// Chart versions where the pricing changed (akash-network/helm-charts).
var (
	// chartPriceTargets: the script reads price_target_* values (#226).
	chartPriceTargets = [3]int{6, 0, 5}
	// chartUACT: the script prices uact (#557, "add act support").
	chartUACT = [3]int{15, 0, 0}
)

var chartVersion = regexp.MustCompile(`(\d+)\.(\d+)\.(\d+)`)

// parseChart reads "provider-19.0.2" (or "19.0.2-rc1").
func parseChart(chart string) ([3]int, bool) {
	m := chartVersion.FindStringSubmatch(chart)
	if m == nil {
		return [3]int{}, false
	}
	var v [3]int
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return v, true
}

func before(v, w [3]int) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

func versionString(v [3]int) string { return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2]) }

// Steps is the migration for this provider: old TARGET_* literals to the
// price_target_* keys, a script without a case for a required denom to the
// chart's current script, and a chart older than the one that prices uact
// to the current one. Empty when nothing is to be done.
func (m *Migration) steps(chart string) []string {
	var out []string
	var moved []string
	for _, t := range m.Targets {
		if strings.HasPrefix(t.Source, ScriptValue+" ") {
			moved = append(moved, strings.TrimPrefix(t.Source, ScriptValue+" ")+" → "+t.Key)
		}
	}
	if len(moved) > 0 {
		out = append(out, "move the script's literal prices into provider.yaml ("+strings.Join(moved, ", ")+"; TARGET_GPU_UNIT becomes price_target_gpu_mappings \"*=<price>\", with model=price pairs before it): the chart's script reads them since chart "+versionString(chartPriceTargets)+"; --provider-yaml prints the lines")
	}
	if unpriced := Unpriced(m.Denoms); len(unpriced) > 0 {
		out = append(out, "bidpricescript has no case for "+strings.Join(unpriced, ", ")+": set it to the current chart's scripts/price_script_generic.sh (uact since chart "+versionString(chartUACT)+"), e.g. helm upgrade "+m.Release.Name+" akash/provider -n "+m.Release.Namespace+" -f provider.yaml --set bidpricescript=\"$(base64 -w0 price_script_generic.sh)\"")
	}
	if v, ok := parseChart(chart); ok && before(v, chartUACT) {
		out = append(out, "chart "+chart+" predates uact pricing (chart "+versionString(chartUACT)+"): upgrade the release to the current akash/provider chart (19.x)")
	}
	return out
}

// CheckBME fills the denom checks, the current chart's keys and the
// migration steps. script is the bid script in force and scriptFrom where
// it was read; configMap the pricing ConfigMap's data (nil when absent).
func (m *Migration) CheckBME(script, scriptFrom string, release map[string]any, configMap map[string]string, configMapName string, extraDenoms []string) {
	m.ScriptFrom = scriptFrom
	config := map[string]string{}
	for k, v := range release {
		if v != nil {
			config[k] = scalar(v)
		}
	}
	for k, v := range configMap {
		config[k] = v
	}
	if script != "" {
		m.Denoms = CheckDenoms(script, BidDenoms(config, extraDenoms))
	}
	m.Keys = Keys(script, release, configMap, configMapName)
	m.Steps = m.steps(m.Release.Chart)
}
