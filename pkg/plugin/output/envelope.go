package output

import (
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// EnvelopeFormat is the hidden -o value a fleet run gives each context's
// command: the result and its table travel together as one JSON document,
// so the fleet can merge the items for -o json/yaml/... and the rows for a
// table without knowing any command's types. It is not listed among the
// formats a user is offered.
const EnvelopeFormat = "kubectl-akash-fleet-envelope"

// Envelope is what a command prints under EnvelopeFormat.
type Envelope struct {
	// Result is the result object or list, exactly as -o json has it.
	Result json.RawMessage `json:"result"`
	// Table is the human view (with its wide columns); nil when the
	// command has none.
	Table *metav1.Table `json:"table,omitempty"`
}

// printEnvelope writes result and its table as one Envelope.
func printEnvelope(w io.Writer, result any, table TableFunc) error {
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("encoding result: %w", err)
	}
	env := Envelope{Result: raw}
	if table != nil {
		env.Table = table().Table()
	}
	b, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("encoding result: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
