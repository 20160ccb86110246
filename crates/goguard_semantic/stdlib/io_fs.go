// Declarations of package io/fs used by goguard's light types; signatures only.

package fs

import "time"

var (
	ErrInvalid    error
	ErrPermission error
	ErrExist      error
	ErrNotExist   error
	ErrClosed     error
)

var SkipDir error

var SkipAll error

type FS interface {
	Open(name string) (File, error)
}

type File interface {
	Stat() (FileInfo, error)
	Read([]byte) (int, error)
	Close() error
}

type ReadDirFile interface {
	File
	ReadDir(n int) ([]DirEntry, error)
}

type ReadFileFS interface {
	FS
	ReadFile(name string) ([]byte, error)
}

type ReadDirFS interface {
	FS
	ReadDir(name string) ([]DirEntry, error)
}

type StatFS interface {
	FS
	Stat(name string) (FileInfo, error)
}

type ReadLinkFS interface {
	FS
	ReadLink(name string) (string, error)
	Lstat(name string) (FileInfo, error)
}

type FileInfo interface {
	Name() string
	Size() int64
	Mode() FileMode
	ModTime() time.Time
	IsDir() bool
	Sys() any
}

type DirEntry interface {
	Name() string
	IsDir() bool
	Type() FileMode
	Info() (FileInfo, error)
}

type FileMode uint32

const (
	ModeDir FileMode = 1 << (32 - 1 - iota)
	ModeAppend
	ModeExclusive
	ModeTemporary
	ModeSymlink
	ModeDevice
	ModeNamedPipe
	ModeSocket
	ModeSetuid
	ModeSetgid
	ModeCharDevice
	ModeSticky
	ModeIrregular

	ModeType FileMode = ModeDir | ModeSymlink | ModeNamedPipe | ModeSocket | ModeDevice | ModeCharDevice | ModeIrregular

	ModePerm FileMode = 0777
)

func (m FileMode) String() string
func (m FileMode) IsDir() bool
func (m FileMode) IsRegular() bool
func (m FileMode) Perm() FileMode
func (m FileMode) Type() FileMode

type PathError struct {
	Op   string
	Path string
	Err  error
}

func (e *PathError) Error() string
func (e *PathError) Unwrap() error
func (e *PathError) Timeout() bool

type WalkDirFunc func(path string, d DirEntry, err error) error

func WalkDir(fsys FS, root string, fn WalkDirFunc) error
func ReadFile(fsys FS, name string) ([]byte, error)
func ReadDir(fsys FS, name string) ([]DirEntry, error)
func Stat(fsys FS, name string) (FileInfo, error)
func Glob(fsys FS, pattern string) (matches []string, err error)
func Sub(fsys FS, dir string) (FS, error)
func ValidPath(name string) bool
func ReadLink(fsys FS, name string) (string, error)
func Lstat(fsys FS, name string) (FileInfo, error)
func FileInfoToDirEntry(info FileInfo) DirEntry
func FormatFileInfo(info FileInfo) string
