package provider

import (
	"encoding/json"
	"regexp"
	"strings"
)

// BidEvent is one bid-engine log line, parsed.
type BidEvent struct {
	Time     string `json:"time,omitempty"`
	Level    string `json:"level,omitempty"`
	Module   string `json:"module,omitempty"`
	Order    string `json:"order,omitempty"`
	Outcome  string `json:"outcome"`
	Price    string `json:"price,omitempty"`
	MaxPrice string `json:"maxPrice,omitempty"`
	Lease    string `json:"lease,omitempty"`
	Message  string `json:"message"`
	Error    string `json:"error,omitempty"`
}

// Outcomes of bid-engine events. Progress lines (group fetched, requesting
// reservation, ...) have none and are dropped, as the runbook's grep -Ev did.
const (
	OutcomeDetected     = "Detected"     // a new order on chain
	OutcomeDeclined     = "Declined"     // the provider does not match the order
	OutcomeNoCapacity   = "NoCapacity"   // the reservation failed
	OutcomePriceTooHigh = "PriceTooHigh" // the bid script's price exceeds the order's maximum
	OutcomePriceError   = "PriceError"   // the bid script failed, or priced in another denom than the order's
	OutcomeBidding      = "Bidding"      // the bid is being sent, with its price
	OutcomeBid          = "Bid"          // the bid is on chain
	OutcomeBidExists    = "BidExists"    // after a restart: the provider's bid is already on chain
	OutcomeBidFailed    = "BidFailed"    // the bid transaction failed
	OutcomeWon          = "Won"
	OutcomeLost         = "Lost"
	OutcomeOrderClosed  = "OrderClosed"
	OutcomeTimeout      = "BidTimeout"     // no lease in time (or a stale bid found at start): the bid is closed
	OutcomeBidClosed    = "BidClosed"      // the provider closed its bid
	OutcomeCloseFailed  = "BidCloseFailed" // closing the bid failed: it stays open on chain
	OutcomeError        = "Error"          // the bid engine gave up on the order (chain query, event bus, ...)
)

// bidMessage is one message the bid engine logs, lower case; prefix
// matches messages that carry a detail after a colon or parenthesis.
type bidMessage struct {
	msg     string
	prefix  bool
	outcome string
}

// bidMessages are every message of akash-network/provider's
// bidengine/order.go (v0.6 to v0.16, tendermint and cosmossdk.io/log
// alike) and the per-order ones of bidengine/service.go, with their
// outcome; "" marks progress lines. A message logged at error level with an
// err= field and not listed is an Error: a newer provider's failure still shows.
var bidMessages = []bidMessage{
	// service.go
	{msg: "order detected", outcome: OutcomeDetected},
	{msg: "existing order"},
	{msg: "creating catchup order"}, // an Error when it carries err=
	{msg: "handling order", outcome: OutcomeError},
	// order.go, run loop
	{msg: "could not get existing bid", outcome: OutcomeError},
	{msg: "found existing bid", outcome: OutcomeBidExists},
	{msg: "bid in unexpected state", outcome: OutcomeError},
	{msg: "found expired bid", outcome: OutcomeTimeout},
	{msg: "ignoring group"},
	{msg: "lease lost", outcome: OutcomeLost},
	{msg: "lease won", outcome: OutcomeWon},
	{msg: "failed to publish to event queue", outcome: OutcomeError},
	{msg: "order closed", outcome: OutcomeOrderClosed},
	{msg: "group fetched"},
	{msg: "fetching group", outcome: OutcomeError},
	{msg: "failure during checking should bid", outcome: OutcomeError},
	{msg: "declined to bid", outcome: OutcomeDeclined},
	{msg: "requesting reservation"},
	{msg: "reserving resources", outcome: OutcomeNoCapacity},
	{msg: "reservation fulfilled"},
	{msg: "fulfillment already exists", outcome: OutcomeBidExists},
	{msg: "error calculating price", outcome: OutcomePriceError},
	{msg: "unsupported denomination", outcome: OutcomePriceError},
	{msg: "price too high", prefix: true, outcome: OutcomePriceTooHigh},
	{msg: "submitting fulfillment", outcome: OutcomeBidding},
	{msg: "bid failed", outcome: OutcomeBidFailed},
	{msg: "bid complete", outcome: OutcomeBid},
	{msg: "bid timeout", prefix: true, outcome: OutcomeTimeout},
	{msg: "shutting down"},
	{msg: "unreserving reservation"},
	{msg: "error unreserving reservation", outcome: OutcomeError},
	{msg: "closing bid"}, // a BidCloseFailed when it carries err=
	{msg: "bid closed", outcome: OutcomeBidClosed},
	// order.go, shouldBid
	{msg: "unable to fulfill", prefix: true, outcome: OutcomeDeclined},
	{msg: "attribute signature requirements not met", outcome: OutcomeDeclined},
	// v0.16 pre-releases: the verification preflight
	{msg: "verification requirements not met", outcome: OutcomeDeclined},
	{msg: "verification preflight", prefix: true}, // "... falling open": it bids anyway
}

// outcomeOf classifies a bid-engine event by its message, and for the
// messages the provider logs both as progress and as failure, by its err.
func outcomeOf(ev BidEvent) string {
	m := strings.ToLower(ev.Message)
	failed := ev.Error != "" || ev.Level == "error"
	for _, b := range bidMessages {
		if m != b.msg && !(b.prefix && strings.HasPrefix(m, b.msg)) {
			continue
		}
		switch {
		case b.outcome != "":
			return b.outcome
		case b.msg == "closing bid" && failed:
			return OutcomeCloseFailed
		case b.msg == "creating catchup order" && failed:
			return OutcomeError
		}
		return ""
	}
	if ev.Level == "error" && ev.Error != "" {
		return OutcomeError
	}
	return ""
}

// BidParser turns provider log lines into bid events. It remembers the price
// each order was bid at, so the later "bid complete" and "lease won" lines,
// which do not repeat it, carry it too.
type BidParser struct {
	prices map[string]string
}

// NewBidParser returns an empty parser.
func NewBidParser() *BidParser { return &BidParser{prices: map[string]string{}} }

// Parse parses one line; ok is false for lines that are not bid-engine
// events with an outcome (other modules, progress lines, noise).
func (p *BidParser) Parse(line string) (BidEvent, bool) {
	ev, ok := parseLine(StripANSI(strings.TrimRight(line, "\r\n")))
	if !ok || !strings.HasPrefix(ev.Module, "bidengine") {
		return BidEvent{}, false
	}
	ev.Outcome = outcomeOf(ev)
	if ev.Outcome == "" {
		return BidEvent{}, false
	}
	if ev.Order != "" {
		if ev.Price != "" {
			p.prices[ev.Order] = ev.Price
		} else {
			ev.Price = p.prices[ev.Order]
		}
		switch ev.Outcome {
		case OutcomeWon, OutcomeLost, OutcomeOrderClosed, OutcomeBidClosed, OutcomeTimeout:
			delete(p.prices, ev.Order) // the order's life ends here
		}
	}
	return ev, true
}

// The provider's log formats: tendermint's (`I[2022-11-11|12:09:10.778] msg
// key=value ...`, providers before 0.10), cosmossdk.io/log's console format
// (`8:36PM INF msg key=value ...`, 0.10 and later; zerolog's console writer,
// coloured unless told not to), and JSON (one object per line).
var (
	tmLine      = regexp.MustCompile(`^([DIEW])\[([^\]]+)\]\s+(.*)$`)
	consoleLine = regexp.MustCompile(`^(\S+)\s+(TRC|DBG|INF|WRN|ERR|FTL|PNC|\?\?\?)\s+(.*)$`)
	firstKey    = regexp.MustCompile(`(?:^|\s)[A-Za-z0-9_.\-]+=`)
	// ansiCSI is an ANSI escape sequence (colour, bold, reset) as zerolog's
	// console writer puts around the time, level, message and keys.
	ansiCSI = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)
)

// StripANSI removes terminal colour and style codes from a log line.
func StripANSI(s string) string {
	if !strings.Contains(s, "\x1b") {
		return s
	}
	return ansiCSI.ReplaceAllString(s, "")
}

var levels = map[string]string{"D": "debug", "I": "info", "E": "error", "W": "warn",
	"TRC": "trace", "DBG": "debug", "INF": "info", "WRN": "warn", "ERR": "error", "FTL": "fatal", "PNC": "panic"}

func parseLine(line string) (BidEvent, bool) {
	if strings.HasPrefix(line, "{") {
		return parseJSONLine(line)
	}
	var ev BidEvent
	var rest string
	if m := tmLine.FindStringSubmatch(line); m != nil {
		ev.Level, ev.Time, rest = levels[m[1]], m[2], m[3]
	} else if m := consoleLine.FindStringSubmatch(line); m != nil {
		ev.Time, ev.Level, rest = m[1], levels[m[2]], m[3]
	} else {
		return ev, false
	}
	msg, kv := rest, ""
	if loc := firstKey.FindStringIndex(rest); loc != nil {
		msg, kv = rest[:loc[0]], rest[loc[0]:]
	}
	ev.Message = strings.TrimSpace(msg)
	fields := keyValues(kv)
	ev.fill(fields)
	return ev, true
}

func parseJSONLine(line string) (BidEvent, bool) {
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return BidEvent{}, false
	}
	fields := map[string]string{}
	for k, v := range m {
		switch x := v.(type) {
		case string:
			fields[k] = x
		default:
			b, _ := json.Marshal(x)
			fields[k] = string(b)
		}
	}
	ev := BidEvent{Level: fields["level"], Time: fields["time"], Message: fields["message"]}
	if ev.Message == "" {
		ev.Message = fields["msg"]
	}
	if ev.Time == "" {
		ev.Time = fields["_msg_time"]
	}
	ev.fill(fields)
	return ev, true
}

// fill copies the key=value fields the provider logs into the event.
func (ev *BidEvent) fill(f map[string]string) {
	ev.Module = f["module"]
	ev.Order = f["order"]
	if ev.Order == "" {
		ev.Order = f["order-id"]
	}
	// the bid engine's service logs the order's query path, order/owner/dseq/gseq/oseq
	ev.Order = strings.TrimPrefix(ev.Order, "order/")
	ev.Price = coin(f["price"])
	ev.MaxPrice = coin(f["max-price"])
	ev.Lease = f["lease"]
	ev.Error = f["err"]
	if ev.Order == "" && ev.Lease != "" {
		// lease owner/dseq/gseq/oseq/provider: its order is the first four parts
		if parts := strings.Split(ev.Lease, "/"); len(parts) >= 4 {
			ev.Order = strings.Join(parts[:4], "/")
		}
	}
}

// coin writes a price as the provider's String() does (21.5uakt), also
// when a logger marshalled the coin as JSON ({"denom":"uakt","amount":"21.5"}).
func coin(v string) string {
	if !strings.HasPrefix(v, "{") {
		return v
	}
	var c struct{ Denom, Amount string }
	if err := json.Unmarshal([]byte(v), &c); err != nil || c.Denom == "" {
		return v
	}
	return c.Amount + c.Denom
}

// keyValues parses `a=b c="d e" f=g` into a map; quoted values may hold
// spaces and backslash escapes.
func keyValues(s string) map[string]string {
	out := map[string]string{}
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			break
		}
		key := s[i : i+eq]
		i += eq + 1
		var val strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				val.WriteByte(s[i])
				i++
			}
			i++ // closing quote
		} else {
			for i < len(s) && s[i] != ' ' && s[i] != '\t' {
				val.WriteByte(s[i])
				i++
			}
		}
		if strings.ContainsAny(key, " \t") {
			continue
		}
		out[key] = val.String()
	}
	return out
}
