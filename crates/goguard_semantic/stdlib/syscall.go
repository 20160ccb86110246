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

// Error numbers as on linux/amd64.
const (
	EPERM        Errno = 0x1  // value differs by platform
	ENOENT       Errno = 0x2  // value differs by platform
	EINTR        Errno = 0x4  // value differs by platform
	EBADF        Errno = 0x9  // value differs by platform
	EAGAIN       Errno = 0xb  // value differs by platform
	EACCES       Errno = 0xd  // value differs by platform
	EEXIST       Errno = 0x11 // value differs by platform
	ENOTDIR      Errno = 0x14 // value differs by platform
	EISDIR       Errno = 0x15 // value differs by platform
	EINVAL       Errno = 0x16 // value differs by platform
	ENOSPC       Errno = 0x1c // value differs by platform
	EPIPE        Errno = 0x20 // value differs by platform
	ENOTSUP      Errno = 0x5f // value differs by platform
	EADDRINUSE   Errno = 0x62 // value differs by platform
	ECONNRESET   Errno = 0x68 // value differs by platform
	ETIMEDOUT    Errno = 0x6e // value differs by platform
	ECONNREFUSED Errno = 0x6f // value differs by platform
)

type RawConn interface {
	Control(f func(fd uintptr)) error
	Read(f func(fd uintptr) (done bool)) error
	Write(f func(fd uintptr) (done bool)) error
}

type SysProcAttr struct {
	Setpgid bool
	Pgid    int
}

func Exit(code int)
func Getpid() int
func Kill(pid int, sig Signal) (err error)
