package provider

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/bounded"
)

// Helm's storage of a release: one Secret per revision.
const (
	HelmReleaseType  = "helm.sh/release.v1"
	HelmReleaseKey   = "release"
	HelmOwnerLabel   = "owner"
	HelmNameLabel    = "name"
	HelmStatusLabel  = "status"
	HelmVersionLabel = "version"
	// DefaultRelease is the akash-provider chart's usual release name.
	DefaultRelease = "akash-provider"
	// ScriptValue is the chart value holding the base64 bid price script.
	ScriptValue = "bidpricescript"
)

// Release is the part of a helm release the pricing migration needs.
type Release struct {
	Name      string         `json:"name"`
	Namespace string         `json:"namespace"`
	Version   int            `json:"version"`
	Status    string         `json:"status"`
	Chart     string         `json:"chart"`
	Config    map[string]any `json:"config"`
}

// helmRelease mirrors the JSON helm writes (only the fields read here).
type helmRelease struct {
	Name      string                  `json:"name"`
	Namespace string                  `json:"namespace"`
	Version   int                     `json:"version"`
	Info      struct{ Status string } `json:"info"`
	Chart     struct {
		Metadata struct{ Name, Version string } `json:"metadata"`
	} `json:"chart"`
	Config map[string]any `json:"config"`
}

// LatestRelease picks, among a release's Secrets, the highest revision whose
// status is deployed (what `helm get values` shows); without one it reports
// which revisions exist.
func LatestRelease(secrets []corev1.Secret, name string) (*corev1.Secret, error) {
	var best *corev1.Secret
	bestVersion := -1
	var seen []string
	for i := range secrets {
		s := &secrets[i]
		if s.Type != HelmReleaseType || s.Labels[HelmNameLabel] != name {
			continue
		}
		v, err := strconv.Atoi(s.Labels[HelmVersionLabel])
		if err != nil {
			continue
		}
		seen = append(seen, fmt.Sprintf("v%d %s", v, s.Labels[HelmStatusLabel]))
		if s.Labels[HelmStatusLabel] == "deployed" && v > bestVersion {
			best, bestVersion = s, v
		}
	}
	if best == nil {
		if len(seen) == 0 {
			return nil, fmt.Errorf("no helm release %q: no Secret of type %s labelled name=%s,owner=helm", name, HelmReleaseType, name)
		}
		sort.Strings(seen)
		return nil, fmt.Errorf("helm release %q has no deployed revision (found %s)", name, strings.Join(seen, ", "))
	}
	return best, nil
}

// maxRelease bounds a decompressed helm release.
const maxRelease = 64 << 20

// DecodeRelease decodes a release Secret's data["release"] (already
// base64-decoded by the API client): helm's own base64, then gzip (older
// helm versions stored plain JSON), then JSON.
//
// A Secret holds at most 1 MiB, but gzip expands it far beyond that; the
// decompressed release is bounded so a crafted Secret cannot fill memory.
func DecodeRelease(data []byte) (*Release, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(data)))
	if err != nil {
		return nil, fmt.Errorf("the release is not base64: %w", err)
	}
	if len(raw) > 3 && bytes.Equal(raw[:3], []byte{0x1f, 0x8b, 0x08}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("the release is not valid gzip: %w", err)
		}
		raw, err = bounded.ReadAll(zr, "the decompressed helm release", maxRelease)
		if err != nil {
			return nil, fmt.Errorf("the release is not valid gzip: %w", err)
		}
	}
	var h helmRelease
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("the release is not helm's JSON: %w", err)
	}
	return &Release{
		Name: h.Name, Namespace: h.Namespace, Version: h.Version, Status: h.Info.Status,
		Chart: strings.Trim(h.Chart.Metadata.Name+"-"+h.Chart.Metadata.Version, "-"), Config: h.Config,
	}, nil
}

// targetValues maps the old script's TARGET_* variables to the chart values
// the new bid script reads. TARGET_GPU_UNIT, one price for every GPU, becomes
// the catch-all of price_target_gpu_mappings.
var targetValues = []struct{ target, value string }{
	{"TARGET_CPU", "price_target_cpu"},
	{"TARGET_MEMORY", "price_target_memory"},
	{"TARGET_HD_EPHEMERAL", "price_target_hd_ephemeral"},
	{"TARGET_HD_PERS_HDD", "price_target_hd_pers_hdd"},
	{"TARGET_HD_PERS_SSD", "price_target_hd_pers_ssd"},
	{"TARGET_HD_PERS_NVME", "price_target_hd_pers_nvme"},
	{"TARGET_ENDPOINT", "price_target_endpoint"},
	{"TARGET_IP", "price_target_ip"},
	{"TARGET_GPU_UNIT", "price_target_gpu_mappings"},
}

// PriceTarget is one provider.yaml value and where it came from.
type PriceTarget struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

// assignment matches `TARGET_CPU="1.60"   # USD/thread-month` and the
// unquoted or single-quoted forms; the value is whatever the shell assigns.
var assignment = regexp.MustCompile(`^\s*(?:export\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?(TARGET_[A-Z0-9_]+)=(.*)$`)

var literalNumber = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// ScriptTargets reads the TARGET_* assignments of a bid price script: a
// literal number gives its value; anything computed ($(...), $VAR) is
// reported as not migratable. The first assignment of a name wins, as the
// runbook's `grep ^TARGET` showed it first.
func ScriptTargets(script string) (values map[string]string, computed map[string]string) {
	values, computed = map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(script))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		m := assignment.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		name, rhs := m[1], strings.TrimSpace(m[2])
		if _, done := values[name]; done {
			continue
		}
		if _, done := computed[name]; done {
			continue
		}
		v := shellWord(rhs)
		if literalNumber.MatchString(v) {
			values[name] = v
		} else {
			computed[name] = rhs
		}
	}
	return values, computed
}

// shellWord returns the first word of a shell assignment's right-hand side,
// without its quotes, dropping a trailing comment.
func shellWord(s string) string {
	if s == "" {
		return ""
	}
	switch s[0] {
	case '"', '\'':
		if end := strings.IndexByte(s[1:], s[0]); end >= 0 {
			return s[1 : end+1]
		}
		return s
	}
	if i := strings.IndexAny(s, " \t;#"); i >= 0 {
		return s[:i]
	}
	return s
}

// Migration is what `provider pricing` reports.
type Migration struct {
	Release  Release           `json:"release"`
	Script   bool              `json:"script"`
	Targets  []PriceTarget     `json:"targets"`
	Values   map[string]string `json:"values"`
	Warnings []string          `json:"warnings,omitempty"`
	// ScriptFrom says where the checked bid script was read (the scripts
	// ConfigMap the provider mounts, or the release's bidpricescript).
	ScriptFrom string `json:"scriptFrom,omitempty"`
	// Denoms says, per denom the provider must bid in, whether the script
	// prices it.
	Denoms []DenomCheck `json:"denoms,omitempty"`
	// Keys are the current chart's price_target_* keys with their values.
	Keys []PriceKey `json:"keys,omitempty"`
	// Steps is the migration this provider needs (none: up to date).
	Steps []string `json:"steps,omitempty"`
	// ScriptText is the release's decoded bidpricescript.
	ScriptText string `json:"-"`
}

// Migrate derives the provider.yaml price values from a release's values:
// the TARGET_* prices of its bidpricescript (base64, as the chart takes it),
// and the price_target_* values already set, which win, since the chart's
// script reads them. Each value says where it came from.
func Migrate(rel *Release) (*Migration, error) {
	m := &Migration{Release: *rel, Values: map[string]string{}}
	m.Release.Config = nil
	fromScript := map[string]string{}
	if enc, ok := rel.Config[ScriptValue]; ok {
		s, isString := enc.(string)
		if !isString {
			return nil, fmt.Errorf("value %s of release %s is not a string", ScriptValue, rel.Name)
		}
		script, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("value %s of release %s v%d is not base64 (the chart takes the script base64-encoded): %w", ScriptValue, rel.Name, rel.Version, err)
		}
		m.Script = true
		m.ScriptText = string(script)
		values, computed := ScriptTargets(string(script))
		for _, tv := range targetValues {
			if v, ok := values[tv.target]; ok {
				if tv.target == "TARGET_GPU_UNIT" {
					v = "*=" + v
				}
				fromScript[tv.value] = v
				m.Targets = append(m.Targets, PriceTarget{Key: tv.value, Value: v, Source: ScriptValue + " " + tv.target})
			} else if rhs, ok := computed[tv.target]; ok && !readsChartValue(rhs) {
				m.Warnings = append(m.Warnings, fmt.Sprintf("%s is computed in the script (%s): set %s by hand", tv.target, rhs, tv.value))
			}
		}
	}
	for _, tv := range targetValues {
		v, ok := rel.Config[tv.value]
		if !ok || v == nil {
			continue
		}
		val := scalar(v)
		note := ""
		if old, had := fromScript[tv.value]; had && old != val {
			note = fmt.Sprintf("the script's %s says %s", tv.target, old)
		}
		replaced := false
		for i := range m.Targets {
			if m.Targets[i].Key == tv.value {
				m.Targets[i] = PriceTarget{Key: tv.value, Value: val, Source: "values", Note: note}
				replaced = true
			}
		}
		if !replaced {
			m.Targets = append(m.Targets, PriceTarget{Key: tv.value, Value: val, Source: "values"})
		}
	}
	order := map[string]int{}
	for i, tv := range targetValues {
		order[tv.value] = i
	}
	sort.SliceStable(m.Targets, func(i, j int) bool { return order[m.Targets[i].Key] < order[m.Targets[j].Key] })
	for _, t := range m.Targets {
		m.Values[t.Key] = t.Value
	}
	if !m.Script && len(m.Targets) == 0 {
		return nil, fmt.Errorf("release %s v%d has neither a %s value nor price_target_* values: the chart's default prices apply", rel.Name, rel.Version, ScriptValue)
	}
	return m, nil
}

// ProviderYAML renders the values as provider.yaml lines, quoted as the
// chart documents them.
func (m *Migration) ProviderYAML() string {
	var b strings.Builder
	for _, t := range m.Targets {
		fmt.Fprintf(&b, "%s: %q\n", t.Key, t.Value)
	}
	return b.String()
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}
