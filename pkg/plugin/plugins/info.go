package plugins

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// InfoKind is the kind of `plugins list` results.
const InfoKind = "PluginInfo"

// Info describes one loaded plugin command.
type Info struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              InfoSpec `json:"spec"`
}

// InfoSpec is where a plugin came from and what it reads.
type InfoSpec struct {
	Short     string   `json:"short"`
	Source    string   `json:"source"`
	Kind      string   `json:"kind"`
	Resources []string `json:"resources"`
	Columns   []string `json:"columns"`
	JQ        string   `json:"jq"`
}

// InfoList is a list of Info.
type InfoList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []Info `json:"items"`
}

// Infos describes the loaded entries, or only those named; missing is the
// first name that is not loaded ("" when all are).
func Infos(entries []*Entry, names []string) (l InfoList, missing string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	l = InfoList{TypeMeta: output.ListMeta(InfoKind), Items: []Info{}}
	for _, e := range entries {
		if len(want) > 0 && !want[e.Name] {
			continue
		}
		delete(want, e.Name)
		info := Info{TypeMeta: output.TypeMeta(InfoKind), ObjectMeta: metav1.ObjectMeta{Name: e.Name},
			Spec: InfoSpec{Short: e.Short, Source: e.Source, Kind: e.Kind, JQ: e.JQ}}
		for _, r := range e.Resources {
			info.Spec.Resources = append(info.Spec.Resources, r.Resource)
		}
		for _, c := range e.Columns {
			info.Spec.Columns = append(info.Spec.Columns, c.Name)
		}
		l.Items = append(l.Items, info)
	}
	for _, n := range names {
		if want[n] {
			return l, n
		}
	}
	return l, ""
}

// InfoTable is the human view of loaded plugins.
func InfoTable(l InfoList) *output.Table {
	t := output.NewTable(output.Column{Name: "NAME"}, output.Column{Name: "SHORT"}, output.Column{Name: "SOURCE"},
		output.Column{Name: "RESOURCES", Wide: true})
	for _, it := range l.Items {
		t.AddRow(it.Name, it.Spec.Short, it.Spec.Source, strings.Join(it.Spec.Resources, ","))
	}
	return t
}
