// Declarations of package crypto/subtle used by goguard's light types; signatures only.

package subtle

func ConstantTimeCompare(x, y []byte) int
func ConstantTimeByteEq(x, y uint8) int
func ConstantTimeEq(x, y int32) int
func ConstantTimeLessOrEq(x, y int) int
func ConstantTimeSelect(v, x, y int) int
func ConstantTimeCopy(v int, x, y []byte)
func XORBytes(dst, x, y []byte) int
func WithDataIndependentTiming(f func())
