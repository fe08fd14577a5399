package provider

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-akash/kubectl-akash/pkg/plugin/output"
)

// BidEventKind is the kind of `provider logs --bids` results.
const BidEventKind = "BidEvent"

// BidEventItem is one parsed bid-engine log line as a result object, named
// after its order.
type BidEventItem struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              BidEvent `json:"spec"`
}

// BidEventList is what `provider logs --bids` prints without -f.
type BidEventList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata"`
	Items           []BidEventItem `json:"items"`
}

func bidEventItem(ev BidEvent) BidEventItem {
	return BidEventItem{TypeMeta: output.TypeMeta(BidEventKind), ObjectMeta: metav1.ObjectMeta{Name: ev.Order}, Spec: ev}
}

var bidColumns = []output.Column{{Name: "TIME"}, {Name: "ORDER"}, {Name: "OUTCOME"}, {Name: "PRICE"}, {Name: "MESSAGE"},
	{Name: "MAX-PRICE", Wide: true}, {Name: "ERROR", Wide: true}}

func bidRow(ev BidEvent) []any {
	return []any{ev.Time, ev.Order, ev.Outcome, ev.Price, ev.Message, ev.MaxPrice, ev.Error}
}

// PrintBidEvents parses a provider log from r. Without follow it prints one
// list at the end (every output format); with follow each event as it
// comes: a table row (header first) for people, one object per event
// otherwise. An interrupt (ctx done) ends a follow quietly.
func PrintBidEvents(ctx context.Context, stdout, stderr io.Writer, out *output.Flags, r io.Reader, follow bool) error {
	parser := NewBidParser()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	list := BidEventList{TypeMeta: output.ListMeta(BidEventKind), Items: []BidEventItem{}}
	header := out.Human()
	wide := out.Format() == "wide"
	for sc.Scan() {
		ev, ok := parser.Parse(sc.Text())
		if !ok {
			continue
		}
		if !follow {
			list.Items = append(list.Items, bidEventItem(ev))
			continue
		}
		if !out.Human() {
			if err := out.Print(stdout, bidEventItem(ev), nil); err != nil {
				return err
			}
			continue
		}
		if header {
			fmt.Fprintln(stdout, followLine(columnNames(), wide))
			header = false
		}
		fmt.Fprintln(stdout, followLine(bidRow(ev), wide))
	}
	if err := sc.Err(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("reading the provider's log: %w", err)
	}
	if follow {
		return nil
	}
	if len(list.Items) == 0 && out.Human() {
		fmt.Fprintln(stderr, "No bid-engine events found.")
		return nil
	}
	return out.Print(stdout, list, func() *output.Table {
		t := output.NewTable(bidColumns...)
		for _, it := range list.Items {
			t.AddRow(bidRow(it.Spec)...)
		}
		return t
	})
}

func columnNames() []any {
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
