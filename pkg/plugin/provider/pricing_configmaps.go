package provider

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// The chart renders its pricing into two ConfigMaps the provider pod
// reads: <fullname>-pricing (PRICE_TARGET_* and other variables, chart
// 11.6.4 and later) and <fullname>-script (the bid script as
// price_script.sh, mounted at /scripts).
const (
	PricingConfigMapSuffix = "-pricing"
	ScriptConfigMapSuffix  = "-script"
	ScriptConfigMapKey     = "price_script.sh"
)

// PricingConfigMaps is what the provider's ConfigMaps hold of its pricing.
type PricingConfigMaps struct {
	// Pricing is the pricing ConfigMap's data (nil: none).
	Pricing     map[string]string
	PricingName string
	// Script is the mounted bid script ("" when none); ScriptName its
	// ConfigMap.
	Script     string
	ScriptName string
}

// FindPricingConfigMaps picks the release's pricing and script ConfigMaps
// from one LIST of the provider namespace: by the chart's names first, else
// by what they hold (a ConfigMap with PRICE_TARGET_* keys; one with
// price_script.sh).
func FindPricingConfigMaps(cms []corev1.ConfigMap, release string) PricingConfigMaps {
	var p PricingConfigMaps
	pick := func(want string, match func(*corev1.ConfigMap) bool, set func(*corev1.ConfigMap)) {
		var fallback *corev1.ConfigMap
		for i := range cms {
			cm := &cms[i]
			if cm.Name == want {
				set(cm)
				return
			}
			if fallback == nil && match(cm) {
				fallback = cm
			}
		}
		if fallback != nil {
			set(fallback)
		}
	}
	pick(release+PricingConfigMapSuffix, func(cm *corev1.ConfigMap) bool {
		for k := range cm.Data {
			if strings.HasPrefix(k, "PRICE_TARGET_") {
				return true
			}
		}
		return false
	}, func(cm *corev1.ConfigMap) { p.Pricing, p.PricingName = cm.Data, cm.Name })
	pick(release+ScriptConfigMapSuffix, func(cm *corev1.ConfigMap) bool {
		_, ok := cm.Data[ScriptConfigMapKey]
		return ok
	}, func(cm *corev1.ConfigMap) {
		if s, ok := cm.Data[ScriptConfigMapKey]; ok {
			p.Script, p.ScriptName = s, cm.Name
		}
	})
	return p
}
