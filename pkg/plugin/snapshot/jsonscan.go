package snapshot

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// A small JSON reader for the Manifest decoder (manifestjson.go): values
// are cut out of a stream by their brackets (captureValue), then read field
// by field from the bytes (scanner), with everything not read skipped by a
// validating walk that allocates nothing. Strings with escapes or non-ASCII
// bytes are unquoted by encoding/json itself, so they come out exactly as
// there.

// maxDepth bounds the nesting the scanner follows: a Manifest is a dozen
// levels deep; far more is a hostile or broken body, not a Manifest.
const maxDepth = 512

// scanner reads one JSON value held in b. Every method is a no-op once ok is
// false.
type scanner struct {
	b     []byte
	i     int
	ok    bool
	depth int
}

func (s *scanner) fail() bool { s.ok = false; return false }

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next is the first byte of the next value (0 at the end).
func (s *scanner) next() byte {
	s.ws()
	if !s.ok || s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// consume takes c, after white space.
func (s *scanner) consume(c byte) bool {
	if s.next() != c {
		return s.fail()
	}
	s.i++
	return true
}

// rawString returns the bytes of the next string, quotes included, and
// whether it is plain: no escape and nothing but ASCII, so its text is the
// bytes between the quotes.
func (s *scanner) rawString() (raw []byte, plain bool) {
	if s.next() != '"' {
		s.fail()
		return nil, false
	}
	plain = true
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			raw = s.b[s.i : j+1]
			s.i = j + 1
			return raw, plain
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			s.fail()
			return nil, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	s.fail()
	return nil, false
}

// str reads a string as encoding/json would.
func (s *scanner) str() string {
	raw, plain := s.rawString()
	if !s.ok {
		return ""
	}
	if plain {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		s.fail()
	}
	return v
}

// object calls f with each key; f must read or skip the value.
func (s *scanner) object(f func(key []byte, plain bool)) {
	if !s.consume('{') || !s.enter() {
		return
	}
	defer s.leave()
	if s.next() == '}' {
		s.i++
		return
	}
	for s.ok {
		key, plain := s.rawString()
		if !s.consume(':') {
			return
		}
		f(key[1:len(key)-1], plain)
		switch s.next() {
		case ',':
			s.i++
		case '}':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

// array calls f for each element; f must read or skip it.
func (s *scanner) array(f func()) {
	if !s.consume('[') || !s.enter() {
		return
	}
	defer s.leave()
	if s.next() == ']' {
		s.i++
		return
	}
	for s.ok {
		f()
		switch s.next() {
		case ',':
			s.i++
		case ']':
			s.i++
			return
		default:
			s.fail()
		}
	}
}

func (s *scanner) enter() bool {
	s.depth++
	return s.depth <= maxDepth || s.fail()
}

func (s *scanner) leave() { s.depth-- }

// skip walks over the next value, checking that it is JSON.
func (s *scanner) skip() {
	switch c := s.next(); {
	case c == '{':
		s.object(func([]byte, bool) { s.skip() })
	case c == '[':
		s.array(s.skip)
	case c == '"':
		s.rawString()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	default:
		s.number()
	}
}

func (s *scanner) literal(word string) {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		s.fail()
		return
	}
	s.i += len(word)
}

// number walks over a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() []byte {
	start := s.i
	s.accept('-')
	switch {
	case s.accept('0'):
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		s.fail()
		return nil
	}
	if s.accept('.') && s.digits() == 0 {
		s.fail()
		return nil
	}
	if s.accept('e') || s.accept('E') {
		if !s.accept('+') {
			s.accept('-')
		}
		if s.digits() == 0 {
			s.fail()
			return nil
		}
	}
	return s.b[start:s.i]
}

func (s *scanner) accept(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// captureValue reads the next JSON value of r whole, by its brackets and
// strings only (the scanner checks the rest), appended to buf. It stops at
// the value's last byte.
func captureValue(r *bufio.Reader, buf []byte) ([]byte, error) {
	c, err := skipSpace(r)
	if err != nil {
		return buf, err
	}
	if c != '{' && c != '[' && c != '"' {
		// A number or a literal: up to the next delimiter.
		for {
			b, err := r.ReadByte()
			if err != nil {
				return buf, err
			}
			switch b {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return buf, r.UnreadByte()
			}
			buf = append(buf, b)
		}
	}
	var stack []byte // the closing brackets awaited
	inString, escaped := false, false
	for {
		chunk, err := r.Peek(max(r.Buffered(), 1))
		if len(chunk) == 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
		for j, b := range chunk {
			switch {
			case escaped:
				escaped = false
			case inString:
				switch b {
				case '\\':
					escaped = true
				case '"':
					inString = false
				}
			case b == '"':
				inString = true
			case b == '{':
				stack = append(stack, '}')
			case b == '[':
				stack = append(stack, ']')
			case b == '}' || b == ']':
				if len(stack) == 0 || stack[len(stack)-1] != b {
					return buf, fmt.Errorf("invalid character %q in a JSON value", b)
				}
				stack = stack[:len(stack)-1]
			default:
				continue
			}
			if len(stack) == 0 && !inString {
				buf = append(buf, chunk[:j+1]...)
				_, _ = r.Discard(j + 1)
				return buf, nil
			}
		}
		buf = append(buf, chunk...)
		_, _ = r.Discard(len(chunk))
		if len(stack) > maxDepth {
			return buf, errors.New("a JSON value nested too deep")
		}
	}
}

// skipSpace returns the next byte that is not white space, unread.
func skipSpace(r *bufio.Reader) (byte, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return b, r.UnreadByte()
	}
}

// expectByte reads the next byte that is not white space and checks it is
// one of want; it returns which.
func expectByte(r *bufio.Reader, want string) (byte, error) {
	b, err := skipSpace(r)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	_, _ = r.ReadByte()
	for i := 0; i < len(want); i++ {
		if want[i] == b {
			return b, nil
		}
	}
	return 0, fmt.Errorf("invalid character %q where one of %q was expected", b, want)
}
