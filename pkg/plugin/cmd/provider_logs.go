package cmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/akash"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/cli"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/provider"
)

// BidEvent is one parsed bid-engine log line as a result object.
type BidEvent struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              provider.BidEvent `json:"spec"`
}

// BidEventList is what `provider logs --bids` prints without -f.
type BidEventList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []BidEvent `json:"items"`
}

func newProviderLogsCmd(g *Globals) *cobra.Command {
	out := output.NewFlags()
	out.JQExample = `.items[] | select(.spec.outcome == "Won") | .metadata.name`
	var (
		bids, follow bool
		since        time.Duration
		tail         int64 = -1
		podName      string
		container    = akash.ProviderContainer
		fromFile     string
	)
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			if since < 0 {
				return fmt.Errorf("--since must be positive, got %s", since)
			}
			if tail < -1 {
				return fmt.Errorf("--tail %d: want a number of lines, or -1 for the whole log", tail)
			}
			if cmd.Flags().Changed("from-file") {
				return bidsFromFile(cmd, g, out, fromFile, bids)
			}
			c, err := g.Clients()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			pod := podName
			if pod == "" {
				pods, err := listProviderPods(ctx, c, g.ProviderNamespace)
				if err != nil {
					return err
				}
				pod = pods[0].Name
				for i := range pods {
					if pods[i].Status.Phase == corev1.PodRunning {
						pod = pods[i].Name
						break
					}
				}
			}
			opts := &corev1.PodLogOptions{Container: container, Follow: follow}
			if since > 0 {
				s := int64(since.Seconds())
				if s < 1 {
					s = 1
				}
				opts.SinceSeconds = &s
			}
			if tail >= 0 {
				opts.TailLines = &tail
			}
			stream, err := c.Kube.CoreV1().Pods(g.ProviderNamespace).GetLogs(pod, opts).Stream(ctx)
			if err != nil {
				return cli.Explain(err, fmt.Sprintf("reading the logs of pod %s/%s container %s", g.ProviderNamespace, pod, container))
			}
			defer stream.Close()
			if !bids {
				_, err := io.Copy(g.Streams.Out, stream)
				if ctx.Err() != nil {
					return nil // interrupted while following
				}
				return err
			}
			return printBidEvents(ctx, g, out, stream, follow)
		},
	}
	out.AddFlags(cmd)
	fs := cmd.Flags()
	fs.BoolVar(&bids, "bids", false, "Parse the logs into bid-engine events (order, price, outcome) and drop everything else.")
	fs.BoolVarP(&follow, "follow", "f", false, "Keep streaming new log lines.")
	fs.DurationVar(&since, "since", 0, "Only lines newer than this, e.g. 10m or 2h (default: all).")
	fs.Int64Var(&tail, "tail", tail, "Only the last N lines of the log (-1: all).")
	fs.StringVar(&podName, "pod", "", "The provider pod (default: the running pod labelled app=akash-provider).")
	fs.StringVarP(&container, "container", "c", container, "The container.")
	fs.StringVar(&fromFile, "from-file", "", "Parse this saved provider log (- for standard input) instead of the pod's; needs --bids, and no cluster.")
	return cmd
}

// bidsFromFile parses a saved log: no cluster, so none of the flags that
// choose or stream the pod's log apply.
func bidsFromFile(cmd *cobra.Command, g *Globals, out *output.Flags, path string, bids bool) error {
	if !bids {
		return fmt.Errorf("--from-file parses a saved log into bid-engine events: add --bids")
	}
	for _, f := range []string{"follow", "since", "tail", "pod", "container"} {
		if cmd.Flags().Changed(f) {
			return fmt.Errorf("--%s reads the provider pod's log; it does not apply to --from-file", f)
		}
	}
	if path == "" {
		return fmt.Errorf("--from-file needs a file name, or - for standard input")
	}
	var r io.Reader = g.Streams.In
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("reading the saved log: %w", err)
		}
		defer f.Close()
		r = f
	}
	return printBidEvents(cmd.Context(), g, out, r, false)
}

// bidEventObject wraps a parsed event as a result object named after its order.
func bidEventObject(ev provider.BidEvent) BidEvent {
	return BidEvent{TypeMeta: output.TypeMeta("BidEvent"), ObjectMeta: metav1.ObjectMeta{Name: ev.Order}, Spec: ev}
}

var bidColumns = []output.Column{{Name: "TIME"}, {Name: "ORDER"}, {Name: "OUTCOME"}, {Name: "PRICE"}, {Name: "MESSAGE"},
	{Name: "MAX-PRICE", Wide: true}, {Name: "ERROR", Wide: true}}

func bidRow(ev provider.BidEvent) []any {
	return []any{ev.Time, ev.Order, ev.Outcome, ev.Price, ev.Message, ev.MaxPrice, ev.Error}
}

// printBidEvents parses the stream. Without -f it prints one list at the
// end (every output format); with -f each event as it comes: a table row
// (header first) for people, one object per event otherwise.
func printBidEvents(ctx context.Context, g *Globals, out *output.Flags, r io.Reader, follow bool) error {
	parser := provider.NewBidParser()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	list := BidEventList{TypeMeta: output.ListMeta("BidEvent"), Items: []BidEvent{}}
	header := out.Human()
	wide := out.Format() == "wide"
	for sc.Scan() {
		ev, ok := parser.Parse(sc.Text())
		if !ok {
			continue
		}
		if !follow {
			list.Items = append(list.Items, bidEventObject(ev))
			continue
		}
		if !out.Human() {
			if err := out.Print(g.Streams.Out, bidEventObject(ev), nil); err != nil {
				return err
			}
			continue
		}
		if header {
			fmt.Fprintln(g.Streams.Out, followLine(columnNames(wide), wide))
			header = false
		}
		fmt.Fprintln(g.Streams.Out, followLine(bidRow(ev), wide))
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil { // an interrupt ends a follow quietly
		return fmt.Errorf("reading the provider's log: %w", err)
	}
	if follow {
		return nil
	}
	if len(list.Items) == 0 && out.Human() {
		fmt.Fprintln(g.Streams.ErrOut, "No bid-engine events found.")
		return nil
	}
	return out.Print(g.Streams.Out, list, func() *output.Table {
		t := output.NewTable(bidColumns...)
		for _, it := range list.Items {
			t.AddRow(bidRow(it.Spec)...)
		}
		return t
	})
}

func columnNames(wide bool) []any {
	var names []any
	for _, c := range bidColumns {
		names = append(names, c.Name)
	}
	return names
}

// followLine lays out a streamed row with fixed widths, since a streaming
// table cannot be aligned after the fact.
func followLine(cells []any, wide bool) string {
	widths := []int{24, 52, 13, 32, 0}
	var b strings.Builder
	n := 5
	if wide {
		n = len(cells)
	}
	for i := 0; i < n && i < len(cells); i++ {
		s := fmt.Sprint(cells[i])
		if i < len(widths) && widths[i] > 0 {
			fmt.Fprintf(&b, "%-*s ", widths[i]-1, s)
		} else {
			b.WriteString(s + "   ")
		}
	}
	return strings.TrimRight(b.String(), " ")
}
