package execute

import "strings"

// Summarize folds the outcomes of one object's actions into table cells:
// the distinct results ("Succeeded", "Planned", "Succeeded,Conflict") and
// the messages worth reading (everything but plain success), de-duplicated.
func Summarize(actions []*Action) (result, message string) {
	var results, messages []string
	seenR, seenM := map[Result]bool{}, map[string]bool{}
	for _, a := range actions {
		if !seenR[a.Result] {
			seenR[a.Result] = true
			results = append(results, string(a.Result))
		}
		if a.Message != "" && a.Result != Succeeded && a.Result != DryRun && !seenM[a.Message] {
			seenM[a.Message] = true
			messages = append(messages, a.Message)
		}
	}
	return strings.Join(results, ","), strings.Join(messages, "; ")
}
