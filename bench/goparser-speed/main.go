// Command goparser-speed measures go/parser's single-threaded throughput on Go trees,
// the reference that goguard's parser is compared with (bench/parse-speed.sh).
//
// It selects files as `goguard debug parse` does by default: *.go files, skipping
// vendor/, testdata/ and hidden entries, and files that are not UTF-8. Each round
// reads every file and times ParseFile alone; the best round is reported.
package main

import (
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

func main() {
	rounds := flag.Int("rounds", 3, "number of passes over the files; the fastest is reported")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: goparser-speed [-rounds N] DIR...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *rounds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := collect(flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "goparser-speed:", err)
		os.Exit(2)
	}

	var best time.Duration
	var bytes int64
	var filesWithErrors int
	for r := 0; r < *rounds; r++ {
		elapsed, n, errs := parseAll(files)
		if r == 0 || elapsed < best {
			best = elapsed
		}
		bytes, filesWithErrors = n, errs
		fmt.Printf("round %d: %.3fs, %.1f MB/s\n", r+1, elapsed.Seconds(), mbps(n, elapsed))
	}
	fmt.Printf("RESULT files=%d bytes=%d files_with_errors=%d seconds=%.4f mbps_per_thread=%.1f\n",
		len(files), bytes, filesWithErrors, best.Seconds(), mbps(bytes, best))
}

// collect returns the .go files under the roots, sorted. Roots that are files are
// taken as they are.
func collect(roots []string) ([]string, error) {
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != root && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != root && (name == "vendor" || name == "testdata") {
					return filepath.SkipDir
				}
				return nil
			}
			if path == root || (d.Type().IsRegular() && strings.HasSuffix(name, ".go")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(files)
	return files, nil
}

// parseAll parses every UTF-8 file once and returns the time spent in the parser
// alone, the bytes parsed and the number of files with syntax errors.
func parseAll(files []string) (time.Duration, int64, int) {
	var total time.Duration
	var bytes int64
	filesWithErrors := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil || !utf8.Valid(src) {
			continue
		}
		fset := token.NewFileSet()
		start := time.Now()
		_, err = parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		total += time.Since(start)
		bytes += int64(len(src))
		if err != nil {
			filesWithErrors++
		}
	}
	return total, bytes, filesWithErrors
}

func mbps(bytes int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(bytes) / 1e6 / d.Seconds()
}
