//go:build !cgo

package textstats

// countWords returns the number of words that start in chunk, and whether
// chunk ends inside a word. inWord says whether the data before chunk
// ended inside a word, in which case a word at the start of chunk
// continues that one and is not counted again.
func countWords(chunk []byte, inWord bool) (int, bool) {
	n := 0
	for _, b := range chunk {
		switch {
		case isSpace(b):
			inWord = false
		case !inWord:
			inWord = true
			n++
		}
	}
	return n, inWord
}

// isSpace reports whether b is ASCII white space, the same set as C's
// isspace in the "C" locale.
func isSpace(b byte) bool {
	switch b {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}
