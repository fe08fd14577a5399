package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// series is one line of a panel.
type series struct {
	name   string
	c      color.RGBA
	square bool // square markers (else round)
	dashed bool // extrapolated points are joined by a dashed line
	pts    []point
	floor  bool // a floor: the whole line dashed
}

type point struct {
	x, y  float64
	extra bool // extrapolated
}

var (
	red    = color.RGBA{200, 40, 40, 255}
	orange = color.RGBA{230, 140, 20, 255}
	blue   = color.RGBA{30, 80, 200, 255}
	green  = color.RGBA{20, 150, 70, 255}
	grey   = color.RGBA{215, 215, 215, 255}
	purple = color.RGBA{120, 50, 170, 255}
	black  = color.RGBA{0, 0, 0, 255}
)

// Plot draws four log-log panels: time and API requests against leases,
// both tools on the same axes; kubectl-akash's time beside the floor of its
// requests; and time against processes.
func Plot(r *Results) []byte {
	const w, h = 2080, 560
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	pick := func(task string, runbook bool, val func(Measurement) float64) []point {
		var out []point
		for _, row := range rowsOf(r, task) {
			m := row.Plugin
			if runbook {
				m = row.Runbook
			}
			if v := val(m); v > 0 {
				out = append(out, point{float64(row.Size), v, m.Extrapolated != ""})
			}
		}
		return out
	}
	t := func(m Measurement) float64 { return m.Median }
	q := func(m Measurement) float64 { return float64(m.Requests) }
	clusterSeries := func(val func(Measurement) float64) []series {
		return []series{
			{"RUNBOOK FORCE-NEW", red, false, true, pick(TaskForceNew, true, val), false},
			{"RUNBOOK HEAL", orange, true, true, pick(TaskHeal, true, val), false},
			{"KUBECTL AKASH FORCE-NEW", blue, false, true, pick(TaskForceNew, false, val), false},
			{"KUBECTL AKASH HEAL", green, true, true, pick(TaskHeal, false, val), false},
		}
	}
	floor := func(task string) []point {
		var out []point
		for _, row := range rowsOf(r, task) {
			if row.Floor.Median > 0 {
				out = append(out, point{float64(row.Size), row.Floor.Median, false})
			}
		}
		return out
	}
	panel(img, image.Rect(0, 0, w/4, h), "TIME (S) VS LEASES", "LEASES", clusterSeries(t))
	panel(img, image.Rect(w/4, 0, 2*w/4, h), "API REQUESTS VS LEASES", "LEASES", clusterSeries(q))
	panel(img, image.Rect(2*w/4, 0, 3*w/4, h), "KUBECTL AKASH AND THE FLOOR (S)", "LEASES", []series{
		{"FORCE-NEW", blue, false, false, pick(TaskForceNew, false, t), false},
		{"HEAL", green, true, false, pick(TaskHeal, false, t), false},
		{"LEASES LIST", purple, false, false, pick(TaskList, false, t), false},
		{"", blue, false, false, floor(TaskForceNew), true},
		{"", green, true, false, floor(TaskHeal), true},
		{"", purple, false, false, floor(TaskList), true},
	})
	panel(img, image.Rect(3*w/4, 0, w, h), "ZOMBIE SCAN TIME (S) VS PROCESSES", "PROCESSES", []series{
		{"RUNBOOK (ONE ZOMBIE)", red, false, true, pick(TaskZombies, true, t), false},
		{"KUBECTL AKASH (ALL)", blue, false, true, pick(TaskZombies, false, t), false},
	})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// panel draws one log-log chart with its legend into rect.
func panel(img *image.RGBA, rect image.Rectangle, title, xlabel string, ss []series) {
	const scale = 2
	left, right, top, bottom := rect.Min.X+90, rect.Max.X-45, rect.Min.Y+50, rect.Max.Y-170
	drawText(img, rect.Min.X+(rect.Dx()-textWidth(title, scale))/2, rect.Min.Y+15, title, scale, black)
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for _, p := range s.pts {
			xmin, xmax = math.Min(xmin, p.x), math.Max(xmax, p.x)
			ymin, ymax = math.Min(ymin, p.y), math.Max(ymax, p.y)
		}
	}
	if math.IsInf(xmin, 0) {
		drawText(img, left, (top+bottom)/2, "NO DATA", scale, black)
		return
	}
	// Whole decades around the data.
	lx0, lx1 := math.Floor(math.Log10(xmin)), math.Ceil(math.Log10(xmax))
	ly0, ly1 := math.Floor(math.Log10(ymin)), math.Ceil(math.Log10(ymax))
	if lx1 == lx0 {
		lx1++
	}
	if ly1 == ly0 {
		ly1++
	}
	px := func(x float64) int {
		return left + int(math.Round((math.Log10(x)-lx0)/(lx1-lx0)*float64(right-left)))
	}
	py := func(y float64) int {
		return bottom - int(math.Round((math.Log10(y)-ly0)/(ly1-ly0)*float64(bottom-top)))
	}
	for d := lx0; d <= lx1; d++ {
		x := px(math.Pow(10, d))
		line(img, x, top, x, bottom, grey, 1, false)
		l := tick(d)
		drawText(img, x-textWidth(l, scale)/2, bottom+8, l, scale, black)
	}
	for d := ly0; d <= ly1; d++ {
		y := py(math.Pow(10, d))
		line(img, left, y, right, y, grey, 1, false)
		l := tick(d)
		drawText(img, left-8-textWidth(l, scale), y-7, l, scale, black)
	}
	line(img, left, bottom, right, bottom, black, 1, false)
	line(img, left, top, left, bottom, black, 1, false)
	drawText(img, (left+right-textWidth(xlabel+" (LOG)", scale))/2, bottom+32, xlabel+" (LOG)", scale, black)
	legend, note := 0, "HOLLOW: EXTRAPOLATED"
	for _, s := range ss {
		for j, p := range s.pts {
			if j > 0 {
				q := s.pts[j-1]
				line(img, px(q.x), py(q.y), px(p.x), py(p.y), s.c, 3, s.floor || p.extra && s.dashed)
			}
			marker(img, px(p.x), py(p.y), s.c, s.square, p.extra)
		}
		if s.floor {
			note = "DASHED: THE FLOOR"
		}
		if s.name == "" {
			continue // drawn, not in the legend (a floor shares its command's colour)
		}
		ly := bottom + 62 + legend*22
		legend++
		marker(img, left+8, ly+7, s.c, s.square, false)
		line(img, left-6, ly+7, left+22, ly+7, s.c, 3, false)
		drawText(img, left+32, ly, s.name, scale, black)
	}
	drawText(img, left+32, bottom+62+legend*22, note, scale, black)
}

// tick labels 10^d: 0.01, 1, 10, 1K, 100K, 1M.
func tick(d float64) string {
	v := math.Pow(10, d)
	switch {
	case d >= 6:
		return fmt.Sprintf("%.0fM", v/1e6)
	case d >= 3:
		return fmt.Sprintf("%.0fK", v/1e3)
	case d >= 0:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.*f", int(-d), v)
	}
}

// line draws a thick (or dashed) line from (x0, y0) to (x1, y1) (Bresenham).
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color, thick int, dashed bool) {
	dx, dy := abs2(x1-x0), -abs2(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for n := 0; ; n++ {
		if !dashed || (n/8)%2 == 0 {
			for a := -(thick / 2); a <= thick/2; a++ {
				for b := -(thick / 2); b <= thick/2; b++ {
					img.Set(x0+a, y0+b, c)
				}
			}
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

// marker draws a round or square point, hollow for extrapolated ones.
func marker(img *image.RGBA, x, y int, c color.Color, square, hollow bool) {
	const r = 6
	for a := -r; a <= r; a++ {
		for b := -r; b <= r; b++ {
			in := square || a*a+b*b <= r*r
			inner := (square && abs2(a) < r-1 && abs2(b) < r-1) || (!square && a*a+b*b < (r-2)*(r-2))
			switch {
			case !in:
			case hollow && inner:
				img.Set(x+a, y+b, color.White)
			default:
				img.Set(x+a, y+b, c)
			}
		}
	}
}

func abs2(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
