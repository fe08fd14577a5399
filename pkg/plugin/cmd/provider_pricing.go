package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	var denoms []string
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
			(a100=120,t4=80) before the "*" as needed.

			BME: networks with BME pay in uact, and the chart's bid script answers per
			denom; one without a case for a denom exits "denom in not supported" and the
			provider does not bid. The script in force (price_script.sh of the
			<release>-script ConfigMap the provider mounts, else the release's
			bidpricescript) is checked against uakt, uact, mainnet Axelar USDC, the denoms
			the provider's configuration names (bid deposit, gas prices) and --denom. The
			current chart's price_target_* keys are listed with the value in force (the
			<release>-pricing ConfigMap, else the release values, else the script's
			default), and the migration this provider's chart version and script need.
			Exit 3 when a required denom is not priced. One LIST of the release Secrets
			and one of the ConfigMaps.`),
		Example: examples(`
			kubectl akash provider pricing

			# Also check a denom the chain offers
			kubectl akash provider pricing --denom ibc/12C6A0C374171B595A0A9E18B83FA09D295FB1F2D8C6DAA3AC28683471752D84

			# Just the provider.yaml lines
			kubectl akash provider pricing --provider-yaml >> provider.yaml`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
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
			l, err := c.Kube.CoreV1().Secrets(g.ProviderNamespace).List(cmd.Context(), metav1.ListOptions{LabelSelector: sel})
			if err != nil {
				return cli.ExplainList(err, corev1.SchemeGroupVersion.WithResource("secrets"), "helm release Secrets in namespace "+g.ProviderNamespace)
			}
			secret, err := provider.LatestRelease(l.Items, release)
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
			cml, err := c.Kube.CoreV1().ConfigMaps(g.ProviderNamespace).List(cmd.Context(), metav1.ListOptions{})
			if err != nil {
				return cli.ExplainList(err, corev1.SchemeGroupVersion.WithResource("configmaps"), "ConfigMaps in namespace "+g.ProviderNamespace)
			}
			cms := provider.FindPricingConfigMaps(cml.Items, release)
			script, from := m.ScriptText, fmt.Sprintf("release %s v%d bidpricescript", rel.Name, rel.Version)
			if cms.Script != "" {
				script, from = cms.Script, "ConfigMap "+cms.ScriptName+" "+provider.ScriptConfigMapKey
			}
			m.CheckBME(script, from, rel.Config, cms.Pricing, cms.PricingName, denoms)
			for _, w := range m.Warnings {
				fmt.Fprintf(g.Streams.ErrOut, "warning: %s\n", w)
			}
			if values {
				_, err := fmt.Fprint(g.Streams.Out, m.ProviderYAML())
				return err
			}
			res := ProviderPricing{TypeMeta: output.TypeMeta("ProviderPricing"),
				ObjectMeta: metav1.ObjectMeta{Name: rel.Name, Namespace: g.ProviderNamespace}, Spec: *m}
			if err := out.Print(g.Streams.Out, res, func() *output.Table { return provider.PricingTable(m) }); err != nil {
				return err
			}
			if out.Human() {
				for i, s := range m.Steps {
					fmt.Fprintf(g.Streams.Out, "migration step %d: %s\n", i+1, s)
				}
			}
			if unpriced := provider.Unpriced(m.Denoms); len(unpriced) > 0 {
				fmt.Fprintf(g.Streams.ErrOut, "the bid script (%s) cannot price %s: orders in it get no bid\n", m.ScriptFrom, strings.Join(unpriced, ", "))
				return cli.Silent(cli.ExitFindings)
			}
			return nil
		},
	}
	out.AddFlags(cmd)
	cmd.Flags().StringVar(&release, "release", release, "The helm release of the provider chart.")
	cmd.Flags().StringArrayVar(&denoms, "denom", nil, "Also require the bid script to price this denom (repeatable; e.g. an ibc/ denom the chain offers).")
	cmd.Flags().BoolVar(&values, "provider-yaml", false, "Print only the provider.yaml lines (price_target_*: \"value\").")
	return cmd
}
