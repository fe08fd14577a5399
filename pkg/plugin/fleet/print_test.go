package fleet

import (
	"bytes"
	"testing"
)

func TestPrintText(t *testing.T) {
	var b bytes.Buffer
	err := PrintText(&b, []Outcome{
		{Context: "a", Stdout: []byte("one\ntwo\n")},
		{Context: "b", Code: 3, Stdout: []byte("found\n")},
		{Context: "c", Code: 1, Message: "forbidden"},
	})
	if want := "a | one\na | two\nb | found\nc | error: forbidden\n"; b.String() != want || err == nil || err.Error() != "exit code 1" {
		t.Fatalf("%q, %v", b.String(), err)
	}
}
