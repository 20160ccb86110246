// Declarations of package crypto/hmac used by goguard's light types; signatures only.

package hmac

import "hash"

func New(h func() hash.Hash, key []byte) hash.Hash
func Equal(mac1, mac2 []byte) bool
