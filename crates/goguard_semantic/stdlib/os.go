// Declarations of package os used by goguard's light types; signatures only.

package os

import (
	"io"
	"io/fs"
	"syscall"
	"time"
)

const (
	O_RDONLY int = syscall.O_RDONLY
	O_WRONLY int = syscall.O_WRONLY
	O_RDWR   int = syscall.O_RDWR
	O_APPEND int = syscall.O_APPEND
	O_CREATE int = syscall.O_CREAT
	O_EXCL   int = syscall.O_EXCL
	O_SYNC   int = syscall.O_SYNC
	O_TRUNC  int = syscall.O_TRUNC
)

const (
	PathSeparator     = '/' // value differs by platform
	PathListSeparator = ':' // value differs by platform
)

const DevNull = "/dev/null" // value differs by platform

const (
	ModeDir        fs.FileMode = fs.ModeDir
	ModeAppend     fs.FileMode = fs.ModeAppend
	ModeSymlink    fs.FileMode = fs.ModeSymlink
	ModeNamedPipe  fs.FileMode = fs.ModeNamedPipe
	ModeSocket     fs.FileMode = fs.ModeSocket
	ModeType       fs.FileMode = fs.ModeType
	ModePerm       fs.FileMode = fs.ModePerm
	ModeIrregular  fs.FileMode = fs.ModeIrregular
	ModeCharDevice fs.FileMode = fs.ModeCharDevice
	ModeDevice     fs.FileMode = fs.ModeDevice
	ModeSetuid     fs.FileMode = fs.ModeSetuid
	ModeSetgid     fs.FileMode = fs.ModeSetgid
	ModeSticky     fs.FileMode = fs.ModeSticky
	ModeExclusive  fs.FileMode = fs.ModeExclusive
	ModeTemporary  fs.FileMode = fs.ModeTemporary
)

var (
	ErrInvalid          error
	ErrPermission       error
	ErrExist            error
	ErrNotExist         error
	ErrClosed           error
	ErrNoDeadline       error
	ErrDeadlineExceeded error
	ErrProcessDone      error
)

var (
	Stdin  *File
	Stdout *File
	Stderr *File
)

var Args []string

type FileInfo = fs.FileInfo

type FileMode = fs.FileMode

type DirEntry = fs.DirEntry

type PathError = fs.PathError

type LinkError struct {
	Op  string
	Old string
	New string
	Err error
}

func (e *LinkError) Error() string
func (e *LinkError) Unwrap() error

type SyscallError struct {
	Syscall string
	Err     error
}

func (e *SyscallError) Error() string
func (e *SyscallError) Unwrap() error
func (e *SyscallError) Timeout() bool

func NewSyscallError(syscall string, err error) error

type File struct{}

func Create(name string) (*File, error)
func CreateTemp(dir, pattern string) (*File, error)
func NewFile(fd uintptr, name string) *File
func Open(name string) (*File, error)
func OpenFile(name string, flag int, perm FileMode) (*File, error)
func Pipe() (r *File, w *File, err error)

func (f *File) Name() string
func (f *File) Fd() uintptr
func (f *File) Close() error
func (f *File) Read(b []byte) (n int, err error)
func (f *File) ReadAt(b []byte, off int64) (n int, err error)
func (f *File) ReadFrom(r io.Reader) (n int64, err error)
func (f *File) Write(b []byte) (n int, err error)
func (f *File) WriteAt(b []byte, off int64) (n int, err error)
func (f *File) WriteString(s string) (n int, err error)
func (f *File) WriteTo(w io.Writer) (n int64, err error)
func (f *File) Seek(offset int64, whence int) (ret int64, err error)
func (f *File) Stat() (FileInfo, error)
func (f *File) Sync() error
func (f *File) Truncate(size int64) error
func (f *File) Chmod(mode FileMode) error
func (f *File) Chown(uid, gid int) error
func (f *File) Chdir() error
func (f *File) ReadDir(n int) ([]DirEntry, error)
func (f *File) Readdir(n int) ([]FileInfo, error)
func (f *File) Readdirnames(n int) (names []string, err error)
func (f *File) SetDeadline(t time.Time) error
func (f *File) SetReadDeadline(t time.Time) error
func (f *File) SetWriteDeadline(t time.Time) error
func (f *File) SyscallConn() (syscall.RawConn, error)

func ReadFile(name string) ([]byte, error)
func WriteFile(name string, data []byte, perm FileMode) error
func ReadDir(name string) ([]DirEntry, error)
func Stat(name string) (FileInfo, error)
func Lstat(name string) (FileInfo, error)
func Mkdir(name string, perm FileMode) error
func MkdirAll(path string, perm FileMode) error
func MkdirTemp(dir, pattern string) (string, error)
func TempDir() string
func Remove(name string) error
func RemoveAll(path string) error
func Rename(oldpath, newpath string) error
func Symlink(oldname, newname string) error
func Link(oldname, newname string) error
func Readlink(name string) (string, error)
func Chdir(dir string) error
func Chmod(name string, mode FileMode) error
func Chown(name string, uid, gid int) error
func Lchown(name string, uid, gid int) error
func Chtimes(name string, atime time.Time, mtime time.Time) error
func Truncate(name string, size int64) error
func Getwd() (dir string, err error)
func Hostname() (name string, err error)
func Executable() (string, error)
func UserHomeDir() (string, error)
func UserCacheDir() (string, error)
func UserConfigDir() (string, error)
func DirFS(dir string) fs.FS
func CopyFS(dir string, fsys fs.FS) error
func SameFile(fi1, fi2 FileInfo) bool
func IsPathSeparator(c uint8) bool
func OpenInRoot(dir, name string) (*File, error)

type Root struct{}

func OpenRoot(name string) (*Root, error)
func (r *Root) Name() string
func (r *Root) Close() error
func (r *Root) FS() fs.FS
func (r *Root) Open(name string) (*File, error)
func (r *Root) Create(name string) (*File, error)
func (r *Root) OpenFile(name string, flag int, perm FileMode) (*File, error)
func (r *Root) OpenRoot(name string) (*Root, error)
func (r *Root) ReadFile(name string) ([]byte, error)
func (r *Root) WriteFile(name string, data []byte, perm FileMode) error
func (r *Root) Stat(name string) (FileInfo, error)
func (r *Root) Lstat(name string) (FileInfo, error)
func (r *Root) Mkdir(name string, perm FileMode) error
func (r *Root) MkdirAll(name string, perm FileMode) error
func (r *Root) Remove(name string) error
func (r *Root) RemoveAll(name string) error
func (r *Root) Rename(oldname, newname string) error
func (r *Root) Chmod(name string, mode FileMode) error
func (r *Root) Chown(name string, uid, gid int) error
func (r *Root) Lchown(name string, uid, gid int) error
func (r *Root) Chtimes(name string, atime time.Time, mtime time.Time) error
func (r *Root) Link(oldname, newname string) error
func (r *Root) Symlink(oldname, newname string) error
func (r *Root) Readlink(name string) (string, error)

func IsExist(err error) bool
func IsNotExist(err error) bool
func IsPermission(err error) bool
func IsTimeout(err error) bool

func Exit(code int)
func Getenv(key string) string
func LookupEnv(key string) (string, bool)
func Setenv(key, value string) error
func Unsetenv(key string) error
func Clearenv()
func Environ() []string
func Expand(s string, mapping func(string) string) string
func ExpandEnv(s string) string
func Getpid() int
func Getppid() int
func Getuid() int
func Geteuid() int
func Getgid() int
func Getegid() int
func Getpagesize() int
func Getgroups() ([]int, error)

type Signal interface {
	String() string
	Signal()
}

var (
	Interrupt Signal
	Kill      Signal
)

type ProcAttr struct {
	Dir   string
	Env   []string
	Files []*File
	Sys   *syscall.SysProcAttr
}

type Process struct {
	Pid int
}

func FindProcess(pid int) (*Process, error)
func StartProcess(name string, argv []string, attr *ProcAttr) (*Process, error)
func (p *Process) Kill() error
func (p *Process) Release() error
func (p *Process) Signal(sig Signal) error
func (p *Process) Wait() (*ProcessState, error)

type ProcessState struct{}

func (p *ProcessState) ExitCode() int
func (p *ProcessState) Exited() bool
func (p *ProcessState) Pid() int
func (p *ProcessState) String() string
func (p *ProcessState) Success() bool
func (p *ProcessState) Sys() any
func (p *ProcessState) SysUsage() any
func (p *ProcessState) SystemTime() time.Duration
func (p *ProcessState) UserTime() time.Duration
