// Declarations of package crypto/sha256 used by goguard's light types; signatures only.

package sha256

import "hash"

const BlockSize = 64

const Size = 32

const Size224 = 28

func New() hash.Hash
func New224() hash.Hash
func Sum256(data []byte) [Size]byte
func Sum224(data []byte) [Size224]byte
