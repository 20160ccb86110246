// Declarations of package runtime used by goguard's light types; signatures only.

package runtime

const Compiler = "gc"

const GOARCH string = "amd64" // value differs by platform

const GOOS string = "linux" // value differs by platform

var MemProfileRate int

func Gosched()
func GC()
func Goexit()
func GOMAXPROCS(n int) int
func SetDefaultGOMAXPROCS()
func NumCPU() int
func NumGoroutine() int
func NumCgoCall() int64
func GOROOT() string
func Version() string
func KeepAlive(x any)
func SetFinalizer(obj any, finalizer any)
func LockOSThread()
func UnlockOSThread()
func Breakpoint()
func ReadMemStats(m *MemStats)
func Stack(buf []byte, all bool) int
func Caller(skip int) (pc uintptr, file string, line int, ok bool)
func Callers(skip int, pc []uintptr) int
func SetBlockProfileRate(rate int)
func SetMutexProfileFraction(rate int) int
func SetCPUProfileRate(hz int)
func StartTrace() error
func StopTrace()
func ReadTrace() (buf []byte)
func GoroutineProfile(p []StackRecord) (n int, ok bool)
func ThreadCreateProfile(p []StackRecord) (n int, ok bool)

type StackRecord struct {
	Stack0 [32]uintptr
}

func (r *StackRecord) Stack() []uintptr

type Cleanup struct{}

func AddCleanup[T, S any](ptr *T, cleanup func(S), arg S) Cleanup
func (c Cleanup) Stop()

type Error interface {
	error
	RuntimeError()
}

type TypeAssertionError struct{}

func (*TypeAssertionError) RuntimeError()
func (e *TypeAssertionError) Error() string

type PanicNilError struct{}

func (*PanicNilError) Error() string
func (*PanicNilError) RuntimeError()

type Frame struct {
	PC       uintptr
	Func     *Func
	Function string
	File     string
	Line     int
	Entry    uintptr
}

type Frames struct{}

func CallersFrames(callers []uintptr) *Frames
func (ci *Frames) Next() (frame Frame, more bool)

type Func struct{}

func FuncForPC(pc uintptr) *Func
func (f *Func) Name() string
func (f *Func) Entry() uintptr
func (f *Func) FileLine(pc uintptr) (file string, line int)

type Pinner struct{}

func (p *Pinner) Pin(pointer any)
func (p *Pinner) Unpin()

type MemStats struct {
	Alloc         uint64
	TotalAlloc    uint64
	Sys           uint64
	Lookups       uint64
	Mallocs       uint64
	Frees         uint64
	HeapAlloc     uint64
	HeapSys       uint64
	HeapIdle      uint64
	HeapInuse     uint64
	HeapReleased  uint64
	HeapObjects   uint64
	StackInuse    uint64
	StackSys      uint64
	MSpanInuse    uint64
	MSpanSys      uint64
	MCacheInuse   uint64
	MCacheSys     uint64
	BuckHashSys   uint64
	GCSys         uint64
	OtherSys      uint64
	NextGC        uint64
	LastGC        uint64
	PauseTotalNs  uint64
	PauseNs       [256]uint64
	PauseEnd      [256]uint64
	NumGC         uint32
	NumForcedGC   uint32
	GCCPUFraction float64
	EnableGC      bool
	DebugGC       bool
	BySize        [61]struct {
		Size    uint32
		Mallocs uint64
		Frees   uint64
	}
}
