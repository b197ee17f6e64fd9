package config

import "strings"

// suggest returns the name in names that the user probably meant by got,
// or "" when none is close: the same name spelled with other case or
// separators (baseURL, base-url), a typo of at most two edits, or a word
// that the name contains (azure → azure-openai).
func suggest(got string, names []string) string {
	if len(got) > 64 {
		return ""
	}
	g := normalize(got)
	best, bestDist := "", 3
	for _, n := range names {
		if normalize(n) == g {
			return n
		}
		if d := editDistance(strings.ToLower(got), n); d < bestDist && d < len(n)/2+1 {
			best, bestDist = n, d
		}
	}
	if best != "" {
		return best
	}
	for _, n := range names {
		if len(g) >= 4 && strings.Contains(normalize(n), g) {
			return n
		}
	}
	return ""
}

func normalize(s string) string {
	return strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToLower(s))
}

// editDistance is the Levenshtein distance between a and b (bytes; the
// names compared are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
