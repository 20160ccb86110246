// Declarations of package mime/multipart used by goguard's light types; signatures only.

package multipart

import (
	"io"
	"net/textproto"
)

var ErrMessageTooLarge error

func FileContentDisposition(fieldname, filename string) string

type File interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
}

type FileHeader struct {
	Filename string
	Header   textproto.MIMEHeader
	Size     int64
}

func (fh *FileHeader) Open() (File, error)

type Form struct {
	Value map[string][]string
	File  map[string][]*FileHeader
}

func (f *Form) RemoveAll() error

type Part struct {
	Header textproto.MIMEHeader
}

func (p *Part) Close() error
func (p *Part) FileName() string
func (p *Part) FormName() string
func (p *Part) Read(d []byte) (n int, err error)

type Reader struct{}

func NewReader(r io.Reader, boundary string) *Reader
func (r *Reader) NextPart() (*Part, error)
func (r *Reader) NextRawPart() (*Part, error)
func (r *Reader) ReadForm(maxMemory int64) (*Form, error)

type Writer struct{}

func NewWriter(w io.Writer) *Writer
func (w *Writer) Boundary() string
func (w *Writer) Close() error
func (w *Writer) CreateFormField(fieldname string) (io.Writer, error)
func (w *Writer) CreateFormFile(fieldname, filename string) (io.Writer, error)
func (w *Writer) CreatePart(header textproto.MIMEHeader) (io.Writer, error)
func (w *Writer) FormDataContentType() string
func (w *Writer) SetBoundary(boundary string) error
func (w *Writer) WriteField(fieldname, value string) error
