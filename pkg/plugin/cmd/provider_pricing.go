package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// ProviderPricing is the result of `provider pricing`.
type ProviderPricing struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              provider.Migration `json:"spec"`
}

func newProviderPricingCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	release := provider.DefaultRelease
	var values bool
	var chunkSize int64
	cmd := &cobra.Command{
		Use:   "pricing",
		Short: "The provider.yaml price values (price_target_*) of the current bid price script",
		Long: longDesc(`
			Reads the akash-provider helm release straight from its Secret
			(sh.helm.release.v1.<release>.v<N>, the highest deployed revision; no helm
			binary needed), decodes its bidpricescript value, takes the TARGET_* prices
			from the script and the price_target_* values already set (which win), and
			prints the provider.yaml values the chart's bid script expects: the
			runbook's migration steps 1 to 4. TARGET_GPU_UNIT, one price for every GPU,
			becomes price_target_gpu_mappings "*=<price>"; add model=price pairs
			(a100=120,t4=80) before the "*" as needed. One LIST of the release Secrets.`),
		Example: examples(`
			kubectl akash provider pricing

			# Just the provider.yaml lines
			kubectl akash provider pricing --provider-yaml >> provider.yaml`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if err := output.ValidateChunkSize(chunkSize); err != nil {
				return err
			}
			if errs := validation.IsDNS1123Subdomain(release); release == "" || len(errs) > 0 || len(release) > 53 {
				return fmt.Errorf("--release %q is not a helm release name (default %q)", release, provider.DefaultRelease)
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			sel := provider.HelmOwnerLabel + "=helm," + provider.HelmNameLabel + "=" + release
			secrets, err := cli.ListPaged[corev1.Secret](cmd.Context(), chunkSize, metav1.ListOptions{LabelSelector: sel},
				func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
					return c.Kube.CoreV1().Secrets(g.ProviderNamespace).List(ctx, o)
				})
			if err != nil {
				return cli.ExplainList(err, corev1.SchemeGroupVersion.WithResource("secrets"), "helm release Secrets in namespace "+g.ProviderNamespace)
			}
			secret, err := provider.LatestRelease(secrets, release)
			if err != nil {
				return fmt.Errorf("%w in namespace %s (--release, --provider-namespace)", err, g.ProviderNamespace)
			}
			rel, err := provider.DecodeRelease(secret.Data[provider.HelmReleaseKey])
			if err != nil {
				return fmt.Errorf("release Secret %s/%s: %w", secret.Namespace, secret.Name, err)
			}
			m, err := provider.Migrate(rel)
			if err != nil {
				return err
			}
			for _, w := range m.Warnings {
				fmt.Fprintf(g.Streams.ErrOut, "warning: %s\n", w)
			}
			if values {
				_, err := fmt.Fprint(g.Streams.Out, m.ProviderYAML())
				return err
			}
			res := ProviderPricing{TypeMeta: output.TypeMeta("ProviderPricing"),
				ObjectMeta: metav1.ObjectMeta{Name: rel.Name, Namespace: g.ProviderNamespace}, Spec: *m}
			return out.Print(g.Streams.Out, res, func() *output.Table {
				t := output.NewTable(output.Column{Name: "KEY"}, output.Column{Name: "VALUE"}, output.Column{Name: "FROM"},
					output.Column{Name: "NOTE", Wide: true})
				for _, pt := range m.Targets {
					t.AddRow(pt.Key, pt.Value, fmt.Sprintf("%s v%d %s", rel.Name, rel.Version, pt.Source), pt.Note)
				}
				return t
			})
		},
	}
	out.AddFlags(cmd)
	cmd.Flags().StringVar(&release, "release", release, "The helm release of the provider chart.")
	output.AddChunkSizeFlag(cmd, &chunkSize)
	cmd.Flags().BoolVar(&values, "provider-yaml", false, "Print only the provider.yaml lines (price_target_*: \"value\").")
	return cmd
}
