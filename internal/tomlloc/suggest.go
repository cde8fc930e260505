package tomlloc

import (
	"fmt"
	"strings"
)

// suggest returns ` (did you mean "x"?)` for the allowed key closest to key,
// or "" if none is close.
func suggest(key string, allowed []string) string {
	// Accept one edit in a short key, two in a longer one, and never as
	// many edits as the key has letters.
	best, bestD := "", 3
	if len(key) <= 4 {
		bestD = 2
	}
	bestD = min(bestD, len(key))
	for _, a := range allowed {
		if d := editDistance(strings.ToLower(key), a); d < bestD {
			best, bestD = a, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b in bytes. Long
// keys are not worth comparing; they get a large distance.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Suggest returns ` (did you mean "x"?)` for the word of allowed closest to
// word, or "" if none is close: the hint of eqsim's messages about unknown
// keys and names.
func Suggest(word string, allowed []string) string { return suggest(word, allowed) }
