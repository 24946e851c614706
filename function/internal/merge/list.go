package merge

import (
	"strings"
)

// splitList splits a comma separated annotation into its items, trimming
// spaces and dropping empty items.
func splitList(s string) []string {
	return cleanList(strings.Split(s, ","))
}

// cleanList trims spaces from items and drops empty ones. It returns nil when
// nothing is left, so that an empty list never wins the merge.
func cleanList(items []string) []string {
	var out []string
	for _, i := range items {
		if i = strings.TrimSpace(i); i != "" {
			out = append(out, i)
		}
	}
	return out
}
