// Package provider knows the akash-provider service: its pods and /status
// endpoint (ReadStatus), its bid-engine log lines (OpenLog, the parser,
// PrintBidEvents), the bid price settings stored in its helm release and
// ConfigMaps (PricingSpec, AnalysePricing), and its restart (PlanRestart and
// the wait for the replacements). Cluster reads go through snapshot.Spec;
// the parsers and analyses are pure. Each command's Options (defaults,
// Complete, Validate, Run) are here too, in <command>_options.go; the
// commands in pkg/plugin/cmd only bind flags to them.
package provider
