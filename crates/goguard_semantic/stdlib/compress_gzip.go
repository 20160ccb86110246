// Declarations of package compress/gzip used by goguard's light types; signatures only.

package gzip

import (
	"io"
	"time"
)

const (
	NoCompression      = 0
	BestSpeed          = 1
	BestCompression    = 9
	DefaultCompression = -1
	HuffmanOnly        = -2
)

var (
	ErrChecksum error
	ErrHeader   error
)

type Header struct {
	Comment string
	Extra   []byte
	ModTime time.Time
	Name    string
	OS      byte
}

type Reader struct {
	Header
}

func NewReader(r io.Reader) (*Reader, error)
func (z *Reader) Close() error
func (z *Reader) Multistream(ok bool)
func (z *Reader) Read(p []byte) (n int, err error)
func (z *Reader) Reset(r io.Reader) error

type Writer struct {
	Header
}

func NewWriter(w io.Writer) *Writer
func NewWriterLevel(w io.Writer, level int) (*Writer, error)
func (z *Writer) Close() error
func (z *Writer) Flush() error
func (z *Writer) Reset(w io.Writer)
func (z *Writer) Write(p []byte) (int, error)
