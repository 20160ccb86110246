// Declarations of package runtime/debug used by goguard's light types; signatures only.

package debug

import (
	"os"
	"time"
)

func FreeOSMemory()
func PrintStack()
func Stack() []byte
func SetGCPercent(percent int) int
func SetMemoryLimit(limit int64) int64
func SetMaxStack(bytes int) int
func SetMaxThreads(threads int) int
func SetPanicOnFault(enabled bool) bool
func SetTraceback(level string)
func SetCrashOutput(f *os.File, opts CrashOptions) error
func WriteHeapDump(fd uintptr)
func ReadGCStats(stats *GCStats)

type CrashOptions struct{}

type GCStats struct {
	LastGC         time.Time
	NumGC          int64
	PauseTotal     time.Duration
	Pause          []time.Duration
	PauseEnd       []time.Time
	PauseQuantiles []time.Duration
}

type BuildInfo struct {
	GoVersion string
	Path      string
	Main      Module
	Deps      []*Module
	Settings  []BuildSetting
}

func ReadBuildInfo() (info *BuildInfo, ok bool)
func ParseBuildInfo(data string) (bi *BuildInfo, err error)
func (bi *BuildInfo) String() string

type Module struct {
	Path    string
	Version string
	Sum     string
	Replace *Module
}

type BuildSetting struct {
	Key, Value string
}
