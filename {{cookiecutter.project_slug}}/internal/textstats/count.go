// Package textstats counts the lines, words and bytes of text, as wc does.
//
// A line is counted for each newline byte, so a last line without one is
// not counted. A word is a maximal run of bytes that are not ASCII white
// space (space, \t, \n, \v, \f, \r). Every byte of a multi-byte UTF-8
// character is at least 0x80 and so never white space: the counts need no
// decoding and do not depend on the locale.
package textstats

import (
	"bytes"
	"errors"
	"io"
)

// bufSize is the size of each read: large enough that the cost of each
// call (and, in the cgo build, of each crossing into C) is small, and
// fixed so that any input streams through in constant memory.
const bufSize = 64 * 1024

// Counts holds the counts of one input, or the total of several.
type Counts struct {
	Lines int64 `json:"lines"`
	Words int64 `json:"words"`
	Bytes int64 `json:"bytes"`
}

// Add adds other to c, to build a total over several inputs.
func (c *Counts) Add(other Counts) {
	c.Lines += other.Lines
	c.Words += other.Words
	c.Bytes += other.Bytes
}

// Count reads r until EOF and returns its counts. If reading fails, it
// returns the counts up to that point and the error, unwrapped, since
// errors from os already name the file.
func Count(r io.Reader) (Counts, error) {
	var c Counts
	// inWord carries across reads, so that a word split between two
	// chunks is counted once.
	inWord := false
	buf := make([]byte, bufSize)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		c.Bytes += int64(n)
		c.Lines += int64(bytes.Count(chunk, []byte("\n")))
		// countWords is in words_cgo.go when cgo is on (CGO_ENABLED=1),
		// and in words.go otherwise: their build constraints pick one.
		var words int
		words, inWord = countWords(chunk, inWord)
		c.Words += int64(words)
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		if err != nil {
			return c, err
		}
	}
}
