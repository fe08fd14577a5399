package provider

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/snapshot"
)

// PricingKind is the kind of `provider pricing` results.
const PricingKind = "ProviderPricing"

// Pricing is the result of `provider pricing`.
type Pricing struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              Migration `json:"spec"`
}

// PricingSpec reads what `provider pricing` analyses, in parallel: the helm
// release Secrets of release in namespace ns (by the labels helm gives
// them) and the namespace's ConfigMaps (the pricing and the script the
// provider mounts). Two LISTs.
func PricingSpec(ns, release string, chunk int64) snapshot.Spec {
	return snapshot.Spec{ProviderNamespace: ns, ChunkSize: chunk,
		ProviderSecrets: true, ProviderSecretSelector: HelmOwnerLabel + "=helm," + HelmNameLabel + "=" + release,
		ProviderConfigMaps: true}
}

// AnalysePricing is `provider pricing` over what PricingSpec read: the
// highest deployed revision of the release, its price values migrated,
// and the bid script in force (the mounted script ConfigMap, else the
// release's bidpricescript) checked against the denoms the provider must
// price (the defaults, its configuration's, and extra).
func AnalysePricing(snap *snapshot.Snapshot, ns, release string, extra []string) (*Pricing, error) {
	secret, err := LatestRelease(snap.Secrets, release)
	if err != nil {
		return nil, fmt.Errorf("%w in namespace %s (--release, --provider-namespace)", err, ns)
	}
	rel, err := DecodeRelease(secret.Data[HelmReleaseKey])
	if err != nil {
		return nil, fmt.Errorf("release Secret %s/%s: %w", secret.Namespace, secret.Name, err)
	}
	m, err := Migrate(rel)
	if err != nil {
		return nil, err
	}
	cms := FindPricingConfigMaps(snap.ConfigMaps, release)
	script, from := m.ScriptText, fmt.Sprintf("release %s v%d bidpricescript", rel.Name, rel.Version)
	if cms.Script != "" {
		script, from = cms.Script, "ConfigMap "+cms.ScriptName+" "+ScriptConfigMapKey
	}
	m.CheckBME(script, from, rel.Config, cms.Pricing, cms.PricingName, extra)
	return &Pricing{TypeMeta: output.TypeMeta(PricingKind), ObjectMeta: metav1.ObjectMeta{Name: rel.Name, Namespace: ns}, Spec: *m}, nil
}

// ReadPricing loads PricingSpec and analyses it.
func ReadPricing(ctx context.Context, c *cli.Clients, ns, release string, chunk int64, extra []string) (*Pricing, error) {
	snap, err := snapshot.Load(ctx, c, PricingSpec(ns, release, chunk))
	if err != nil {
		return nil, err
	}
	return AnalysePricing(snap, ns, release, extra)
}

// UnpricedError is the sentence for denoms the bid script cannot price
// ("" when it prices them all): orders in them get no bid.
func (p *Pricing) UnpricedError() string {
	unpriced := Unpriced(p.Spec.Denoms)
	if len(unpriced) == 0 {
		return ""
	}
	return fmt.Sprintf("the bid script (%s) cannot price %s: orders in it get no bid", p.Spec.ScriptFrom, strings.Join(unpriced, ", "))
}
