// Declarations of package encoding/pem used by goguard's light types; signatures only.

package pem

import "io"

type Block struct {
	Type    string
	Headers map[string]string
	Bytes   []byte
}

func Decode(data []byte) (p *Block, rest []byte)
func Encode(out io.Writer, b *Block) error
func EncodeToMemory(b *Block) []byte
