// Declarations of package testing used by goguard's light types; signatures only.

package testing

import (
	"context"
	"io"
	"time"
)

// common holds the methods T, B and F share through embedding, as in the
// real package; lookups of t.Fatal and friends go through it.
type common struct{}

func (c *common) ArtifactDir() string
func (c *common) Attr(key, value string)
func (c *common) Chdir(dir string)
func (c *common) Cleanup(f func())
func (c *common) Context() context.Context
func (c *common) Error(args ...any)
func (c *common) Errorf(format string, args ...any)
func (c *common) Fail()
func (c *common) FailNow()
func (c *common) Failed() bool
func (c *common) Fatal(args ...any)
func (c *common) Fatalf(format string, args ...any)
func (c *common) Helper()
func (c *common) Log(args ...any)
func (c *common) Logf(format string, args ...any)
func (c *common) Name() string
func (c *common) Output() io.Writer
func (c *common) Setenv(key, value string)
func (c *common) Skip(args ...any)
func (c *common) SkipNow()
func (c *common) Skipf(format string, args ...any)
func (c *common) Skipped() bool
func (c *common) TempDir() string

type TB interface {
	ArtifactDir() string
	Attr(key, value string)
	Cleanup(func())
	Error(args ...any)
	Errorf(format string, args ...any)
	Fail()
	FailNow()
	Failed() bool
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Helper()
	Log(args ...any)
	Logf(format string, args ...any)
	Name() string
	Setenv(key, value string)
	Chdir(dir string)
	Skip(args ...any)
	SkipNow()
	Skipf(format string, args ...any)
	Skipped() bool
	TempDir() string
	Context() context.Context
	Output() io.Writer

	// Keeps types outside the package from implementing TB.
	private()
}

type T struct {
	common
}

func (t *T) Chdir(dir string)
func (t *T) Deadline() (deadline time.Time, ok bool)
func (t *T) Parallel()
func (t *T) Run(name string, f func(t *T)) bool
func (t *T) Setenv(key, value string)

type B struct {
	common
	N int
}

func (b *B) Elapsed() time.Duration
func (b *B) Loop() bool
func (b *B) ReportAllocs()
func (b *B) ReportMetric(n float64, unit string)
func (b *B) ResetTimer()
func (b *B) Run(name string, f func(b *B)) bool
func (b *B) RunParallel(body func(*PB))
func (b *B) SetBytes(n int64)
func (b *B) SetParallelism(p int)
func (b *B) StartTimer()
func (b *B) StopTimer()

type PB struct{}

func (pb *PB) Next() bool

type BenchmarkResult struct {
	N         int
	T         time.Duration
	Bytes     int64
	MemAllocs uint64
	MemBytes  uint64
	Extra     map[string]float64
}

func Benchmark(f func(b *B)) BenchmarkResult

type F struct {
	common
}

func (f *F) Add(args ...any)
func (f *F) Fail()
func (f *F) Fuzz(ff any)
func (f *F) Helper()
func (f *F) Skipped() bool

type M struct{}

func (m *M) Run() (code int)

func AllocsPerRun(runs int, f func()) (avg float64)
func CoverMode() string
func Short() bool
func Testing() bool
func Verbose() bool
