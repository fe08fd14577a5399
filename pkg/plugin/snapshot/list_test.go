package snapshot

import (
	"context"
	"errors"
	"reflect"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pages serves items in pages of opts.Limit with tokens "p1", "p2", …, and
// fails the requests listed in fail (by call number, from 0).
type pages struct {
	items []string
	fail  map[int]error
	calls []metav1.ListOptions
}

func (p *pages) list(_ context.Context, o metav1.ListOptions) ([]string, string, error) {
	n := len(p.calls)
	p.calls = append(p.calls, o)
	if err := p.fail[n]; err != nil {
		return nil, "", err
	}
	if o.Limit == 0 {
		return p.items, "", nil
	}
	start := 0
	if o.Continue != "" {
		start = int(o.Continue[1]-'0') * int(o.Limit)
	}
	end := min(start+int(o.Limit), len(p.items))
	cont := ""
	if end < len(p.items) {
		cont = "p" + string(rune('0'+end/int(o.Limit)))
	}
	return p.items[start:end], cont, nil
}

func expired() error {
	return apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
}

func TestListAllPages(t *testing.T) {
	p := &pages{items: []string{"a", "b", "c", "d", "e"}}
	got, err := listAll(t.Context(), 2, metav1.ListOptions{LabelSelector: "x"}, p.list)
	if err != nil || !reflect.DeepEqual(got, p.items) {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(p.calls) != 3 || p.calls[0].LabelSelector != "x" || p.calls[2].Continue != "p2" {
		t.Errorf("requests: %+v", p.calls)
	}
}

// A later page that expired: the listing starts over once, unpaged, and
// returns every item once (not the first page twice).
func TestListAllExpiredPageFallsBackToOneFullList(t *testing.T) {
	p := &pages{items: []string{"a", "b", "c", "d", "e"}, fail: map[int]error{2: expired()}}
	got, err := listAll(t.Context(), 2, metav1.ListOptions{LabelSelector: "x"}, p.list)
	if err != nil || !reflect.DeepEqual(got, p.items) {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(p.calls) != 4 {
		t.Fatalf("%d requests, want 2 pages, the expired one and the full list: %+v", len(p.calls), p.calls)
	}
	if last := p.calls[3]; last.Limit != 0 || last.Continue != "" || last.LabelSelector != "x" {
		t.Errorf("the fallback is not a full list with the same selector: %+v", last)
	}
}

// What must not happen: an expired first page has no older listing to
// restart, another error is not retried, and a fallback that fails too is
// not retried again.
func TestListAllErrorsThatAreNotRetried(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name     string
		fail     map[int]error
		requests int
	}{
		{"first page expired", map[int]error{0: expired()}, 1},
		{"later page, another error", map[int]error{1: boom}, 2},
		{"the full list fails too", map[int]error{1: expired(), 2: expired()}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &pages{items: []string{"a", "b", "c"}, fail: c.fail}
			got, err := listAll(t.Context(), 2, metav1.ListOptions{}, p.list)
			if err == nil || got != nil {
				t.Fatalf("got %v, %v; want an error", got, err)
			}
			if len(p.calls) != c.requests {
				t.Errorf("%d requests, want %d: %+v", len(p.calls), c.requests, p.calls)
			}
		})
	}
}
