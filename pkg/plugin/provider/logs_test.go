package provider

import (
	"os"
	"strings"
	"testing"
)

func parseAll(t *testing.T, text string) []BidEvent {
	t.Helper()
	p := NewBidParser()
	var got []BidEvent
	for _, line := range strings.Split(text, "\n") {
		if ev, ok := p.Parse(line); ok {
			got = append(got, ev)
		}
	}
	return got
}

// The real capture (tendermint format, provider before 0.10): two bids
// among the broadcaster's and the inventory's lines. The service logs the
// order as its query path (order/owner/...), the order monitor as
// owner/dseq/gseq/oseq: both are one order.
func TestBidParserRealTendermintCapture(t *testing.T) {
	b, err := os.ReadFile("testdata/provider-log.tendermint.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := parseAll(t, string(b))
	const o1, o2 = "akash1ggk74pf9avxh3llu30yfhmr345h2yrpf7c2cdu/5949829/1/1", "akash1h24fljt7p0nh82cq0za0uhsct3sfwsfu9w3c9h/8438017/1/1"
	want := []struct{ time, order, outcome, price string }{
		{"2022-05-19|17:21:29.391", o1, OutcomeDetected, ""},
		{"2022-05-19|17:21:29.496", o1, OutcomeBidding, "4.540160000000000000uakt"},
		{"2022-05-19|17:21:29.725", o1, OutcomeBid, "4.540160000000000000uakt"},
		{"2022-11-11|12:09:11.436", o2, OutcomeBidding, "21.000000000000000000uakt"},
		{"2022-11-11|12:09:11.451", o2, OutcomeBid, "21.000000000000000000uakt"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Time != w.time || g.Order != w.order || g.Outcome != w.outcome || g.Price != w.price {
			t.Errorf("event %d: %+v, want %+v", i, g, w)
		}
	}
	if got[1].Level != "debug" || got[2].Level != "info" || !strings.HasPrefix(got[0].Module, "bidengine") {
		t.Errorf("levels/modules: %+v", got)
	}
}

// esc wraps s in an ANSI colour code and a reset, as zerolog's console
// writer does.
func esc(code, s string) string { return "\x1b[" + code + "m" + s + "\x1b[0m" }

// writeConsole writes a line as provider 0.10+ logs it: time (dark grey),
// level (coloured; none for debug), message (bold above debug), and the
// fields sorted by name, each key cyan. colour=false is NO_COLOR's output.
func writeConsole(colour bool, tm, level, msg string, kv ...string) string {
	c := func(code, s string) string {
		if !colour || code == "" {
			return s
		}
		return esc(code, s)
	}
	levelColour := map[string]string{"INF": "32", "ERR": "31", "WRN": "33", "DBG": ""}[level]
	msgColour := "1"
	if level == "DBG" {
		msgColour = ""
	}
	parts := []string{c("90", tm), c(levelColour, level), c(msgColour, msg)}
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		if kv[i] == "err" {
			v = c("31", c("1", v))
		}
		parts = append(parts, c("36", kv[i]+"=")+v)
	}
	return strings.Join(parts, " ")
}

// Every message of bidengine/order.go (and the order ones of service.go)
// as provider 0.10+ writes it, coloured and not: each gets its outcome,
// progress lines none.
func TestBidParserConsoleFormatEveryMessage(t *testing.T) {
	const order = "akash1tenant0000000000000000000000000000000/21000123/1/1"
	const lease = order + "/akash1prov"
	mod := []string{"module", "bidengine-order", "order", order}
	cases := []struct {
		level, msg string
		kv         []string
		outcome    string
	}{
		{"INF", "order detected", []string{"module", "bidengine-service", "order", "order/" + order}, OutcomeDetected},
		{"DBG", "existing order", []string{"module", "bidengine-service", "order", "order/" + order}, ""},
		{"DBG", "creating catchup order", []string{"module", "bidengine-service", "order", "order/" + order}, ""},
		{"ERR", "creating catchup order", []string{"err", `"subscription closed"`, "module", "bidengine-service", "order", "order/" + order}, OutcomeError},
		{"ERR", "handling order", []string{"err", `"subscription closed"`, "module", "bidengine-service", "order", "order/" + order}, OutcomeError},
		{"ERR", "could not get existing bid", []string{"err", `"rpc error: code = Unavailable"`, "errtype", "*status.Error", "module", "bidengine-order"}, OutcomeError},
		{"INF", "found existing bid", []string{"module", "bidengine-order"}, OutcomeBidExists},
		{"ERR", "bid in unexpected state", []string{"bid-state", "closed", "module", "bidengine-order"}, OutcomeError},
		{"INF", "found expired bid", []string{"block-height", "21000100", "module", "bidengine-order"}, OutcomeTimeout},
		{"DBG", "ignoring group", append([]string{"group", "akash1x/1/1"}, mod...), ""},
		{"INF", "lease lost", append([]string{"lease", order + "/akash1rival"}, mod...), OutcomeLost},
		{"INF", "lease won", append([]string{"lease", lease}, mod...), OutcomeWon},
		{"ERR", "failed to publish to event queue", mod, OutcomeError},
		{"INF", "order closed", mod, OutcomeOrderClosed},
		{"INF", "group fetched", mod, ""},
		{"ERR", "fetching group", append([]string{"err", `"group not found"`}, mod...), OutcomeError},
		{"ERR", "failure during checking should bid", append([]string{"err", `"auditor query failed"`}, mod...), OutcomeError},
		{"DBG", "declined to bid", mod, OutcomeDeclined},
		{"INF", "requesting reservation", mod, ""},
		{"ERR", "reserving resources", append([]string{"err", `"insufficient capacity"`}, mod...), OutcomeNoCapacity},
		{"INF", "Reservation fulfilled", mod, ""},
		{"INF", "Fulfillment already exists", mod, OutcomeBidExists},
		{"ERR", "error calculating price", append([]string{"err", `"exit status 1: denom in not supported"`}, mod...), OutcomePriceError},
		{"ERR", "Unsupported Denomination", []string{"calculated", "1.2uact", "max-price", "10uakt", "module", "bidengine-order", "order", order}, OutcomePriceError},
		{"INF", "Price too high, not bidding", []string{"max-price", "10.000000000000000000uact", "module", "bidengine-order", "order", order, "price", "12.500000000000000000uact"}, OutcomePriceTooHigh},
		{"DBG", "submitting fulfillment", append(mod, "price", "4.25uact"), OutcomeBidding},
		{"ERR", "bid failed", append([]string{"err", `"account sequence mismatch"`}, mod...), OutcomeBidFailed},
		{"INF", "bid complete", mod, OutcomeBid},
		{"INF", "bid timeout, closing bid", mod, OutcomeTimeout},
		{"INF", "shutting down", mod, ""},
		{"DBG", "unreserving reservation", mod, ""},
		{"ERR", "error unreserving reservation", append([]string{"err", `"not found"`}, mod...), OutcomeError},
		{"DBG", "closing bid", append(mod, "order-id", order), ""},
		{"ERR", "closing bid", append([]string{"err", `"out of gas"`}, mod...), OutcomeCloseFailed},
		{"INF", "bid closed", append(mod, "order-id", order), OutcomeBidClosed},
		{"DBG", "unable to fulfill: incompatible provider attributes", mod, OutcomeDeclined},
		{"DBG", "unable to fulfill: incompatible order attributes", mod, OutcomeDeclined},
		{"DBG", "unable to fulfill: incompatible attributes for resources requirements", append([]string{"have", `"[]"`, "module", "bidengine-order", "order", order}, "wanted", `"name:\"dcloud\""`), OutcomeDeclined},
		{"INF", "unable to fulfill: group volumes count exceeds (3 > 2)", mod, OutcomeDeclined},
		{"DBG", "attribute signature requirements not met", mod, OutcomeDeclined},
		{"ERR", "unable to fulfill: group validation error", append([]string{"err", `"invalid group"`}, mod...), OutcomeDeclined},
		{"DBG", "verification requirements not met", append(mod, "reason", "unverified"), OutcomeDeclined},
		{"ERR", "verification preflight params query failed; falling open", append([]string{"err", `"timeout"`}, mod...), ""},
		{"ERR", "some future failure", append([]string{"err", `"boom"`}, mod...), OutcomeError},
		{"INF", "some future progress", mod, ""},
	}
	for _, colour := range []bool{false, true} {
		p := NewBidParser()
		for _, c := range cases {
			line := writeConsole(colour, "8:36PM", c.level, c.msg, c.kv...)
			if colour && !strings.Contains(line, "\x1b[") {
				t.Fatalf("no colour in %q", line)
			}
			ev, ok := p.Parse(line)
			if c.outcome == "" {
				if ok {
					t.Errorf("colour=%v %q: progress line gave %+v", colour, c.msg, ev)
				}
				continue
			}
			if !ok || ev.Outcome != c.outcome {
				t.Errorf("colour=%v %q: %v %+v, want %s", colour, line, ok, ev, c.outcome)
				continue
			}
			if ev.Time != "8:36PM" || ev.Message != c.msg || ev.Module == "" {
				t.Errorf("colour=%v %q: %+v", colour, c.msg, ev)
			}
			hasOrder := false
			for i := 0; i < len(c.kv); i += 2 {
				hasOrder = hasOrder || c.kv[i] == "order"
			}
			if hasOrder && ev.Order != order {
				t.Errorf("colour=%v %q: order %q", colour, c.msg, ev.Order)
			}
		}
	}

	// the fields the rows show
	p := NewBidParser()
	for _, colour := range []bool{false, true} {
		ev, _ := p.Parse(writeConsole(colour, "8:36PM", "INF", "Price too high, not bidding", "max-price", "10.000000000000000000uact", "module", "bidengine-order", "order", order, "price", "12.500000000000000000uact"))
		if ev.Price != "12.500000000000000000uact" || ev.MaxPrice != "10.000000000000000000uact" {
			t.Errorf("prices: %+v", ev)
		}
		ev, _ = p.Parse(writeConsole(colour, "8:36PM", "ERR", "bid failed", "err", `"account sequence mismatch, expected 32, got 31"`, "module", "bidengine-order", "order", order))
		if ev.Error != "account sequence mismatch, expected 32, got 31" || ev.Level != "error" {
			t.Errorf("err: %+v", ev)
		}
		ev, _ = p.Parse(writeConsole(colour, "8:36PM", "INF", "lease won", "lease", lease, "module", "bidengine-order", "order", order))
		if ev.Lease != lease || ev.Order != order {
			t.Errorf("lease: %+v", ev)
		}
	}
	// a coin a logger marshalled as JSON
	ev, _ := p.Parse(`8:36PM DBG submitting fulfillment module=bidengine-order order=` + order + ` price={"denom":"uact","amount":"4.250000000000000000"}`)
	if ev.Price != "4.250000000000000000uact" {
		t.Errorf("json coin: %+v", ev)
	}
}

// The message table has no duplicates, and every message of it classifies
// as listed (a message found earlier in the table cannot shadow it).
func TestBidMessagesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range bidMessages {
		if seen[b.msg] || b.msg != strings.ToLower(b.msg) {
			t.Errorf("message %q: duplicate or not lower case", b.msg)
		}
		seen[b.msg] = true
		if got := outcomeOf(BidEvent{Message: b.msg, Level: "info"}); got != b.outcome {
			t.Errorf("%q -> %q, want %q", b.msg, got, b.outcome)
		}
	}
}

func TestStripANSI(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[90m8:36PM\x1b[0m \x1b[32mINF\x1b[0m \x1b[1mbid complete\x1b[0m": "8:36PM INF bid complete",
		"plain":             "plain",
		"\x1b[1;31mx\x1b[m": "x",
	} {
		if got := StripANSI(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
