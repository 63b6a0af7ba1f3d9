package textstats

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readers wraps an input in ways that split it into different chunks,
// so that the state carried between chunks is tested whichever word
// counter, Go or C, the package was built with.
var readers = []struct {
	name string
	wrap func(io.Reader) io.Reader
}{
	{
		name: "whole",
		wrap: func(r io.Reader) io.Reader { return r },
	},
	{
		name: "one byte",
		wrap: iotest.OneByteReader,
	},
	{
		name: "half",
		wrap: iotest.HalfReader,
	},
	{
		name: "data with EOF",
		wrap: iotest.DataErrReader,
	},
}

func TestCount(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  Counts
	}{
		{
			name:  "empty",
			input: "",
			want:  Counts{},
		},
		{
			name:  "one line",
			input: "hello world\n",
			want:  Counts{Lines: 1, Words: 2, Bytes: 12},
		},
		{
			name:  "no final newline",
			input: "a b",
			want:  Counts{Lines: 0, Words: 2, Bytes: 3},
		},
		{
			name:  "only newlines",
			input: "\n\n\n",
			want:  Counts{Lines: 3, Words: 0, Bytes: 3},
		},
		{
			name:  "runs of space",
			input: "  one   two  \n\n three ",
			want:  Counts{Lines: 2, Words: 3, Bytes: 22},
		},
		{
			name:  "all ASCII white space",
			input: "a\tb\nc\vd\fe\rf g",
			want:  Counts{Lines: 1, Words: 7, Bytes: 13},
		},
		{
			name:  "UTF-8 letters",
			input: "héllo wörld\n",
			want:  Counts{Lines: 1, Words: 2, Bytes: 14},
		},
		{
			name:  "no-break space is not white space",
			input: "a\u00a0b",
			want:  Counts{Lines: 0, Words: 1, Bytes: 4},
		},
		{
			name:  "NUL is not white space",
			input: "\x00 \x00",
			want:  Counts{Lines: 0, Words: 2, Bytes: 3},
		},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				got, err := Count(rd.wrap(strings.NewReader(tt.input)))
				if err != nil {
					t.Fatalf("Count(%q) error: %v", tt.input, err)
				}
				if got != tt.want {
					t.Errorf("Count(%q) = %+v, want %+v", tt.input, got, tt.want)
				}
			})
		}
	}
}

// TestCountLarge crosses the internal buffer boundary, with a word
// straddling it, to check that the word in progress is carried over.
func TestCountLarge(t *testing.T) {
	// "ab\n" is 3 bytes, so bufSize (not a multiple of 3) splits a word.
	n := bufSize/3*2 + 1
	input := strings.Repeat("ab\n", n)
	want := Counts{Lines: int64(n), Words: int64(n), Bytes: int64(3 * n)}
	got, err := Count(strings.NewReader(input))
	if err != nil {
		t.Fatalf("Count error: %v", err)
	}
	if got != want {
		t.Errorf("Count = %+v, want %+v", got, want)
	}
}

func TestCountReadError(t *testing.T) {
	errBoom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("one two\n"), iotest.ErrReader(errBoom))
	got, err := Count(r)
	if !errors.Is(err, errBoom) {
		t.Errorf("Count error = %v, want %v", err, errBoom)
	}
	want := Counts{Lines: 1, Words: 2, Bytes: 8}
	if got != want {
		t.Errorf("Count = %+v, want the counts before the error, %+v", got, want)
	}
}

func TestCountWords(t *testing.T) {
	tests := []struct {
		name       string
		chunk      string
		inWord     bool
		wantN      int
		wantInWord bool
	}{
		{
			name:       "empty outside word",
			chunk:      "",
			inWord:     false,
			wantN:      0,
			wantInWord: false,
		},
		{
			name:       "empty inside word",
			chunk:      "",
			inWord:     true,
			wantN:      0,
			wantInWord: true,
		},
		{
			name:       "continues word",
			chunk:      "lo wor",
			inWord:     true,
			wantN:      1,
			wantInWord: true,
		},
		{
			name:       "starts word",
			chunk:      "lo wor",
			inWord:     false,
			wantN:      2,
			wantInWord: true,
		},
		{
			name:       "ends in space",
			chunk:      "ab ",
			inWord:     false,
			wantN:      1,
			wantInWord: false,
		},
		{
			name:       "space ends carried word",
			chunk:      " x",
			inWord:     true,
			wantN:      1,
			wantInWord: true,
		},
		{
			name:       "high bytes are word bytes",
			chunk:      "\xff\x80",
			inWord:     false,
			wantN:      1,
			wantInWord: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotN, gotInWord := countWords([]byte(tt.chunk), tt.inWord)
			if gotN != tt.wantN || gotInWord != tt.wantInWord {
				t.Errorf("countWords(%q, %v) = (%d, %v), want (%d, %v)",
					tt.chunk, tt.inWord, gotN, gotInWord, tt.wantN, tt.wantInWord)
			}
		})
	}
}

func TestCountsAdd(t *testing.T) {
	c := Counts{Lines: 1, Words: 2, Bytes: 3}
	c.Add(Counts{Lines: 10, Words: 20, Bytes: 30})
	want := Counts{Lines: 11, Words: 22, Bytes: 33}
	if c != want {
		t.Errorf("after Add: %+v, want %+v", c, want)
	}
}

// FuzzCount checks Count against a simple reference built on the bytes
// package, whole and one byte at a time. Plain "go test" runs the seeds.
func FuzzCount(f *testing.F) {
	for _, seed := range []string{"", "a", " a ", "a\nb c\n", "\t\v\f\r \n", "héllo\u00a0wörld", "\xff \x00"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := Counts{
			Lines: int64(bytes.Count(data, []byte("\n"))),
			Words: int64(len(bytes.FieldsFunc(data, isASCIISpace))),
			Bytes: int64(len(data)),
		}
		for _, rd := range readers {
			got, err := Count(rd.wrap(bytes.NewReader(data)))
			if err != nil {
				t.Fatalf("%s: Count(%q) error: %v", rd.name, data, err)
			}
			if got != want {
				t.Errorf("%s: Count(%q) = %+v, want %+v", rd.name, data, got, want)
			}
		}
	})
}

// isASCIISpace is the reference white space test. bytes.FieldsFunc hands
// it runes, but runes from multi-byte or invalid UTF-8 are never ASCII,
// so splitting on it is the same as splitting bytes.
func isASCIISpace(r rune) bool {
	return strings.ContainsRune(" \t\n\v\f\r", r)
}
