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
	OutcomePriceError   = "PriceError"   // the bid script failed
	OutcomeBidding      = "Bidding"      // the bid is being sent, with its price
	OutcomeBid          = "Bid"          // the bid is on chain
	OutcomeBidFailed    = "BidFailed"    // the bid transaction failed
	OutcomeWon          = "Won"
	OutcomeLost         = "Lost"
	OutcomeOrderClosed  = "OrderClosed"
	OutcomeTimeout      = "BidTimeout"
	OutcomeBidClosed    = "BidClosed"
)

// outcomeOf classifies a bid-engine message.
func outcomeOf(msg string) string {
	m := strings.ToLower(msg)
	switch {
	case m == "order detected":
		return OutcomeDetected
	case m == "declined to bid", strings.HasPrefix(m, "unable to fulfill"):
		return OutcomeDeclined
	case m == "reserving resources":
		return OutcomeNoCapacity
	case strings.HasPrefix(m, "price too high"):
		return OutcomePriceTooHigh
	case m == "error calculating price", m == "unsupported denomination":
		return OutcomePriceError
	case m == "submitting fulfillment":
		return OutcomeBidding
	case m == "bid complete":
		return OutcomeBid
	case m == "bid failed":
		return OutcomeBidFailed
	case m == "lease won":
		return OutcomeWon
	case m == "lease lost":
		return OutcomeLost
	case m == "order closed":
		return OutcomeOrderClosed
	case strings.HasPrefix(m, "bid timeout"):
		return OutcomeTimeout
	case m == "bid closed":
		return OutcomeBidClosed
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
	ev, ok := parseLine(strings.TrimRight(line, "\r\n"))
	if !ok || !strings.HasPrefix(ev.Module, "bidengine") {
		return BidEvent{}, false
	}
	ev.Outcome = outcomeOf(ev.Message)
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

// The provider's log formats: tendermint's (`I[2023-09-20|14:27:57.373] msg
// key=value ...`, providers up to 0.6), cosmossdk.io/log's console format
// (`2:27PM INF msg key=value ...`, optionally with an RFC 3339 time), and
// JSON (one object per line).
var (
	tmLine      = regexp.MustCompile(`^([DIEW])\[([^\]]+)\]\s+(.*)$`)
	consoleLine = regexp.MustCompile(`^(\S+)\s+(TRC|DBG|INF|WRN|ERR|FTL|PNC)\s+(.*)$`)
	firstKey    = regexp.MustCompile(`(?:^|\s)[A-Za-z0-9_.\-]+=`)
)

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
	ev.Price = f["price"]
	ev.MaxPrice = f["max-price"]
	ev.Lease = f["lease"]
	ev.Error = f["err"]
	if ev.Order == "" && ev.Lease != "" {
		// lease owner/dseq/gseq/oseq/provider: its order is the first four parts
		if parts := strings.Split(ev.Lease, "/"); len(parts) >= 4 {
			ev.Order = strings.Join(parts[:4], "/")
		}
	}
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
