package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// newProviderPricingCmd builds `provider pricing`; its Options and Run are
// provider.PricingOptions.
func newProviderPricingCmd(g *Globals) *cobra.Command {
	o := provider.NewPricingOptions(&g.Globals)
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
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Release, "release", o.Release, "The helm release of the provider chart.")
	cmd.Flags().StringArrayVar(&o.Denoms, "denom", nil, "Also require the bid script to price this denom (repeatable; e.g. an ibc/ denom the chain offers).")
	output.AddChunkSizeFlag(cmd, &o.ChunkSize)
	cmd.Flags().BoolVar(&o.ProviderYAML, "provider-yaml", false, "Print only the provider.yaml lines (price_target_*: \"value\").")
	return cmd
}
