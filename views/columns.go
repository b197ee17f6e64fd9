package views

import (
	"switchboard/monitor"
)

// colID names a table column.
type colID int

// Columns in screen order.
const (
	colName colID = iota
	colKind
	colState
	colLast
	colP50
	colP95
	colErr
	colAvail
	colSpark
	colOfficial
	colLastErr
	colAge
	colServed
	colReqRate // the applications' requests: rate, errors, TTFT, tokens/s
	colAppErr
	colTTFT
	colTokRate
	numCols
)

// dropOrder is the order in which columns leave as the width shrinks. The
// sparkline first gives up its extra width (it starts at sparkMin and only
// grows into leftover space), then the least important columns go. What
// the applications feel (rate, errors, time to first token, tokens/s)
// needs a wall-sized screen: it goes right after the official status and
// the last error, so that up to about 100 columns the table is the
// compact one it has always been. Name and state never go.
var dropOrder = []colID{
	colOfficial, colLastErr, colTokRate, colTTFT, colAppErr, colReqRate,
	colKind, colAvail, colP50, colServed, colAge, colP95, colLast, colSpark, colErr,
}

// Width limits of the flexible columns.
const (
	gutterWidth = 3 // cursor, enabled mark, active mark
	sparkMin    = 8
	sparkMax    = 30
	lastErrMin  = 10
	lastErrMax  = 48
	nameMax     = 16
	kindMax     = 12
)

var colTitles = [numCols]string{
	colName: "NAME", colKind: "KIND", colState: "STATE", colLast: "LAST",
	colP50: "P50", colP95: "P95", colErr: "ERR%", colAvail: "AVAIL",
	colSpark: "LATENCY", colOfficial: "OFFICIAL", colLastErr: "LAST ERROR",
	colAge: "AGE", colServed: "SERVED",
	colReqRate: "REQ/S", colAppErr: "APP ERR", colTTFT: "TTFT", colTokRate: "TOK/S",
}

// rightAligned columns hold numbers.
var rightAligned = [numCols]bool{
	colLast: true, colP50: true, colP95: true, colErr: true, colAvail: true,
	colAge: true, colServed: true, colReqRate: true, colAppErr: true, colTTFT: true, colTokRate: true,
}

// tableLayout is the set of visible columns and their widths for one render.
type tableLayout struct {
	show  [numCols]bool
	width [numCols]int
}

// layoutColumns decides which columns fit in w cells and how wide each is.
func layoutColumns(snap *monitor.Snapshot, w int) tableLayout {
	var l tableLayout
	l.width = naturalWidths(snap)
	for c := colID(0); c < numCols; c++ {
		l.show[c] = true
	}
	for _, c := range []colID{colServed, colReqRate, colAppErr, colTTFT, colTokRate} {
		l.show[c] = snap.Traffic.Enabled // the gateway's traffic: none without it
	}
	for _, c := range dropOrder {
		if l.total() <= w {
			break
		}
		l.show[c] = false
	}
	if l.total() > w { // name gives way last, down to a few cells
		l.width[colName] = max(4, l.width[colName]-(l.total()-w))
	}
	l.grow(colSpark, sparkMax, w)
	l.grow(colLastErr, lastErrMax, w)
	return l
}

// naturalWidths are the widths before any growth: wide enough for every
// provider's text (within caps) and for the titles.
func naturalWidths(snap *monitor.Snapshot) [numCols]int {
	var wd [numCols]int
	for c := colID(0); c < numCols; c++ {
		wd[c] = len(colTitles[c])
	}
	wd[colLast], wd[colP50], wd[colP95] = 6, 6, 6
	wd[colErr], wd[colAvail] = 6, 6
	wd[colSpark] = sparkMin
	wd[colOfficial] = 12
	wd[colLastErr] = lastErrMin
	wd[colAge] = 4
	wd[colServed] = 6
	wd[colReqRate], wd[colTTFT], wd[colTokRate] = 5, 6, 5
	for i := range snap.Providers {
		p := &snap.Providers[i]
		wd[colName] = max(wd[colName], min(visibleWidth(p.Name), nameMax))
		wd[colKind] = max(wd[colKind], min(visibleWidth(p.Kind), kindMax))
		wd[colState] = max(wd[colState], visibleWidth(StateLabel(p.State)))
	}
	return wd
}

// total is the line width of the visible columns, one space between each.
func (l *tableLayout) total() int {
	t := gutterWidth
	for c := colID(0); c < numCols; c++ {
		if l.show[c] {
			t += 1 + l.width[c]
		}
	}
	return t
}

// grow widens a visible column into leftover space, up to limit.
func (l *tableLayout) grow(c colID, limit, w int) {
	if !l.show[c] {
		return
	}
	if extra := w - l.total(); extra > 0 {
		l.width[c] = min(limit, l.width[c]+extra)
	}
}
