// Declarations of package syscall used by goguard's light types; signatures only.

package syscall

type Signal int

func (s Signal) Signal()
func (s Signal) String() string

// Signals whose numbers are the same on Linux and the BSDs.
const (
	SIGHUP  Signal = 0x1
	SIGINT  Signal = 0x2
	SIGQUIT Signal = 0x3
	SIGKILL Signal = 0x9
	SIGPIPE Signal = 0xd
	SIGTERM Signal = 0xf
)

type Errno uintptr

func (e Errno) Error() string
func (e Errno) Is(target error) bool
func (e Errno) Temporary() bool
func (e Errno) Timeout() bool

type RawConn interface {
	Control(f func(fd uintptr)) error
	Read(f func(fd uintptr) (done bool)) error
	Write(f func(fd uintptr) (done bool)) error
}

type SysProcAttr struct {
	Setpgid bool
	Pgid    int
}

func Getpid() int
func Kill(pid int, sig Signal) (err error)
