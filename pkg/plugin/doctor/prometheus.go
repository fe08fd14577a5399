package doctor

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MetricPrefix starts every metric family doctor writes.
const MetricPrefix = "kubectl_akash_doctor_"

// findingLabels are the labels of a check's findings samples, in order:
// what a finding belongs to, and what it is.
var findingLabels = []string{"code", "severity", "node", "namespace", "owner", "dseq"}

// WritePrometheus writes the report in the Prometheus text exposition
// format (for the node-exporter textfile collector or a Pushgateway): the
// overall and section scores, each check's status, one gauge family per
// check counting its findings by code, severity, node, namespace, lease
// owner and dseq, and the node checks' own gauges.
func WritePrometheus(w io.Writer, rep *Report) error {
	p := &promWriter{}
	p.report(rep)
	return p.flush(w)
}

// WritePrometheusFleet writes every context's report as one exposition:
// each sample gains a context label and each family is written once,
// followed by the fleet's score and whether each context could be checked.
func WritePrometheusFleet(w io.Writer, fr *FleetReport) error {
	p := &promWriter{}
	for _, r := range fr.runs {
		if r.Report != nil {
			p.base = [][2]string{{"context", r.Context}}
			p.report(r.Report)
		}
	}
	p.base = nil
	if s := fr.Status.Score; s != nil {
		p.family(MetricPrefix+"fleet_score", "The fleet's score (0-100): the lowest of its contexts' overall scores, a context that could not be checked counting as 0.")
		p.sample(MetricPrefix+"fleet_score", nil, float64(s.Value))
	}
	p.family(MetricPrefix+"context_up", "1 when doctor produced a report for the context, 0 when the context could not be checked.")
	for _, r := range fr.runs {
		up := 0.0
		if r.Report != nil {
			up = 1
		}
		p.sample(MetricPrefix+"context_up", [][2]string{{"context", r.Context}}, up)
	}
	return p.flush(w)
}

// report adds one report's families and samples.
func (p *promWriter) report(rep *Report) {
	if s := rep.Status.Score; s != nil {
		p.family(MetricPrefix+"score", "The provider's overall score (0-100): the mean of the section scores.")
		p.sample(MetricPrefix+"score", nil, float64(s.Value))
	}
	p.family(MetricPrefix+"section_score", "A section's score (0-100): the share of scanned objects without a warning or an error.")
	for _, s := range rep.Status.Sections {
		if s.Score != nil {
			p.sample(MetricPrefix+"section_score", [][2]string{{"section", s.Name}}, float64(s.Score.Value))
		}
	}
	p.family(MetricPrefix+"check_status", "1 for the status of each check: ok, findings, not-applicable, error or skipped.")
	for _, r := range rep.Status.Results {
		p.sample(MetricPrefix+"check_status", [][2]string{{"check", r.Name}, {"section", r.Section}, {"status", r.Status}}, 1)
	}
	for _, r := range rep.Status.Results {
		if r.Status != StatusOK && r.Status != StatusFindings {
			continue
		}
		name := MetricPrefix + metricName(r.Name) + "_findings"
		p.family(name, fmt.Sprintf("Findings of the %s check (%s), by code, severity, node, namespace, lease owner and dseq.", r.Name, r.Section))
		counts := map[string]int{}
		var keys []string
		for _, f := range r.Findings {
			k := strings.Join([]string{f.Code, string(f.Severity), f.Node, f.Namespace, f.Owner, f.DSeq}, "\x00")
			if counts[k] == 0 {
				keys = append(keys, k)
			}
			counts[k]++
		}
		if len(keys) == 0 {
			p.sample(name, nil, 0)
		}
		sort.Strings(keys)
		for _, k := range keys {
			vals := strings.Split(k, "\x00")
			var labels [][2]string
			for i, l := range findingLabels {
				labels = append(labels, [2]string{l, vals[i]})
			}
			p.sample(name, labels, float64(counts[k]))
		}
	}
	p.nodeMetrics(rep)
}

// nodeMetrics writes the node checks' gauges, one family per name, in
// name order; samples with the same labels are written once.
func (p *promWriter) nodeMetrics(rep *Report) {
	byName := map[string][]Metric{}
	help := map[string]string{}
	for _, r := range rep.Status.Results {
		for _, m := range r.Metrics {
			name := metricName(m.Name)
			if strings.HasPrefix(name, MetricPrefix) {
				continue // never shadow doctor's own families
			}
			byName[name] = append(byName[name], m)
			if help[name] == "" {
				help[name] = m.Help
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p.family(n, help[n])
		seen := map[string]bool{}
		for _, m := range byName[n] {
			keys := make([]string, 0, len(m.Labels))
			for k := range m.Labels {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var labels [][2]string
			for _, k := range keys {
				labels = append(labels, [2]string{strings.ReplaceAll(metricName(k), ":", "_"), m.Labels[k]})
			}
			id := fmt.Sprint(labels)
			if seen[id] {
				continue
			}
			seen[id] = true
			p.sample(n, labels, m.Value)
		}
	}
}

// promWriter gathers gauge families and their samples, in the order the
// families first appear, and writes them at the end: the text format wants
// each family's samples together, and a fleet's reports share families.
type promWriter struct {
	// base labels come first on every sample (a fleet's context).
	base     [][2]string
	order    []string
	families map[string]*promFamily
}

// promFamily is one family's HELP text and its sample lines.
type promFamily struct {
	help    string
	samples []string
}

// family declares a gauge family (once: later declarations are no-ops).
func (p *promWriter) family(name, help string) {
	if p.families == nil {
		p.families = map[string]*promFamily{}
	}
	if p.families[name] == nil {
		p.families[name] = &promFamily{help: help}
		p.order = append(p.order, name)
	}
}

// flush writes every family's HELP and TYPE lines and its samples.
func (p *promWriter) flush(w io.Writer) error {
	var b strings.Builder
	for _, name := range p.order {
		f := p.families[name]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, escapeHelp(f.help), name)
		for _, s := range f.samples {
			b.WriteString(s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sample adds one sample to its family; labels with an empty value are
// left out (the same series to Prometheus).
func (p *promWriter) sample(name string, labels [][2]string, v float64) {
	var b strings.Builder
	b.WriteString(name)
	first := true
	all := append([][2]string{}, p.base...)
	for _, l := range labels {
		if !slices.ContainsFunc(p.base, func(b [2]string) bool { return b[0] == l[0] }) {
			all = append(all, l) // a base label is never repeated (the parser refuses that)
		}
	}
	for _, l := range all {
		if l[1] == "" {
			continue
		}
		if first {
			b.WriteByte('{')
			first = false
		} else {
			b.WriteByte(',')
		}
		b.WriteString(l[0])
		b.WriteString(`="`)
		b.WriteString(escapeLabel(l[1]))
		b.WriteByte('"')
	}
	if !first {
		b.WriteByte('}')
	}
	p.families[name].samples = append(p.families[name].samples, b.String()+" "+strconv.FormatFloat(v, 'g', -1, 64)+"\n")
}

// metricName turns a check name into a valid metric name part: letters,
// digits, underscores and colons, not starting with a digit (label names
// also lose the colons).
func metricName(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == ':':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// escapeHelp escapes a HELP text: backslash and newline.
func escapeHelp(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

// escapeLabel escapes a label value: backslash, double quote and newline.
func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
