package provider

import (
	"fmt"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// PricingTable is the human view of `provider pricing`: the migrated
// values (target), the current chart's keys in force (key), and each denom
// the script must price (denom).
func PricingTable(m *Migration) *output.Table {
	t := output.NewTable(output.Column{Name: "KIND"}, output.Column{Name: "KEY"}, output.Column{Name: "VALUE"}, output.Column{Name: "FROM"},
		output.Column{Name: "NOTE", Wide: true})
	rel := fmt.Sprintf("%s v%d", m.Release.Name, m.Release.Version)
	for _, pt := range m.Targets {
		t.AddRow("target", pt.Key, pt.Value, rel+" "+pt.Source, pt.Note)
	}
	for _, k := range m.Keys {
		t.AddRow("key", k.Key, output.Or(k.Value, output.None), output.Or(k.Source, output.None), "")
	}
	for _, d := range m.Denoms {
		v := "NOT PRICED"
		switch {
		case d.Priced && d.Case != "":
			v = "priced"
		case d.Priced:
			v = "unchecked"
		}
		t.AddRow("denom", d.Denom, v, m.ScriptFrom, output.Or(d.Note, d.Why))
	}
	return t
}
