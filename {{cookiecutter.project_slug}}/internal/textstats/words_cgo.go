//go:build cgo

package textstats

// The loop is written here rather than calling isspace from <ctype.h>,
// whose answer depends on the C library's locale: this way the result is
// the same on every platform and for every cross-compiler, and matches the
// pure Go version in words.go, which builds instead when cgo is off.

/*
#include <stddef.h>

// count_word_starts returns the number of words that start in buf[0:len],
// a word being a maximal run of bytes other than ASCII white space.
// *in_word says on entry whether the data before buf ended inside a word,
// and on return whether buf does.
static size_t count_word_starts(const unsigned char *buf, size_t len, int *in_word) {
	size_t n = 0;
	int in = *in_word;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = buf[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
			in = 0;
		} else if (!in) {
			in = 1;
			n++;
		}
	}
	*in_word = in;
	return n;
}
*/
import "C"

import "unsafe"

// countWords returns the number of words that start in chunk, and whether
// chunk ends inside a word. inWord says whether the data before chunk
// ended inside a word, in which case a word at the start of chunk
// continues that one and is not counted again.
func countWords(chunk []byte, inWord bool) (int, bool) {
	// &chunk[0] would panic on an empty slice, and there is nothing to do.
	if len(chunk) == 0 {
		return 0, inWord
	}
	var in C.int
	if inWord {
		in = 1
	}
	// Passing Go memory to C is allowed because C keeps no pointer to it
	// after the call returns.
	n := C.count_word_starts((*C.uchar)(unsafe.Pointer(&chunk[0])), C.size_t(len(chunk)), &in)
	return int(n), in != 0
}
