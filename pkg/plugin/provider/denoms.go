package provider

import (
	"regexp"
	"sort"
	"strings"
)

// Denoms a provider is asked to bid in. An order's price carries the
// tenant's denom, and the chart's bid script answers per denom: a denom with
// no case in its `case "$denom" in` block ends in `denom in not supported`,
// and the provider does not bid on that order.
const (
	DenomAKT = "uakt"
	// DenomACT is what networks with BME (burn-mint equilibrium) pay in.
	DenomACT = "uact"
	// DenomUSDCMainnet is Axelar USDC on mainnet; DenomUSDCSandbox on the
	// sandbox (the chart's script names both).
	DenomUSDCMainnet = "ibc/170C677610AC31DF0904FFE09CD3B5C657492170E7E52372E48756B71E56F2F1"
	DenomUSDCSandbox = "ibc/12C6A0C374171B595A0A9E18B83FA09D295FB1F2D8C6DAA3AC28683471752D84"
)

// WantedDenom is a denom the script must price, and why.
type WantedDenom struct {
	Denom string
	Why   string
	// Required: an unpriced one is a finding (exit 3); else a warning.
	Required bool
}

// DefaultDenoms are the denoms every provider's script must price today:
// AKT, ACT (BME networks), and mainnet USDC (which the chart's script has
// priced since 2023, so a script without it is a cut-down copy).
func DefaultDenoms() []WantedDenom {
	return []WantedDenom{
		{Denom: DenomAKT, Why: "AKT, the chain's own denom", Required: true},
		{Denom: DenomACT, Why: "ACT: networks with BME pay in uact", Required: true},
		{Denom: DenomUSDCMainnet, Why: "Axelar USDC on mainnet, priced by the chart's script since chart 6.x"},
	}
}

// denomInValue is the denom of a coin value ("500000uakt", "0.025uact",
// "5000000ibc/170C...").
var denomInValue = regexp.MustCompile(`^[0-9.]+([a-z][a-z0-9/]*[A-Za-z0-9]*)$`)

// configDenomKeys are the chart values (and their env names in the pricing
// ConfigMap) that name a denom the provider deals in.
var configDenomKeys = []string{"bid_deposit", "bidmindeposit", "gasprices", "biddepositcpudenom", "biddepositmemorydenom", "biddepositendpointdenom",
	"biddepositipdenom", "AKASH_BID_DEPOSIT", "AKASH_BID_DEPOSIT_CPU_DENOM", "AKASH_BID_DEPOSIT_MEMORY_DENOM", "AKASH_BID_DEPOSIT_ENDPOINT_DENOM", "AKASH_BID_DEPOSIT_IP_DENOM"}

// BidDenoms are the denoms to check: the defaults, the denoms the
// provider's configuration names (its bid deposit and gas prices), and
// extra (--denom), each once.
func BidDenoms(config map[string]string, extra []string) []WantedDenom {
	out := DefaultDenoms()
	seen := map[string]bool{}
	for _, d := range out {
		seen[d.Denom] = true
	}
	add := func(denom, why string) {
		if denom != "" && !seen[denom] {
			seen[denom] = true
			out = append(out, WantedDenom{Denom: denom, Why: why, Required: true})
		}
	}
	keys := make([]string, 0, len(configDenomKeys))
	keys = append(keys, configDenomKeys...)
	sort.Strings(keys)
	for _, k := range keys {
		v := strings.TrimSpace(config[k])
		if v == "" {
			continue
		}
		if m := denomInValue.FindStringSubmatch(v); m != nil {
			add(m[1], "named by the provider's "+k)
		} else if !strings.ContainsAny(v, " ,=") {
			add(v, "named by the provider's "+k)
		}
	}
	for _, d := range extra {
		add(d, "asked for with --denom")
	}
	return out
}

// DenomCheck is whether the script prices one denom.
type DenomCheck struct {
	Denom    string `json:"denom"`
	Why      string `json:"why"`
	Required bool   `json:"required"`
	// Priced: the script has a case for it (Case), or looks at no denom.
	Priced bool   `json:"priced"`
	Case   string `json:"case,omitempty"`
	Note   string `json:"note,omitempty"`
}

var (
	denomCase = regexp.MustCompile(`^\s*case\s+"?\$\{?denom\}?"?\s+in\b`)
	// casePattern is a case branch's pattern list: quoted words, *, or
	// plain denom-like words, separated by |, closed by ).
	casePattern = regexp.MustCompile(`^\s*\(?\s*((?:"[^"$]*"|'[^']*'|\*|[A-Za-z0-9/._-]+)(?:\s*\|\s*(?:"[^"$]*"|'[^']*'|\*|[A-Za-z0-9/._-]+))*)\s*\)`)
)

// ScriptDenomCases reads the patterns of the script's `case "$denom" in`
// block, in order ("*" for the catch-all). found is false when the script
// has no such block: it then bids one number whatever the denom.
func ScriptDenomCases(script string) (patterns []string, found bool) {
	var lines []string
	var cont strings.Builder
	for _, l := range strings.Split(script, "\n") {
		if strings.HasSuffix(strings.TrimRight(l, " \t"), "\\") {
			cont.WriteString(strings.TrimSuffix(strings.TrimRight(l, " \t"), "\\") + " ")
			continue
		}
		lines = append(lines, cont.String()+l)
		cont.Reset()
	}
	depth := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if depth == 0 {
			if denomCase.MatchString(l) {
				found, depth = true, 1
			}
			continue
		}
		switch {
		case strings.HasPrefix(t, "case "):
			depth++
			continue
		case t == "esac" || strings.HasPrefix(t, "esac ") || strings.HasPrefix(t, "esac;"):
			depth--
			continue
		}
		if depth != 1 {
			continue
		}
		m := casePattern.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		for _, p := range strings.Split(m[1], "|") {
			patterns = append(patterns, strings.Trim(strings.TrimSpace(p), `"'`))
		}
	}
	return patterns, found
}

// CheckDenoms says, for each wanted denom, whether the script prices it.
// The catch-all "*" of the chart's script rejects ("denom in not
// supported"), so it does not count as pricing.
func CheckDenoms(script string, want []WantedDenom) []DenomCheck {
	patterns, found := ScriptDenomCases(script)
	out := make([]DenomCheck, 0, len(want))
	for _, w := range want {
		c := DenomCheck{Denom: w.Denom, Why: w.Why, Required: w.Required}
		switch {
		case !found:
			c.Priced = true
			c.Note = "the script has no case \"$denom\": it bids the same number whatever the denom, so check that its figure means something in " + w.Denom
		default:
			for _, p := range patterns {
				if p == w.Denom {
					c.Priced, c.Case = true, p
					break
				}
			}
			if !c.Priced {
				c.Note = "no case for " + w.Denom + ": an order priced in it ends in \"denom in not supported\" and gets no bid"
			}
		}
		out = append(out, c)
	}
	return out
}

// Unpriced are the required denoms the script cannot price.
func Unpriced(checks []DenomCheck) []string {
	var out []string
	for _, c := range checks {
		if c.Required && !c.Priced {
			out = append(out, c.Denom)
		}
	}
	return out
}
