package akash

import (
	"fmt"
	"regexp"
)

// CompileImages compiles --image expressions case-insensitively, the way
// the runbooks' `grep -Ei` matched. With nonEmpty, an expression that
// matches the empty string (and so every image) is refused: commands that
// close what matches take only a part of an image name.
func CompileImages(exprs []string, nonEmpty bool) ([]*regexp.Regexp, error) {
	var res []*regexp.Regexp
	for _, expr := range exprs {
		if expr == "" {
			return nil, fmt.Errorf("--image needs a regular expression, got an empty string")
		}
		re, err := regexp.Compile("(?i)" + expr)
		if err != nil {
			return nil, fmt.Errorf("--image %q is not a valid regular expression: %w", expr, err)
		}
		if nonEmpty && re.MatchString("") {
			return nil, fmt.Errorf("--image %q matches every image (it matches the empty string): refusing; write part of the image name, e.g. 'xmrig'", expr)
		}
		res = append(res, re)
	}
	return res, nil
}
