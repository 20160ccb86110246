// Declarations of package archive/tar used by goguard's light types; signatures only.

package tar

import (
	"io"
	"io/fs"
	"time"
)

var (
	ErrHeader          error
	ErrWriteTooLong    error
	ErrFieldTooLong    error
	ErrWriteAfterClose error
	ErrInsecurePath    error
)

const (
	TypeReg     = '0'
	TypeLink    = '1'
	TypeSymlink = '2'
	TypeChar    = '3'
	TypeBlock   = '4'
	TypeDir     = '5'
	TypeFifo    = '6'
)

type Format int

func (f Format) String() string

type Header struct {
	Typeflag   byte
	Name       string
	Linkname   string
	Size       int64
	Mode       int64
	Uid        int
	Gid        int
	Uname      string
	Gname      string
	ModTime    time.Time
	AccessTime time.Time
	ChangeTime time.Time
	Devmajor   int64
	Devminor   int64
	PAXRecords map[string]string
	Format     Format
}

func FileInfoHeader(fi fs.FileInfo, link string) (*Header, error)
func (h *Header) FileInfo() fs.FileInfo

type Reader struct{}

func NewReader(r io.Reader) *Reader
func (tr *Reader) Next() (*Header, error)
func (tr *Reader) Read(b []byte) (int, error)

type Writer struct{}

func NewWriter(w io.Writer) *Writer
func (tw *Writer) AddFS(fsys fs.FS) error
func (tw *Writer) Close() error
func (tw *Writer) Flush() error
func (tw *Writer) Write(b []byte) (int, error)
func (tw *Writer) WriteHeader(hdr *Header) error
