package doctor

import "math"

// add counts one finding.
func (t *Tally) add(s Severity) {
	switch s.Rank() {
	case 0:
		t.OK++
	case 1:
		t.Info++
	case 2:
		t.Warning++
	default:
		t.Error++
	}
}

// tallyOf counts a check's result the way popeye counts a sanitizer's:
// every scanned object without a finding is one OK, and every finding
// counts once at its severity. An object with two findings therefore
// weighs twice, which is what makes a section with many problems on few
// objects score low.
func tallyOf(r CheckResult) Tally {
	var t Tally
	objects := map[string]bool{}
	for _, f := range r.Findings {
		t.add(f.Severity)
		objects[f.Node+"\x00"+f.Namespace+"\x00"+f.Pod+"\x00"+f.Object+"\x00"+f.Lease] = true
	}
	if ok := r.Scanned - len(objects); ok > 0 {
		t.OK += ok
	}
	return t
}

// plus sums two tallies.
func (t Tally) plus(o Tally) Tally {
	return Tally{OK: t.OK + o.OK, Info: t.Info + o.Info, Warning: t.Warning + o.Warning, Error: t.Error + o.Error}
}

func (t Tally) total() int { return t.OK + t.Info + t.Warning + t.Error }

// scoreOf is the share of the tally that is fine (OK or Info), as a
// percentage rounded to the nearest integer; nil when nothing was counted,
// so an empty section does not weigh on the overall score.
func scoreOf(t Tally) *Score {
	if t.total() == 0 {
		return nil
	}
	v := int(math.Round(100 * float64(t.OK+t.Info) / float64(t.total())))
	return &Score{Value: v, Grade: Grade(v), Tally: t}
}

// Grade is popeye's letter for a score: A from 90, B from 80, C from 70, D
// from 60, E from 50, F below.
func Grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	case score >= 70:
		return "C"
	case score >= 60:
		return "D"
	case score >= 50:
		return "E"
	}
	return "F"
}

// overall is the mean of the scored sections' values (integer division, as
// popeye's), with the sections' tallies summed for the record.
func overall(sections []Section) *Score {
	n, sum := 0, 0
	var t Tally
	for _, s := range sections {
		if s.Score == nil {
			continue
		}
		n++
		sum += s.Score.Value
		t = t.plus(s.Score.Tally)
	}
	if n == 0 {
		return nil
	}
	v := sum / n
	return &Score{Value: v, Grade: Grade(v), Tally: t}
}
