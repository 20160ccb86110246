// Declarations of package encoding/gob used by goguard's light types; signatures only.

package gob

import (
	"io"
	"reflect"
)

func Register(value any)
func RegisterName(name string, value any)

type Decoder struct{}

func NewDecoder(r io.Reader) *Decoder
func (dec *Decoder) Decode(e any) error
func (dec *Decoder) DecodeValue(v reflect.Value) error

type Encoder struct{}

func NewEncoder(w io.Writer) *Encoder
func (enc *Encoder) Encode(e any) error
func (enc *Encoder) EncodeValue(value reflect.Value) error

type GobEncoder interface {
	GobEncode() ([]byte, error)
}

type GobDecoder interface {
	GobDecode([]byte) error
}
