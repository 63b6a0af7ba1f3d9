package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"{{ cookiecutter.go_module }}/internal/textstats"
)

// testFiles are written to a fresh temporary directory, which becomes the
// working directory, for every subtest.
var testFiles = map[string]string{
	"a.txt": "hello world\n",
	"b.txt": "one\ntwo three\nfour",
	// Named like a flag, to check that "--" ends the flags.
	"-json": "a\n",
}

// The counts of testFiles, for the JSON tests.
var (
	aCounts = textstats.Counts{Lines: 1, Words: 2, Bytes: 12}
	bCounts = textstats.Counts{Lines: 2, Words: 4, Bytes: 18}
)

// setup fills a new working directory with testFiles.
func setup(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range testFiles {
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// noStdin stands in for standard input where the command must not read
// it: if it does, the error shows up in stderr and fails the test.
func noStdin() io.Reader {
	return iotest.ErrReader(errors.New("stdin must not be read"))
}

// runCLI runs the command in the test's directory with the given input (nil:
// stdin must not be read) and returns its exit code and output.
func runCLI(t *testing.T, args []string, stdin io.Reader) (code int, stdout, stderr string) {
	t.Helper()
	setup(t)
	if stdin == nil {
		stdin = noStdin()
	}
	var out, errOut bytes.Buffer
	code = Run(args, stdin, &out, &errOut, "1.2.3")
	return code, out.String(), errOut.String()
}

func TestRun(t *testing.T) {
	usageHint := "Run '" + commandName + " -h' for usage.\n"
	tests := []struct {
		name       string
		args       []string
		stdin      io.Reader // nil means stdin must not be read
		wantCode   int
		wantStdout string
		// wantStderr must match exactly, unless wantStderrPrefix is set:
		// messages from the operating system differ between platforms.
		wantStderr       string
		wantStderrPrefix string
	}{
		{
			name:       "stdin",
			stdin:      strings.NewReader("hello world\n"),
			wantStdout: "       1        2       12\n",
		},
		{
			name:       "empty stdin",
			stdin:      strings.NewReader(""),
			wantStdout: "       0        0        0\n",
		},
		{
			name:       "one file",
			args:       []string{"a.txt"},
			wantStdout: "       1        2       12 a.txt\n",
		},
		{
			name: "two files and a total",
			args: []string{"a.txt", "b.txt"},
			wantStdout: "       1        2       12 a.txt\n" +
				"       2        4       18 b.txt\n" +
				"       3        6       30 total\n",
		},
		{
			name:  "dash reads stdin among files",
			args:  []string{"a.txt", "-"},
			stdin: strings.NewReader("x y z"),
			wantStdout: "       1        2       12 a.txt\n" +
				"       0        3        5 -\n" +
				"       1        5       17 total\n",
		},
		{
			name:       "double dash ends flags",
			args:       []string{"--", "-json"},
			wantStdout: "       1        1        2 -json\n",
		},
		{
			name:             "flags after a file are file names",
			args:             []string{"a.txt", "--json"},
			wantCode:         1,
			wantStdout:       "       1        2       12 a.txt\n" + "       1        2       12 total\n",
			wantStderrPrefix: commandName + ": open --json: ",
		},
		{
			name:             "missing file does not stop the others",
			args:             []string{"nosuch.txt", "a.txt"},
			wantCode:         1,
			wantStdout:       "       1        2       12 a.txt\n" + "       1        2       12 total\n",
			wantStderrPrefix: commandName + ": open nosuch.txt: ",
		},
		{
			name:             "directory cannot be read",
			args:             []string{"."},
			wantCode:         1,
			wantStderrPrefix: commandName + ": ",
		},
		{
			name:       "stdin read error",
			stdin:      iotest.ErrReader(errors.New("boom")),
			wantCode:   1,
			wantStderr: commandName + ": read stdin: boom\n",
		},
		{
			name:       "version",
			args:       []string{"--version"},
			wantStdout: commandName + " 1.2.3\n",
		},
		{
			name:       "version with one dash and files",
			args:       []string{"-version", "a.txt"},
			wantStdout: commandName + " 1.2.3\n",
		},
		{
			name:       "unknown flag",
			args:       []string{"-x"},
			wantCode:   2,
			wantStderr: commandName + ": flag provided but not defined: -x\n" + usageHint,
		},
		{
			name:       "bad flag value",
			args:       []string{"--json=maybe"},
			wantCode:   2,
			wantStderr: commandName + ": invalid boolean value \"maybe\" for -json: parse error\n" + usageHint,
		},
		{
			name:       "empty file name",
			args:       []string{"a.txt", ""},
			wantCode:   2,
			wantStderr: commandName + ": empty file name\n" + usageHint,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args, tt.stdin)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if stdout != tt.wantStdout {
				t.Errorf("stdout:\ngot:\n%s\nwant:\n%s", stdout, tt.wantStdout)
			}
			if tt.wantStderrPrefix != "" {
				if !strings.HasPrefix(stderr, tt.wantStderrPrefix) || strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr = %q, want one line starting with %q", stderr, tt.wantStderrPrefix)
				}
			} else if stderr != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestRunHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run([]string{arg, "a.txt"}, noStdin(), &stdout, &stderr, "1.2.3")
			if code != 0 {
				t.Errorf("exit code = %d, want 0", code)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
			got := stdout.String()
			for _, want := range []string{
				"Usage: " + commandName + " [flags] [FILE ...]\n",
				description,
				"  -json\n",
				"  -version\n",
				"  -h, -help\n",
				"Exit status",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("usage does not contain %q; got:\n%s", want, got)
				}
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    io.Reader // nil means stdin must not be read
		wantCode int
		want     report
	}{
		{
			name:  "stdin is named dash",
			args:  []string{"--json"},
			stdin: strings.NewReader("hello world\n"),
			want: report{
				Files: []fileCounts{
					{Name: "-", Counts: aCounts},
				},
				Total: aCounts,
			},
		},
		{
			name: "two files",
			args: []string{"-json", "a.txt", "b.txt"},
			want: report{
				Files: []fileCounts{
					{Name: "a.txt", Counts: aCounts},
					{Name: "b.txt", Counts: bCounts},
				},
				Total: textstats.Counts{Lines: 3, Words: 6, Bytes: 30},
			},
		},
		{
			name:     "missing file is left out",
			args:     []string{"--json", "a.txt", "nosuch.txt"},
			wantCode: 1,
			want: report{
				Files: []fileCounts{
					{Name: "a.txt", Counts: aCounts},
				},
				Total: aCounts,
			},
		},
		{
			// An empty list, not null, so that consumers can always iterate.
			name:     "no file readable",
			args:     []string{"--json", "nosuch.txt"},
			wantCode: 1,
			want: report{
				Files: []fileCounts{},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, tt.args, tt.stdin)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
				t.Errorf("stdout = %q, want one line ended by a newline", out)
			}
			dec := json.NewDecoder(strings.NewReader(out))
			// Unknown keys would mean the documented format changed.
			dec.DisallowUnknownFields()
			var got report
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decoding stdout %q: %v", out, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("JSON:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// failWriter fails every write, like a closed pipe or a full disk.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRunWriteError(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{
			name: "text",
		},
		{
			name: "json",
			args: []string{"--json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := Run(tt.args, strings.NewReader("x\n"), failWriter{}, &stderr, "1.2.3")
			if code != 1 {
				t.Errorf("exit code = %d, want 1", code)
			}
			want := commandName + ": write output: disk full\n"
			if got := stderr.String(); got != want {
				t.Errorf("stderr = %q, want %q", got, want)
			}
		})
	}
}
