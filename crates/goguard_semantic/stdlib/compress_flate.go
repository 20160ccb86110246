// Declarations of package compress/flate used by goguard's light types; signatures only.

package flate

import "io"

const (
	NoCompression      = 0
	BestSpeed          = 1
	BestCompression    = 9
	DefaultCompression = -1
	HuffmanOnly        = -2
)

type Reader interface {
	io.Reader
	io.ByteReader
}

type Resetter interface {
	Reset(r io.Reader, dict []byte) error
}

func NewReader(r io.Reader) io.ReadCloser
func NewReaderDict(r io.Reader, dict []byte) io.ReadCloser

type Writer struct{}

func NewWriter(w io.Writer, level int) (*Writer, error)
func NewWriterDict(w io.Writer, level int, dict []byte) (*Writer, error)
func (w *Writer) Write(data []byte) (n int, err error)
func (w *Writer) Flush() error
func (w *Writer) Close() error
func (w *Writer) Reset(dst io.Writer)

type CorruptInputError int64

func (e CorruptInputError) Error() string
