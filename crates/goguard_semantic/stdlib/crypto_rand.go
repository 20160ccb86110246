// Declarations of package crypto/rand used by goguard's light types; signatures only.

package rand

import (
	"io"
	"math/big"
)

var Reader io.Reader

func Read(b []byte) (n int, err error)
func Text() string
func Int(rand io.Reader, max *big.Int) (n *big.Int, err error)
func Prime(r io.Reader, bits int) (*big.Int, error)
