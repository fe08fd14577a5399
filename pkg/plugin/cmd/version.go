package cmd

import (
	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/version"
)

// VersionResult is the object `kubectl akash version -o json` prints.
type VersionResult struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	version.Info      `json:",inline"`
}

// NewVersionCmd builds `kubectl akash version`.
func NewVersionCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	out.JQExample = ".version"
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version of kubectl-akash",
		GroupID: groupOther,
		Example: examples(`
			kubectl akash version
			kubectl akash version -o json`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			res := VersionResult{TypeMeta: output.TypeMeta("Version"), ObjectMeta: metav1.ObjectMeta{Name: "kubectl-akash"}, Info: version.Get()}
			return out.Print(g.Streams.Out, res, func() *output.Table {
				t := output.NewTable(
					output.Column{Name: "VERSION"}, output.Column{Name: "COMMIT"},
					output.Column{Name: "GO"}, output.Column{Name: "PLATFORM", Wide: true})
				t.AddRow(res.Version, res.Commit, res.GoVersion, res.Platform)
				return t
			})
		},
	}
	out.AddFlags(cmd)
	return cmd
}
