package cmd

import (
	"github.com/spf13/cobra"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// newProviderLogsCmd builds `provider logs`; its Options and Run are
// provider.LogsOptions.
func newProviderLogsCmd(g *Globals) *cobra.Command {
	o := provider.NewLogsOptions(&g.Globals)
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "The provider's logs, or with --bids its bid-engine events: order, price, outcome",
		Long: longDesc(`
			Prints the logs of the akash-provider pod's provider container. With --bids
			it parses them instead: only bid-engine events are kept (an order detected,
			declined, no capacity, price too high, bid placed and its price, lease won
			or lost, order closed, bid timeout), one row each with the order ID, the
			price, the outcome and the message — the runbook's grep -Ev noise filter,
			as a parser. It reads the tendermint format of providers before 0.10
			(I[2022-11-11|12:09:10.778] ...), the console format of 0.10 and later
			(8:36PM INF ..., with or without colour codes) and JSON logs.

			--from-file parses a saved log instead (a file, or - for standard
			input), with no cluster needed: a log an operator sent you, or
			kubectl logs output kept from before a restart.`),
		Example: examples(`
			# Bid-engine events of the last hour
			kubectl akash provider logs --bids --since 1h

			# Follow bids as they happen
			kubectl akash provider logs --bids -f

			# A saved log, or one piped in
			kubectl akash provider logs --bids --from-file provider.log
			kubectl -n akash-services logs akash-provider-0 --previous | kubectl akash provider logs --bids --from-file -

			# Orders the bid script priced too high
			kubectl akash provider logs --bids --jq '.items[] | select(.spec.outcome == "PriceTooHigh") | .spec.order'`),
		Args: cobra.NoArgs,
		RunE: runSteps(o),
	}
	o.Output.AddFlags(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&o.Bids, "bids", false, "Parse the logs into bid-engine events (order, price, outcome) and drop everything else.")
	fs.BoolVarP(&o.Follow, "follow", "f", false, "Keep streaming new log lines.")
	fs.DurationVar(&o.Since, "since", 0, "Only lines newer than this, e.g. 10m or 2h (default: all).")
	fs.Int64Var(&o.Tail, "tail", o.Tail, "Only the last N lines of the log (-1: all).")
	fs.StringVar(&o.Pod, "pod", "", "The provider pod (default: the running pod labelled app=akash-provider).")
	fs.StringVarP(&o.Container, "container", "c", o.Container, "The container.")
	fs.StringVar(&o.FromFile, "from-file", "", "Parse this saved provider log (- for standard input) instead of the pod's; needs --bids, and no cluster.")
	return cmd
}
